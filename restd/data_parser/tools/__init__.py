"""Developer tools (not imported by restd): draft description tables from
Slurm's own sources. See parsers_c.py."""
