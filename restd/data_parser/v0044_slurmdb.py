"""The v0.0.44 accounting (slurmdbd) objects: v0.0.43's
(restd.data_parser.v0043_slurmdb) plus what Slurm 25.11 changed in
src/plugins/data_parser/v0.0.44/parsers.c, change by change, each saying what
Slurm changed (``why``). restd.data_parser.v0044 derives V0044 with
``*CHANGES, *QUERY_CHANGES`` and publishes ``ROOTS``.

Found by ``python -m restd.data_parser.tools.draft_changes v0.0.43 v0.0.44
--document ../shared/reference/slurmrestd-26.05.5-openapi.json`` and read in
v0.0.44/parsers.c (slurm-26-05-3-1); checked by
tests/test_slurmdb_parity_2605.py.

v0.0.44 adds the updates of accounting job records (POST /slurmdb/v0.0.44/jobs/
and job/{job_id}: slurmdb_job_modify()), whose bodies are JOB_MODIFY, the subset
of slurmdb_job_rec_t that as_mysql_modify_job() changes, and
OPENAPI_JOB_MODIFY_REQ/RESP. The job state EXPEDITING (JOB_STATE, shared with
the slurmctld objects) is declared with v0.0.44's slurmctld changes.

slurmdb_user_rec_t.def_qos_id came with Slurm 25.11: 0 (no default QOS)
before, read by restd.native.accounting.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser.describe import (AddBits, AddFields, AddKind, Field as F, Object,
                                        ReplaceField, UpdateKind)
from restd.data_parser.types import FlagBit, Pointer

_ALL_BITS = ("INFINITE64", 0xffffffffffffffff)

# PARSER_ARRAY(JOB_MODIFY): "A subset of supported slurmdb_job_rec_t fields for
# modifying job in the database -- mirrors as_mysql_modify_job() and
# sacctmgr/job_functions.c:_set_rec()"
JOB_MODIFY = Object("JOB_MODIFY", "job_modify", "slurmdb_job_rec_t", (
    F("comment/administrator", "STRING", "admin_comment"),
    F("derived_exit_code", "PROCESS_EXIT_CODE", "derived_ec"),
    F("comment/job", "STRING", "derived_es"),
    F("extra", "STRING", "extra"),
    F("comment/system", "STRING", "system_comment"),
    F("tres/allocated", "TRES_STR", "tres_alloc_str"),
    F("wckey", "STRING", "wckey"),
))

# PARSER_ARRAY(OPENAPI_JOB_MODIFY_REQ): openapi_job_modify_req_t
OPENAPI_JOB_MODIFY_REQ = Object("OPENAPI_JOB_MODIFY_REQ", "openapi_job_modify_req",
                                "openapi_job_modify_req_t", (
    F("job_id_list", "SELECTED_STEP_LIST", "job_id_list"),
    F("job_rec", "JOB_MODIFY_PTR", "job_rec"),
    F("meta", "OPENAPI_META_PTR", "meta"),
    F("errors", "OPENAPI_ERRORS", "errors"),
    F("warnings", "OPENAPI_WARNINGS", "warnings"),
))

CHANGES = (
    AddBits("SLURMDB_JOB_FLAGS", (FlagBit("JOB_ALTERED", "bit", "SLURMDB_JOB_FLAG_ALTERED",
                                          0x20, *_ALL_BITS),),
            why="PARSER_FLAG_ARRAY(SLURMDB_JOB_FLAGS) added JOB_ALTERED "
                "(SLURMDB_JOB_FLAG_ALTERED, Slurm 25.11: the record was changed, by "
                "sacctmgr or a job update)"),
    AddFields("USER", (F("default/qos", "UINT32", "def_qos_id"),), after="coordinators",
              why="PARSER_ARRAY(USER) added the user's default QOS "
                  "(slurmdb_user_rec_t.def_qos_id, Slurm 25.11)"),
    AddFields("USER_SHORT", (F("defaultqos", "UINT32", "def_qos_id"),),
              after="adminlevel",
              why="PARSER_ARRAY(USER_SHORT) added the user's default QOS "
                  "(slurmdb_user_rec_t.def_qos_id, Slurm 25.11)"),
    ReplaceField("OPENAPI_ACCOUNTS_ADD_COND_RESP",
                 F("association_condition", "ACCOUNTS_ADD_COND", "add_assoc", required=True),
                 why="PARSER_ARRAY(OPENAPI_ACCOUNTS_ADD_COND_RESP): association_condition "
                     "is required (add_parse_req)"),
    # --- the job record updates (POST jobs/ and job/{job_id}) ---
    AddKind(JOB_MODIFY, why="PARSER_ARRAY(JOB_MODIFY): the job record fields "
                            "slurmdb_job_modify() changes (v0.0.44 adds the job updates)"),
    AddKind(Pointer("JOB_MODIFY_PTR", "JOB_MODIFY"),
            why="addpap(JOB_MODIFY, slurmdb_job_rec_t, slurmdb_create_job_rec, ...)"),
    AddKind(OPENAPI_JOB_MODIFY_REQ,
            why="PARSER_ARRAY(OPENAPI_JOB_MODIFY_REQ): the body of POST "
                "/slurmdb/v0.0.44/jobs/, the job ids and the changes"),
    AddKind(rules.slurmdb_response("OPENAPI_JOB_MODIFY_RESP", "results", "STRING_LIST"),
            why="add_openapi_response_single(OPENAPI_JOB_MODIFY_RESP, STRING_LIST, "
                "\"results\"): the records changed, as slurmdbd names them"),
    UpdateKind("SELECTED_STEP", {"parse": rules.parse_selected_step},
               why="PARSE_FUNC(SELECTED_STEP): v0.0.44's job updates name their jobs in "
                   "the body (job_id_list), each read by unfmt_job_id_string()"),
    UpdateKind("SELECTED_STEP_LIST", {"component": "selected_step_list"},
               why="v0.0.44 publishes SELECTED_STEP_LIST (the job ids of a job update) "
                   "as a component of its own"),
)

# The /slurmdb/ bodies v0.0.44 adds: the job record updates'
ROOTS: tuple[str, ...] = ("JOB_MODIFY", "OPENAPI_JOB_MODIFY_REQ", "OPENAPI_JOB_MODIFY_RESP")


# --- query parameters (see v0041_slurmdb.QUERY_CHANGES) --------------------------------

QUERY_CHANGES = (
    AddBits("JOB_CONDITION_DB_FLAGS", (FlagBit("job_altered", "bit",
                                               "SLURMDB_JOB_FLAG_ALTERED", 0x20,
                                               *_ALL_BITS),),
            why="PARSER_FLAG_ARRAY(JOB_CONDITION_DB_FLAGS) added job_altered "
                "(SLURMDB_JOB_FLAG_ALTERED, Slurm 25.11): the jobs whose record changed"),
)
