"""Developer tools (not imported by restd while serving): draft description
tables from Slurm's own sources (parsers_c.py), draft a version's declared
changes from the reference document (draft_changes.py), and flatten OpenAPI
documents to field paths (fields.py, also used by tests/test_openapi_parity.py)."""
