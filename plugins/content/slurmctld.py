"""content/slurmctld: the /slurm/{data_parser}/ operations, answered by slurmctld.

Every request makes its RPCs in ONE worker job (``ctx.run_blocking``), inside
``as_user(identity.credential, identity.user)`` when the identity carries a
credential (an identity without one is the daemon itself). The libslurm
answers are dumped, in that same job, by the data_parser's descriptions
(restd.data_parser) reading the cffi structs through restd.native.services;
request bodies are parsed by the same descriptions into C members.

Behaviour follows slurmrestd 24.11's openapi/slurmctld for v0.0.40, as far as
the Slurm this binding is built against allows (see README of native/ for
22.05's limits): status codes from Slurm error numbers (:func:`http_status`),
error sources named after slurmrestd's functions, warnings as it gives them.
"""
from __future__ import annotations

import email.utils
import logging
import signal as _signal
import threading
import time
from typing import Any, Callable, Optional

from restd.data_parser import dump as _dump
from restd.data_parser import parse as _parse
from restd.http.messages import Response
from restd.plugin_api import OperationSpec, Parameter, RequestFailed, SlurmInfo
from restd.plugins.content import _runner

log = logging.getLogger(__name__)

NAME = "slurmctld"
PLUGIN_TYPE = "openapi/slurmctld"
PLUGIN_NAME = "Slurm OpenAPI slurmctld"
TAG = "slurm"

# Slurm error numbers (slurm/slurm_errno.h) this plugin answers or maps itself.
SLURM_ERROR = -1
SLURM_NO_CHANGE_IN_DATA = 1900
ESLURM_INVALID_PARTITION_NAME = 2000
ESLURM_ACCESS_DENIED = 2002
ESLURM_USER_ID_MISSING = 2010
ESLURM_INVALID_JOB_ID = 2017
ESLURM_INVALID_NODE_NAME = 2018
ESLURM_ALREADY_DONE = 2021
ESLURM_NOT_SUPPORTED = 2036
ESLURM_RESERVATION_INVALID = 2053
ESLURM_REST_INVALID_QUERY = 9000
ESLURM_REST_FAIL_PARSING = 9001
ESLURM_REST_INVALID_JOBS_DESC = 9002
ESLURM_REST_EMPTY_RESULT = 9003
ESLURM_DATA_UNKNOWN_MIME_TYPE = 9204
# The HTTP status of an answer is decided by its first error's number, as
# slurmrestd's operations router does (src/slurmrestd/operations.c): a few
# numbers have their own status, every other error is a 500.
_STATUS = {
    ESLURM_REST_INVALID_QUERY: 422,
    ESLURM_REST_FAIL_PARSING: 400,
    ESLURM_REST_INVALID_JOBS_DESC: 400,
    ESLURM_DATA_UNKNOWN_MIME_TYPE: 415,
    ESLURM_INVALID_JOB_ID: 404,
    # Where slurmrestd answers 500, restd says what happened: a refusal is 403 (Slurm
    # refuses what a user may not do with "Access/permission denied" or, for admin-only
    # calls, "Invalid user id"), an unknown node 404, an RPC this Slurm lacks 501.
    2002: 403,  # ESLURM_ACCESS_DENIED
    2010: 403,  # ESLURM_USER_ID_MISSING
    2018: 404,  # ESLURM_INVALID_NODE_NAME
    2036: 501,  # ESLURM_NOT_SUPPORTED
    # the controller (or slurmdbd) cannot be reached: 502 Bad Gateway
    1001: 502, 1002: 502, 1003: 502, 1004: 502,  # SLURM_COMMUNICATIONS_*
    1800: 502, 1801: 502, 1802: 502, 1803: 502,  # SLURMCTLD_COMMUNICATIONS_*
    1804: 502,  # SLURMCTLD_COMMUNICATIONS_BACKOFF (23.02+)
    5003: 502,  # ESLURM_PROTOCOL_INCOMPLETE_PACKET
    5005: 502,  # SLURM_PROTOCOL_SOCKET_ZERO_BYTES_SENT
    7000: 502,  # ESLURM_DB_CONNECTION
    5004: 504,  # SLURM_PROTOCOL_SOCKET_IMPL_TIMEOUT: 504 Gateway Timeout
    1007: 511,  # SLURM_PROTOCOL_AUTHENTICATION_ERROR: 511 Network Auth. Required
}


# slurmctld's refusals of a value in a job description (an unknown partition or
# account, a time limit beyond the partition's...): the client's request, not a
# failure of the daemon, so 422 where slurmrestd answers 500. By name: the numbers
# are resolved in the Slurm restd runs with (some moved between releases).
REFUSED_VALUE_ERRORS = (
    "ESLURM_INVALID_PARTITION_NAME", "ESLURM_DEFAULT_PARTITION_NOT_SET",
    "ESLURM_REQUESTED_NODES_NOT_IN_PARTITION", "ESLURM_TOO_MANY_REQUESTED_CPUS",
    "ESLURM_INVALID_NODE_COUNT", "ESLURM_JOB_MISSING_SIZE_SPECIFICATION",
    "ESLURM_JOB_SCRIPT_MISSING", "ESLURM_PATHNAME_TOO_LONG",
    "ESLURM_REQUESTED_NODE_CONFIG_UNAVAILABLE", "ESLURM_INVALID_FEATURE",
    "ESLURM_INVALID_TIME_LIMIT", "ESLURM_INVALID_ACCOUNT", "ESLURM_INVALID_QOS",
    "ESLURM_INVALID_LICENSES", "ESLURM_INVALID_GRES", "ESLURM_INVALID_TASK_MEMORY",
    "ESLURM_INVALID_ARRAY", "ESLURM_INVALID_WCKEY", "ESLURM_INVALID_BURST_BUFFER_REQUEST",
    "ESLURM_INVALID_TRES", "ESLURM_INVALID_CPU_COUNT", "ESLURM_INVALID_CORE_CNT",
    "ESLURM_INVALID_NICE", "ESLURM_ENVIRONMENT_MISSING", "ESLURM_BAD_TASK_COUNT",
    "ESLURM_INVALID_TIME_VALUE", "ESLURM_INVALID_MCS_LABEL", "ESLURM_INVALID_PREFER",
    "ESLURM_INVALID_NODE_STATE")
_refused_value_numbers: Optional[frozenset] = None


