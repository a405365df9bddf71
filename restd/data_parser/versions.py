"""The registry of data_parser versions: name -> restd.data_parser.describe.Version.

    from restd.data_parser.versions import NAMES, version
    version("v0.0.41")  -> Version('v0.0.41', ...)

Each version lives in its own module (v0040.py, v0041.py, ...: the older
version plus declared changes); a version is imported when first asked for.
The data_parser plugins (plugins/data_parser/v0_0_4x.py) are made from this
registry by restd.data_parser.plugin.DataParserModule, one line each.
"""
from __future__ import annotations

import importlib

from restd.data_parser.describe import Version

# name -> (module, attribute), oldest first
_MODULES = {
    "v0.0.40": ("restd.data_parser.v0040", "V0040"),
    "v0.0.41": ("restd.data_parser.v0041", "V0041"),
    "v0.0.42": ("restd.data_parser.v0042", "V0042"),
    "v0.0.43": ("restd.data_parser.v0043", "V0043"),
    "v0.0.44": ("restd.data_parser.v0044", "V0044"),
    "v0.0.45": ("restd.data_parser.v0045", "V0045"),
}

NAMES: tuple[str, ...] = tuple(_MODULES)


def version(name: str) -> Version:
    """The descriptions of data_parser ``name`` ("v0.0.41")."""
    try:
        module, attribute = _MODULES[name]
    except KeyError:
        raise KeyError(f"no data_parser version {name!r}; known: {', '.join(NAMES)}") \
            from None
    return getattr(importlib.import_module(module), attribute)
