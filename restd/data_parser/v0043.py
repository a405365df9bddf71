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
from restd.data_parser.describe import (AddBits, AddFields, AddKind, Field as F, Object,
                                        ReplaceField)
from restd.data_parser.types import STRING, ArrayOf, FlagBit, Flags, Pointer, Special
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
OPERATION_ROOTS: tuple[str, ...] = ("RESERVATION_DESC_MSG", "RESERVATION_MOD_REQ",
                                     "OPENAPI_RESERVATION_MOD_RESP")

_RESERVATIONS = ("25.05 v0.0.43: POST reservation and POST reservations/ create a "
                 "reservation, or update the one of that name (openapi/slurmctld "
                 "reservations.c)")

OPERATIONS = (
    AddKind(Special("TRES_STR_BY_TYPE", rules.dump_tres_str_by_type,
                    rules.parse_tres_str_by_type, target="TRES_LIST", c_type="char *"),
            why="25.05 v0.0.43: a TRES list as the \"type[/name]=count\" string "
                "slurmctld reads for a reservation (PARSE_FUNC(TRES_STR_BY_TYPE))"),
    AddKind(Object("RESERVATION_DESC_MSG", "reservation_desc_msg", "resv_desc_msg_t", (
        F("accounts", "CSV_STRING", "accounts"),
        F("burst_buffer", "STRING", "burst_buffer"),
        F("comment", "STRING", "comment"),
        F("core_count", "UINT32_NO_VAL", "core_cnt"),
        F("duration", "UINT32_NO_VAL", "duration"),
        F("end_time", "TIMESTAMP_NO_VAL", "end_time"),
        F("features", "STRING", "features"),
        F("flags", "RESERVATION_FLAGS", "flags"),
        F("groups", "CSV_STRING", "groups"),
        F("licenses", "CSV_STRING", "licenses"),
        F("max_start_delay", "UINT32_NO_VAL", "max_start_delay"),
        F("name", "STRING", "name"),
        F("node_count", "UINT32_NO_VAL", "node_cnt"),
        F("node_list", "HOSTLIST_STRING", "node_list"),
        F("partition", "STRING", "partition"),
        F("purge_completed/time", "UINT32_NO_VAL", "purge_comp_time"),
        F("start_time", "TIMESTAMP_NO_VAL", "start_time"),
        F("tres", "TRES_STR_BY_TYPE", "tres_str"),
        F("users", "CSV_STRING", "users"),
    )), why=_RESERVATIONS + ": the reservation described (PARSER_ARRAY(RESERVATION_DESC_MSG))"),
    AddKind(Pointer("RESERVATION_DESC_MSG_PTR", "RESERVATION_DESC_MSG"), why=_RESERVATIONS),
    AddKind(ArrayOf("RESERVATION_DESC_MSG_LIST", "reservation_desc_msg_list",
                    "RESERVATION_DESC_MSG", "list_t *", checked=False), why=_RESERVATIONS),
    AddKind(Object("RESERVATION_MOD_REQ", "reservation_mod_req",
                   "openapi_reservation_mod_request_t", (
                       F("reservations", "RESERVATION_DESC_MSG_LIST", "reservations"),
                   )), why=_RESERVATIONS + ": the body of POST reservations/"),
    AddKind(rules.response("OPENAPI_RESERVATION_MOD_RESP", "openapi_resp_single_t",
                           "reservations", "RESERVATION_DESC_MSG_LIST"),
            why=_RESERVATIONS + ": the answer repeats the descriptions acted on"),
)

V0043 = V0042.derive(
    NAME, (*CHANGES, *OPERATIONS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *_slurmdb.ROOTS),
    plugin_deprecated=False, flag_components=False)
V0043.check()
