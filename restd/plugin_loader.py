"""Finding and loading plugins of the four families (auth, content, data_parser,
serializer); their interfaces are in restd.plugin_api.

A plugin is the module ``restd.plugins.<family>.<name>`` (the tree's plugins/
directory; data_parser ``v0.0.40`` is module ``v0_0_40``) or an entry point of group
``restd.plugins`` named ``<family>.<name>`` (``data_parser.v0.0.40``), so a site can
add its own without touching restd. A built-in plugin wins over an entry point of
the same name; modules whose name starts with "_" are helpers, not plugins.
"""
from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import logging
import pkgutil
import re
from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Optional

from restd.config import Config
from restd.plugin_api import DataParser, PluginUnavailable

log = logging.getLogger(__name__)

FAMILIES = ("auth", "content", "data_parser", "serializer")
ENTRY_POINT_GROUP = "restd.plugins"

# Plugins that exist for restd's own test suite: invisible (not listed, not
# loadable, not loaded by default) unless RESTD_ENABLE_TEST_PLUGINS=1.
TEST_PLUGIN_PREFIX = "testing"

# Slurm's plugin type prefixes, accepted so that slurmrestd command lines keep
# working: "-a rest_auth/jwt", "-s openapi/slurmctld", "-d data_parser/v0.0.40".
SLURM_TYPE_PREFIXES = {"auth": "rest_auth/", "content": "openapi/",
                       "data_parser": "data_parser/", "serializer": "serializer/"}

# Versioned content plugins of Slurm before 23.11 (v0.0.39, dbv0.0.39, ...):
# replaced by slurmctld and slurmdbd, the version moving to the data_parser (-d).
_VERSIONED_CONTENT = re.compile(r"(db)?v0\.0\.\d+")

# What each family's modules must define (see restd.plugin_api).
_REQUIRED = {
    "auth": ("NAME", "authenticate"),
    "content": ("NAME", "PLUGIN_TYPE", "PLUGIN_NAME", "operations"),
    "data_parser": ("NAME", "FLAGS", "VERSION", "schemas"),
    "serializer": ("NAME", "MIME_TYPES", "dump", "load"),
}


class PluginError(Exception):
    """A plugin that cannot be found or loaded; the message says why."""


def name_of_module(family: str, module_name: str) -> str:
    """A built-in plugin's name. Module names cannot hold dots, so the data_parser
    for v0.0.40 is the module ``v0_0_40``."""
    return module_name.replace("_", ".") if family == "data_parser" else module_name


def is_test_plugin(name: str) -> bool:
    return name == TEST_PLUGIN_PREFIX or name.startswith(TEST_PLUGIN_PREFIX + "_")


def available(family: str, *, include_test: bool = False
              ) -> dict[str, Callable[[], ModuleType]]:
    """Plugins of ``family`` by name, each with a function importing it, sorted."""
    importers: dict[str, Callable[[], ModuleType]] = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        entry_family, _, name = entry_point.name.partition(".")
        if entry_family == family and name:
            importers[name] = entry_point.load
    package = importlib.import_module(f"restd.plugins.{family}")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("_"):
            continue
        importers[name_of_module(family, module.name)] = (
            lambda qualified=f"{package.__name__}.{module.name}":
            importlib.import_module(qualified))
    return {name: importers[name] for name in sorted(importers)
            if include_test or not is_test_plugin(name)}


def plugin_name(family: str, given: str, known: list[str]) -> str:
    """The plugin name for a name as typed (Slurm's "openapi/slurmctld" spelling
    accepted); raises PluginError for the removed versioned content plugins."""
    name = given.strip()
    prefix = SLURM_TYPE_PREFIXES[family]
    if name.startswith(prefix):
        name = name[len(prefix):]
    if family == "content" and _VERSIONED_CONTENT.fullmatch(name):
        raise PluginError(
            f"content plugin {given!r} no longer exists: Slurm 23.11 replaced the "
            f"versioned content plugins with slurmctld and slurmdbd, the version being "
            f"chosen with -d (data_parser). Available content plugins: "
            f"{', '.join(known) or 'none'}")
    return name


