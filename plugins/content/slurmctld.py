"""content/slurmctld: the /slurm/{data_parser}/ operations, answered by slurmctld.

Every request makes its RPCs in ONE worker job, as the request's identity
(plugins/content/_backend.py: ``backend.run``). The answers are dumped by the
data_parser of the request's version (``worker.version``), reading Slurm's
records through restd.native; the hot lists (jobs, nodes) are returned as
:class:`restd.plugin_api.Records` and rendered by restd.app (the generated C
fast path for JSON where the version has one). Request bodies are parsed by
the same descriptions into C members.

Behaviour follows slurmrestd 24.11's openapi/slurmctld for v0.0.40, as far as
the Slurm this binding is built against allows (see README of native/ for
22.05's limits): status codes from Slurm error names (``backend.http_status``),
error sources named after slurmrestd's functions, warnings as it gives them.
"""
from __future__ import annotations

import asyncio
import email.utils
import logging
import signal as _signal
import time
from typing import Any, Callable, Optional

from restd.http.messages import Response
from restd.native.errors import SlurmError
from restd.native.slurm_h import (MAX_JOB_ID, NO_VAL, PRIVATE_DATA_JOBS, PRIVATE_DATA_NODES,
                                  PRIVATE_DATA_PARTITIONS, PRIVATE_DATA_RESERVATIONS,
                                  SHOW_ALL, SHOW_DETAIL, SHOW_FLAGS,
                                  SLURM_BATCH_SCRIPT, SLURM_EXTERN_CONT,
                                  SLURM_INTERACTIVE_STEP, SLURM_PENDING_STEP)
from restd.data_parser.versions import NAMES
from restd.plugin_api import UNCHANGED, OperationSpec, Parameter, RequestFailed
from restd.plugins.content import _allocate
from restd.plugins.content import _backend as backend
from restd.plugins.content._backend import Worker, invalid_query

log = logging.getLogger(__name__)

NAME = "slurmctld"
PLUGIN_TYPE = "openapi/slurmctld"
PLUGIN_NAME = "Slurm OpenAPI slurmctld"
TAG = "slurm"

# job_allocate()'s errors that still queue the job: slurmrestd warns
NONFATAL_SUBMIT_ERRORS = (
    "ESLURM_NODES_BUSY", "ESLURM_RESERVATION_BUSY", "ESLURM_JOB_HELD",
    "ESLURM_NODE_NOT_AVAIL", "ESLURM_QOS_THRES", "ESLURM_ACCOUNTING_POLICY",
    "ESLURM_RESERVATION_NOT_USABLE", "ESLURM_REQUESTED_PART_CONFIG_UNAVAILABLE",
    "ESLURM_BURST_BUFFER_WAIT", "ESLURM_PARTITION_DOWN", "ESLURM_LICENSES_UNAVAILABLE")


def _nonfatal_submit_error(number: int) -> bool:
    return any(backend.error_number(name) == number for name in NONFATAL_SUBMIT_ERRORS)


# slurm_kill_job2() flags (slurm.h KILL_*), as the data_parser names them (its
# WARN_FLAGS kind, which gives their values for the request's version)
KILL_FLAGS = ("BATCH_JOB", "ARRAY_TASK", "FULL_STEPS_ONLY", "FULL_JOB", "FEDERATION_REQUEUE",
              "HURRY", "OUT_OF_MEMORY", "NO_SIBLING_JOBS", "RESERVATION_JOB", "NO_CRON_JOBS",
              "VERBOSE", "CRON_JOBS", "WARNING_SENT")
KILL_FLAGS_KIND = "WARN_FLAGS"


def init(config) -> None:
    backend.configure(config)
    try:
        backend.load()
    except Exception as error:  # no slurm.conf (restd --generate-openapi-spec, tests)
        log.warning("slurmctld: libslurm not loaded yet (%s); retried on the first request",
                    error)


slurm_info = backend.slurm_info


# --- running a request's RPCs --------------------------------------------------------

async def _run(ctx, work: Callable[[Worker], Any]) -> Any:
    """``work(worker)`` in one worker job, as the request's identity."""
    return await backend.run(ctx, work, source=NAME)


def _parse_body(ctx, kind: str, data: Any, path: str = "#/") -> Any:
    return backend.parse_body(ctx, kind, data, path)


def _query_update_time(ctx, source: str) -> int:
    """update_time as the data_parser reads a TIMESTAMP (seconds since the epoch
    or a time such as "now-1hour"), refused with 422 when time_t cannot hold it."""
    value = ctx.query.get("update_time")
    if value is None or value is True:
        return 0
    if isinstance(value, list):
        value = value[-1]
    result = backend.parse_value(ctx, "TIMESTAMP", value, "#/update_time")
    if result.errors:
        raise invalid_query("Rejecting request. Failure parsing query parameters: "
                            f"update_time: {result.errors[0]['description']}",
                            "#/update_time")
    return result.value


# How a load with an update time answers "no change since" (see _conditional)
NOT_MODIFIED = "If-Modified-Since"  # the client's time: 304
KEPT = "kept"  # the time of the answer restd kept (ctx.unchanged_since): UNCHANGED


def _conditional(ctx, update_time: int) -> tuple[int, Optional[str]]:
    """(the update_time to load with, what "no change" then means: None for
    update_time in the query, which wins, NOT_MODIFIED for the client's
    If-Modified-Since, KEPT for the time of the last answer restd kept). slurmctld
    answers SLURM_NO_CHANGE_IN_DATA when nothing changed since one second before it
    (proc_req.c: ``last_update - 1 >= last_job_update``): the request is then
    answered 304, or with the kept answer, without a list to convert."""
    since = getattr(ctx, "if_modified_since", None)
    if update_time:
        return update_time, None
    if since and since > 0:
        return since, NOT_MODIFIED
    kept = getattr(ctx, "unchanged_since", 0)
    if kept and kept > 0:
        return kept, KEPT
    return 0, None


def _no_change(ctx, mode: Optional[str]) -> Any:
    """The answer of a conditional load that slurmctld answered "no change since"."""
    return _not_modified(ctx) if mode == NOT_MODIFIED else UNCHANGED


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
                raise invalid_query("Rejecting request. Failure parsing query parameters",
                                    source)
            flags |= names[name]
    return flags


def _show_flags(ctx, source: str) -> int:
    # slurmrestd always adds SHOW_DETAIL for these queries
    return _query_flags(ctx, SHOW_FLAGS, source) | SHOW_DETAIL


