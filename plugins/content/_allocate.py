"""POST /slurm/{data_parser}/job/allocate (data_parser v0.0.41 on): an allocation without
steps, for one job ("job") or a het job ("hetjob"), as slurmrestd 24.11's
op_handler_alloc_job() (src/slurmrestd/plugins/openapi/slurmctld/jobs.c) makes it.

The request body is parsed, and the answer dumped, by the request's data_parser version
(the backend's, bound once), by kind name: JOB_ALLOC_REQ and OPENAPI_JOB_ALLOC_RESP.
The allocation is made by restd.native.controller.allocate_job() (allocate_het_job()),
in the request's worker job, as the requesting user; the description is forced as
slurmrestd forces it: the user and group are the requester's, no status updates
(other_port 0), at least one node.

Where restd answers differently from slurmrestd, on purpose:
- a pending allocation is followed by restd (slurmctld's announcement of the
  allocation cannot be verified under JWT authentication; see allocate_job()), and
  given up, the pending job cancelled, when the request is abandoned: restd stopping,
  or the client ending its input (closing the connection; as nginx, restd takes a
  client that closes its sending side during a request as gone). slurmrestd's
  blocking wait would hold on, and leave the job to start with nobody to tell;
- a het job, which slurmctld always lets pend, cannot be allocated under JWT
  authentication (libslurm has no het allocation without the announcement): 501
  ESLURM_NOT_SUPPORTED before anything reaches slurmctld;
- a het job's answer carries the het job's id (the leader's), which names the whole
  allocation; slurmrestd leaves the last component's there;
- an empty "hetjob" or one of more than MAX_HET_JOB_COMPONENTS components is a 422
  naming it, and a refusal of a value by slurmctld (an unknown partition, no
  association) a 422, as for job/submit.
"""
from __future__ import annotations

from restd.native.errors import SlurmError
from restd.native.slurm_h import NO_VAL
from restd.plugins.content import _backend as backend

# slurm.h of 24.11 (not in 22.05, which sets no bound): slurmrestd refuses more
MAX_HET_JOB_COMPONENTS = 128


async def post_job_allocate(ctx):
    # slurmctld's job description helpers (imported when called: it declares this
    # handler in its operations table)
    from restd.plugins.content import slurmctld
    source = "op_handler_alloc_job"
    if ctx.body is None:
        raise backend.invalid_query("unexpected empty query for job", source)
    request = backend.parse_body(ctx, "JOB_ALLOC_REQ", ctx.body)
    single, components = request.get("job"), request.get("hetjob")
    if single is not None and components is not None:
        raise backend.invalid_query(
            "Specify only one \"job\" or \"hetjob\" fields but never both", source)
    if single is None and components is None:
        raise backend.invalid_query(
            "Specifing either \"job\" or \"hetjob\" fields are required to allocate job",
            source)
    if components is not None and not components:
        raise backend.invalid_query("Refusing HetJob submission without any components",
                                    "#/hetjob/")
    if components is not None and len(components) > MAX_HET_JOB_COMPONENTS:
        raise backend.invalid_query(f"Refusing HetJob submission too many components: "
                                    f"{len(components)} > {MAX_HET_JOB_COMPONENTS}",
                                    "#/hetjob/")
    uid, gid = slurmctld._requester_ids(ctx.identity)
    het = single is None

    def work(worker):
        descs = []
        for index, members in enumerate(components if het else [single]):
            desc = slurmctld._job_desc(worker, members,
                                       f"#/hetjob[{index}]/" if het else "#/job/")
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
                results = worker.controller.allocate_het_job(descs)
            else:
                results = [worker.controller.allocate_job(
                    descs[0], abandoned=lambda: (worker.resources.abandoned
                                                 or ctx.request.input_ended()))]
        except SlurmError as error:
            raise worker.fail(error.number, error.description if het and error.name ==
                              "ESLURM_NOT_SUPPORTED" else "Job allocation request failed",
                              call)
        answer = {"job_id": results[0].job_id,
                  "job_submit_user_msg": next((result.job_submit_user_msg
                                               for result in results
                                               if result.job_submit_user_msg), None)}
        for result in results:
            if not result.error_code:
                continue
            if slurmctld._nonfatal_submit_error(result.error_code):
                # (slurmrestd names this warning's source so)
                worker.warn(worker.strerror(result.error_code), "slurm_submit_batch_job()")
            else:
                worker.error(result.error_code, "", call)
        out = worker.dump("OPENAPI_JOB_ALLOC_RESP", answer)
        for key in ("meta", "errors", "warnings"):
            out.pop(key, None)
        return out
    return await backend.run(ctx, work, source=slurmctld.NAME)
