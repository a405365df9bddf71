"""Load libslurm once and hand out ``ffi``/``lib``.

libslurm dlopen()s its plugins (auth/jwt, select/..., ...) and they resolve
libslurm symbols such as ``slurm_conf`` from the global namespace, so
libslurmfull must be loaded with RTLD_GLOBAL *before* the cffi module (which links
it) is imported; otherwise a plugin fails with "undefined symbol: slurm_conf".

Environment that libslurm reads must be in ``os.environ`` before :func:`load`:
``SLURM_CONF`` (or pass ``conf=``), and ``SLURM_JWT=daemon`` when requests will
run under :func:`restd.native.identity.as_user` with a JWT (``jwt_daemon=True``
sets it).
"""
import ctypes
import glob
import logging
import os
import sys
import threading

LIBRARY_FILE = "libslurmfull.so"
LIB_CANDIDATES = [
    "/usr/lib/*-linux-gnu/slurm-wlm",
    "/usr/lib/*-linux-gnu/slurm",
    "/usr/lib64/slurm",
    "/usr/lib/slurm",
    "/usr/local/lib/slurm",
    "/opt/slurm/lib/slurm",
    "/opt/slurm/lib64/slurm",
]

# Set in the environment of the process re-executed by ensure_preloaded(): the
# libslurmfull path it put in LD_PRELOAD.
PRELOADED_MARK = "RESTD_LIBSLURMFULL_PRELOADED"

log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded = None  # (ffi, lib) once load() succeeded
_handle = None  # keeps the RTLD_GLOBAL handle alive


class SlurmLoadError(RuntimeError):
    """libslurmfull or the compiled binding could not be loaded or initialised."""


def find_library():
    """Path of libslurmfull.so: $RESTD_LIBSLURMFULL, $SLURM_LIB_DIR, or searched."""
    explicit = os.environ.get("RESTD_LIBSLURMFULL")
    if explicit:
        return explicit
    env_dir = os.environ.get("SLURM_LIB_DIR")
    patterns = [env_dir] if env_dir else LIB_CANDIDATES
    for pattern in patterns:
        for directory in sorted(glob.glob(pattern)):
            path = os.path.join(directory, LIBRARY_FILE)
            if os.path.exists(path):
                return path
    raise SlurmLoadError("%s not found in %s" % (LIBRARY_FILE, ", ".join(patterns)))


def ensure_preloaded():
    """Re-execute this process (same argv) with libslurmfull in LD_PRELOAD, once.

    libslurmfull and its plugins log through a function named ``error`` (log.c), and
    glibc exports ``error(3)`` too. A program linked against libslurmfull finds
    Slurm's first; in Python, libc is in the global scope before any library loaded
    later, so libslurm's ``error("...: %m")`` runs glibc's ``error(status, errnum,
    format)``: it exits the process or crashes (no fd left for a socket, slurmdbd
    unreachable). Preloaded, libslurmfull comes before libc and every caller gets
    Slurm's. Call it first thing in the daemon, while the process has one thread.
    Without libslurmfull (a build host) nothing is done."""
    try:
        path = find_library()
    except SlurmLoadError:
        return
    preloaded = os.environ.get("LD_PRELOAD", "").replace(":", " ").split()
    if os.environ.get(PRELOADED_MARK) == path:
        # done: children restd might start need not carry it
        os.environ["LD_PRELOAD"] = " ".join(entry for entry in preloaded if entry != path)
        if not os.environ["LD_PRELOAD"]:
            del os.environ["LD_PRELOAD"]
        return
    if path in preloaded:
        return
    environ = dict(os.environ, LD_PRELOAD=" ".join([path, *preloaded]))
    environ[PRELOADED_MARK] = path
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, sys.orig_argv, environ)
    except OSError as error:  # still running, unprotected: load() will say so
        log.warning("cannot re-execute %s with %s preloaded: %s", sys.executable, path, error)


def slurm_logs_through_slurm():
    """True when ``error`` resolves to libslurm's own log function (see
    :func:`ensure_preloaded`), False when to glibc's error(3)."""
    if _handle is None:
        return False
    first = ctypes.cast(ctypes.CDLL(None).error, ctypes.c_void_p).value
    return first == ctypes.cast(_handle.slurm_error, ctypes.c_void_p).value


def load(conf=None, jwt_daemon=False):
    """Load and initialise libslurm once; return ``(ffi, lib)``.

    conf: path of slurm.conf; default ``$SLURM_CONF`` (libslurm's own default
    when unset).  jwt_daemon: set ``SLURM_JWT=daemon`` first, so that the auth/jwt
    plugin is used and per-thread tokens (identity.as_user) are sent.
    Later calls return the same pair and ignore their arguments.
    """
    global _loaded, _handle
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        if jwt_daemon:
            os.environ["SLURM_JWT"] = "daemon"
        if conf is not None:
            os.environ["SLURM_CONF"] = conf
        conf_path = os.environ.get("SLURM_CONF")
        if conf_path and not os.path.isfile(conf_path):
            # libslurm would fatal() (exit the process) on a missing file
            raise SlurmLoadError("SLURM_CONF %r: no such file" % conf_path)
        path = find_library()
        try:
            _handle = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        except OSError as exc:
            raise SlurmLoadError("cannot load %s: %s" % (path, exc)) from exc
        try:
            from restd._libslurm import ffi, lib
        except ImportError as exc:
            raise SlurmLoadError(
                "restd._libslurm is not built (pip install -e . or "
                "python setup.py build_ext --inplace): %s" % exc
            ) from exc
        lib.restd_slurm_init(conf_path.encode() if conf_path else ffi.NULL)
        if lib.slurm_conf.control_cnt == 0:
            raise SlurmLoadError(
                "slurm configuration %r not loaded (no SlurmctldHost)"
                % (conf_path or "default",)
            )
        _loaded = (ffi, lib)
        if not slurm_logs_through_slurm():
            log.warning("libslurm's error() resolves to glibc's error(3): a libslurm error "
                        "(slurmdbd unreachable, no file descriptor left) can end this "
                        "process; preload %s (restd does: library.ensure_preloaded)", path)
        return _loaded


def loaded():
    """True once :func:`load` has succeeded."""
    return _loaded is not None


def get():
    """``(ffi, lib)``, loading with the defaults if needed."""
    return _loaded if _loaded is not None else load()


def list_items(handle, c_type: str) -> list:
    """The items of a libslurm ``list_t *`` (none for NULL), each cast to ``c_type``."""
    ffi, lib = get()
    if handle == ffi.NULL:
        return []
    items = []
    it = lib.slurm_list_iterator_create(handle)
    try:
        while (item := lib.slurm_list_next(it)) != ffi.NULL:
            items.append(ffi.cast(c_type, item))
    finally:
        lib.slurm_list_iterator_destroy(it)
    return items
