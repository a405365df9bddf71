"""The job allocation bodies v0.0.41 added (POST /slurm/v0.0.41/job/allocate), as a
change list for restd.data_parser.v0041 (v0.0.42 inherits them unchanged): what
src/plugins/data_parser/v0.0.41/parsers.c (slurm-24-11-5-1) declares as
PARSER_ARRAY(JOB_ALLOC_REQ) and PARSER_ARRAY(OPENAPI_JOB_ALLOC_RESP).

Kept apart so that it folds into v0041.py's CHANGES and ROOTS as it stands.
"""
from __future__ import annotations

from restd.data_parser.describe import AddKind, Field as F, Object

# openapi_job_alloc_request_t: one job, or the components of a het job
JOB_ALLOC_REQ = Object("JOB_ALLOC_REQ", "job_alloc_req", "openapi_job_alloc_request_t", (
    F("hetjob", "JOB_DESC_MSG_LIST", "hetjob"),
    F("job", "JOB_DESC_MSG_PTR", "job"),
))

# openapi_job_alloc_response_t: the (leader's) job id and the job_submit plugin's
# message, then the envelope
OPENAPI_JOB_ALLOC_RESP = Object(
    "OPENAPI_JOB_ALLOC_RESP", "openapi_job_alloc_resp", "openapi_job_alloc_response_t", (
        F("job_id", "UINT32", "job_id"),
        F("job_submit_user_msg", "STRING", "job_submit_user_msg"),
        F("meta", "OPENAPI_META_PTR", "meta"),
        F("errors", "OPENAPI_ERRORS", "errors"),
        F("warnings", "OPENAPI_WARNINGS", "warnings"),
    ))

CHANGES = (
    AddKind(JOB_ALLOC_REQ,
            why="PARSER_ARRAY(JOB_ALLOC_REQ) came with v0.0.41: the body of "
                "POST job/allocate (\"job\" or \"hetjob\")"),
    AddKind(OPENAPI_JOB_ALLOC_RESP,
            why="PARSER_ARRAY(OPENAPI_JOB_ALLOC_RESP) came with v0.0.41: job_id and "
                "job_submit_user_msg of the allocation, with the envelope"),
)

# the slurmctld bodies v0.0.41 adds: job/allocate's request and response
ROOTS: tuple[str, ...] = ("JOB_ALLOC_REQ", "OPENAPI_JOB_ALLOC_RESP")
