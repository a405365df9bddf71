"""The v0.0.44 descriptions: v0.0.43 plus what Slurm 25.11 changed in
src/plugins/data_parser/v0.0.44/, declared change by change, each saying what
Slurm changed (``why``). Drafted with ``python -m
restd.data_parser.tools.draft_changes v0.0.43 v0.0.44 --document
../shared/reference/slurmrestd-26.05.5-openapi.json`` and written from
v0.0.44/parsers.c; tests/test_openapi_parity.py checks the result against
slurmrestd 26.05.5's document.

The accounting (slurmdbd) changes are in restd.data_parser.v0044_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser import v0044_slurmdb as _slurmdb
from restd.data_parser.describe import AddKind
from restd.data_parser.types import HostlistExpression
from restd.data_parser.v0043 import V0043

NAME = "v0.0.44"

# Kinds v0.0.44 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

CHANGES = ()

# The request and response bodies of the slurmctld operations v0.0.44 adds
# (their kinds, published with OPERATION_ROOTS).
OPERATION_ROOTS: tuple[str, ...] = ()
OPERATIONS = ()

# The bodies of the util plugin's operations (POST /util/v0.0.44/hostlist and
# hostnames), which v0.0.44 adds.
UTIL_ROOTS: tuple[str, ...] = ("OPENAPI_HOSTLIST_REQ_RESP", "OPENAPI_HOSTNAMES_REQ_RESP")
UTIL_OPERATIONS = (
    AddKind(HostlistExpression("HOSTLIST_STRING_TO_STRING", None),
            why="25.11 v0.0.44: a hostlist expression kept a string, read as a hostlist "
                "to validate it and stored ranged (parsers.c HOSTLIST_STRING_TO_STRING)"),
    # Each body is both a request and an answer: POST hostlist reads hostnames and
    # answers hostlist, POST hostnames the other way (openapi/util convert_format.c).
    AddKind(rules.response("OPENAPI_HOSTLIST_REQ_RESP", "openapi_resp_single_t", "hostlist",
                           "HOSTLIST_STRING_TO_STRING"),
            why="25.11 v0.0.44: openapi/util's hostlist expression body "
                "(parsers.c OPENAPI_HOSTLIST_REQ_RESP)"),
    AddKind(rules.response("OPENAPI_HOSTNAMES_REQ_RESP", "openapi_resp_single_t",
                           "hostnames", "HOSTLIST_STRING"),
            why="25.11 v0.0.44: openapi/util's array of host names body "
                "(parsers.c OPENAPI_HOSTNAMES_REQ_RESP)"),
)

V0044 = V0043.derive(
    NAME, (*CHANGES, *OPERATIONS, *UTIL_OPERATIONS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *UTIL_ROOTS, *_slurmdb.ROOTS))
V0044.check()
