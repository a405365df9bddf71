"""The v0.0.44 accounting (slurmdbd) objects: v0.0.43's
(restd.data_parser.v0043_slurmdb) plus what Slurm 25.11 changed in
src/plugins/data_parser/v0.0.44/parsers.c, change by change, each saying what
Slurm changed (``why``). restd.data_parser.v0044 derives V0044 with
``*CHANGES, *QUERY_CHANGES`` and publishes ``ROOTS``.
"""
from __future__ import annotations

# Kinds v0.0.44 adds as /slurmdb/ request or response bodies.
ROOTS: tuple[str, ...] = ()

CHANGES = ()

# Changes to the /slurmdb/ query kinds (restd.data_parser.v0040_slurmdb.QUERY_KINDS).
QUERY_CHANGES = ()
