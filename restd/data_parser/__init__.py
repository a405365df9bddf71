"""Slurm's data_parser, in Python: each object described once, as data
(describe.py: Field, Object, Version; v0040.py: the v0.0.40 tables), driving
dumping (dump.py), parsing (parse.py) and the OpenAPI schemas (schema.py).

    from restd.data_parser.v0040 import V0040
    from restd.data_parser import dump, parse, schema

    dump.dump(V0040, "JOB_INFO", job, get=dump.get_attr, warnings=[])  -> dict
    dump.dumper(V0040, "JOB_INFO_MSG", get) -> compiled callable(value)
    parse.parse(V0040, "JOB_SUBMIT_REQ", body, fast=False, path="#/")
        -> ParseResult(value, errors, warnings)
    schema.component_schemas(V0040, roots) -> {"v0.0.40_job_info": {...}, ...}
    V0040.export() -> the descriptions as plain data (for a C generator)
    V0041 = V0040.derive("v0.0.41", [AddFields(...), ReplaceKind(...), ...])

Kinds are named as Slurm's parser types ("JOB_INFO", "UINT32_NO_VAL").
Dumping reads C members through a getter (cdata, dicts or namespaces shaped
like the C struct); parsing yields dicts keyed by C member names. What only
libslurm knows (user names, slurm_strerror(), job_state_reason_string(),
slurm_get_select_nodeinfo()...) comes from a Services object (services.py).
"""
