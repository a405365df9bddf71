"""The slurmdbd objects and operations restd generates for v0.0.40 equal the
reference slurmrestd 24.11.5 ones: component schemas (with the intended
differences of tests/test_data_parser_schema.py) and, for every operation the
openapi/slurmdbd plugin declares, its path, method, operationId, tags,
parameters, request and response schemas."""
from __future__ import annotations

import json


from restd.data_parser import v0040_slurmdb
from restd.data_parser.v0040 import ROOTS, V0040, schemas
from restd.openapi import build_document, expand_operations
from restd.plugin_api import DataParser
from restd.plugin_loader import Plugins
from restd.plugins.content import slurmdbd
from restd.plugins.data_parser import v0_0_40
from restd.plugins.serializer import json as json_serializer
from test_data_parser_schema import REFERENCE, _as_reference_shows, _reference

# Components described completely (every field of Slurm's table) and exactly.
COMPLETE = [
    "account", "account_list", "account_flags", "account_short", "accounts_add_cond",
    "assoc_short", "assoc_short_list", "assoc", "assoc_list", "assoc_flags",
    "assoc_rec_set", "coord", "coord_list", "user", "user_list", "user_flags",
    "user_short", "users_add_cond", "admin_lvl", "wckey", "wckey_list", "wckey_flags",
    "accounting", "accounting_list", "tres", "tres_list", "string_list",
    "qos_string_id_list",
    "openapi_accounts_resp", "openapi_accounts_removed_resp",
    "openapi_accounts_add_cond_resp", "openapi_accounts_add_cond_resp_str",
    "openapi_users_resp", "openapi_users_add_cond_resp", "openapi_users_add_cond_resp_str",
    "openapi_assocs_resp", "openapi_assocs_removed_resp",
    "cluster_rec", "cluster_rec_list", "cluster_rec_flags", "openapi_clusters_resp",
    "openapi_clusters_removed_resp", "openapi_tres_resp", "openapi_wckey_resp",
    "openapi_wckey_removed_resp", "qos", "qos_list", "qos_flags", "qos_preempt_list",
    "qos_preempt_modes", "openapi_slurmdbd_qos_resp", "openapi_slurmdbd_qos_removed_resp",
    "stats_rec", "rollup_stats", "stats_rpc", "stats_rpc_list", "stats_user",
    "stats_user_list", "openapi_slurmdbd_stats_resp",
    "instance", "instance_list", "openapi_instances_resp", "openapi_slurmdbd_config_resp",
    # job records (sacct's data), no schema difference; two values differ on purpose
    # (v0040_slurmdb.py): step statistics/CPU/actual_frequency is the double's value in
    # kHz, where Slurm's UINT64 parser publishes the bits of the double; an unknown
    # association is the job's own account/cluster/user, where Slurm dumps {}
    # (invalid: assoc_short requires "user")
    "job", "job_list", "step", "step_list", "slurmdb_job_flags", "step_tres_req_max",
    "step_tres_req_min", "step_tres_usage_max", "step_tres_usage_min", "wckey_tag_struct",
    "wckey_tag_flags", "hostlist", "openapi_slurmdbd_jobs_resp",
]


def test_slurmdb_components_are_generated_and_equal_the_reference():
    reference = _reference()
    ours = schemas()
    for name in COMPLETE:
        full = f"v0.0.40_{name}"
        assert full in ours, f"{name} not generated"
        assert _as_reference_shows(ours[full]) == reference[full], name
        if "properties" in ours[full]:
            assert [p for p in ours[full]["properties"] if p != "description"] == \
                list(reference[full]["properties"]), name


def test_roots_include_the_slurmdb_bodies():
    for name in v0040_slurmdb.ROOTS:
        assert name in ROOTS


def test_slurmdb_descriptions_are_data():
    for kind in v0040_slurmdb.KINDS:
        for field in getattr(kind, "fields", ()):
            target = V0040.kind(field.kind)
            assert field.source or target.complex or field.removed, f"{kind.name}.{field.key}"
    exported = json.loads(json.dumps(V0040.export()))
    assert exported["kinds"]["ACCOUNT"]["c_type"] == "slurmdb_account_rec_t"
    assert exported["kinds"]["ASSOC_ID"]["complex"] is True


def _document():
    plugins = Plugins(content=(slurmdbd,), data_parsers=(DataParser(v0_0_40),),
                      serializers=(json_serializer,))
    return build_document(expand_operations(plugins), plugins)


def _operation_view(operation: dict) -> dict:
    def ref(content):
        return content["application/json"]["schema"]["$ref"] if content else None
    return {
        "operationId": operation["operationId"],
        "tags": operation["tags"],
        "parameters": [{k: p.get(k) for k in ("in", "name", "schema", "required", "style",
                                                 "explode")}
                       for p in operation.get("parameters", [])],
        "request": ref(operation.get("requestBody", {}).get("content")),
        "response": ref(operation["responses"]["200"].get("content")),
        "default": ref(operation["responses"]["default"].get("content")),
    }


def test_operations_equal_the_reference():
    reference = json.loads(REFERENCE.read_text())["paths"]
    ours = _document()["paths"]
    assert ours, "no slurmdb operations"
    for path, methods in ours.items():
        assert path in reference, path
        for method, operation in methods.items():
            assert method in reference[path], (method, path)
            assert _operation_view(operation) == _operation_view(reference[path][method]), \
                (method, path)


def test_every_reference_operation_is_declared():
    """Every slurmdb operation of the reference (POST config among them) is
    declared, so test_operations_equal_the_reference compares each."""
    reference = json.loads(REFERENCE.read_text())["paths"]
    ours = _document()["paths"]
    missing = [(method, path) for path, methods in reference.items()
               if path.startswith("/slurmdb/v0.0.40/")
               for method in methods if method in ("get", "post", "put", "delete")
               and method not in ours.get(path, {})]
    assert missing == []
    assert ours["/slurmdb/v0.0.40/config"]["post"]["operationId"] == \
        "slurmdb_v0040_post_config"


def test_document_is_valid_openapi():
    from openapi_spec_validator import validate
    validate(_document())