def _refused_values() -> frozenset:
    global _refused_value_numbers
    if _refused_value_numbers is None:
        from restd.native.errors import error_number
        numbers = set()
        for name in REFUSED_VALUE_ERRORS:
            try:
                numbers.add(error_number(name))
            except (KeyError, AttributeError):  # not in this Slurm
                pass
        _refused_value_numbers = frozenset(numbers)
    return _refused_value_numbers


def http_status(number: int) -> int:
    """The HTTP status answering a Slurm error number."""
    if number not in _STATUS and number in _refused_values():
        return 422
    return _STATUS.get(number, 500)


# job_allocate()'s errors that still queue the job: slurmrestd warns
NONFATAL_SUBMIT_ERRORS = frozenset({
    2016,  # ESLURM_NODES_BUSY
    2055,  # ESLURM_RESERVATION_BUSY
    2042,  # ESLURM_JOB_HELD
    2068,  # ESLURM_NODE_NOT_AVAIL
    2074,  # ESLURM_QOS_THRES
    2050,  # ESLURM_ACCOUNTING_POLICY
    2056,  # ESLURM_RESERVATION_NOT_USABLE
    2015,  # ESLURM_REQUESTED_PART_CONFIG_UNAVAILABLE
    2100,  # ESLURM_BURST_BUFFER_WAIT
    2101,  # ESLURM_PARTITION_DOWN
    # ESLURM_LICENSES_UNAVAILABLE: not in Slurm 22.05
})


# show_flags (slurm.h SHOW_*) as the "flags" query parameter names them
SHOW_FLAGS = {"ALL": 0x0001, "DETAIL": 0x0002, "MIXED": 0x0008, "LOCAL": 0x0010,
              "SIBLING": 0x0020, "FEDERATION": 0x0040, "FUTURE": 0x0080}
# slurm_kill_job2() flags (slurm.h KILL_*), as data_parser v0.0.40 names them
KILL_FLAGS = {"BATCH_JOB": 1 << 0, "ARRAY_TASK": 1 << 1, "FULL_STEPS_ONLY": 1 << 2,
              "FULL_JOB": 1 << 3, "FEDERATION_REQUEUE": 1 << 4, "HURRY": 1 << 5,
              "OUT_OF_MEMORY": 1 << 6, "NO_SIBLING_JOBS": 1 << 7,
              "RESERVATION_JOB": 1 << 8, "NO_CRON_JOBS": 1 << 9, "VERBOSE": 1 << 10,
              "CRON_JOBS": 1 << 11, "WARNING_SENT": 1 << 12}


# --- libslurm, loaded once -------------------------------------------------------------

class _Native:
    """libslurm and what is derived from it once (the data_parser version with
    libslurm Services, meta.slurm)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._config = None
        self.version = None  # restd.data_parser Version with LibslurmServices
        self.info = SlurmInfo()
        self.modules = None

    def configure(self, config) -> None:
        self._config = config

    def load(self):
        if self.modules is not None:
            return self.modules
        with self._lock:
            if self.modules is None:
                from restd.native import library
                conf = getattr(self._config, "slurm_conf", None)
                library.load(conf=conf, jwt_daemon=bool(getattr(self._config, "jwt_daemon",
                                                                 False)))
                from restd.data_parser.v0040 import V0040
                from restd.native import controller, identity, services
                from restd.native import errors as native_errors
                native_services = services.LibslurmServices()
                self.version = V0040.with_services(native_services)
                major, minor, micro = controller.version()
                # as Slurm's META file and SLURM_VERSION_STRING spell them ("05")
                self.info = SlurmInfo(major=str(major), micro=str(micro),
                                      minor=f"{minor:02d}",
                                      release=f"{major}.{minor:02d}.{micro}",
                                      cluster=controller.cluster_name() or "",
                                      accounting_storage=native_services
                                      .accounting_storage_type())
                self.modules = (controller, identity, services, native_errors)
        return self.modules


_native = _Native()


def init(config) -> None:
    _native.configure(config)
    try:
        _native.load()
    except Exception as error:  # no slurm.conf (restd --generate-openapi-spec, tests)
        log.warning("slurmctld: libslurm not loaded yet (%s); retried on the first request",
                    error)


def slurm_info() -> SlurmInfo:
    return _native.info


# --- running a request's RPCs --------------------------------------------------------

class _Job:
    """What one worker job sees: the dump/parse helpers and the warnings and
    errors for the envelope (appended to the context when the job ends)."""

    def __init__(self, ctx, resources):
        self.ctx = ctx
        self.warnings: list[dict] = []
        self.errors: list[dict] = []
        self.status: Optional[int] = None  # set with errors that do not end the work
        controller, _, services, errors = _native.modules
        # the request's resources (plugins/content/_runner.py) own every answer
        # the controller's calls return, and close them
        self.resources = resources
        self.controller = resources.calls(controller)
        self.services = services
        self.native_errors = errors
        self.version = _native.version

    def modified(self, last_update: int) -> None:
        """Last-Modified: the time slurmctld wrote the list (its messages' last_update
        is the time of the answer, not of the last change), the time a client gives
        back in If-Modified-Since (see _conditional)."""
        if last_update > 0:
            self.ctx.last_modified = last_update

    def dump(self, type_name: str, value: Any) -> Any:
        return _dump.dump(self.version, type_name, value, get=self.services.get,
                          warnings=self.warnings)

    def warn(self, description: str, source: str = "") -> None:
        self.warnings.append({"description": description, "source": source})

    def strerror(self, number: int) -> str:
        return self.version.services.strerror(number)

    def fail(self, number: int, description: str, source: str,
             status: Optional[int] = None) -> RequestFailed:
        if status is None and _out_of_descriptors(number):
            return _runner.exhausted_failure(_runner.descriptors_exhausted(), source)
        return RequestFailed(http_status(number) if status is None else status, description,
                             error_number=number, error=self.strerror(number), source=source)

    def error(self, number: int, description: str, source: str) -> None:
        """An error in the envelope while the answer is still dumped (the
        status follows the first error, as in slurmrestd)."""
        self.errors.append({"description": description, "error_number": number,
                            "error": self.strerror(number), "source": source})
        if self.status is None:
            self.status = 503 if _out_of_descriptors(number) else http_status(number)

    def slurm_failure(self, error, description: str, source: str) -> RequestFailed:
        return self.fail(error.number, description, source)


def _out_of_descriptors(number: int) -> bool:
    """A call that could not reach slurmctld because restd has no file descriptor
    left (libslurm reports the connection failure, not its cause): 503, not 502."""
    return http_status(number) == 502 and _runner.descriptors_exhausted() is not None


async def _run(ctx, work: Callable[[_Job], Any]) -> Any:
    """``work(job)`` in one worker job, as the request's identity; what it gets from
    libslurm is closed by the request's resources (plugins/content/_runner.py)."""
    def run(resources):
        job = _Job(ctx, resources)
        try:
            return job, work(job), None
        except RequestFailed as failure:
            return job, None, failure

    job, result, failure = await _runner.run(ctx, run, load=_native.load, source=NAME)
    ctx.warnings.extend(job.warnings)
    ctx.errors.extend(job.errors)
    if job.status is not None:
        ctx.status = job.status
    if failure is not None:
        raise failure
    return result