# --- who sees the same answer: PrivateData ------------------------------------------------
#
# slurmctld answers a list to a user as slurm.conf's PrivateData and the show flags
# decide (Slurm 22.05 to 26.05):
# - jobs (job_mgr.c pack_all_jobs, _pack_job, _hide_job_user_rec): with SHOW_ALL (restd's
#   default for jobs), a job is left out only when PrivateData has jobs (another user's
#   job, unless the requester coordinates its account or shares its MCS label);
#   operators skip even that. Without SHOW_ALL, a non-operator also loses the jobs of
#   partitions hidden from them (Hidden, AllowGroups: build_visible_parts), and
#   pack_job() itself does not look at the requester.
# - nodes (proc_req.c _slurm_rpc_dump_nodes, node_mgr.c pack_all_nodes): PrivateData=
#   nodes refuses non-operators; otherwise, with SHOW_ALL, every node is shown to
#   everyone (FUTURE and powered down cloud nodes hidden alike); without it, the nodes
#   of partitions hidden from the requester are left out. restd's nodes answer also
#   loads the partitions (for each node's partition names): both must be public.
# - partitions (_slurm_rpc_dump_partitions, partition_mgr.c pack_all_part): PrivateData=
#   partitions refuses non-operators; otherwise SHOW_ALL shows all to everyone, and
#   without it each user sees the partitions visible to them.
# - reservations (reservation.c show_resv): PrivateData=reservations shows a
#   non-operator only the reservations they may use; otherwise all, to everyone.
# So these answers are the same for every user exactly when PrivateData leaves their
# objects public and (but reservations) SHOW_ALL is asked: their class is then
# "everyone", and alice's and bob's identical requests share one fetch. Otherwise each
# identity has its own (operators included: their answers differ from users' ones).
# PrivateData is slurmctld's own (slurm_load_ctl_conf: libslurm's reading of slurm.conf
# at restd's start only tells, in the log, that restd's copy of slurm.conf differs),
# asked again at most once per PRIVATE_DATA_RECHECK seconds while such requests come
# (a small RPC, answered "no change" while slurmctld's configuration is the same): a
# change takes effect that long after slurmctld reads it (scontrol reconfigure), with
# no restart of restd. Until it is known (slurmctld unreachable), nothing is shared.

PRIVATE_DATA_RECHECK = 1.0  # seconds


class _PrivateData:
    """slurmctld's PrivateData as last read, refreshed by the requests that need it."""

    def __init__(self):
        self.value: Optional[int] = None
        self.conf_update = 0  # slurmctld's configuration time of ``value`` (0: libslurm's)
        self.checked = float("-inf")  # loop time of the last check
        self._refreshing: Optional[asyncio.Future] = None

    async def current(self, ctx) -> Optional[int]:
        """PrivateData, at most PRIVATE_DATA_RECHECK seconds old; None when unknown."""
        loop = asyncio.get_running_loop()
        if loop.time() - self.checked < PRIVATE_DATA_RECHECK:
            return self.value
        if self._refreshing is None:
            self._refreshing = asyncio.ensure_future(self._refresh(ctx))
            self._refreshing.add_done_callback(self._refreshed)
        # shielded: a request that goes away does not cancel the others' check
        return await asyncio.shield(self._refreshing)

    def _refreshed(self, future: asyncio.Future) -> None:
        self._refreshing = None

    async def _refresh(self, ctx) -> Optional[int]:
        started = asyncio.get_running_loop().time()
        since = self.conf_update

        def work(worker):
            from restd.native import controller
            try:
                return controller.private_data(), controller.load_private_data(since)
            except SlurmError as error:
                log.warning("slurmctld's PrivateData not read (%s): answers not shared "
                            "across users meanwhile", error)
                return None
        try:
            found = await _run(ctx, work)
        except RequestFailed as failure:  # libslurm not loaded, no descriptor left...
            log.warning("slurmctld's PrivateData not read (%s)", failure)
            found = None
        except Exception:
            log.exception("PrivateData not read")
            found = None
        if found is None:  # not shared until slurmctld answers (asked again in a second)
            self.value, self.conf_update, self.checked = None, 0, started
            return None
        at_start, loaded = found
        if loaded is not None:
            if self.value is None and loaded[0] != at_start:
                log.warning("PrivateData: slurm.conf here reads %#x, slurmctld's %#x: "
                            "slurmctld's is followed", at_start, loaded[0])
            self.value, self.conf_update = loaded
        self.checked = started
        return self.value


PRIVATE_DATA = _PrivateData()
EVERYONE = "everyone"  # the class of an answer every user gets alike


def _visibility(private_bits: int, needs_show_all: bool,
                default_flags: int = 0) -> Callable[[Any], Any]:
    """The visibility of a list whose objects PrivateData hides with ``private_bits``
    (see above); with ``needs_show_all``, only when the request's show flags (the query's,
    else ``default_flags``) have SHOW_ALL."""
    async def visibility(ctx) -> Optional[str]:
        if needs_show_all:
            try:
                flags = _query_flags(ctx, SHOW_FLAGS, "visibility") or default_flags
            except RequestFailed:
                return None  # refused by the handler, each on its own
            if not flags & SHOW_ALL:
                return None
        private = await PRIVATE_DATA.current(ctx)
        if private is None or private & private_bits:
            return None
        return EVERYONE
    return visibility


def _kill_flags(ctx) -> dict[str, int]:
    """The kill flags' values by name, as the request's data_parser version has them."""
    kind = backend.bound(ctx.data_parser.version).kind(KILL_FLAGS_KIND)
    return {bit.name: bit.value for bit in kind.bits if bit.kind == "bit"}


def _timestamp(worker: Worker, value: int) -> Any:
    return worker.dump("TIMESTAMP_NO_VAL", value)


# --- jobs ---------------------------------------------------------------------------------

JOB_BATCH = 1000  # jobs written per worker thread's turn while a JSON answer goes out


def _jobs_answer(worker: Worker, msg, jobs=None, batch: Optional[int] = None) -> dict:
    """The answer of a job_info_msg_t: its jobs (``jobs`` when given, a selection
    already dumped; else every record, rendered by restd.app, ``batch`` at a time
    when given: the message from slurmctld is then the one copy held while the
    answer goes out, instead of it and the whole answer twice: a 10,000-job answer
    is 77 MB pretty)."""
    last_backfill = msg.last_backfill if msg is not None else 0
    last_update = msg.last_update if msg is not None else 0
    if jobs is None:
        jobs = [] if msg is None else worker.records("JOB_INFO_MSG", msg, batch=batch)
    return {"jobs": jobs, "last_backfill": _timestamp(worker, last_backfill),
            "last_update": _timestamp(worker, last_update)}


