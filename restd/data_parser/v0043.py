"""The v0.0.43 descriptions: v0.0.42 plus what Slurm 25.05 changed in
src/plugins/data_parser/v0.0.43/, declared change by change, each saying what
Slurm changed (``why``). Drafted with ``python -m
restd.data_parser.tools.draft_changes v0.0.42 v0.0.43 --document
../shared/reference/slurmrestd-26.05.5-openapi.json`` and written from
v0.0.43/parsers.c; tests/test_openapi_parity.py checks the result against
slurmrestd 26.05.5's document.

The accounting (slurmdbd) changes are in restd.data_parser.v0043_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import v0043_slurmdb as _slurmdb
from restd.data_parser.v0042 import V0042

NAME = "v0.0.43"

# Kinds v0.0.43 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

CHANGES = ()

# The request and response bodies of the slurmctld operations v0.0.43 adds
# (their kinds, published with OPERATION_ROOTS).
OPERATION_ROOTS: tuple[str, ...] = ()
OPERATIONS = ()

V0043 = V0042.derive(
    NAME, (*CHANGES, *OPERATIONS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *_slurmdb.ROOTS),
    flag_components=False)
V0043.check()
