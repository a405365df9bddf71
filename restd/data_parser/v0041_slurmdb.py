"""The v0.0.41 accounting (slurmdbd) changes: placeholder, described by the
accounting side. restd.data_parser.v0041 derives V0041 with ``*CHANGES`` and
publishes ``ROOTS`` (the kind names v0.0.41 adds as request and response
bodies of the /slurmdb/ operations)."""
from __future__ import annotations

CHANGES: tuple = ()
ROOTS: tuple = ()
