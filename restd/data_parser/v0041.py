"""The v0.0.41 descriptions: v0.0.40 plus what Slurm 24.11 changed in
src/plugins/data_parser/v0.0.41/ (slurm-24-11-5-1), declared change by
change, each saying what Slurm changed (``why``).

Whole-version differences are properties of the version, not per-kind
copies (restd.data_parser.describe.Properties): v0.0.41 publishes only its
request and response bodies as components and writes every other schema
inline, gives the {set, infinite, number} objects no defaults and a number
sized as its C type, and marks deprecated fields.

The accounting (slurmdbd) changes are in restd.data_parser.v0041_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import v0041_alloc as _alloc
from restd.data_parser import v0041_slurmdb as _slurmdb
from restd.data_parser.v0040 import V0040

NAME = "v0.0.41"

# Kinds v0.0.41 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

CHANGES: tuple = ()

V0041 = V0040.derive(
    NAME, (*CHANGES, *_alloc.CHANGES, *_slurmdb.CHANGES),
    roots=(*ROOTS, *_alloc.ROOTS, *_slurmdb.ROOTS),
    inline_schemas=True, no_val_defaults=False, no_val_sized_number=True,
    deprecated_fields_marked=True, parameters_deprecated_written=False)
V0041.check()
