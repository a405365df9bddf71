"""The v0.0.42 descriptions: v0.0.41 plus what Slurm 24.11 changed in
src/plugins/data_parser/v0.0.42/ (slurm-24-11-5-1), declared change by
change, each saying what Slurm changed (``why``).

Whole-version differences (restd.data_parser.describe.Properties): v0.0.42
publishes its schemas as components again, as v0.0.40 did, and names the
{set, infinite, number} components ``*_no_val_struct``
(``v0.0.42_uint32_no_val_struct``).

The accounting (slurmdbd) changes are in restd.data_parser.v0042_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import v0042_slurmdb as _slurmdb
from restd.data_parser.v0041 import V0041

NAME = "v0.0.42"

# Kinds v0.0.42 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

CHANGES: tuple = ()

V0042 = V0041.derive(
    NAME, (*CHANGES, *_slurmdb.CHANGES), roots=(*ROOTS, *_slurmdb.ROOTS),
    inline_schemas=False, no_val_suffix="_struct")
V0042.check()
