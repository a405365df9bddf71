"""The v0.0.41 accounting (slurmdbd) objects: v0.0.40's
(restd.data_parser.v0040_slurmdb) plus what Slurm 24.11 changed in
src/plugins/data_parser/v0.0.41/parsers.c (slurm-24-11-5-1), change by
change, each saying what Slurm changed (``why``). restd.data_parser.v0041
derives V0041 with ``*CHANGES`` and publishes ``ROOTS``.

The changes were found by comparing the reference document's v0.0.40 and
v0.0.41 /slurmdb/ bodies field by field (refs resolved) and reading the
parsers.c diff between the two versions; tests/test_slurmdb_schema_versions.py
checks the result against the reference. The rules they use are in
restd.data_parser.rules.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser.describe import (AddFields, AddKind, Field as F, Object, RemoveFields,
                                        ReplaceKind)
from restd.data_parser.types import STRING, FlagBit, Flags, Special

# slurmdb.h (24.11): the account and association flags share a layout, the bits
# 0-15 stored in the database (the *_BASE masks), the rest only in requests
_ACCT_BASE = ("SLURMDB_ACCT_FLAG_BASE", 0xffff)
_ASSOC_BASE = ("ASSOC_FLAG_BASE", 0xffff)
_ALL = ("INFINITE64", 0xffffffffffffffff)


def _flag(name, macro, value, mask):
    return FlagBit(name, "bit", macro, value, mask[0], mask[1])


def _hidden(name, macro, value, mask):
    """Slurm's hidden entries: parsed, never dumped nor listed in the schema."""
    return FlagBit(name, "equal", macro, value, mask[0], mask[1], hidden=True)


ACCOUNT_FLAGS = Flags("ACCOUNT_FLAGS", "account_flags", "slurmdb_acct_flags_t", (
    _hidden("NONE", "SLURMDB_ACCT_FLAG_NONE", 0x0, _ACCT_BASE),
    _hidden("BASE_MASK", "SLURMDB_ACCT_FLAG_BASE", 0xffff, _ACCT_BASE),
    _hidden("INVALID", "SLURMDB_ACCT_FLAG_INVALID", 0x10001, _ALL),
    _flag("DELETED", "SLURMDB_ACCT_FLAG_DELETED", 0x1, _ACCT_BASE),
    _flag("WithAssociations", "SLURMDB_ACCT_FLAG_WASSOC", 0x2, _ACCT_BASE),
    _flag("WithCoordinators", "SLURMDB_ACCT_FLAG_WCOORD", 0x4, _ACCT_BASE),
    _flag("NoUsersAreCoords", "SLURMDB_ACCT_FLAG_USER_COORD_NO", 0x8, _ACCT_BASE),
    _flag("UsersAreCoords", "SLURMDB_ACCT_FLAG_USER_COORD", 0x10000, _ALL),
))

ASSOC_FLAGS = Flags("ASSOC_FLAGS", "assoc_flags", "slurmdb_assoc_flags_t", (
    _hidden("NONE", "ASSOC_FLAG_NONE", 0x0, _ASSOC_BASE),
    _hidden("BASE_MASK", "ASSOC_FLAG_BASE", 0xffff, _ASSOC_BASE),
    _hidden("INVALID", "ASSOC_FLAG_INVALID", 0x10001, _ALL),
    _flag("DELETED", "ASSOC_FLAG_DELETED", 0x1, _ASSOC_BASE),
    _flag("NoUpdate", "ASSOC_FLAG_NO_UPDATE", 0x2, _ASSOC_BASE),
    _flag("Exact", "ASSOC_FLAG_EXACT", 0x4, _ASSOC_BASE),
    _flag("NoUsersAreCoords", "ASSOC_FLAG_USER_COORD_NO", 0x8, _ASSOC_BASE),
    _flag("UsersAreCoords", "ASSOC_FLAG_USER_COORD", 0x10000, _ALL),
))


def _rollup_field(key: str, kind: str, member: str, period: str) -> F:
    return F(key, kind, f"{member}[{period}]", required=True)


# PARSER_ARRAY(ROLLUP_STATS): slurmdb_rollup_stats_t's arrays, one object per period
ROLLUP_STATS = Object("ROLLUP_STATS", "rollup_stats", "slurmdb_rollup_stats_t", tuple(
    _rollup_field(f"{name}/{key}", kind, member, period)
    for key, kind, member in (("count", "UINT16", "count"),
                              ("last_run", "TIMESTAMP", "timestamp"),
                              ("duration/last", "UINT64", "time_last"),
                              ("duration/max", "UINT64", "time_max"),
                              ("duration/time", "UINT64", "time_total"))
    for name, period in zip(("hourly", "daily", "monthly"), rules.ROLLUP_PERIODS)))


def _complex_string(name: str, dump) -> Special:
    """A read-only string computed from the whole job record (PARSE_DISABLED)."""
    return Special(name, dump, rules.read_only_complex(name), openapi=STRING,
                   complex=True, c_type="slurmdb_job_rec_t")