def _parse_body(ctx, type_name: str, data: Any, path: str = "#/") -> Any:
    """Parse a request body into C members; errors answer 422 with every parse
    error in the envelope."""
    from restd.data_parser.v0040 import V0040
    fast = "fast" in ctx.data_parser.flags
    result = _parse.parse(V0040, type_name, data, fast=fast, path=path)
    for entry in result.warnings:
        ctx.warning(entry["description"], entry["source"])
    if result.errors:
        ctx.errors.extend(result.errors[1:])
        raise result.refusal()
    return result.value


def _invalid_query(description: str, source: str) -> RequestFailed:
    return RequestFailed(422, description, error_number=ESLURM_REST_INVALID_QUERY,
                         error="Query empty or not RFC7320 compliant", source=source)


def _query_update_time(ctx, source: str) -> int:
    """update_time as the data_parser reads a TIMESTAMP (seconds since the epoch
    or a time such as "now-1hour"), refused with 422 when time_t cannot hold it."""
    from restd.data_parser.v0040 import V0040
    value = ctx.query.get("update_time")
    if value is None or value is True:
        return 0
    if isinstance(value, list):
        value = value[-1]
    result = _parse.parse(V0040, "TIMESTAMP", value, path="#/update_time")
    if result.errors:
        raise _invalid_query("Rejecting request. Failure parsing query parameters: "
                             f"update_time: {result.errors[0]['description']}",
                             "#/update_time")
    return result.value


def _conditional(ctx, update_time: int) -> tuple[int, bool]:
    """(the update_time to load with, whether it is the client's If-Modified-Since).
    slurmctld answers SLURM_NO_CHANGE_IN_DATA when nothing changed since one second
    before it (proc_req.c: ``last_update - 1 >= last_job_update``): the request is
    then answered 304 without a list to convert. update_time in the query wins."""
    since = getattr(ctx, "if_modified_since", None)
    if update_time or not since or since <= 0:
        return update_time, False
    return since, True


def _not_modified(ctx) -> Response:
    return Response(304, headers=[("Last-Modified",
                                   email.utils.formatdate(ctx.if_modified_since,
                                                          usegmt=True))])


def _query_flags(ctx, names: dict, source: str, default: int = 0) -> int:
    value = ctx.query.get("flags")
    if value is None:
        return default
    values = value if isinstance(value, list) else [value]
    flags = 0
    for item in values:
        for name in str(item).split(","):
            name = name.strip().upper()
            if not name:
                continue
            if name not in names:
                raise _invalid_query("Rejecting request. Failure parsing query parameters",
                                     source)
            flags |= names[name]
    return flags


def _show_flags(ctx, source: str) -> int:
    # slurmrestd always adds SHOW_DETAIL for these queries
    return _query_flags(ctx, SHOW_FLAGS, source) | SHOW_FLAGS["DETAIL"]


def _timestamp(job: _Job, value: int) -> Any:
    return job.dump("TIMESTAMP_NO_VAL", value)


# --- jobs ---------------------------------------------------------------------------------

NO_VAL = 0xFFFFFFFE
KILL_FULL_JOB = KILL_FLAGS["FULL_JOB"]


def _fast_json(job: _Job) -> Optional[bool]:
    """``pretty`` when the answer is JSON: the hot lists are then written by the
    native fast path (restd.native.fastpath, C generated from the same
    descriptions, same bytes) as an orjson.Fragment at depth 1 of the envelope.
    None for the other serializers (YAML...), which get Python data."""
    if getattr(job.ctx, "answer_serializer", None) != "json":
        return None
    return bool(getattr(job.ctx, "answer_pretty", True))


def dump_jobs(msg, job: _Job) -> Any:
    """The ``jobs`` array of a job_info_msg_t (the one place jobs are dumped)."""
    if msg is None:
        return []
    pretty = _fast_json(job)
    if pretty is not None:
        import orjson
        from restd.native import fastpath
        return orjson.Fragment(fastpath.dump_jobs_json(msg, pretty, 1))
    c = msg.c
    return job.dump("JOB_INFO_MSG", [c.job_array + index for index in range(c.record_count)])


def dump_nodes(msg, job: _Job) -> Any:
    """The ``nodes`` array of a node_info_msg_t (native for JSON, like dump_jobs)."""
    if msg is None:
        return job.dump("NODES", None)
    pretty = _fast_json(job)
    if pretty is not None:
        import orjson
        from restd.native import fastpath
        return orjson.Fragment(fastpath.dump_nodes_json(msg, pretty, 1,
                                                        warnings=job.warnings))
    c = msg.c
    return job.dump("NODES", [c.node_array + index for index in range(c.record_count)])


def _jobs_answer(job: _Job, msg, records=None) -> dict:
    if records is None:
        records = dump_jobs(msg, job)
    return {"jobs": records,
            "last_backfill": _timestamp(job, msg.c.last_backfill if msg is not None else 0),
            "last_update": _timestamp(job, msg.c.last_update if msg is not None else 0)}


