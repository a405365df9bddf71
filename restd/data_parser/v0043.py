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

from restd.data_parser import rules
from restd.data_parser import v0043_slurmdb as _slurmdb
from restd.data_parser.describe import AddBits, AddFields, AddKind, Field as F, ReplaceField
from restd.data_parser.types import STRING, FlagBit, Flags
from restd.data_parser.v0042 import V0042

NAME = "v0.0.43"

# Kinds v0.0.43 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

_ALL16, _ALL64 = ("INFINITE16", 0xFFFF), ("INFINITE64", 0xFFFFFFFFFFFFFFFF)

# Members Slurm 25.05 added, which the installed Slurm may lack (the binding declares
# them optional): dumped as slurmrestd dumps unset data where it does.
OPTIONAL_MEMBERS = (
    rules.optional_member("JOB_INFO_LICENSES_ALLOCATED", "licenses_allocated", "STRING"),
    rules.optional_member("JOB_INFO_SEGMENT_SIZE", "segment_size", "UINT16", 0),
    rules.optional_member("NODE_CERT_LAST_RENEWAL", "cert_last_renewal", "TIMESTAMP_NO_VAL",
                          0),
    rules.optional_member("NODE_CERT_FLAGS_MEMBER", "cert_flags", "NODE_CERT_FLAGS", 0),
    rules.optional_member("NODE_TOPOLOGY", "topology_str", "STRING"),
    rules.optional_member("PARTITION_TOPOLOGY", "topology_name", "STRING"),
    rules.optional_member("UPDATE_NODE_MSG_TOPOLOGY", "topology_str", "STRING"),
)

CHANGES = (
    AddKind(Flags("NODE_CERT_FLAGS", "node_cert_flags", "uint16_t", (
        FlagBit("TOKEN_SET", "bit", "NODE_CERT_TOKEN_SET", 0x1, *_ALL64),
    )), why="25.05: the node's certmgr status (node_info_t.cert_flags, "
            "PARSER_FLAG_ARRAY(NODE_CERT_FLAGS))"),
    *(AddKind(kind, why="members Slurm 25.05 added that v0.0.43 dumps")
      for kind in OPTIONAL_MEMBERS),
    AddFields("JOB_INFO", (F("licenses_allocated", "JOB_INFO_LICENSES_ALLOCATED", None),),
              after="licenses",
              why="25.05: the licenses allocated to the job (licenses_allocated)"),
    AddFields("JOB_INFO", (F("segment_size", "JOB_INFO_SEGMENT_SIZE", None),),
              after="scheduled_nodes",
              why="25.05 v0.0.43: the requested segment size (segment_size) dumped"),
    *(ReplaceField("JOB_INFO", F(key, "STRING", member),
                   why="25.05 v0.0.43: the path as the job gave it (add_parse(STRING)); "
                       "the expanded path moved to *_expanded")
      for key, member in (("standard_error", "std_err"), ("standard_input", "std_in"),
                          ("standard_output", "std_out"))),
    *(AddKind(rules.complex_kind(f"JOB_INFO_{stream.upper()}_EXP",
                                 rules.job_stdio_expanded(stream), openapi=STRING),
              why="25.05 v0.0.43: the path with its %-patterns expanded "
                  f"(DUMP_FUNC(JOB_INFO_{stream.upper()}_EXP))")
      for stream in ("stdin", "stdout", "stderr")),
    AddFields("JOB_INFO", tuple(F(f"{stream}_expanded", f"JOB_INFO_{stream.upper()}_EXP", None)
                                for stream in ("stdin", "stdout", "stderr")),
              after="standard_output",
              why="25.05 v0.0.43: stdin/stdout/stderr_expanded "
                  "(slurm_expand_job_stdio_fields())"),
    AddFields("NODE", (F("tls_cert_last_renewal", "NODE_CERT_LAST_RENEWAL", None),
                       F("cert_flags", "NODE_CERT_FLAGS_MEMBER", None)),
              after="boot_time",
              why="25.05: the node's TLS certificate (cert_last_renewal, cert_flags)"),
    AddFields("NODE", (F("topology", "NODE_TOPOLOGY", None),), after="weight",
              why="25.05: the node's topology address (topology_str)"),
    AddFields("PARTITION_INFO", (F("topology", "PARTITION_TOPOLOGY", None),),
              after="timeouts/resume",
              why="25.05: the topology (topology.yaml) of the partition (topology_name)"),
    AddFields("UPDATE_NODE_MSG", (F("topology_str", "UPDATE_NODE_MSG_TOPOLOGY", None),),
              after="resume_after",
              why="25.05: a node's new topology address (topology_str)"),
    AddBits("JOB_FLAGS", (FlagBit("EXTERNAL_JOB", "bit", "EXTERNAL_JOB", 1 << 24, *_ALL64),),
            after="EXACT_MEMORY_REQUESTED",
            why="25.05: EXTERNAL_JOB (a job without batch script or environment)"),
)

# The request and response bodies of the slurmctld operations v0.0.43 adds
# (their kinds, published with OPERATION_ROOTS).
OPERATION_ROOTS: tuple[str, ...] = ()
OPERATIONS = ()

V0043 = V0042.derive(
    NAME, (*CHANGES, *OPERATIONS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *_slurmdb.ROOTS),
    plugin_deprecated=False, flag_components=False)
V0043.check()