CHANGES = (
    ReplaceKind(ACCOUNT_FLAGS, why=(
        "PARSER_FLAG_ARRAY(ACCOUNT_FLAGS) gained WithAssociations, WithCoordinators, "
        "NoUsersAreCoords and UsersAreCoords (slurmdb_acct_flags_t of 24.11), and "
        "hidden NONE, BASE_MASK and INVALID")),
    ReplaceKind(ASSOC_FLAGS, why=(
        "PARSER_FLAG_ARRAY(ASSOC_FLAGS) gained NoUpdate, Exact, NoUsersAreCoords "
        "and UsersAreCoords (slurmdb_assoc_flags_t of 24.11), and hidden NONE, "
        "BASE_MASK and INVALID")),
    ReplaceKind(Special("ASSOC_ID", rules.dump_assoc_id, rules.parse_assoc_id,
                        target="UINT32", complex=True, c_type="slurmdb_assoc_rec_t"),
                why=("addpcp(ASSOC_ID, UINT32, ...): an association's \"id\" is its "
                     "number, no longer the assoc_short object; parsing takes the "
                     "number or, as before, the object")),
    ReplaceKind(ROLLUP_STATS, why=(
        "ROLLUP_STATS became a parser array (addpap): hourly, daily and monthly "
        "objects with count, last_run and duration/{last,max,time}, all required, "
        "where v0.0.40 listed the rollup types that ran")),
    ReplaceKind(rules.RollupStatsPointer("ROLLUP_STATS_PTR", "ROLLUP_STATS"),
                why="the pointer to the new ROLLUP_STATS object"),
    AddKind(Special("JOB_PLANNED_TIME", rules.dump_job_planned_time,
                    rules.read_only_complex("JOB_PLANNED_TIME"), target="UINT64_NO_VAL",
                    complex=True, c_type="slurmdb_job_rec_t"),
            why="addpcp(JOB_PLANNED_TIME, UINT64_NO_VAL, ...): the wait from eligible "
                "to start, as sacct's Planned"),
    *(AddKind(_complex_string(name, rules.dump_job_record_stdio(member)),
              why=f"addpcp({name}, STRING, ...): the job record's {member} "
                  "(slurmdb_job_rec_t, Slurm 24.05) expanded")
      for name, member in (("JOB_STDIN", "std_in"), ("JOB_STDOUT", "std_out"),
                           ("JOB_STDERR", "std_err"))),
    AddFields("JOB", (
        F("time/planned", "JOB_PLANNED_TIME", None),
    ), after="reservation/name", why="PARSER_ARRAY(JOB) added time/planned"),
    AddFields("JOB", (
        F("stdin_expanded", "JOB_STDIN", None),
        F("stdout_expanded", "JOB_STDOUT", None),
        F("stderr_expanded", "JOB_STDERR", None),
        # slurmdb_job_rec_t has these since Slurm 24.05; restd.native.accounting
        # reads NULL before, dumped "" as Slurm dumps a NULL string
        F("stdout", "STRING", "std_out"),
        F("stderr", "STRING", "std_err"),
        F("stdin", "STRING", "std_in"),
    ), after="script", why=("PARSER_ARRAY(JOB) added the job's stdin, stdout and stderr "
                            "paths, as recorded and expanded")),
)

# v0.0.41 adds no /slurmdb/ request or response body (ping came with v0.0.42)
ROOTS: tuple[str, ...] = ()


# --- query parameters -------------------------------------------------------------------
#
# The /slurmdb/ query kinds (v0040_slurmdb.QUERY_KINDS) that v0.0.41 changed; the
# content plugin parses a request's query with its version's kind, so these names
# are read as Slurm reads them.

QUERY_CHANGES = (
    RemoveFields("ACCOUNT_CONDITION", ("with_assocs", "with_coords", "with_deleted"),
                 why="PARSER_ARRAY(ACCOUNT_CONDITION): with_assocs, with_coords and "
                     "with_deleted (ACCOUNT_CONDITION_WITH_*_V40) are gone, replaced by the "
                     "flags below"),
    AddFields("ACCOUNT_CONDITION", (F("", "ACCOUNT_FLAGS", "flags"),), after="description",
              why="PARSER_ARRAY(ACCOUNT_CONDITION) parses ACCOUNT_FLAGS exploded "
                  "(add_parse_bit_eflag_array): one boolean parameter per flag, named as "
                  "the flag (DELETED, WithAssociations, ...)"),
    # JOB_CONDITION is unchanged: its {set, infinite, number} members (cpus_max,
    # nodes_min, timelimit_max, ... and JOB_CONDITION_SUBMIT_TIME) are inline objects
    # in v0.0.41, which openapi.c does not list as query parameters; Slurm still
    # parses them, and so does restd (restd.openapi.query_parameters leaves them out).
)
