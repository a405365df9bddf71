"""Slurm's hostlists, by libslurm itself: what the data_parser's HOSTLIST_STRING
and HOSTLIST_STRING_TO_STRING parsers compute (src/plugins/data_parser/
v0.0.4x/parsers.c), with the very functions they call, so that restd's answer is
Slurm's on every release:

* :func:`ranged` — an expression or a list of entries (each a name or an
  expression) into hostlist_ranged_string(): ``["n1", "n2", "n3", "m"]`` ->
  ``"n[1-3],m"`` (hostlist_create() / hostlist_push(), in the given order,
  duplicates kept, as Slurm does);
* :func:`names` — an expression expanded into its host names (hostlist_shift()).

An expression can name billions of hosts in a few bytes (``a[0-65535]b[0-65535]``
names 2^32), and libslurm counts a hostlist's hosts in an ``int``: past 2^31 it
overflows and the hostlist reads as empty (hostlist_shift() gives nothing, so a
wrong, empty answer). So the client's text is bounded before libslurm reads it
(:func:`host_bound`, an upper bound of the hosts it names): :func:`ranged`
refuses more than an ``int`` holds and :func:`names` more than its limit
(:class:`TooManyHosts`); :func:`names` also stops shifting at its limit.
"""
from __future__ import annotations

import re
from typing import Sequence, Union

from restd.native import library


# hostlist_t.nhosts is an int
HOSTLIST_MAX_HOSTS = (1 << 31) - 1

# hostlist_create()'s separators between entries, outside brackets (hostlist.c)
_SEPARATORS = frozenset("\t, \n")
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_RANGE = re.compile(r"\s*([0-9]+)\s*-\s*([0-9]+)")


def host_bound(expression: str) -> int:
    """An upper bound of the number of hosts ``expression`` names, read as
    hostlist_create() splits it: entries at separators outside brackets, each
    entry the product of its bracket groups (``a[1-4]b[1-2]``: 8), a group the sum
    of its ranges (``lo-hi``: hi-lo+1; anything else: 1, at most one host or an
    error). Never less than what libslurm counts, so that a bound within an
    ``int`` keeps libslurm's count from overflowing."""
    total, depth, start = 0, 0, 0
    entries = []
    for index, char in enumerate(expression):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in _SEPARATORS:
            entries.append(expression[start:index])
            start = index + 1
    entries.append(expression[start:])
    for entry in entries:
        count = 1
        for group in _BRACKETS.findall(entry):
            in_group = 0
            for item in group.split(","):
                match = _RANGE.match(item)
                in_group += max(int(match.group(2)) - int(match.group(1)) + 1, 1) \
                    if match else 1
            count *= max(in_group, 1)
        total += count
    return total


# names() without a limit: every name (what Slurm's own data holds, node lists)
NO_LIMIT = (1 << 64) - 1  # SIZE_MAX on the 64-bit platforms restd builds on


class InvalidHostlist(ValueError):
    """libslurm could not read an entry: ``index`` is its position in the list
    given (None for a single expression), ``entry`` the text."""

    def __init__(self, message: str, entry: str, index: "int | None" = None):
        super().__init__(message)
        self.entry = entry
        self.index = index


class TooManyHosts(ValueError):
    """The expression names more hosts than the limit."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit} host names")
        self.limit = limit


def _create(ffi, lib, expression: "str | None"):
    handle = lib.restd_hostlist_create(
        ffi.NULL if expression is None else expression.encode())
    if handle == ffi.NULL:
        raise InvalidHostlist(f"Invalid hostlist string: {expression}", expression or "")
    return handle


def ranged(hosts: Union[str, Sequence[str]]) -> str:
    """hostlist_ranged_string() of ``hosts``: one expression (hostlist_create(),
    as Slurm parses a string) or a list of entries (hostlist_create(NULL) and
    hostlist_push() of each, as Slurm parses a list). Raises InvalidHostlist, and
    TooManyHosts for more hosts than libslurm can count."""
    entries = [hosts] if isinstance(hosts, str) else hosts
    if sum(host_bound(entry) for entry in entries) > HOSTLIST_MAX_HOSTS:
        raise TooManyHosts(HOSTLIST_MAX_HOSTS)
    ffi, lib = library.get()
    if isinstance(hosts, str):
        handle = _create(ffi, lib, hosts)
    else:
        handle = _create(ffi, lib, None)
    try:
        if not isinstance(hosts, str):
            for index, entry in enumerate(hosts):
                if not lib.restd_hostlist_push(handle, entry.encode()):
                    raise InvalidHostlist(f"Invalid host string: {entry}", entry, index)
        text = lib.restd_hostlist_ranged_string(handle)
        try:
            return ffi.string(text).decode(errors="replace") if text != ffi.NULL else ""
        finally:
            if text != ffi.NULL:
                lib.slurm_xfree_ptr(text)
    finally:
        lib.restd_hostlist_destroy(handle)


def names(expression: str, limit: int) -> list[str]:
    """The host names of ``expression`` in hostlist order (hostlist_create() then
    hostlist_shift() of each, as Slurm's HOSTLIST dumper iterates), at most
    ``limit`` of them (TooManyHosts beyond). Raises InvalidHostlist."""
    if not expression:
        return []
    if host_bound(expression) > min(limit, HOSTLIST_MAX_HOSTS):
        raise TooManyHosts(min(limit, HOSTLIST_MAX_HOSTS))
    ffi, lib = library.get()
    handle = _create(ffi, lib, expression)
    try:
        length = ffi.new("size_t *")
        count = ffi.new("size_t *")
        left_over = ffi.new("int *")
        buffer = lib.restd_hostlist_shift_names(handle, limit, length, count, left_over)
        if buffer == ffi.NULL:
            raise MemoryError("restd_hostlist_shift_names")
        try:
            if left_over[0]:
                raise TooManyHosts(limit)
            data = ffi.unpack(buffer, length[0])
        finally:
            lib.restd_free(buffer)
    finally:
        lib.restd_hostlist_destroy(handle)
    if not count[0]:
        return []
    return data[:-1].decode(errors="replace").split("\0")