def _time_str(when: int) -> str:
    """slurm_make_time_str() with Slurm's default format (ISO 8601, local time)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(when))


async def get_jobs(ctx):
    source = "op_handler_jobs"
    update_time = _query_update_time(ctx, source)
    show_flags = _query_flags(ctx, SHOW_FLAGS, source) or SHOW_ALL | SHOW_DETAIL

    since, conditional = _conditional(ctx, update_time)

    def work(worker):
        try:
            msg = worker.controller.load_jobs(since, show_flags)
        except SlurmError as error:
            worker.error(error.number, "Unable to query jobs", "slurm_load_jobs()")
            return _jobs_answer(worker, None)
        if msg is None and conditional:
            return _no_change(ctx, conditional)
        if msg is None:  # SLURM_NO_CHANGE_IN_DATA
            worker.warn(f"No job changes since update_time[{update_time}]="
                        f"{_time_str(update_time)}", "_op_handler_jobs")
            return _jobs_answer(worker, None)
        worker.modified(msg.last_update)
        return _jobs_answer(worker, msg, batch=JOB_BATCH)
    return await _run(ctx, work)


class SelectedStep:
    """slurm_selected_step_t as slurmrestd parses a job_id parameter:
    ``job[_task][+het][.step]`` (the step may be a number or batch/extern/
    interactive)."""

    STEP_NAMES = {"batch": SLURM_BATCH_SCRIPT, "extern": SLURM_EXTERN_CONT,
                  "interactive": SLURM_INTERACTIVE_STEP, "pending": SLURM_PENDING_STEP}

    def __init__(self, text: str, source: str):
        import re
        self.text = text
        match = re.fullmatch(r"(\d+)(?:_(\d+))?(?:\+(\d+))?(?:\.(\d+|batch|extern|"
                             r"interactive|pending))?", text.strip(), re.ASCII)
        # every number a uint32_t below NO_VAL (the "not given" value)
        if not match or any(len(part) > 10 or int(part) >= NO_VAL
                            for part in match.groups()[:3] + (match.group(4),)
                            if part is not None and part.isdigit()):
            raise invalid_query("Rejecting request. Failure parsing parameters", source)
        self.job_id = int(match.group(1))
        self.array_task_id = int(match.group(2)) if match.group(2) is not None else NO_VAL
        self.het_job_offset = int(match.group(3)) if match.group(3) is not None else NO_VAL
        step = match.group(4)
        self.step_id = NO_VAL if step is None else (
            int(step) if step.isdigit() else self.STEP_NAMES[step])
        if not 0 < self.job_id <= MAX_JOB_ID:
            raise RequestFailed(404, f"Invalid JobID={self.job_id} rejected",
                                error_number=backend.ESLURM_INVALID_JOB_ID,
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
    show_flags = _query_flags(ctx, SHOW_FLAGS, "_handle_job_get") or SHOW_ALL | SHOW_DETAIL

    def work(worker):
        source = "_handle_job_get"
        number = job_id.job_id
        if job_id.het_job_offset != NO_VAL:
            number += job_id.het_job_offset
        if job_id.array_task_id != NO_VAL:
            worker.warn("Job array Ids are not currently supported for job searches. Showing "
                        "all jobs in array instead.", source)
        if job_id.step_id != NO_VAL:
            worker.warn("Job steps are not supported for job searches. Showing whole job "
                        "instead.", source)
        try:
            msg = worker.controller.load_job(number, show_flags)
        except SlurmError as error:
            worker.error(error.number, f"Unable to query JobId={job_id}", source)
            return _jobs_answer(worker, None)
        return _jobs_answer(worker, msg)
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

    def work(worker):
        try:
            msg = worker.controller.load_jobs(0, SHOW_ALL | SHOW_DETAIL)
        except SlurmError as error:
            raise worker.fail(error.number, "Unable to query job states",
                              "slurm_load_jobs()")
        records = msg.select(matches) if wanted else msg.records()
        return _jobs_answer(worker, msg, worker.dump("JOB_INFO_MSG", records))
    return await _run(ctx, work)


def _strsignal(number: int) -> str:
    try:
        return _signal.strsignal(number) or f"Unknown signal {number}"
    except ValueError:
        return f"Unknown signal {number}"


async def delete_job(ctx):
    job_id = SelectedStep(ctx.path_params["job_id"], "op_handler_job")
    source = "_handle_job_delete"
    kill_flags = _kill_flags(ctx)
    flags = _query_flags(ctx, kill_flags, source) or kill_flags["FULL_JOB"]
    raw = ctx.query.get("signal")
    signal = int(_signal.SIGKILL)
    if raw not in (None, True):
        signal = backend.bound(ctx.data_parser.version).services.signal_number(str(raw))
        if signal <= 0:
            # slurmrestd answers 500: an unknown signal is the client's mistake
            raise invalid_query(f"Unknown signal {raw}", "#/signal")

    def work(worker):
        try:
            # slurm_kill_job(job_id): the whole job, whatever task/step was named
            worker.controller.kill_job(str(job_id.job_id), signal, flags)
        except SlurmError as error:
            if error.number == backend.ESLURM_ALREADY_DONE:
                worker.warn(f"Job was already sent signal {_strsignal(signal)}", source)
                return {}
            raise worker.fail(error.number, f"unable to send signal {_strsignal(signal)} to "
                              f"JobId={job_id.job_id}", "slurm_kill_job2()")
        return {}
    return await _run(ctx, work)


def _refuse_missing_members(worker: Worker, members: dict, type_name: str, c_type: str,
                            path: str) -> None:
    """422 naming the fields whose C member the Slurm restd runs with lacks
    (v0.0.40 describes Slurm 24.11; 22.05 has no container_id, resume_after...):
    a request asking for what this Slurm cannot do is refused, not half done."""
    missing = set(members) - worker.controller.struct_members(c_type)
    if not missing:
        return
    keys = [fld.key for fld in worker.version.kind(type_name).fields
            if fld.source and fld.source.split(".")[0] in missing]
    first = f"{path}{keys[0]}/" if keys else path
    major, minor, _ = worker.controller.version()
    not_supported = backend.error_number("ESLURM_NOT_SUPPORTED")
    raise RequestFailed(422, f"Not supported by Slurm {major}.{minor:02d}: "
                        f"{', '.join(keys or sorted(missing))}",
                        error_number=not_supported,
                        error=worker.strerror(not_supported), source=first)


def _job_desc(worker: Worker, members: dict, path: str = "#/job/"):
    """A JobDesc (slurm_init_job_desc_msg()) with the parsed members set."""
    _refuse_missing_members(worker, members, "JOB_DESC_MSG", "job_desc_msg_t", path)
    desc = worker.controller.JobDesc()
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
        raise invalid_query("unexpected empty query for job", source)
    request = _parse_body(ctx, "JOB_SUBMIT_REQ", ctx.body)
    script = request.get("script")
    single = request.get("job")
    components = request.get("jobs")
    if components is None and not script and not (single or {}).get("script"):
        raise invalid_query("Populated \"script\" field is required for job submission",
                            source)
    if single is not None and components is not None:
        raise invalid_query("Specify only one \"job\" or \"jobs\" fields but never both",
                            source)
    if single is None and components is None:
        raise invalid_query("Specifing either \"job\" or \"jobs\" fields are required to "
                            "submit job", source)
    if components is not None and not components:
        # slurmrestd answers 500: an empty list is the client's mistake
        raise invalid_query("Refusing HetJob submission without any components", "#/jobs/")
    uid, gid = _requester_ids(ctx.identity)
    het = single is None

    def work(worker):
        descs = []
        for index, members in enumerate(components if het else [single]):
            desc = _job_desc(worker, members, f"#/jobs[{index}]/" if het else "#/job/")
            if index == 0 and script:
                desc.script = script
            desc.user_id = uid  # the requesting user's, whatever the body says
            desc.group_id = gid
            descs.append(desc)
        if het and not descs[0].script:
            raise worker.fail(backend.error_number("ESLURM_JOB_SCRIPT_MISSING"),
                              "Refusing HetJob submission without batch script or empty "
                              "batch script for first component", "_job_post_het_submit")
        call = "slurm_submit_batch_het_job()" if het else "slurm_submit_batch_job()"
        try:
            result = (worker.controller.submit_het_job(descs) if het
                      else worker.controller.submit_job(descs[0]))
        except SlurmError as error:
            raise worker.fail(error.number, "HetJob submission failed" if het
                              else "Batch job submission failed", call)
        if result.error_code:
            text = worker.strerror(result.error_code)
            worker.warn(f"{'HetJob' if het else 'Job'} submission resulted in non-zero "
                        f"return code: {text}", call)
        resp = {"job_id": result.job_id, "step_id": result.step_id,
                "error_code": result.error_code, "job_submit_user_msg": result.user_msg}
        answer = worker.dump("OPENAPI_JOB_SUBMIT_RESPONSE", {"resp": resp})
        for key in ("meta", "errors", "warnings"):
            answer.pop(key, None)
        if result.error_code:
            if _nonfatal_submit_error(result.error_code):
                worker.warn(worker.strerror(result.error_code), "slurm_submit_batch_job()")
            else:
                worker.error(result.error_code, "", call)
        return answer
    return await _run(ctx, work)


def _array_task_entry(worker: Worker, result) -> dict:
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
        worker.warn(f"Unable to parse JobId={result.tasks}: "
                    f"{worker.strerror(backend.ESLURM_INVALID_JOB_ID)}",
                    "unfmt_job_id_string()")
        leading = re.match(r"\d+", result.tasks or "")
        if leading:
            step["step_id"]["job_id"] = int(leading.group(0))
    else:
        step["step_id"]["job_id"] = int(match.group(1))
        if match.group(2) is not None:
            step["array_task_id"] = int(match.group(2))
        elif (task_set := match.group(3) or match.group(4)) is not None:
            step["array_bitmap"] = worker.version.services.bits(task_set)
    return {"step": step, "rc": result.error_code, "msg": result.message}


async def post_job(ctx):
    source = "_job_post_update"
    job_id = SelectedStep(ctx.path_params["job_id"], "op_handler_job")
    try:
        members = _parse_body(ctx, "JOB_DESC_MSG", ctx.body if ctx.body is not None else {})
    except RequestFailed as failure:
        ctx.errors.append(failure.entry)
        raise RequestFailed(failure.status, "Rejecting request. Failure parsing job update "
                            "request.", error_number=backend.ESLURM_REST_INVALID_QUERY,
                            error=backend.INVALID_QUERY_TEXT, source=source) from None
    if job_id.array_task_id != NO_VAL:
        raise invalid_query("Rejecting request. Submit job update against Array Job's JobID "
                            "instead of array task id.", source)
    if job_id.step_id != NO_VAL:
        ctx.warning("Job step information ignored. Job update requests apply to whole job "
                    "and can not be targeted to specific steps.", source)

    def work(worker):
        call = "slurm_update_job2()"
        desc = _job_desc(worker, members, "#/")
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
            results = worker.controller.update_job(desc)
        except SlurmError as error:
            worker.error(error.number, "Job update requested failed", call)
            results = []
        if results:
            # as slurmrestd: the deprecated fields repeat the first entry
            answer.update(results=[_array_task_entry(worker, result) for result in results],
                          job_id=results[0].tasks, job_submit_user_msg=results[0].message)
        for result in results:
            if result.error_code:
                worker.warn(f"Job update resulted in non-zero return-code[{result.error_code}]"
                            f": {worker.strerror(result.error_code)}", call)
        return worker.dump("OPENAPI_JOB_POST_RESPONSE", answer)
    answer = await _run(ctx, work)
    for key in ("meta", "errors", "warnings"):
        answer.pop(key, None)
    return answer


def _kill_matches(record, spec: dict, worker: Worker) -> bool:
    """kill_jobs_msg_t filters, as slurmctld applies them to each job (``record``:
    a restd.native.controller.Job)."""
    for member, field in (("account", "account"), ("job_name", "name"),
                          ("partition", "partition"), ("qos", "qos"),
                          ("reservation", "resv_name"), ("wckey", "wckey")):
        wanted = spec.get(member)
        if wanted and getattr(record, field) != wanted:
            return False
    if spec.get("user_id") not in (None,) and int(spec["user_id"]) != record.user_id:
        return False
    if spec.get("user_name"):
        uid = worker.version.services.user_id(spec["user_name"])
        if uid is None or uid != record.user_id:
            return False
    state = spec.get("state")
    if state and record.base_state != state:
        return False
    nodelist = spec.get("nodelist")
    if nodelist:
        from restd.data_parser.types import expand_hostlist
        nodes = set(expand_hostlist(record.nodes or ""))
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
        raise invalid_query("No jobs selected for signaling", source)

    def work(worker):
        targets = []  # (text id, selected step dict)
        try:
            msg = worker.controller.load_jobs(0, SHOW_ALL)
        except SlurmError as error:
            raise worker.fail(error.number, "Unable to query jobs", "slurm_load_jobs()")
        if wanted:
            for step in wanted:
                targets.append((
                    str(step), step.job_id,
                    None if step.array_task_id == NO_VAL else step.array_task_id,
                    None if step.het_job_offset == NO_VAL else step.het_job_offset))
        else:
            for record in msg:  # restd.native.controller.Job views
                if record.finished:
                    continue
                if _kill_matches(record, spec, worker):
                    task = record.array_task_id if record.array_task_id != NO_VAL \
                        and record.array_job_id else None
                    text = f"{record.array_job_id}_{task}" if task is not None else \
                        str(record.job_id)
                    targets.append((text, record.job_id, None, None))
        results = []
        for text, job_id, task, het in targets:
            number, message = 0, ""
            try:
                worker.controller.kill_job(text, signal, flags)
            except SlurmError as error:
                number, message = error.number, error.description
            step = {"step_id": {"job_id": job_id, "step_id": NO_VAL},
                    "array_task_id": NO_VAL if task is None else task,
                    "het_job_offset": NO_VAL if het is None else het}
            results.append({"error_code": number, "error_msg": message, "id": step,
                            "real_job_id": job_id, "sibling_name": None})
        return {"status": worker.dump("KILL_JOBS_RESP_MSG", results)}
    return await _run(ctx, work)


# --- nodes --------------------------------------------------------------------------------

def _load_nodes_with_partitions(worker: Worker, update_time: int, show_flags: int,
                                conditional: Optional[str] = None):
    """(the nodes with their partitions' names, the time both were written) or None
    when nothing changed since ``update_time``: for a conditional load (see
    _conditional), neither the nodes nor the partitions, each asked with it (the
    answer shows both; the earlier of the two times is the answer's, so that a
    later "no change since" covers both); else (update_time in the query, as
    slurmrestd), the nodes."""
    controller = worker.controller
    nodes = controller.load_nodes(update_time, show_flags)
    if conditional is None:
        if nodes is None:
            return None
        parts = controller.load_partitions(0, show_flags)
    else:
        parts = controller.load_partitions(update_time, show_flags)
        if nodes is None and parts is None:
            return None
        if nodes is None:
            nodes = controller.load_nodes(0, show_flags)
        if parts is None:
            parts = controller.load_partitions(0, show_flags)
    controller.populate_node_partitions(nodes, parts)
    return nodes, min(nodes.last_update, parts.last_update)


async def get_nodes(ctx, name: Optional[str] = None):
    source = "op_handler_nodes" if name is None else "op_handler_node"
    update_time = _query_update_time(ctx, source)
    show_flags = _show_flags(ctx, source)
    since, conditional = _conditional(ctx, update_time)

    def work(worker):
        try:
            loaded = _load_nodes_with_partitions(worker, since, show_flags, conditional)
        except SlurmError as error:
            raise worker.fail(error.number, "Unable to query nodes" if name is None
                              else f"Unable to query node {name}", "slurm_load_node()")
        if loaded is None and conditional:
            return _no_change(ctx, conditional)
        if loaded is None:
            return {"nodes": [], "last_update": _timestamp(worker, 0)}
        msg, written = loaded
        last_update = _timestamp(worker, msg.last_update)
        if name is None:
            worker.modified(written)
            return {"nodes": worker.records("NODES", msg), "last_update": last_update}
        records = msg.named(name)
        if not records:
            raise worker.fail(backend.ESLURM_INVALID_NODE_NAME, f"Unable to query node {name}",
                              source)
        worker.modified(written)
        return {"nodes": worker.dump("NODES", records), "last_update": last_update}
    return await _run(ctx, work)


async def get_node(ctx):
    return await get_nodes(ctx, ctx.path_params["node_name"])


async def post_nodes(ctx, name: Optional[str] = None):
    members = _parse_body(ctx, "UPDATE_NODE_MSG", ctx.body if ctx.body is not None else {})
    if name is not None:
        members["node_names"] = name
    node_names = members.pop("node_names", None)
    if not node_names:
        raise invalid_query("No nodes given to update", "op_handler_nodes")

    def work(worker):
        _refuse_missing_members(worker, members, "UPDATE_NODE_MSG", "update_node_msg_t", "#/")
        try:
            worker.controller.update_node(node_names, **members)
        except SlurmError as error:
            raise worker.fail(error.number, f"Failure to update node {node_names}",
                              "slurm_update_node()")
        return {}
    return await _run(ctx, work)


async def post_node(ctx):
    return await post_nodes(ctx, ctx.path_params["node_name"])


async def delete_node(ctx):
    name = ctx.path_params["node_name"]

    def work(worker):
        try:
            worker.controller.delete_node(name)
        except SlurmError as error:
            raise worker.fail(error.number, f"Failure to delete node {name}",
                              "slurm_delete_node()")
        return {}
    return await _run(ctx, work)


# --- partitions, reservations, licenses, ping, diag, reconfigure, shares -------------------

async def get_partitions(ctx, name: Optional[str] = None):
    source = "op_handler_partitions" if name is None else "op_handler_partition"
    update_time = _query_update_time(ctx, source)
    show_flags = _query_flags(ctx, SHOW_FLAGS, source)

    since, conditional = _conditional(ctx, update_time)

    def work(worker):
        try:
            msg = worker.controller.load_partitions(since, show_flags)
        except SlurmError as error:
            raise worker.fail(error.number, "Unable to query partitions",
                              "slurm_load_partitions()")
        return _records_answer(ctx, worker, msg, conditional, "partitions",
                               "PARTITION_INFO_MSG", name, "partition", source,
                               empty=lambda: worker.dump("PARTITION_INFO_MSG", None))
    return await _run(ctx, work)


def _newer_than(ctx, name: str) -> bool:
    """Whether the request's data_parser version is newer than ``name``."""
    return NAMES.index(ctx.data_parser.name) > NAMES.index(name)


def _records_answer(ctx, worker: Worker, msg, conditional: Optional[str], key: str,
                    kind: str, name: Optional[str], what: str, source: str,
                    empty: Callable[[], Any]):
    """The answer of a load call with an update time (partitions, reservations): 304
    when slurmctld reports no change since If-Modified-Since (UNCHANGED since the kept
    answer's time), else the records (those called ``name``) dumped as ``kind`` under
    ``key``, with the list's Last-Modified."""
    if msg is None and conditional:
        return _no_change(ctx, conditional)
    if msg is None:
        return {key: empty(), "last_update": _timestamp(worker, 0)}
    records = msg.records() if name is None else msg.named(name)
    if name is not None and not records:
        if what == "partition" and _newer_than(ctx, "v0.0.42"):
            # slurmrestd 25.05 on answers an unknown partition with a warning and no
            # partition (openapi/slurmctld partitions.c _partition_get); restd keeps
            # the answer's fields (partitions: [], last_update), which it leaves out
            worker.warn(f"Unable to find partition {name}", "_partition_get")
            worker.modified(msg.last_update)
            return {key: [], "last_update": _timestamp(worker, msg.last_update)}
        # as slurmrestd answers an unknown partition (24.11) or reservation
        raise invalid_query(f"Unable to find {what} {name}", source)
    worker.modified(msg.last_update)
    return {key: worker.dump(kind, records), "last_update": _timestamp(worker, msg.last_update)}


async def get_partition(ctx):
    return await get_partitions(ctx, ctx.path_params["partition_name"])


async def get_reservations(ctx, name: Optional[str] = None):
    source = "op_handler_reservations" if name is None else "op_handler_reservation"
    update_time = _query_update_time(ctx, source)

    since, conditional = _conditional(ctx, update_time)

    def work(worker):
        try:
            msg = worker.controller.load_reservations(since)
        except SlurmError as error:
            raise worker.fail(error.number, "Unable to query reservations",
                              "slurm_load_reservations()")
        return _records_answer(ctx, worker, msg, conditional, "reservations",
                               "RESERVATION_INFO_MSG", name, "reservation", source,
                               empty=list)
    return await _run(ctx, work)


async def get_reservation(ctx):
    return await get_reservations(ctx, ctx.path_params["reservation_name"])


async def get_licenses(ctx):
    def work(worker):
        try:
            msg = worker.controller.load_licenses()
        except SlurmError as error:
            raise worker.fail(error.number, "Unable to query licenses",
                              "slurm_load_licenses()")
        return {"licenses": worker.dump("LICENSES", msg.records()),
                "last_update": _timestamp(worker, msg.last_update)}
    return await _run(ctx, work)


async def get_ping(ctx):
    def work(worker):
        pings = worker.controller.ping()
        return {"pings": worker.dump("CONTROLLER_PING_ARRAY", [
            {"hostname": ping.hostname, "pinged": ping.responding,
             "latency": ping.latency_us, "offset": ping.index,
             # controller_ping_t.rc (26.05; v0.0.45's status): slurm_ping()'s result
             "rc": ping.error.number if ping.error is not None else 0}
            for ping in pings])}
    return await _run(ctx, work)


async def get_diag(ctx):
    def work(worker):
        try:
            stats = worker.controller.diag()
        except SlurmError as error:
            raise worker.fail(error.number, "slurm_get_statistics() failed",
                              "slurm_get_statistics()")
        return {"statistics": worker.dump("STATS_MSG", stats.response())}
    return await _run(ctx, work)


async def get_reconfigure(ctx):
    def work(worker):
        try:
            worker.controller.reconfigure()
        except SlurmError as error:
            raise worker.fail(error.number, "slurm_reconfigure() failed",
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

    def work(worker):
        try:
            msg = worker.controller.shares(accounts=accounts, users=users)
        except SlurmError as error:
            raise worker.fail(error.number, error.description,
                              "slurm_associations_get_shares()")
        return {"shares": worker.dump("SHARES_RESP_MSG", msg.response())}
    return await _run(ctx, work)


# --- created and deleted: reservations (v0.0.43), partitions (v0.0.45), nodes (v0.0.44) ------

def _refuse_members_beyond(worker: Worker, members: dict, type_name: str, c_type: str,
                           path: str, accessors: tuple[str, ...] = ()) -> None:
    """:func:`_refuse_missing_members` for a struct whose members ``accessors`` the
    binding sets through an accessor (their C type changed between Slurm releases)."""
    _refuse_missing_members(worker, {k: v for k, v in members.items() if k not in accessors},
                            type_name, c_type, path)


def _reservation_flags(members: dict) -> dict:
    """slurmrestd's _set_unused_flag(): no flag given is "flags unchanged" (NO_VAL64),
    so that an update leaves the reservation's flags as they are."""
    from restd.native.slurm_h import NO_VAL64
    return dict(members, flags=members.get("flags") or NO_VAL64)


def _modify_reservations(ctx, worker: Worker, descriptions: list, paths: list,
                         source: str) -> list:
    """slurmrestd's _create_or_update_each_resv() for each description: the reservation
    of that name (case-insensitive) is updated, any other created. The first refusal
    ends the request (a reservation created before it stays, as in slurmrestd)."""
    from restd.native.controller import RESV_COUNTS
    for members, path in zip(descriptions, paths):
        _refuse_members_beyond(worker, members, "RESERVATION_DESC_MSG", "resv_desc_msg_t",
                               path, RESV_COUNTS)
    try:
        known = worker.controller.load_reservations(0)
    except SlurmError as error:
        raise worker.fail(error.number, "Unable to query reservations",
                          "slurm_load_reservations()")
    existing = {(record.name or "").lower() for record in known}
    for members in descriptions:
        name = members["name"]
        if name.lower() in existing:
            try:
                worker.controller.update_reservation(**_reservation_flags(members))
            except SlurmError as error:
                raise worker.fail(error.number, f"Error updating reservation {name}",
                                  "slurm_update_reservation")
            continue
        try:
            worker.controller.create_reservation(**_reservation_flags(members))
        except SlurmError as error:
            busy = (backend.error_number("ESLURM_REQUESTED_NODE_CONFIG_UNAVAILABLE"),
                    backend.error_number("ESLURM_NODES_BUSY"))
            text = f"Error creating reservation {name}"
            if error.number in busy and not members.get("node_list"):
                text += (". Note, unless nodes are directly requested a reservation must "
                         "exist in a single partition. If no partition is requested the "
                         "default partition is assumed.")
            raise worker.fail(error.number, text, "slurm_create_reservation")
        existing.add(name.lower())
    return descriptions


def _require_reservation_names(descriptions: list, paths: list, source: str) -> None:
    for members, path in zip(descriptions, paths):
        if not members.get("name"):
            # slurmrestd: ESLURM_RESERVATION_INVALID, answered 500; the client's mistake
            raise RequestFailed(422, "Reservation must be given",
                                error_number=backend.error_number("ESLURM_RESERVATION_INVALID"),
                                error="Invalid reservation name or specification",
                                source=f"{path}name/")


async def post_reservation(ctx):
    """POST reservation (v0.0.43 on): one reservation description, created or, when a
    reservation of that name exists, updated (slurmrestd's _mod_reservation())."""
    source = "_mod_reservation"
    if ctx.body is None:
        raise invalid_query("unexpected empty query for reservation creation", source)
    members = _parse_body(ctx, "RESERVATION_DESC_MSG", ctx.body)
    _require_reservation_names([members], ["#/"], source)

    def work(worker):
        done = _modify_reservations(ctx, worker, [members], ["#/"], source)
        return {"reservations": worker.dump("RESERVATION_DESC_MSG_LIST", done)}
    return await _run(ctx, work)


async def post_reservations(ctx):
    """POST reservations/ (v0.0.43 on): each reservation of ``reservations`` created or
    updated (slurmrestd's _mod_reservations())."""
    source = "_parse_resv_desc_list"
    if ctx.body is None:
        raise invalid_query("unexpected empty query for reservation creation", source)
    request = _parse_body(ctx, "RESERVATION_MOD_REQ", ctx.body)
    descriptions = request.get("reservations")
    if descriptions is None:
        raise invalid_query("No reservation descriptions specified in reservations array",
                            source)
    paths = [f"#/reservations[{index}]/" for index in range(len(descriptions))]
    _require_reservation_names(descriptions, paths, source)
    if not descriptions:
        ctx.warning("No reservation descriptions specified in reservations array", source)

    def work(worker):
        done = _modify_reservations(ctx, worker, descriptions, paths, source) \
            if descriptions else []
        return {"reservations": worker.dump("RESERVATION_DESC_MSG_LIST", done)}
    return await _run(ctx, work)


async def delete_reservation(ctx):
    """DELETE reservation/{reservation_name} (v0.0.42 on, as slurmrestd 26.05 serves it):
    slurm_delete_reservation()."""
    name = ctx.path_params["reservation_name"]

    def work(worker):
        try:
            worker.controller.delete_reservation(name)
        except SlurmError as error:
            raise worker.fail(error.number, f"Error deleting reservation {name}",
                              "slurm_delete_reservation")
        return {}
    return await _run(ctx, work)


# Partition description fields slurmctld ignores on create and update: slurmrestd
# warns of them (_warn_on_ignore_values()), by C member and field name.
IGNORED_PARTITION_MEMBERS = (
    ("cluster_name", "cluster"), ("cr_type", "select_type"),
    ("resume_timeout", "timeouts/resume"), ("suspend_time", "suspend_time"),
    ("suspend_timeout", "timeouts/suspend"), ("total_cpus", "cpus/total"),
    ("total_nodes", "nodes/total"), ("tres_fmt_str", "tres/configured"))


async def post_partitions(ctx):
    """POST partitions/ (v0.0.45 on): each partition described is created or, when it
    exists (or is "default"), updated (slurmrestd's _partitions_mod())."""
    source = "_partitions_mod"
    request = _parse_body(ctx, "OPENAPI_PARTITIONS_MOD_REQ",
                          ctx.body if ctx.body is not None else {})
    descriptions = request.get("partition_list")
    if descriptions is None:
        raise invalid_query("A partition description must be provided.", source)
    for index, members in enumerate(descriptions):
        if not members.get("name"):
            # slurmrestd skips it with ESLURM_INVALID_PARTITION_NAME and acts on the others
            raise RequestFailed(
                422, f"The partition description at index {index} must specify a name",
                error_number=backend.error_number("ESLURM_INVALID_PARTITION_NAME"),
                error="Invalid partition name specified",
                source=f"#/partitions[{index}]/name/")

    def work(worker):
        for index, members in enumerate(descriptions):
            _refuse_members_beyond(worker, members, "PARTITION_INFO", "partition_info_t",
                                   f"#/partitions[{index}]/", ("flags",))
        try:
            known = worker.controller.load_partitions(0, 0)
        except SlurmError as error:
            raise worker.fail(error.number, "Unable to query partitions",
                              "slurm_load_partitions()")
        existing = {record.name for record in known}
        for index, members in enumerate(descriptions):
            ignored = [name for member, name in IGNORED_PARTITION_MEMBERS
                       if members.get(member)]
            if ignored:
                worker.warn(f"The partition description at index {index} contains the "
                            f"following ignored fields: {', '.join(ignored)}",
                            "_warn_on_ignore_values")
            members = {key: value for key, value in members.items()
                       if key not in dict(IGNORED_PARTITION_MEMBERS)}
            nodesets = members.pop("nodesets", None)
            if nodesets and nodesets != "ALL":  # the RPC has no node sets: appended to nodes
                members["nodes"] = ",".join(filter(None, (members.get("nodes"), nodesets)))
            name = members["name"]
            update = name.lower() == "default" or name in existing
            call = "slurm_update_partition" if update else "slurm_create_partition"
            try:
                (worker.controller.update_partition if update
                 else worker.controller.create_partition)(**members)
            except SlurmError as error:
                raise worker.fail(error.number, f"Failed to {'update' if update else 'create'}"
                                  f" partition {name} with description at index {index}", call)
            existing.add(name)
        return {}
    return await _run(ctx, work)


async def delete_partition(ctx):
    """DELETE partition/{partition_name} (v0.0.45 on): slurm_delete_partition()."""
    name = ctx.path_params["partition_name"]

    def work(worker):
        try:
            worker.controller.delete_partition(name)
        except SlurmError as error:
            raise worker.fail(error.number, "Unable to delete partition",
                              "slurm_delete_partition()")
        return {}
    return await _run(ctx, work)


async def post_new_node(ctx):
    """POST new/node/ (v0.0.44 on): a dynamic node made from a slurm.conf node line
    (``node_conf``: "NodeName=d1 CPUs=2 State=CLOUD"), slurm_create_node() as
    ``scontrol create nodename=...`` sends it."""
    request = _parse_body(ctx, "OPENAPI_CREATE_NODE_REQ", ctx.body if ctx.body is not None
                          else {})
    node_conf = request.get("response")
    if not node_conf:
        raise RequestFailed(422, "node_conf is required: a node line such as "
                            "\"NodeName=d1 State=CLOUD\"",
                            error_number=backend.ESLURM_REST_INVALID_QUERY,
                            error=backend.INVALID_QUERY_TEXT, source="#/node_conf/")

    def work(worker):
        try:
            worker.controller.create_node(node_conf)
        except SlurmError as error:
            if error.number == backend.SLURM_ERROR:
                # slurmctld could not read the node line ("Failed to parse nodeline"),
                # which it answers without a reason: the client's line (slurmrestd: 500)
                raise RequestFailed(422, f"slurmctld could not read the node line "
                                    f"{node_conf!r}: expected NodeName=<name> State=FUTURE "
                                    f"(or CLOUD) and node parameters",
                                    error_number=error.number,
                                    error=worker.strerror(error.number),
                                    source="#/node_conf/") from None
            raise worker.fail(error.number, "Failure to create node", "_create_node")
        return {}
    return await _run(ctx, work)


# --- requeue (v0.0.45) and resource layouts (v0.0.44) ---------------------------------------

REQUEUE_FLAGS_KIND = "OPENAPI_JOB_REQUEUE_FLAGS"


def _requeue_flag_values(ctx) -> dict[str, int]:
    """slurm_requeue2()'s flags by name, as the request's version names them (hidden
    ones too: a body may give them), with this Slurm's values."""
    kind = backend.bound(ctx.data_parser.version).kind(REQUEUE_FLAGS_KIND)
    return {bit.name: bit.value for bit in kind.bits if bit.kind == "bit"}


def _check_requeue_flags(ctx, flags: int, source: str) -> None:
    values = _requeue_flag_values(ctx)
    if flags & values["SpecialExit"] and not flags & values["Hold"]:
        # slurmrestd: ESLURM_REST_BAD_REQUEST
        raise RequestFailed(400, "SpecialExit requires Hold mode",
                            error_number=backend.error_number("ESLURM_REST_BAD_REQUEST"),
                            error="Bad request", source=source)


def _requeue(worker: Worker, text: str, flags: int, source: str) -> list:
    """slurm_requeue2() of one job: the per-task entries of its answer (an error in
    the envelope, the status following the first, when slurmctld refuses)."""
    try:
        results = worker.controller.requeue(text, flags)
    except SlurmError as error:
        worker.error(error.number, f"Requeue JobId={text} failed", source)
        return []
    return [_array_task_entry(worker, result) for result in results]


async def get_job_requeue(ctx):
    """GET job/{job_id}/requeue?Hold&SpecialExit&Incomplete (v0.0.45 on)."""
    source = "op_handler_job_requeue"
    job_id = SelectedStep(ctx.path_params["job_id"], source)
    values = _requeue_flag_values(ctx)
    shown = {bit.name for bit in backend.bound(ctx.data_parser.version)
             .kind(REQUEUE_FLAGS_KIND).bits if not bit.hidden}
    flags = 0
    for name, value in ctx.query.items():
        if name not in shown:
            ctx.warning(f"Ignoring unknown query parameter {name}", f"#/{name}")
            continue
        if value not in (True, "", None) and str(value).lower() not in ("true", "1", "yes"):
            if str(value).lower() in ("false", "0", "no"):
                continue
            raise invalid_query(f"Rejecting request. Failure parsing query: {name}: "
                                f"expected a boolean, got {value!r}", f"#/{name}")
        flags |= values[name]
    _check_requeue_flags(ctx, flags, source)

    def work(worker):
        status = _requeue(worker, str(job_id), flags, source)
        return {"status": worker.dump("JOB_ARRAY_RESPONSE_MSG_PTR", status)}
    return await _run(ctx, work)


async def post_jobs_requeue(ctx):
    """POST jobs/requeue (v0.0.45 on): ``{"jobs": ["1", "2_3"], "flags": ["Hold"]}``,
    each job requeued with slurm_requeue2(); the answers in order."""
    source = "op_handler_jobs_requeue"
    request = _parse_body(ctx, "OPENAPI_JOBS_REQUEUE_QUERY",
                          ctx.body if ctx.body is not None else {})
    jobs = request.get("jobs") or []  # each checked as unfmt_job_id_string() reads it
    if not jobs:
        # slurmrestd: ESLURM_INVALID_JOB_ID, a 404 that is the client's missing field
        raise RequestFailed(422, "Query missing JobIds",
                            error_number=backend.ESLURM_INVALID_JOB_ID,
                            error="Invalid job id specified", source="#/jobs/")
    flags = int(request.get("flags") or 0)
    _check_requeue_flags(ctx, flags, "#/flags/")

    def work(worker):
        status = [_requeue(worker, text, flags, source) for text in jobs]
        return {"status": worker.dump("JOB_ARRAY_RESPONSE_MSG_PTR_LIST", status)}
    return await _run(ctx, work)


async def get_resources(ctx):
    """GET resources/{job_id} (v0.0.44 on): the job's resources on each node,
    slurm_get_resource_layout(), which came with Slurm 25.11."""
    source = "op_handler_resources"
    job_id = SelectedStep(ctx.path_params["job_id"], source)

    def work(worker):
        if not worker.controller.has_resource_layout():
            major, minor, _ = worker.controller.version()
            number = backend.error_number("ESLURM_NOT_SUPPORTED")
            raise RequestFailed(
                backend.http_status(number),
                f"slurm_get_resource_layout() is not available in Slurm {major}.{minor:02d} "
                f"(job resource layouts need Slurm 25.11 or later)", error_number=number,
                error=worker.strerror(number), source=source)
        try:
            nodes = worker.controller.resource_layout(job_id.job_id)
        except SlurmError as error:
            raise worker.fail(error.number, f"Unable to query JobId={job_id}", "_handle_get")
        return {"nodes": worker.dump("NODE_RESOURCE_LAYOUT_LIST", nodes)}
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
        ("POST", "/slurm/{dp}/job/allocate", "post_job_allocate", _allocate.post_job_allocate,
         (), None, "job_alloc_req", "openapi_job_alloc_resp"),
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
        ("DELETE", "/slurm/{dp}/reservation/{reservation_name}", "delete_reservation",
         delete_reservation, (Parameter("reservation_name", "path"),), None, None,
         "openapi_resp"),
        # v0.0.43 on
        ("POST", "/slurm/{dp}/reservation", "post_reservation", post_reservation, (), None,
         "reservation_desc_msg", "openapi_reservation_mod_resp"),
        ("POST", "/slurm/{dp}/reservations/", "post_reservations", post_reservations, (),
         None, "reservation_mod_req", "openapi_reservation_mod_resp"),
        # v0.0.44 on
        ("POST", "/slurm/{dp}/new/node/", "post_new_node", post_new_node, (), None,
         "openapi_create_node_req", "openapi_resp"),
        ("GET", "/slurm/{dp}/resources/{job_id}", "get_resources", get_resources, (job_id,),
         None, None, "openapi_resource_layout_resp"),
        # v0.0.45 on
        ("GET", "/slurm/{dp}/job/{job_id}/requeue", "get_job_requeue", get_job_requeue,
         (job_id,), "OPENAPI_JOB_REQUEUE_QUERY", None, "openapi_job_requeue_resp"),
        ("POST", "/slurm/{dp}/jobs/requeue", "post_jobs_requeue", post_jobs_requeue, (), None,
         "openapi_jobs_requeue_query", "openapi_jobs_requeue_resp"),
        ("POST", "/slurm/{dp}/partitions/", "post_partitions", post_partitions, (), None,
         "openapi_partitions_mod_req", "openapi_resp"),
        ("DELETE", "/slurm/{dp}/partition/{partition_name}", "delete_partition",
         delete_partition, (Parameter("partition_name", "path"),), None, None,
         "openapi_resp"),
    )
    # the operations whose bodies older versions describe too: served from the version
    # that added them
    since = {delete_partition: "v0.0.45", delete_reservation: "v0.0.42"}
    # GETs that act: never shared between identical requests
    acting = (get_reconfigure, get_job_requeue)
    # loads with an update time: Slurm's change detection (OperationSpec.changes)
    changes = (get_jobs, get_nodes, get_node, get_partitions, get_partition,
               get_reservations, get_reservation)
    visibility = {
        get_jobs: _visibility(PRIVATE_DATA_JOBS, True, SHOW_ALL | SHOW_DETAIL),
        get_nodes: _visibility(PRIVATE_DATA_NODES | PRIVATE_DATA_PARTITIONS, True),
        get_node: _visibility(PRIVATE_DATA_NODES | PRIVATE_DATA_PARTITIONS, True),
        get_partitions: _visibility(PRIVATE_DATA_PARTITIONS, True),
        get_partition: _visibility(PRIVATE_DATA_PARTITIONS, True),
        get_reservations: _visibility(PRIVATE_DATA_RESERVATIONS, False),
        get_reservation: _visibility(PRIVATE_DATA_RESERVATIONS, False),
    }
    for method, path, name, handler, parameters, query, request, response in table:
        responses = (response,) if isinstance(response, str) else response
        yield OperationSpec(
            method=method, path=path.replace("{dp}", dp),
            operation_id="slurm_{dp_id}_" + name, handler=handler, tags=(TAG,),
            parameters=parameters, query=query,
            request_schema=f"{dp}_{request}" if request else None,
            response_schema=tuple(f"{dp}_{item}" for item in responses),
            shared=handler not in acting, since=since.get(handler),
            visibility=visibility.get(handler), changes=handler in changes)