def split_data_parser(spec: str) -> tuple[str, frozenset[str]]:
    """``"v0.0.40+fast+prefer_refs"`` -> ``("v0.0.40", {"fast", "prefer_refs"})``."""
    name, *flags = spec.split("+")
    return name, frozenset(flag.strip().lower() for flag in flags if flag.strip())


@dataclass(frozen=True)
class Plugins:
    """The loaded plugins of each family, in the order they were asked for."""

    auth: tuple[ModuleType, ...] = ()
    content: tuple[ModuleType, ...] = ()
    data_parsers: tuple[DataParser, ...] = ()
    serializers: tuple[ModuleType, ...] = ()

    def modules(self) -> list[ModuleType]:
        return [*self.serializers, *(dp.module for dp in self.data_parsers),
                *self.content, *self.auth]

    def fini(self) -> None:
        """Let each plugin release what it holds; called at shutdown."""
        for module in reversed(self.modules()):
            fini = getattr(module, "fini", None)
            if fini is not None:
                try:
                    fini()
                except Exception:
                    log.exception("plugin %s: fini() failed", module.__name__)


def _load(family: str, given: Optional[tuple[str, ...]], config: Config
          ) -> list[tuple[ModuleType, str]]:
    """(module, name as typed) for each plugin asked for (all found when None)."""
    found = available(family, include_test=config.enable_test_plugins)
    if given is None:
        wanted = [(name, name) for name in found]
    elif not given:
        raise PluginError(f"no {family} plugin given")
    else:
        # Only data_parser names carry "+flag" suffixes.
        wanted = [(plugin_name(family, split_data_parser(text)[0] if family == "data_parser"
                               else text, list(found)), text)
                  for text in given]
    modules, seen = [], set()
    for name, text in wanted:
        if name in seen:
            continue
        seen.add(name)
        if name not in found:
            raise PluginError(f"unknown {family} plugin {name!r}; available: "
                              f"{', '.join(found) or 'none'}")
        try:
            module = found[name]()
        except Exception as error:
            raise PluginError(f"{family} plugin {name!r} failed to load: {error}") from error
        missing = [attribute for attribute in _REQUIRED[family]
                   if not hasattr(module, attribute)]
        if missing:
            raise PluginError(f"{family} plugin {name!r} does not define "
                              f"{', '.join(missing)}")
        if module.NAME != name:
            raise PluginError(f"{family} plugin {name!r} calls itself {module.NAME!r}")
        modules.append((module, text))
    return modules


def load_plugins(config: Config) -> Plugins:
    """Import the plugins the configuration asks for, check them, and call each
    one's ``init(config)``. Raises PluginError."""
    data_parsers = []
    for module, text in _load("data_parser", config.data_parsers, config):
        flags = split_data_parser(text)[1]
        unknown = flags - module.FLAGS
        if unknown:
            raise PluginError(
                f"data_parser {module.NAME}: unknown flag(s) {', '.join(sorted(unknown))}; "
                f"accepted: {', '.join(sorted(module.FLAGS)) or 'none'}")
        data_parsers.append(DataParser(module, flags))
    plugins = Plugins(
        auth=tuple(module for module, _ in _load("auth", config.auth_plugins, config)),
        content=tuple(module for module, _ in _load("content", config.content_plugins,
                                                     config)),
        data_parsers=tuple(data_parsers),
        # Like slurmrestd, every serializer found is loaded: there is no option.
        serializers=tuple(module for module, _ in _load("serializer", None, config)),
    )
    left_out = []
    for module in plugins.modules():
        init = getattr(module, "init", None)
        if init is not None:
            try:
                init(config)
            except PluginUnavailable as error:
                # Content plugins loaded by default (no -s) may decline; one asked
                # for by name may not.
                if module in plugins.content and config.content_plugins is None:
                    log.warning("content plugin %s not loaded: %s", module.NAME, error)
                    left_out.append(module)
                    continue
                raise PluginError(f"plugin {module.__name__}: {error}") from error
            except Exception as error:
                raise PluginError(f"plugin {module.__name__}: init failed: {error}") from error
    if left_out:
        plugins = dataclasses.replace(plugins, content=tuple(
            module for module in plugins.content if module not in left_out))
    return plugins
