"""Slurm's data_parser, in Python: each object described once, as data
(describe.py: Field, Object, Version; v0040.py: the v0.0.40 tables), driving
dumping (dump.py), parsing (parse.py) and the OpenAPI schemas (schema.py).
Newer versions are the older plus declared changes (v0041.py, v0042.py:
``V0040.derive("v0.0.41", [...], roots=..., **properties)``); the rules
the tables name are in rules.py, the per-request database lists of the
accounting rules in lookups.py, and versions.py is the registry of versions
(name -> Version) from which plugin.py makes the data_parser plugins.

    from restd.data_parser.versions import version
    from restd.data_parser import dump, parse, schema

    V0041 = version("v0.0.41")
    dump.dump(V0041, "JOB_INFO", job, get=dump.get_attr, warnings=[])  -> dict
    dump.dumper(V0041, "JOB_INFO_MSG", get) -> compiled callable(value)
    parse.parse(V0041, "JOB_SUBMIT_REQ", body, fast=False, path="#/")
        -> ParseResult(value, errors, warnings)
    schema.component_schemas(V0041, V0041.roots) -> {"v0.0.41_job_submit_req": {...}, ...}
    V0041.export() -> the descriptions as plain data (for a C generator)

Kinds are named as Slurm's parser types ("JOB_INFO", "UINT32_NO_VAL").
Dumping reads C members through a getter (cdata, dicts or namespaces shaped
like the C struct); parsing yields dicts keyed by C member names. What only
libslurm knows (user names, slurm_strerror(), job_state_reason_string(),
slurm_get_select_nodeinfo()...) comes from a Services object (services.py).

``python -m restd.data_parser.tools.draft_changes v0.0.41 v0.0.42`` drafts
a version's changes from the reference document.
"""
