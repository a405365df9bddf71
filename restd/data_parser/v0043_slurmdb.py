"""The v0.0.43 accounting (slurmdbd) objects: v0.0.42's
(restd.data_parser.v0042_slurmdb) plus what Slurm 25.05 changed in
src/plugins/data_parser/v0.0.43/parsers.c, change by change, each saying what
Slurm changed (``why``). restd.data_parser.v0043 derives V0043 with
``*CHANGES, *QUERY_CHANGES`` and publishes ``ROOTS``.
"""
from __future__ import annotations

# Kinds v0.0.43 adds as /slurmdb/ request or response bodies.
ROOTS: tuple[str, ...] = ()

CHANGES = ()

# Changes to the /slurmdb/ query kinds (restd.data_parser.v0040_slurmdb.QUERY_KINDS).
QUERY_CHANGES = ()
