"""The v0.0.44 descriptions: v0.0.43 plus what Slurm 25.11 changed in
src/plugins/data_parser/v0.0.44/, declared change by change, each saying what
Slurm changed (``why``). Drafted with ``python -m
restd.data_parser.tools.draft_changes v0.0.43 v0.0.44 --document
../shared/reference/slurmrestd-26.05.5-openapi.json`` and written from
v0.0.44/parsers.c; tests/test_openapi_parity.py checks the result against
slurmrestd 26.05.5's document.

The accounting (slurmdbd) changes are in restd.data_parser.v0044_slurmdb:
its ``CHANGES`` are applied after these, its ``ROOTS`` published with
``ROOTS``.
"""
from __future__ import annotations

from restd.data_parser import rules
from restd.data_parser import v0044_slurmdb as _slurmdb
from restd.data_parser.describe import AddKind, Field as F, Object
from restd.data_parser.types import ArrayOf, Pointer
from restd.data_parser.v0043 import V0043

NAME = "v0.0.44"

# Kinds v0.0.44 adds as request or response bodies (slurmctld side).
ROOTS: tuple[str, ...] = ()

CHANGES = ()

# The request and response bodies of the slurmctld operations v0.0.44 adds
# (their kinds, published with OPERATION_ROOTS).
OPERATION_ROOTS: tuple[str, ...] = ("OPENAPI_CREATE_NODE_REQ", "OPENAPI_RESOURCE_LAYOUT_RESP")

_LAYOUT = ("25.11 v0.0.44: GET resources/{job_id} answers the resources a job holds on "
           "each node (slurm_get_resource_layout(), openapi/slurmctld resources.c)")

OPERATIONS = (
    AddKind(Object("OPENAPI_CREATE_NODE_REQ", "openapi_create_node_req",
                   "openapi_resp_single_t", (
                       F("node_conf", "STRING", "response", required=True),
                       F("meta", "OPENAPI_META_PTR", "meta"),
                       F("errors", "OPENAPI_ERRORS", "errors"),
                       F("warnings", "OPENAPI_WARNINGS", "warnings"),
                   )),
            why="25.11 v0.0.44: POST new/node/ creates a dynamic node from a slurm.conf "
                "node line (openapi/slurmctld nodes.c _create_node())"),
    AddKind(Object("NODE_GRES_LAYOUT", "node_gres_layout", "node_gres_layout_t", (
        F("name", "STRING", "name", required=True),
        F("type", "STRING", "type"),
        F("count", "UINT64", "count"),
        F("index", "BITSTR_PTR", "index"),
    )), why=_LAYOUT + ": the GRES allocated on a node (PARSER_ARRAY(NODE_GRES_LAYOUT))"),
    AddKind(Pointer("NODE_GRES_LAYOUT_PTR", "NODE_GRES_LAYOUT"), why=_LAYOUT),
    AddKind(ArrayOf("NODE_GRES_LAYOUT_LIST", "node_gres_layout_list", "NODE_GRES_LAYOUT",
                    "list_t *", checked=False), why=_LAYOUT),
    AddKind(Object("NODE_RESOURCE_LAYOUT", "node_resource_layout", "node_resource_layout_t", (
        F("node", "STRING", "node", required=True),
        F("sockets_per_node", "UINT16", "sockets_per_node"),
        F("cores_per_socket", "UINT16", "cores_per_socket"),
        F("mem_alloc", "UINT64", "mem_alloc"),
        F("core_bitmap", "STRING", "core_bitmap"),
        F("channel", "UINT32_NO_VAL", "channel"),
        F("gres", "NODE_GRES_LAYOUT_LIST", "gres"),
    )), why=_LAYOUT + ": one node's (PARSER_ARRAY(NODE_RESOURCE_LAYOUT))"),
    AddKind(Pointer("NODE_RESOURCE_LAYOUT_PTR", "NODE_RESOURCE_LAYOUT"), why=_LAYOUT),
    AddKind(ArrayOf("NODE_RESOURCE_LAYOUT_LIST", "node_resource_layout_list",
                    "NODE_RESOURCE_LAYOUT", "list_t *", checked=False), why=_LAYOUT),
    AddKind(rules.response("OPENAPI_RESOURCE_LAYOUT_RESP", "openapi_resp_single_t", "nodes",
                           "NODE_RESOURCE_LAYOUT_LIST"), why=_LAYOUT),
)

# The bodies of the util plugin's operations (POST /util/v0.0.44/hostlist and
# hostnames), which v0.0.44 adds.
UTIL_ROOTS: tuple[str, ...] = ()
UTIL_OPERATIONS = ()

V0044 = V0043.derive(
    NAME, (*CHANGES, *OPERATIONS, *UTIL_OPERATIONS, *_slurmdb.CHANGES, *_slurmdb.QUERY_CHANGES),
    roots=(*ROOTS, *OPERATION_ROOTS, *UTIL_ROOTS, *_slurmdb.ROOTS))
V0044.check()
