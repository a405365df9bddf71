"""The v0.0.43 accounting (slurmdbd) objects: v0.0.42's
(restd.data_parser.v0042_slurmdb) plus what Slurm 25.05 changed in
src/plugins/data_parser/v0.0.43/parsers.c, change by change, each saying what
Slurm changed (``why``). restd.data_parser.v0043 derives V0043 with
``*CHANGES, *QUERY_CHANGES`` and publishes ``ROOTS``.

Found by ``python -m restd.data_parser.tools.draft_changes v0.0.42 v0.0.43
--document ../shared/reference/slurmrestd-26.05.5-openapi.json`` and read in
v0.0.43/parsers.c (slurm-26-05-3-1: the reference is slurmrestd 26.05.5's
document, so where 26.05 changed v0.0.43's tables after 25.05, 26.05's are
followed); checked by tests/test_slurmdb_parity_2605.py.

The job and step records' members Slurm 25.05 added (slurmdb_job_rec_t.resv_req
and .segment_size, slurmdb_step_rec_t.std_err, .std_in, .std_out, .cwd and
.timelimit) read as C zero/NULL in restd.native.accounting before 25.05, dumped as
slurmrestd dumps those values ("", 0, a {set: false} timelimit... see each field).
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser.describe import (AddBits, AddFields, AddKind, Field as F, ReplaceField,
                                        ReplaceKind)
from restd.data_parser.types import STRING, FlagBit, Flags, Special

_ALL_BITS = ("INFINITE64", 0xffffffffffffffff)
_QOS_BASE = ("QOS_FLAG_BASE", 0xfffffff)


def _step_stdio(name: str, member: str) -> Special:
    """STEP_STDIN_EXP, STEP_STDOUT_EXP, STEP_STDERR_EXP: a read-only string
    computed from the whole step record (PARSE_DISABLED)."""
    return Special(name, rules.dump_step_record_stdio(member), rules.read_only_complex(name),
                   openapi=STRING, complex=True, c_type="slurmdb_step_rec_t")


CHANGES = (
    # --- flag tables ---
    ReplaceKind(Flags("CLUSTER_REC_FLAGS", "cluster_rec_flags", "uint32_t", tuple(
        FlagBit(name, "bit", macro, value, *_ALL_BITS) for name, macro, value in (
            ("DELETED", "CLUSTER_FLAG_DELETED", 0x2),
            ("REGISTERING", "CLUSTER_FLAG_REGISTER", 0x1),
            ("MULTIPLE_SLURMD", "CLUSTER_FLAG_MULTSD", 0x80),
            ("FEDERATION", "CLUSTER_FLAG_FED", 0x800),
            ("EXTERNAL", "CLUSTER_FLAG_EXT", 0x1000)))),
        why="PARSER_FLAG_ARRAY(CLUSTER_REC_FLAGS) added DELETED (CLUSTER_FLAG_DELETED, a "
            "cluster removed from the database), first in the table, and lost FRONT_END "
            "(CLUSTER_FLAG_FE: Slurm 26.05 removed front end mode)"),
    AddBits("QOS_FLAGS", (FlagBit("DELETED", "bit", "QOS_FLAG_DELETED", 0x2000,
                                  *_QOS_BASE),),
            after="REMOVE",
            why="PARSER_FLAG_ARRAY(QOS_FLAGS) added DELETED (QOS_FLAG_DELETED: a QOS "
                "removed from the database, listed with \"Include deleted QOS\")"),
    AddBits("QOS_FLAGS", (FlagBit("PARTITION_QOS", "bit", "QOS_FLAG_PART_QOS", 0x1000,
                                  *_QOS_BASE),),
            after="OVERRIDE_PARTITION_QOS",
            why="PARSER_FLAG_ARRAY(QOS_FLAGS) added PARTITION_QOS (QOS_FLAG_PART_QOS, "
                "Slurm 25.05: the QOS is some partition's QOS)"),
    # --- the job record ---
    AddFields("JOB", (F("reservation/requested", "STRING", "resv_req"),),
              after="reservation/name",
              why="PARSER_ARRAY(JOB) added the reservations the job requested "
                  "(slurmdb_job_rec_t.resv_req, Slurm 25.05; NULL before, dumped \"\")"),
    AddFields("JOB", (F("segment_size", "UINT16", "segment_size"),), after="script",
              why="PARSER_ARRAY(JOB) added the requested segment size "
                  "(slurmdb_job_rec_t.segment_size, Slurm 25.05; 0 before)"),
    # --- the step record ---
    *(AddKind(_step_stdio(name, member),
              why=f"addpcp({name}, STRING, ...): the step record's {member} expanded "
                  "(slurmdb_expand_step_stdio_fields(), Slurm 25.05)")
      for name, member in (("STEP_STDERR_EXP", "std_err"), ("STEP_STDIN_EXP", "std_in"),
                           ("STEP_STDOUT_EXP", "std_out"))),
    AddFields("STEP", (
        F("step/stderr", "STRING", "std_err"),
        F("step/stdin", "STRING", "std_in"),
        F("step/stdout", "STRING", "std_out"),
        F("step/stderr_expanded", "STEP_STDERR_EXP", None),
        F("step/stdin_expanded", "STEP_STDIN_EXP", None),
        F("step/stdout_expanded", "STEP_STDOUT_EXP", None),
    ), after="step/name",
        why="PARSER_ARRAY(STEP) added the step's stdio paths, as recorded and expanded "
            "(slurmdb_step_rec_t.std_err, .std_in, .std_out, Slurm 25.05)"),
    AddFields("STEP", (F("time/limit", "UINT32_NO_VAL", "timelimit"),),
              after="task/distribution",
              why="PARSER_ARRAY(STEP) added the step's time limit "
                  "(slurmdb_step_rec_t.timelimit, Slurm 25.05; NO_VAL before: not set)"),
)

# v0.0.43 adds no /slurmdb/ request or response body
ROOTS: tuple[str, ...] = ()


# --- query parameters (see v0041_slurmdb.QUERY_CHANGES) --------------------------------

# The conditions whose format_list v0.0.43 deprecates (add_parse_deprec(...,
# "format", "Ignored; process JSON manually to control output format",
# SLURM_24_11_PROTOCOL_VERSION)), with the kind each reads it as
FORMAT_CONDITIONS = (("ASSOC_CONDITION", "CSV_STRING_LIST"),
                     ("CLUSTER_CONDITION", "STRING_LIST"),
                     ("INSTANCE_CONDITION", "CSV_STRING_LIST"),
                     ("JOB_CONDITION", "CSV_STRING_LIST"),
                     ("QOS_CONDITION", "CSV_STRING_LIST"),
                     ("WCKEY_CONDITION", "CSV_STRING_LIST"))

QUERY_CHANGES = tuple(
    ReplaceField(condition, F("format", kind, "format_list", deprecated=True),
                 why=f"PARSER_ARRAY({condition}): format deprecated (\"Ignored; process "
                     "JSON manually to control output format\")")
    for condition, kind in FORMAT_CONDITIONS)
