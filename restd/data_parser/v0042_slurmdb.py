"""The v0.0.42 accounting (slurmdbd) changes: placeholder, described by the
accounting side. restd.data_parser.v0042 derives V0042 with ``*CHANGES`` and
publishes ``ROOTS`` (the kind names v0.0.42 adds as request and response
bodies of the /slurmdb/ operations)."""
from __future__ import annotations

CHANGES: tuple = ()
ROOTS: tuple = ()