def _time_str(when: int) -> str:
    """slurm_make_time_str() with Slurm's default format (ISO 8601, local time)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(when))


async def get_jobs(ctx):
    source = "op_handler_jobs"
    update_time = _query_update_time(ctx, source)
    show_flags = _query_flags(ctx, SHOW_FLAGS, source) or SHOW_FLAGS["ALL"] | \
        SHOW_FLAGS["DETAIL"]

    since, conditional = _conditional(ctx, update_time)

    def work(job):
        try:
            msg = job.controller.load_jobs(since, show_flags)
        except job.native_errors.SlurmError as error:
            job.error(error.number, "Unable to query jobs", "slurm_load_jobs()")
            return _jobs_answer(job, None)
        if msg is None and conditional:
            return _not_modified(ctx)
        if msg is None:  # SLURM_NO_CHANGE_IN_DATA
            job.warn(f"No job changes since update_time[{update_time}]="
                     f"{_time_str(update_time)}", "_op_handler_jobs")
            return _jobs_answer(job, None)
        job.modified(msg.c.last_update)
        pretty = _fast_json(job)
        if pretty is None:
            return _jobs_answer(job, msg)
        return _jobs_answer(job, msg, records=_streamed_jobs(job, msg, pretty))
    return await _run(ctx, work)


JOB_BATCH = 1000  # jobs written per worker job


def _streamed_jobs(job: _Job, msg, pretty: bool):
    """The jobs of a JSON answer, written by the fast path JOB_BATCH at a time
    while the answer goes out: the message from slurmctld is the one copy
    held, instead of it and the whole answer twice (a 10,000-job answer is
    77 MB pretty). The message is freed when the answer is written or dropped."""
    from restd.native import fastpath
    from restd.plugin_api import ListStream
    return ListStream(len(msg),
                      lambda start, stop: fastpath.dump_jobs_json(msg, pretty, 1, start, stop),
                      job.resources.hand_over(msg), batch=JOB_BATCH)


class SelectedStep:
    """slurm_selected_step_t as slurmrestd parses a job_id parameter:
    ``job[_task][+het][.step]`` (the step may be a number or batch/extern/
    interactive)."""

    STEP_NAMES = {"batch": 0xFFFFFFFB, "extern": 0xFFFFFFFC, "interactive": 0xFFFFFFFA,
                  "pending": 0xFFFFFFFD}

    def __init__(self, text: str, source: str):
        import re
        self.text = text
        match = re.fullmatch(r"(\d+)(?:_(\d+))?(?:\+(\d+))?(?:\.(\d+|batch|extern|"
                             r"interactive|pending))?", text.strip(), re.ASCII)
        # every number a uint32_t below NO_VAL (the "not given" value)
        if not match or any(len(part) > 10 or int(part) >= NO_VAL
                            for part in match.groups()[:3] + (match.group(4),)
                            if part is not None and part.isdigit()):
            raise _invalid_query("Rejecting request. Failure parsing parameters", source)
        self.job_id = int(match.group(1))
        self.array_task_id = int(match.group(2)) if match.group(2) is not None else NO_VAL
        self.het_job_offset = int(match.group(3)) if match.group(3) is not None else NO_VAL
        step = match.group(4)
        self.step_id = NO_VAL if step is None else (
            int(step) if step.isdigit() else self.STEP_NAMES[step])
        if not 0 < self.job_id < 0x04000000:  # MAX_JOB_ID
            raise RequestFailed(404, f"Invalid JobID={self.job_id} rejected",
                                error_number=ESLURM_INVALID_JOB_ID,
                                error="Invalid job id specified", source=source)

    def __str__(self):
        """fmt_job_id_string()"""
        out = str(self.job_id)
        if self.array_task_id != NO_VAL:
            out += f"_{self.array_task_id}"
        if self.het_job_offset != NO_VAL:
            out += f"+{self.het_job_offset}"
        if self.step_id != NO_VAL:
            names = {v: k for k, v in self.STEP_NAMES.items()}
            out += "." + names.get(self.step_id, str(self.step_id))
        return out


async def get_job(ctx):
    job_id = SelectedStep(ctx.path_params["job_id"], "op_handler_job")
    _query_update_time(ctx, "_handle_job_get")
    show_flags = _query_flags(ctx, SHOW_FLAGS, "_handle_job_get") or SHOW_FLAGS["ALL"] | \
        SHOW_FLAGS["DETAIL"]

    def work(job):
        source = "_handle_job_get"
        number = job_id.job_id
        if job_id.het_job_offset != NO_VAL:
            number += job_id.het_job_offset
        if job_id.array_task_id != NO_VAL:
            job.warn("Job array Ids are not currently supported for job searches. Showing "
                     "all jobs in array instead.", source)
        if job_id.step_id != NO_VAL:
            job.warn("Job steps are not supported for job searches. Showing whole job "
                     "instead.", source)
        try:
            msg = job.controller.load_job(number, show_flags)
        except job.native_errors.SlurmError as error:
            job.error(error.number, f"Unable to query JobId={job_id}", source)
            return _jobs_answer(job, None)
        return _jobs_answer(job, msg)
    return await _run(ctx, work)


async def get_jobs_state(ctx):
    """GET jobs/state/?job_id=1,2_3: the listed jobs (every job without job_id),
    answered as openapi_job_info_resp (the response v0.0.40 declares)."""
    source = "op_handler_job_states"
    raw = ctx.query.get("job_id")
    wanted = []
    if raw not in (None, True):
        for item in (raw if isinstance(raw, list) else [raw]):
            for text in str(item).split(","):
                if text.strip():
                    wanted.append(SelectedStep(text, source))

    def matches(record):
        for step in wanted:
            if step.array_task_id != NO_VAL:
                if (record.array_job_id == step.job_id
                        and record.array_task_id == step.array_task_id):
                    return True
            elif step.het_job_offset != NO_VAL:
                if (record.het_job_id == step.job_id
                        and record.het_job_offset == step.het_job_offset):
                    return True
            elif step.job_id in (record.job_id, record.array_job_id, record.het_job_id):
                return True
        return False

    def work(job):
        try:
            msg = job.controller.load_jobs(0, SHOW_FLAGS["ALL"] | SHOW_FLAGS["DETAIL"])
        except job.native_errors.SlurmError as error:
            raise job.fail(error.number, "Unable to query job states",
                           "slurm_load_jobs()")
        c = msg.c
        pointers = [c.job_array + index for index in range(c.record_count)]
        if wanted:
            pointers = [record for record in pointers if matches(record)]
        return _jobs_answer(job, msg, job.dump("JOB_INFO_MSG", pointers))
    return await _run(ctx, work)


def _strsignal(number: int) -> str:
    try:
        return _signal.strsignal(number) or f"Unknown signal {number}"
    except ValueError:
        return f"Unknown signal {number}"


async def delete_job(ctx):
    job_id = SelectedStep(ctx.path_params["job_id"], "op_handler_job")
    source = "_handle_job_delete"
    flags = _query_flags(ctx, KILL_FLAGS, source) or KILL_FULL_JOB
    raw = ctx.query.get("signal")
    signal = int(_signal.SIGKILL)
    if raw not in (None, True):
        from restd.data_parser.services import Services
        signal = Services().signal_number(str(raw))
        if signal <= 0:
            # slurmrestd answers 500: an unknown signal is the client's mistake
            raise _invalid_query(f"Unknown signal {raw}", "#/signal")

    def work(job):
        try:
            # slurm_kill_job(job_id): the whole job, whatever task/step was named
            job.controller.kill_job(str(job_id.job_id), signal, flags)
        except job.native_errors.SlurmError as error:
            if error.number == ESLURM_ALREADY_DONE:
                job.warn(f"Job was already sent signal {_strsignal(signal)}", source)
                return {}
            raise job.fail(error.number, f"unable to send signal {_strsignal(signal)} to "
                           f"JobId={job_id.job_id}", "slurm_kill_job2()")
        return {}
    return await _run(ctx, work)


def _refuse_missing_members(job: _Job, members: dict, type_name: str, c_type: str,
                            path: str) -> None:
    """422 naming the fields whose C member the Slurm restd runs with lacks
    (v0.0.40 describes Slurm 24.11; 22.05 has no container_id, resume_after...):
    a request asking for what this Slurm cannot do is refused, not half done."""
    missing = set(members) - job.controller.struct_members(c_type)
    if not missing:
        return
    keys = [fld.key for fld in job.version.kind(type_name).fields
            if fld.source and fld.source.split(".")[0] in missing]
    first = f"{path}{keys[0]}/" if keys else path
    major, minor, _ = job.controller.version()
    raise RequestFailed(422, f"Not supported by Slurm {major}.{minor:02d}: "
                        f"{', '.join(keys or sorted(missing))}",
                        error_number=ESLURM_NOT_SUPPORTED,
                        error=job.strerror(ESLURM_NOT_SUPPORTED), source=first)


def _job_desc(job: _Job, members: dict, path: str = "#/job/"):
    """A JobDesc (slurm_init_job_desc_msg()) with the parsed members set."""
    _refuse_missing_members(job, members, "JOB_DESC_MSG", "job_desc_msg_t", path)
    desc = job.controller.JobDesc()
    for name, value in members.items():
        setattr(desc, name, value)
    return desc


def _requester_ids(identity):
    """uid and gid of the requesting user (the job's owner)."""
    import pwd
    uid, gid = identity.uid, identity.gid
    entry = None
    if uid is None:
        entry = pwd.getpwnam(identity.user)
        uid = entry.pw_uid
    if gid is None:
        gid = (entry or pwd.getpwuid(uid)).pw_gid
    return uid, gid


async def post_job_submit(ctx):
    source = "_job_post"
    if ctx.body is None:
        raise _invalid_query("unexpected empty query for job", source)
    request = _parse_body(ctx, "JOB_SUBMIT_REQ", ctx.body)
    script = request.get("script")
    single = request.get("job")
    components = request.get("jobs")
    if components is None and not script and not (single or {}).get("script"):
        raise _invalid_query("Populated \"script\" field is required for job submission",
                             source)
    if single is not None and components is not None:
        raise _invalid_query("Specify only one \"job\" or \"jobs\" fields but never both",
                             source)
    if single is None and components is None:
        raise _invalid_query("Specifing either \"job\" or \"jobs\" fields are required to "
                             "submit job", source)
    if components is not None and not components:
        # slurmrestd answers 500: an empty list is the client's mistake
        raise _invalid_query("Refusing HetJob submission without any components", "#/jobs/")
    uid, gid = _requester_ids(ctx.identity)
    het = single is None

    def work(job):
        descs = []
        for index, members in enumerate(components if het else [single]):
            desc = _job_desc(job, members, f"#/jobs[{index}]/" if het else "#/job/")
            if index == 0 and script:
                desc.script = script
            desc.user_id = uid  # the requesting user's, whatever the body says
            desc.group_id = gid
            descs.append(desc)
        if het and not descs[0].script:
            raise job.fail(error_number("ESLURM_JOB_SCRIPT_MISSING", job),
                           "Refusing HetJob submission without batch script or empty batch "
                           "script for first component", "_job_post_het_submit")
        call = "slurm_submit_batch_het_job()" if het else "slurm_submit_batch_job()"
        try:
            result = (job.controller.submit_het_job(descs) if het
                      else job.controller.submit_job(descs[0]))
        except job.native_errors.SlurmError as error:
            raise job.fail(error.number, "HetJob submission failed" if het
                           else "Batch job submission failed", call)
        if result.error_code:
            text = job.strerror(result.error_code)
            job.warn(f"{'HetJob' if het else 'Job'} submission resulted in non-zero return "
                     f"code: {text}", call)
        resp = {"job_id": result.job_id, "step_id": result.step_id,
                "error_code": result.error_code, "job_submit_user_msg": result.user_msg}
        answer = job.dump("OPENAPI_JOB_SUBMIT_RESPONSE", {"resp": resp})
        for key in ("meta", "errors", "warnings"):
            answer.pop(key, None)
        if result.error_code:
            if result.error_code in NONFATAL_SUBMIT_ERRORS:
                job.warn(job.strerror(result.error_code), "slurm_submit_batch_job()")
            else:
                job.error(result.error_code, "", call)
        return answer
    return await _run(ctx, work)


def error_number(name: str, job: _Job) -> int:
    try:
        return job.native_errors.error_number(name)
    except (KeyError, AttributeError):
        return SLURM_ERROR


def _array_task_entry(job: _Job, result) -> dict:
    """JOB_ARRAY_RESPONSE_MSG_entry_t of one slurm_update_job2() result: its
    ``tasks`` ("1234_7", or "1234_0-2,5" for the tasks that got the same answer;
    "1234_[0-2,5]" from slurmctld 26.05 on, which names them with fmt_job_id_string())
    as slurm_selected_step_t. slurmrestd reads them with unfmt_job_id_string(),
    which takes one task only: a set of tasks then names its first task, with
    a warning. restd keeps the set (array_bitmap), written back as "1234_[0-2,5]"
    by fmt_job_id_string()'s rule, so that the answer names every task updated."""
    import re
    step = {"step_id": {"job_id": NO_VAL, "step_id": NO_VAL}, "array_task_id": NO_VAL,
            "het_job_offset": NO_VAL, "array_bitmap": None}
    tasks = r"\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*"
    match = re.fullmatch(r"(\d+)(?:_(\d+)|_(%s)|_\[(%s)\])?" % (tasks, tasks),
                         result.tasks or "")
    if match is None:  # e.g. a task list slurmctld cut short with "..."
        job.warn(f"Unable to parse JobId={result.tasks}: "
                 f"{job.strerror(ESLURM_INVALID_JOB_ID)}", "unfmt_job_id_string()")
        leading = re.match(r"\d+", result.tasks or "")
        if leading:
            step["step_id"]["job_id"] = int(leading.group(0))
    else:
        step["step_id"]["job_id"] = int(match.group(1))
        if match.group(2) is not None:
            step["array_task_id"] = int(match.group(2))
        elif (task_set := match.group(3) or match.group(4)) is not None:
            step["array_bitmap"] = job.version.services.bits(task_set)
    return {"step": step, "rc": result.error_code, "msg": result.message}


async def post_job(ctx):
    source = "_job_post_update"
    job_id = SelectedStep(ctx.path_params["job_id"], "op_handler_job")
    try:
        members = _parse_body(ctx, "JOB_DESC_MSG", ctx.body if ctx.body is not None else {})
    except RequestFailed as failure:
        ctx.errors.append(failure.entry)
        raise RequestFailed(failure.status, "Rejecting request. Failure parsing job update "
                            "request.", error_number=ESLURM_REST_INVALID_QUERY,
                            error="Query empty or not RFC7320 compliant",
                            source=source) from None
    if job_id.array_task_id != NO_VAL:
        raise _invalid_query("Rejecting request. Submit job update against Array Job's JobID "
                             "instead of array task id.", source)
    if job_id.step_id != NO_VAL:
        ctx.warning("Job step information ignored. Job update requests apply to whole job "
                    "and can not be targeted to specific steps.", source)

    def work(job):
        call = "slurm_update_job2()"
        desc = _job_desc(job, members, "#/")
        # The job named as text, as scontrol does: slurmctld's update_job_str() then
        # updates every task of an array (those split off from the pending record
        # too) and every component of a het job, answering per group of tasks.
        # slurmrestd sets the numeric job_id instead: slurmctld's update_job() then
        # changes one record only (the array's pending tasks, or the task whose
        # job id that is) and answers one code, so its results[] stay empty.
        desc.job_id_str = str(job_id.job_id) if job_id.het_job_offset == NO_VAL else \
            f"{job_id.job_id}+{job_id.het_job_offset}"
        answer = {"results": None, "job_id": None, "step_id": None,
                  "job_submit_user_msg": None}
        try:
            results = job.controller.update_job(desc)
        except job.native_errors.SlurmError as error:
            job.error(error.number, "Job update requested failed", call)
            results = []
        if results:
            # as slurmrestd: the deprecated fields repeat the first entry
            answer.update(results=[_array_task_entry(job, result) for result in results],
                          job_id=results[0].tasks, job_submit_user_msg=results[0].message)
        for result in results:
            if result.error_code:
                job.warn(f"Job update resulted in non-zero return-code[{result.error_code}]: "
                         f"{job.strerror(result.error_code)}", call)
        return job.dump("OPENAPI_JOB_POST_RESPONSE", answer)
    answer = await _run(ctx, work)
    for key in ("meta", "errors", "warnings"):
        answer.pop(key, None)
    return answer


def _kill_matches(record, spec: dict, job: _Job) -> bool:
    """kill_jobs_msg_t filters, as slurmctld applies them to each job."""
    def text(value):
        return value if isinstance(value, str) else ""
    for member, field in (("account", "account"), ("job_name", "name"),
                          ("partition", "partition"), ("qos", "qos"),
                          ("reservation", "resv_name"), ("wckey", "wckey")):
        wanted = spec.get(member)
        if wanted and job.services.get(record, field) != wanted:
            return False
    if spec.get("user_id") not in (None,) and int(spec["user_id"]) != record.user_id:
        return False
    if spec.get("user_name"):
        uid = job.version.services.user_id(spec["user_name"])
        if uid is None or uid != record.user_id:
            return False
    state = spec.get("state")
    if state:
        base = record.job_state & 0xFF
        if base != state:
            return False
    nodelist = spec.get("nodelist")
    if nodelist:
        from restd.data_parser.types import expand_hostlist
        nodes = set(expand_hostlist(job.services.get(record, "nodes") or ""))
        if not nodes & set(expand_hostlist(nodelist)):
            return False
    return True


async def delete_jobs(ctx):
    """DELETE jobs/: signal every job matching the kill_jobs_msg filters (the
    per-job results of slurm_kill_jobs(), made with slurm_kill_job2())."""
    source = "op_handler_jobs"
    spec = _parse_body(ctx, "KILL_JOBS_MSG", ctx.body if ctx.body is not None else {})
    signal = int(spec.get("signal") or _signal.SIGKILL)
    flags = int(spec.get("flags") or 0)
    wanted = [SelectedStep(text, source) for text in spec.get("jobs_array") or ()]
    if not wanted and not any(spec.get(key) for key in (
            "account", "job_name", "partition", "qos", "reservation", "state", "user_id",
            "user_name", "wckey", "nodelist")):
        raise _invalid_query("No jobs selected for signaling", source)

    def work(job):
        targets = []  # (text id, selected step dict)
        try:
            msg = job.controller.load_jobs(0, SHOW_FLAGS["ALL"])
        except job.native_errors.SlurmError as error:
            raise job.slurm_failure(error, "Unable to query jobs", "slurm_load_jobs()")
        c = msg.c
        records = [c.job_array + index for index in range(c.record_count)]
        base_states_done = {3, 4, 5, 6, 7, 8, 9, 10, 11}
        if wanted:
            for step in wanted:
                targets.append((
                    str(step), step.job_id,
                    None if step.array_task_id == NO_VAL else step.array_task_id,
                    None if step.het_job_offset == NO_VAL else step.het_job_offset))
        else:
            for record in records:
                if record.job_state & 0xFF in base_states_done:
                    continue
                if _kill_matches(record, spec, job):
                    task = record.array_task_id if record.array_task_id != 0xFFFFFFFE \
                        and record.array_job_id else None
                    text = f"{record.array_job_id}_{task}" if task is not None else \
                        str(record.job_id)
                    targets.append((text, record.job_id, None, None))
        results = []
        for text, job_id, task, het in targets:
            number, message = 0, ""
            try:
                job.controller.kill_job(text, signal, flags)
            except job.native_errors.SlurmError as error:
                number, message = error.number, error.description
            step = {"step_id": {"job_id": job_id, "step_id": 0xFFFFFFFE},
                    "array_task_id": 0xFFFFFFFE if task is None else task,
                    "het_job_offset": 0xFFFFFFFE if het is None else het}
            results.append({"error_code": number, "error_msg": message, "id": step,
                            "real_job_id": job_id, "sibling_name": None})
        return {"status": job.dump("KILL_JOBS_RESP_MSG", results)}
    return await _run(ctx, work)


# --- nodes --------------------------------------------------------------------------------

def _load_nodes_with_partitions(job: _Job, update_time: int, show_flags: int):
    msg = job.controller.load_nodes(update_time, show_flags)
    if msg is None:
        return None
    parts = job.controller.load_partitions(0, show_flags)
    from restd.native import library
    library.get()[1].slurm_populate_node_partitions(msg.c, parts.c)
    return msg


async def get_nodes(ctx, name: Optional[str] = None):
    source = "op_handler_nodes" if name is None else "op_handler_node"
    update_time = _query_update_time(ctx, source)
    show_flags = _show_flags(ctx, source)

    def work(job):
        try:
            msg = _load_nodes_with_partitions(job, update_time, show_flags)
        except job.native_errors.SlurmError as error:
            raise job.fail(error.number, "Unable to query nodes" if name is None
                           else f"Unable to query node {name}", "slurm_load_node()")
        if msg is None:
            return {"nodes": [], "last_update": _timestamp(job, 0)}
        if name is not None:
            c = msg.c
            pointers = [c.node_array + index for index in range(c.record_count)
                        if job.services.get(c.node_array + index, "name") == name]
            if not pointers:
                raise job.fail(ESLURM_INVALID_NODE_NAME, f"Unable to query node {name}",
                               source)
            nodes = job.dump("NODES", pointers)
        else:
            nodes = dump_nodes(msg, job)
        return {"nodes": nodes, "last_update": _timestamp(job, msg.c.last_update)}
    return await _run(ctx, work)


async def get_node(ctx):
    return await get_nodes(ctx, ctx.path_params["node_name"])


async def post_nodes(ctx, name: Optional[str] = None):
    members = _parse_body(ctx, "UPDATE_NODE_MSG", ctx.body if ctx.body is not None else {})
    if name is not None:
        members["node_names"] = name
    node_names = members.pop("node_names", None)
    if not node_names:
        raise _invalid_query("No nodes given to update", "op_handler_nodes")

    def work(job):
        _refuse_missing_members(job, members, "UPDATE_NODE_MSG", "update_node_msg_t", "#/")
        try:
            job.controller.update_node(node_names, **members)
        except job.native_errors.SlurmError as error:
            raise job.fail(error.number, f"Failure to update node {node_names}",
                           "slurm_update_node()")
        return {}
    return await _run(ctx, work)


async def post_node(ctx):
    return await post_nodes(ctx, ctx.path_params["node_name"])


async def delete_node(ctx):
    name = ctx.path_params["node_name"]

    def work(job):
        try:
            job.controller.delete_node(name)
        except job.native_errors.SlurmError as error:
            raise job.fail(error.number, f"Failure to delete node {name}",
                           "slurm_delete_node()")
        return {}
    return await _run(ctx, work)


# --- partitions, reservations, licenses, ping, diag, reconfigure, shares -------------------

async def get_partitions(ctx, name: Optional[str] = None):
    source = "op_handler_partitions" if name is None else "op_handler_partition"
    update_time = _query_update_time(ctx, source)
    show_flags = _query_flags(ctx, SHOW_FLAGS, source)

    since, conditional = _conditional(ctx, update_time)

    def work(job):
        try:
            msg = job.controller.load_partitions(since, show_flags)
        except job.native_errors.SlurmError as error:
            raise job.slurm_failure(error, "Unable to query partitions",
                                    "slurm_load_partitions()")
        return _records_answer(ctx, job, msg, conditional, "partitions", "PARTITION_INFO_MSG",
                               "partition_array", name, "partition", source,
                               empty=lambda: job.dump("PARTITION_INFO_MSG", None))
    return await _run(ctx, work)


def _records_answer(ctx, job, msg, conditional: bool, key: str, kind: str, array: str,
                    name: Optional[str], what: str, source: str, empty: Callable[[], Any]):
    """The answer of a load call with an update time (partitions, reservations): 304
    when slurmctld reports no change since If-Modified-Since, else the records (those
    called ``name``) dumped as ``kind`` under ``key``, with the list's Last-Modified."""
    if msg is None and conditional:
        return _not_modified(ctx)
    if msg is None:
        return {key: empty(), "last_update": _timestamp(job, 0)}
    c = msg.c
    pointers = _records_named(job, getattr(c, array), c.record_count, name, what, source)
    job.modified(c.last_update)
    return {key: job.dump(kind, pointers), "last_update": _timestamp(job, c.last_update)}


def _records_named(job, array, count: int, name: Optional[str], what: str, source: str):
    """Pointers to the ``count`` records of ``array``, or to those called ``name``
    (none: 422, as slurmrestd answers an unknown partition or reservation)."""
    pointers = [array + index for index in range(count)]
    if name is None:
        return pointers
    pointers = [p for p in pointers if job.services.get(p, "name") == name]
    if not pointers:
        raise _invalid_query(f"Unable to find {what} {name}", source)
    return pointers


async def get_partition(ctx):
    return await get_partitions(ctx, ctx.path_params["partition_name"])


async def get_reservations(ctx, name: Optional[str] = None):
    source = "op_handler_reservations" if name is None else "op_handler_reservation"
    update_time = _query_update_time(ctx, source)

    since, conditional = _conditional(ctx, update_time)

    def work(job):
        try:
            msg = job.controller.load_reservations(since)
        except job.native_errors.SlurmError as error:
            raise job.slurm_failure(error, "Unable to query reservations",
                                    "slurm_load_reservations()")
        return _records_answer(ctx, job, msg, conditional, "reservations",
                               "RESERVATION_INFO_MSG", "reservation_array", name,
                               "reservation", source, empty=list)
    return await _run(ctx, work)


async def get_reservation(ctx):
    return await get_reservations(ctx, ctx.path_params["reservation_name"])


async def get_licenses(ctx):
    def work(job):
        try:
            msg = job.controller.load_licenses()
        except job.native_errors.SlurmError as error:
            raise job.slurm_failure(error, "Unable to query licenses",
                                    "slurm_load_licenses()")
        c = msg.c
        pointers = [c.lic_array + index for index in range(c.num_lic)]
        return {"licenses": job.dump("LICENSES", pointers),
                "last_update": _timestamp(job, c.last_update)}
    return await _run(ctx, work)


async def get_ping(ctx):
    def work(job):
        pings = job.controller.ping()
        return {"pings": job.dump("CONTROLLER_PING_ARRAY", [
            {"hostname": ping.hostname, "pinged": ping.responding,
             "latency": ping.latency_us, "offset": ping.index} for ping in pings])}
    return await _run(ctx, work)


async def get_diag(ctx):
    def work(job):
        try:
            stats = job.controller.diag()
        except job.native_errors.SlurmError as error:
            raise job.slurm_failure(error, "slurm_get_statistics() failed",
                                    "slurm_get_statistics()")
        return {"statistics": job.dump("STATS_MSG", stats.c)}
    return await _run(ctx, work)


async def get_reconfigure(ctx):
    def work(job):
        try:
            job.controller.reconfigure()
        except job.native_errors.SlurmError as error:
            raise job.slurm_failure(error, "slurm_reconfigure() failed",
                                    "slurm_reconfigure()")
        return {}
    return await _run(ctx, work)


async def get_shares(ctx):
    def names(key):
        value = ctx.query.get(key)
        if value in (None, True):
            return None
        items = value if isinstance(value, list) else [value]
        return [name.strip() for item in items for name in str(item).split(",")
                if name.strip()]
    accounts, users = names("accounts"), names("users")

    def work(job):
        try:
            msg = job.controller.shares(accounts=accounts, users=users)
        except job.native_errors.SlurmError as error:
            raise job.fail(error.number, error.description, "slurm_associations_get_shares()")
        return {"shares": job.dump("SHARES_RESP_MSG", msg.c)}
    return await _run(ctx, work)


# --- the operations -----------------------------------------------------------------------

def _query(name: str, enum: Optional[list] = None) -> Parameter:
    schema: dict = {"type": "string"}
    if enum:
        schema["enum"] = list(enum)
    return Parameter(name, "query", schema)


def operations():
    # query parameters: the version's *_QUERY kinds (restd.openapi makes them)
    job_id = Parameter("job_id", "path")
    node_name = Parameter("node_name", "path")
    dp = "{data_parser}"
    table = (
        ("GET", "/slurm/{dp}/shares", "get_shares", get_shares, (), "SHARES_REQ_MSG", None,
         "openapi_shares_resp"),
        ("GET", "/slurm/{dp}/reconfigure/", "get_reconfigure", get_reconfigure, (), None,
         None, "openapi_resp"),
        ("GET", "/slurm/{dp}/diag/", "get_diag", get_diag, (), None, None,
         "openapi_diag_resp"),
        ("GET", "/slurm/{dp}/ping/", "get_ping", get_ping, (), None, None,
         "openapi_ping_array_resp"),
        ("GET", "/slurm/{dp}/licenses/", "get_licenses", get_licenses, (), None, None,
         "openapi_licenses_resp"),
        ("POST", "/slurm/{dp}/job/submit", "post_job_submit", post_job_submit, (), None,
         "job_submit_req", "openapi_job_submit_response"),
        ("GET", "/slurm/{dp}/jobs/", "get_jobs", get_jobs, (), "OPENAPI_JOB_INFO_QUERY",
         None, "openapi_job_info_resp"),
        ("DELETE", "/slurm/{dp}/jobs/", "delete_jobs", delete_jobs, (), None,
         "kill_jobs_msg", "openapi_kill_jobs_resp"),
        ("GET", "/slurm/{dp}/jobs/state/", "get_jobs_state", get_jobs_state, (),
         "OPENAPI_JOB_STATE_QUERY", None, "openapi_job_info_resp"),
        ("GET", "/slurm/{dp}/job/{job_id}", "get_job", get_job, (job_id,),
         "OPENAPI_JOB_INFO_QUERY", None, "openapi_job_info_resp"),
        ("POST", "/slurm/{dp}/job/{job_id}", "post_job", post_job, (job_id,), None,
         "job_desc_msg", "openapi_job_post_response"),
        # v0.0.42 answers each signalled job's result, older versions the envelope
        ("DELETE", "/slurm/{dp}/job/{job_id}", "delete_job", delete_job, (job_id,),
         "OPENAPI_JOB_INFO_DELETE_QUERY", None, ("openapi_kill_job_resp", "openapi_resp")),
        ("GET", "/slurm/{dp}/nodes/", "get_nodes", get_nodes, (), "OPENAPI_NODES_QUERY",
         None, "openapi_nodes_resp"),
        ("POST", "/slurm/{dp}/nodes/", "post_nodes", post_nodes, (), None,
         "update_node_msg", "openapi_resp"),
        ("GET", "/slurm/{dp}/node/{node_name}", "get_node", get_node, (node_name,),
         "OPENAPI_NODES_QUERY", None, "openapi_nodes_resp"),
        ("POST", "/slurm/{dp}/node/{node_name}", "post_node", post_node, (node_name,), None,
         "update_node_msg", "openapi_resp"),
        ("DELETE", "/slurm/{dp}/node/{node_name}", "delete_node", delete_node, (node_name,),
         None, None, "openapi_resp"),
        ("GET", "/slurm/{dp}/partitions/", "get_partitions", get_partitions, (),
         "OPENAPI_PARTITIONS_QUERY", None, "openapi_partition_resp"),
        ("GET", "/slurm/{dp}/partition/{partition_name}", "get_partition", get_partition,
         (Parameter("partition_name", "path"),), "OPENAPI_PARTITIONS_QUERY", None,
         "openapi_partition_resp"),
        ("GET", "/slurm/{dp}/reservations/", "get_reservations", get_reservations, (),
         "OPENAPI_RESERVATION_QUERY", None, "openapi_reservation_resp"),
        ("GET", "/slurm/{dp}/reservation/{reservation_name}", "get_reservation",
         get_reservation, (Parameter("reservation_name", "path"),),
         "OPENAPI_RESERVATION_QUERY", None, "openapi_reservation_resp"),
    )
    for method, path, name, handler, parameters, query, request, response in table:
        responses = (response,) if isinstance(response, str) else response
        yield OperationSpec(
            method=method, path=path.replace("{dp}", dp),
            operation_id="slurm_{dp_id}_" + name, handler=handler, tags=(TAG,),
            parameters=parameters, query=query,
            request_schema=f"{dp}_{request}" if request else None,
            response_schema=tuple(f"{dp}_{item}" for item in responses),
            shared=handler is not get_reconfigure)  # reconfigure acts: never shared
