"""GET /slurmdb/{data_parser}/ping/ (data_parser v0.0.42 on): each slurmdbd of slurm.conf,
whether it answers and how fast, as slurmrestd 24.11's op_handler_ping()
(src/slurmrestd/plugins/openapi/slurmdbd/diag.c) answers.

Like every slurmdbd operation of slurmrestd (OP_BIND_REQUIRE_SLURMDBD), the request first
opens its slurmdbd connection as the user: with slurmdbd unreachable that fails and the
answer is the 502 "Failed to open slurmdbd connection" (ESLURM_DB_CONNECTION) of every
/slurmdb/ operation, before any ping. Then slurmdb_ping_all() (restd.native.accounting.
ping_all()) pings the primary, and the backup only when the primary did not answer; its
failure (no AccountingStorageHost) is "ping query failed". The answer is dumped by the
request's data_parser version, by kind name (OPENAPI_SLURMDBD_PING_RESP).
"""
from __future__ import annotations

from typing import Any

from restd.data_parser import dump as _dump

_BOUND: dict[str, Any] = {}


def _with_services(version, services):
    """The request's version with the slurmdbd plugin's Services, made once per version."""
    bound = _BOUND.get(version.name)
    if bound is None:
        bound = _BOUND[version.name] = version.with_services(services)
    return bound


async def get_ping(ctx):
    from restd.plugins.content import slurmdbd

    def work(req):
        from restd.native import accounting
        from restd.native.errors import SlurmError
        try:
            pings = accounting.ping_all()
        except SlurmError as error:
            raise req.fail(error.number, "ping query failed", "slurmdb_ping_all") from None
        version = _with_services(ctx.data_parser.version, req.version.services)
        out = _dump.dump(version, "OPENAPI_SLURMDBD_PING_RESP", {"response": pings},
                         warnings=req.warnings)
        return {"pings": out["pings"]}
    return await slurmdbd._run(ctx, work)
