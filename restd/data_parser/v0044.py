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

from restd.data_parser import v0044_slurmdb as _slurmdb
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
UTIL_ROOTS: tuple[str, ...] = ()
UTIL_OPERATIONS = ()

V0044 = V0043.derive(
    NAME, (*CHANGES, *OPERATIONS, *UTIL_OPERATIONS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *UTIL_ROOTS, *_slurmdb.ROOTS))
V0044.check()
