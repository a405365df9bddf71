"""content/util: the /util/{data_parser}/ operations (slurmrestd's openapi/util,
Slurm 25.11 on: data_parser v0.0.44 and later), answered by libslurm alone.

* ``POST /util/{data_parser}/hostlist``: an array of host names (or of
  expressions) compressed into one hostlist expression: ``{"hostnames": ["n1",
  "n2", "n3"]}`` -> ``{"hostlist": "n[1-3]"}``;
* ``POST /util/{data_parser}/hostnames``: a hostlist expression expanded into its
  host names, the other way.

As in slurmrestd (src/slurmrestd/plugins/openapi/util/convert_format.c), the work
is the data_parser's: the body is parsed as the request kind of the request's
version (OPENAPI_HOSTNAMES_REQ_RESP or OPENAPI_HOSTLIST_REQ_RESP, whose
HOSTLIST_STRING fields read a list or an expression and store it ranged) and the
result dumped as the other one. The hostlist arithmetic is libslurm's own
(hostlist_create(), hostlist_push(), hostlist_ranged_string(), hostlist_shift(),
through the version's libslurm services), so the answers are Slurm's on every
release restd builds against, 22.05 included. No RPC: slurmctld and slurmdbd are
never asked (slurmrestd binds these paths with OPENAPI_BIND_NO_SLURMDBD).

Where slurmrestd would expand without bound (``a[0-65535],b[0-65535],...``
names billions of hosts in a few bytes: it runs out of memory or time), restd
answers at most :data:`MAX_HOSTNAMES` names and refuses more with 422.
"""
from __future__ import annotations

import logging

from restd.data_parser.services import InvalidHostlist, TooManyHosts
from restd.plugin_api import OperationSpec, RequestFailed
from restd.plugins.content import _backend as backend
from restd.plugins.content._backend import Worker, invalid_query

log = logging.getLogger(__name__)

NAME = "util"
PLUGIN_TYPE = "openapi/util"
PLUGIN_NAME = "Slurm OpenAPI util"
TAG = "util"

# The most host names one POST hostnames answers, and the most entries one POST
# hostlist reads: 2^20, over ten times the nodes of the largest Slurm clusters. The
# answer (about 20 MB of JSON) is then made in about a second, 2^20 entries
# compressed in about four (one hostlist_push() each); an expression naming more
# is refused before libslurm expands it.
MAX_HOSTNAMES = 1 << 20

# slurmrestd's source for the errors of both operations (convert_format.c)
SOURCE = "_convert_hostnames_hostlist"


def init(config) -> None:
    backend.configure(config)
    try:
        backend.load()
    except Exception as error:  # no slurm.conf (restd --generate-openapi-spec, tests)
        log.warning("util: libslurm not loaded yet (%s); retried on the first request",
                    error)


slurm_info = backend.slurm_info


def _require_body(ctx) -> None:
    if ctx.body is None:
        raise invalid_query("unexpected empty query", SOURCE)


async def post_hostlist(ctx):
    """host names -> hostlist expression (op_handler_hostlist)."""
    _require_body(ctx)
    hostnames = ctx.body.get("hostnames") if isinstance(ctx.body, dict) else None
    if isinstance(hostnames, list) and len(hostnames) > MAX_HOSTNAMES:
        # each entry is one hostlist_push(): bounded as the answers of hostnames are
        raise RequestFailed(
            422, f"{len(hostnames)} entries in hostnames, more than the {MAX_HOSTNAMES} "
            f"restd reads in one request", error_number=backend.ESLURM_REST_INVALID_QUERY,
            error=backend.INVALID_QUERY_TEXT, source="#/hostnames/")

    def work(worker: Worker):
        request = worker.parse_body("OPENAPI_HOSTNAMES_REQ_RESP")
        # PARSE(HOSTLIST_STRING) stored hostlist_ranged_string() of the names;
        # DUMP(HOSTLIST_STRING_TO_STRING) writes it as it is
        return {"hostlist": worker.dump("HOSTLIST_STRING_TO_STRING", request.get("response"))}
    return await backend.run(ctx, work, source=NAME)


async def post_hostnames(ctx):
    """hostlist expression -> host names (op_handler_hostnames)."""
    _require_body(ctx)

    def work(worker: Worker):
        request = worker.parse_body("OPENAPI_HOSTLIST_REQ_RESP")
        expression = request.get("response") or ""
        # DUMP(HOSTLIST_STRING): hostlist_create() of the stored expression, each
        # name in turn; asked here with the bound this answer keeps
        try:
            names = worker.version.services.hostlist_names(expression, MAX_HOSTNAMES)
        except TooManyHosts:
            raise RequestFailed(
                422, f"The hostlist expression names more than {MAX_HOSTNAMES} hosts, "
                f"the most restd expands in one answer",
                error_number=backend.ESLURM_REST_INVALID_QUERY,
                error=backend.INVALID_QUERY_TEXT, source="#/hostlist/") from None
        except InvalidHostlist as error:  # the parse read it: only on a libslurm failure
            raise invalid_query(str(error), "#/hostlist/") from None
        return {"hostnames": names}
    return await backend.run(ctx, work, source=NAME)


def operations():
    dp = "{data_parser}"
    table = (
        ("/util/{dp}/hostnames", "post_hostnames", post_hostnames,
         "openapi_hostlist_req_resp", "openapi_hostnames_req_resp"),
        ("/util/{dp}/hostlist", "post_hostlist", post_hostlist,
         "openapi_hostnames_req_resp", "openapi_hostlist_req_resp"),
    )
    for path, name, handler, request, response in table:
        # served by the versions that describe both bodies: v0.0.44 and later
        yield OperationSpec(
            method="POST", path=path.replace("{dp}", dp),
            operation_id="util_{dp_id}_" + name, handler=handler, tags=(TAG,),
            request_schema=f"{dp}_{request}", response_schema=(f"{dp}_{response}",))
