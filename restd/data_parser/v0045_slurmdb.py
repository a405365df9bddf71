"""The v0.0.45 accounting (slurmdbd) objects: v0.0.44's
(restd.data_parser.v0044_slurmdb) plus what Slurm 26.05 changed in
src/plugins/data_parser/v0.0.45/parsers.c, change by change, each saying what
Slurm changed (``why``). restd.data_parser.v0045 derives V0045 with
``*CHANGES, *QUERY_CHANGES`` and publishes ``ROOTS``.

Found by ``python -m restd.data_parser.tools.draft_changes v0.0.44 v0.0.45
--document ../shared/reference/slurmrestd-26.05.5-openapi.json`` and read in
v0.0.45/parsers.c (slurm-26-05-3-1); checked by
tests/test_slurmdb_parity_2605.py.

The job record's members 26.05 added (exclusive, oversubscribe, the SLUIDs) and the
slurmdbd ping's status code read as C zero/NULL (SLURM_ERROR for a ping that failed)
in restd.native.accounting before 26.05: "" for the texts and SLUIDs, as Slurm dumps
an unset SLUID.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser.describe import AddFields, AddKind, Field as F, RemoveFields
from restd.data_parser.types import STRING

_SLUID_DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # src/common/sluid.c cb32map


def dump_sluid(value, services) -> str:
    """DUMP(SLUID): "" for 0 (unset), else print_sluid(): "s" and 13 Crockford
    base32 digits of the 64 bits, the most significant first."""
    sluid = int(value or 0)
    if not sluid:
        return ""
    return "s" + "".join(_SLUID_DIGITS[(sluid >> (5 * i)) & 0x1F] for i in range(12, -1, -1))


CHANGES = (
    RemoveFields("CLUSTER_REC", ("select_plugin",),
                 why="PARSER_ARRAY(CLUSTER_REC): select_plugin (removed data, deprecated "
                     "since v0.0.40) is gone"),
    # the SLUID parser of the job record; branch v43ctld declares Slurm's SLUID kind
    # with v0.0.44's slurmctld changes, into which the lead may fold this one
    AddKind(rules.scalar("JOB_RECORD_SLUID", STRING, "sluid_t", dump_sluid,
                         rules.read_only("SLUID")),
            why="DUMP_FUNC(SLUID) for the job record's SLUIDs (Slurm 26.05)"),
    AddFields("JOB", (F("sluid", "JOB_RECORD_SLUID", "db_sluid"),), after="container",
              why="PARSER_ARRAY(JOB) added the record's SLUID (add_parse(SLUID, db_index, "
                  "\"sluid\"): 26.05's database index is the job's SLUID)"),
    AddFields("JOB", (F("exclusive", "STRING", "exclusive"),), after="time/end",
              why="PARSER_ARRAY(JOB) added the exclusive mode the job requested "
                  "(slurmdb_job_rec_t.exclusive, Slurm 26.05)"),
    AddFields("JOB", (F("oversubscribe", "STRING", "oversubscribe"),), after="nodes",
              why="PARSER_ARRAY(JOB) added the oversubscribe mode the job requested "
                  "(slurmdb_job_rec_t.oversubscribe, Slurm 26.05)"),
    AddFields("JOB", (F("original_sluid", "JOB_RECORD_SLUID", "sluid"),),
              after="segment_size",
              why="PARSER_ARRAY(JOB) added the SLUID of the job's first submission "
                  "(slurmdb_job_rec_t.sluid, Slurm 26.05)"),
    RemoveFields("STEP", ("pid",),
                 why="PARSER_ARRAY(STEP): pid (deprecated in v0.0.42) is gone"),
    AddFields("STEP", (F("submit_line", "STRING", "submit_line"),),
              after="step/stdout_expanded",
              why="PARSER_ARRAY(STEP) added the command that submitted the step "
                  "(slurmdb_step_rec_t.submit_line)"),
    RemoveFields("OPENAPI_SLURMDBD_CONFIG_RESP", ("instances",),
                 why="PARSER_ARRAY(OPENAPI_SLURMDBD_CONFIG_RESP): instances (deprecated "
                     "in 25.05, add_deprec(INSTANCE_LIST, ...)) is gone"),
    AddFields("SLURMDBD_PING", (F("status", "ERROR", "rc", required=True),),
              why="PARSER_ARRAY(SLURMDBD_PING) added the ping's status "
                  "(add_parse_req(ERROR, rc, \"status\"): slurmdbd_ping_t.rc, 26.05)"),
)

# The /slurmdb/ bodies v0.0.45 adds (GET conf's, with its kinds, below)
ROOTS: tuple[str, ...] = ()


# --- query parameters (see v0041_slurmdb.QUERY_CHANGES) --------------------------------

QUERY_CHANGES = tuple(
    RemoveFields(condition, ("format",),
                 why=f"PARSER_ARRAY({condition}): format (deprecated in v0.0.43, "
                     "\"Ignored\") is gone")
    for condition in ("ASSOC_CONDITION", "CLUSTER_CONDITION", "INSTANCE_CONDITION",
                      "JOB_CONDITION", "QOS_CONDITION", "WCKEY_CONDITION"))
