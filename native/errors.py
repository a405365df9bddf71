"""Slurm return codes as Python exceptions.

Every return code from libslurm goes through :func:`check_error`.  Slurm calls
return ``SLURM_SUCCESS`` (0), or ``SLURM_ERROR`` (-1) with the thread's Slurm errno
set, or (some calls) the error number itself.  cffi saves ``errno`` after each
call and restores it before the next one in the same thread, so reading it in
``check_error`` right after the call sees the value that call left.
"""
import errno as _errno

from restd.native import library

SLURM_SUCCESS = 0
SLURM_ERROR = -1
SLURM_NO_CHANGE_IN_DATA = 1900

_names = None  # number -> name, built from the generated table on first use
_numbers = None  # name -> number


def _table():
    global _names, _numbers
    if _names is None:
        ffi, lib = library.get()
        entries = lib.restd_errno_table()
        names = {}
        for i in range(lib.restd_errno_table_size()):
            names.setdefault(entries[i].number, ffi.string(entries[i].name).decode())
        _numbers = {name: number for number, name in names.items()}
        _names = names
    return _names, _numbers


def error_name(number):
    """Symbolic name of a Slurm (or POSIX) error number, e.g. ``ESLURM_INVALID_JOB_ID``."""
    names, _ = _table()
    name = names.get(number)
    if name is None:
        name = _errno.errorcode.get(number, "UNKNOWN_ERROR_%d" % number)
    return name


def error_number(name):
    """Number of a Slurm error name; ``KeyError`` when this Slurm version lacks it."""
    _, numbers = _table()
    if name in numbers:
        return numbers[name]
    return getattr(_errno, name)  # POSIX names such as "ETIMEDOUT"


def describe(number):
    """slurm_strerror(): Slurm's text for an error number."""
    ffi, lib = library.get()
    text = lib.slurm_strerror(number)
    return ffi.string(text).decode(errors="replace") if text != ffi.NULL else ""


class SlurmError(Exception):
    """A libslurm call failed; ``number``, ``name`` and ``description`` say why."""

    def __init__(self, number, name=None, description=None, call=None):
        self.number = number
        self.name = name if name is not None else error_name(number)
        self.description = description if description is not None else describe(number)
        self.call = call
        super().__init__(number, self.name, self.description)

    def __str__(self):
        prefix = "%s: " % self.call if self.call else ""
        return "%s%s (%d): %s" % (prefix, self.name, self.number, self.description)


def last_errno():
    """The Slurm errno the previous libslurm call in this thread left."""
    return library.get()[1].restd_get_errno()


def check_error(rc, call=None):
    """Return ``rc`` if it is SLURM_SUCCESS, else raise :class:`SlurmError`."""
    if rc == SLURM_SUCCESS:
        return rc
    number = rc
    if rc == SLURM_ERROR:
        number = library.get()[1].restd_get_errno()
        if number == 0:
            number = SLURM_ERROR
    raise SlurmError(number, call=call)


def not_supported(what):
    """The error raised for a call this Slurm version does not have."""
    try:
        number = error_number("ESLURM_NOT_SUPPORTED")
    except (KeyError, AttributeError):
        number = _errno.ENOSYS
    return SlurmError(number, description="%s is not supported by this Slurm version" % what,
                      call=what)
