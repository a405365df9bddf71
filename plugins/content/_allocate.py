"""POST /slurm/{data_parser}/job/allocate (data_parser v0.0.41 on): an allocation without
steps, for one job ("job") or a het job ("hetjob"), as slurmrestd 24.11's
op_handler_alloc_job() (src/slurmrestd/plugins/openapi/slurmctld/jobs.c) makes it.

The request body is parsed, and the answer dumped, by the request's data_parser version
(``ctx.data_parser.version``), by kind name: JOB_ALLOC_REQ and OPENAPI_JOB_ALLOC_RESP.
The allocation is made by restd.native.controller.allocate_job() (allocate_het_job()),
in the request's worker job, as the requesting user; the description is forced as
slurmrestd forces it: the user and group are the requester's, no status updates
(other_port 0), at least one node.

Where restd answers differently from slurmrestd, on purpose:
- a pending allocation is followed by restd (slurmctld's announcement of the
  allocation cannot be verified under JWT authentication; see allocate_job()), and
  given up, the pending job cancelled, when the client goes away;
- a het job's answer carries the het job's id (the leader's), which names the whole
  allocation; slurmrestd leaves the last component's there;
- an empty "hetjob" or one of more than MAX_HET_JOB_COMPONENTS components is a 422
  naming it, and a refusal of a value by slurmctld (an unknown partition, no
  association) a 422, as for job/submit.
"""
from __future__ import annotations

from typing import Any

from restd.data_parser import dump as _dump
from restd.data_parser import parse as _parse
from restd.plugin_api import RequestFailed

NO_VAL = 0xFFFFFFFE
MAX_HET_JOB_COMPONENTS = 128  # slurm.h


def _ctld():
    # the slurmctld plugin's request runner and job description helpers (imported when
    # called: it declares this handler in its operations table)
    from restd.plugins.content import slurmctld
    return slurmctld


def _parse_body(ctx, version, kind: str) -> Any:
    """The body as C member values, by the request's version; 422 with every parse
    error in the envelope."""
    result = _parse.parse(version, kind, ctx.body, fast="fast" in ctx.data_parser.flags)
    for entry in result.warnings:
        ctx.warning(entry["description"], entry["source"])
    if result.errors:
        ctx.errors.extend(result.errors[1:])
        raise result.refusal()
    return result.value


_BOUND: dict[str, Any] = {}


def _with_services(version, services_module):
    """The request's version with libslurm's Services (what only Slurm knows when
    dumping), made once per version."""
    bound = _BOUND.get(version.name)
    if bound is None:
        bound = _BOUND[version.name] = version.with_services(
            services_module.LibslurmServices())
    return bound


def _refused(description: str, source: str) -> RequestFailed:
    return _ctld()._invalid_query(description, source)


async def post_job_allocate(ctx):
    ctld = _ctld()
    source = "op_handler_alloc_job"
    if ctx.body is None:
        raise _refused("unexpected empty query for job", source)
    request = _parse_body(ctx, ctx.data_parser.version, "JOB_ALLOC_REQ")
    single, components = request.get("job"), request.get("hetjob")
    if single is not None and components is not None:
        raise _refused("Specify only one \"job\" or \"hetjob\" fields but never both", source)
    if single is None and components is None:
        raise _refused("Specifing either \"job\" or \"hetjob\" fields are required to "
                       "allocate job", source)
    if components is not None and not components:
        raise _refused("Refusing HetJob submission without any components", "#/hetjob/")
    if components is not None and len(components) > MAX_HET_JOB_COMPONENTS:
        raise _refused(f"Refusing HetJob submission too many components: "
                       f"{len(components)} > {MAX_HET_JOB_COMPONENTS}", "#/hetjob/")
    uid, gid = ctld._requester_ids(ctx.identity)
    het = single is None

    def work(job):
        descs = []
        for index, members in enumerate(components if het else [single]):
            desc = ctld._job_desc(job, members, f"#/hetjob[{index}]/" if het else "#/job/")
            desc.user_id = uid  # the requesting user's, whatever the body says
            desc.group_id = gid
            desc.other_port = 0  # no status updates: nobody listens for them
            if not desc.min_nodes or desc.min_nodes >= NO_VAL:
                desc.min_nodes = 1
            descs.append(desc)
        call = ("slurm_allocate_het_job_blocking()" if het
                else "slurm_allocate_resources_blocking()")
        try:
            if het:
                results = job.controller.allocate_het_job(descs)
            else:
                results = [job.controller.allocate_job(
                    descs[0], abandoned=lambda: job.resources.abandoned)]
        except job.native_errors.SlurmError as error:
            raise job.fail(error.number, error.description if het and error.name ==
                           "ESLURM_NOT_SUPPORTED" else "Job allocation request failed", call)
        answer = {"job_id": results[0].job_id,
                  "job_submit_user_msg": next((result.job_submit_user_msg
                                               for result in results
                                               if result.job_submit_user_msg), None)}
        for result in results:
            if not result.error_code:
                continue
            if result.error_code in ctld.NONFATAL_SUBMIT_ERRORS:
                # (slurmrestd names this warning's source so)
                job.warn(job.strerror(result.error_code), "slurm_submit_batch_job()")
            else:
                job.error(result.error_code, "", call)
        version = _with_services(ctx.data_parser.version, job.services)
        out = _dump.dump(version, "OPENAPI_JOB_ALLOC_RESP", answer, get=job.services.get,
                         warnings=job.warnings)
        for key in ("meta", "errors", "warnings"):
            out.pop(key, None)
        return out
    return await ctld._run(ctx, work)
