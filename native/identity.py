"""Run libslurm calls as a given user (slurmrestd's per-request identity).

With ``SLURM_JWT=daemon`` in the environment when libslurm loads
(``library.load(jwt_daemon=True)``), ``auth_g_thread_config(token, user)`` makes
every RPC *of the calling thread* carry that JWT, until ``auth_g_thread_clear()``.
So the whole request must run in one thread: enter :func:`as_user` and make the
calls inside the same executor job, e.g. ``loop.run_in_executor(pool, run_as,
token, user, controller.load_jobs)``.
"""
import contextlib
import threading

from restd.native import library
from restd.native.errors import check_error


def _encode(value):
    if value is None:
        return None
    return value.encode() if isinstance(value, str) else bytes(value)


@contextlib.contextmanager
def as_user(token, user=None):
    """Within the block, this thread's RPCs authenticate with ``token`` (and ``user``)."""
    ffi, lib = library.get()
    token_b = _encode(token)
    user_b = _encode(user)
    thread = threading.get_ident()
    check_error(
        lib.auth_g_thread_config(
            token_b if token_b is not None else ffi.NULL,
            user_b if user_b is not None else ffi.NULL,
        ),
        call="auth_g_thread_config",
    )
    try:
        yield
    finally:
        if threading.get_ident() != thread:  # pragma: no cover - a programming error
            raise RuntimeError("as_user() left in another thread than it was entered in")
        lib.auth_g_thread_clear()


def run_as(token, user, fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)`` as ``user`` in the current thread (for executors)."""
    with as_user(token, user):
        return fn(*args, **kwargs)
