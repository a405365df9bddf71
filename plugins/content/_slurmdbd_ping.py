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

from restd.native.errors import SlurmError
from restd.plugins.content import _backend as backend


async def get_ping(ctx):
    from restd.plugins.content import slurmdbd

    def work(worker):
        from restd.native import accounting
        try:
            pings = accounting.ping_all()
        except SlurmError as error:
            raise worker.fail(error.number, "ping query failed", "slurmdb_ping_all") from None
        return {"pings": worker.dump("OPENAPI_SLURMDBD_PING_RESP",
                                     {"response": pings})["pings"]}
    # database=True: the request's slurmdbd connection first, as slurmrestd's
    # OP_BIND_REQUIRE_SLURMDBD (slurmdbd unreachable: 502 before any ping)
    return await backend.run(ctx, work, source=slurmdbd.NAME, database=True)
