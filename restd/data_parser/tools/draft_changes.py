"""Draft the declared changes between two data_parser versions from the
reference OpenAPI document (a developer tool, like parsers_c.py).

    python -m restd.data_parser.tools.draft_changes v0.0.40 v0.0.41
    python -m restd.data_parser.tools.draft_changes v0.0.41 v0.0.42 --document FILE

Both versions' request and response bodies are flattened to field paths
(restd.data_parser.tools.fields: types, formats, enums, required, the
component at each path), compared path by path, and each difference is
assigned to the object that declares the field (the component owning it in
whichever version publishes components). Printed: the bodies added and
removed, then per object a draft of ``AddFields`` / ``RemoveFields`` /
``ReplaceField`` declarations and flag tables whose names changed, then the
whole-version patterns (components renamed everywhere, formats changed
everywhere) and what the tool cannot decide: the C member and the kind of
each new field (``"?"``), and whether a removed and an added field of one
object are a rename. The draft is read, checked against Slurm's parsers.c,
and written by hand into the version module.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path
from typing import Optional

from restd.data_parser.tools.fields import FieldInfo, fields, owners, roots

DEFAULT_DOCUMENT = Path("/work/shared/reference/slurmrestd-24.11.5-openapi.json")


def _stripped_roots(document: dict, version: str) -> dict[str, str]:
    return {name[len(version) + 1:]: name for name in roots(document, version)}


def _owner(path: str, owner_map: dict, other_map: dict, infos: dict) -> tuple[str, str]:
    """The object declaring ``path``: from the owner maps when they know the
    path, else the component of its nearest ancestor (a field added to an
    object), else the nearest known ancestor's owner."""
    if path in owner_map:
        return owner_map[path]
    probe = path
    while True:
        cut = max(probe.rfind("/"), probe.rfind("[]"))
        if cut <= 0:
            return other_map.get(path, ("?", path))
        probe = probe[:cut]
        info = infos.get(probe)
        if info is not None and info.component:
            rest = path[len(probe):].lstrip("/")
            return info.component, rest.lstrip("[]/") if rest.startswith("[]") else rest
        for known in (owner_map, other_map):
            if probe in known:
                owner, key = known[probe]
                return owner, key + path[len(probe):]


def _describe(info: FieldInfo) -> str:
    text = info.type or "?"
    if info.format:
        text += f"/{info.format}"
    if info.component:
        text += f" ({info.component})"
    if info.enum:
        text += f" enum[{len(info.enum)}]"
    if info.required:
        text += " required"
    if info.deprecated:
        text += " deprecated"
    return text


def draft(document: dict, old: str, new: str) -> dict:
    """The differences, grouped: {"bodies": ..., "objects": {owner: {...}},
    "patterns": {...}}."""
    old_roots, new_roots = _stripped_roots(document, old), _stripped_roots(document, new)
    result = {"bodies_added": sorted(set(new_roots) - set(old_roots)),
              "bodies_removed": sorted(set(old_roots) - set(new_roots)),
              "objects": collections.defaultdict(lambda: collections.defaultdict(dict))}
    renamed = collections.Counter()
    formats = collections.Counter()
    flags = result["flags"] = {}
    for stripped in sorted(set(old_roots) & set(new_roots)):
        a, b = fields(document, old_roots[stripped]), fields(document, new_roots[stripped])
        oa, ob = owners(document, old_roots[stripped]), owners(document, new_roots[stripped])
        # objects are named after the components of the version that publishes
        # them (v0.0.41 inlines all: its owners are the bodies themselves)
        if len({o for o, _ in oa.values()}) >= len({o for o, _ in ob.values()}):
            first, second, infos = oa, ob, a
        else:
            first, second, infos = ob, oa, b
        for path in sorted(set(a) | set(b)):
            if not path:
                continue
            owner, key = _owner(path, first, second, infos)
            entry = result["objects"][owner]
            if path not in b:
                if not _parent_missing(path, b) and not _parent_retyped(path, a, b):
                    entry["removed"][key] = _describe(a[path])
                continue
            if path not in a:
                if not _parent_missing(path, a) and not _parent_retyped(path, a, b):
                    entry["added"][key] = _describe(b[path])
                continue
            x, y = a[path], b[path]
            if x.enum != y.enum and x.enum and y.enum:
                parent = path[:-2] if path.endswith("[]") else path
                component = (a.get(parent) or x).component or (b.get(parent) or y).component
                flags[component or f"{owner}.{key}"] = (
                    [e for e in y.enum if e not in x.enum],
                    [e for e in x.enum if e not in y.enum])
                continue
            if x.component and y.component and x.component != y.component:
                renamed[(x.component, y.component)] += 1
            if (x.type, x.enum, x.required, x.deprecated) != \
                    (y.type, y.enum, y.required, y.deprecated) or \
                    (x.format != y.format and x.type == y.type):
                if x.format != y.format and (x.type, x.enum, x.required, x.deprecated) == \
                        (y.type, y.enum, y.required, y.deprecated):
                    formats[(x.format, y.format, path.rsplit("/", 1)[-1])] += 1
                    if path.rsplit("/", 1)[-1] == "number":
                        continue  # the {set, infinite, number} shape: a property
                change = f"{_describe(x)} -> {_describe(y)}"
                if x.enum != y.enum and x.enum and y.enum:
                    plus = [e for e in y.enum if e not in x.enum]
                    minus = [e for e in x.enum if e not in y.enum]
                    change += f"  enum +{plus} -{minus}"
                entry["changed"][key] = change
    result["patterns"] = {"components renamed": {f"{a} -> {b}": n
                                                 for (a, b), n in renamed.items()},
                          "formats changed": {f"{a} -> {b} ({leaf})": n
                                              for (a, b, leaf), n in formats.items()}}
    return result


def _parent_retyped(path: str, a: dict, b: dict) -> bool:
    """Whether an ancestor of ``path`` changed type (reported there)."""
    while "/" in path:
        path = path.rsplit("/", 1)[0]
        if path in a and path in b and a[path].type != b[path].type:
            return True
    return False


def _parent_missing(path: str, other: dict) -> bool:
    """Whether an ancestor of ``path`` is missing in ``other`` too (the
    difference is reported once, at the highest path)."""
    while True:
        cut = max(path.rfind("/"), path.rfind("[]") if path.endswith("[]") else -1)
        if cut <= 0:
            return False
        path = path[:cut]
        if path and path not in other:
            return True


def _kind_name(component: str) -> str:
    return component.upper()


def render(result: dict, old: str, new: str) -> str:
    lines = [f"# Draft: {new} = {old} plus these changes (from the reference document)."]
    for body in result["bodies_added"]:
        lines.append(f"# body added: {body} -> roots=(\"{_kind_name(body)}\", ...), "
                     f"AddKind(...)")
    for body in result["bodies_removed"]:
        lines.append(f"# body removed: {body} -> RemoveKind(\"{_kind_name(body)}\")")
    undecided = []
    for owner in sorted(result["objects"]):
        entry = result["objects"][owner]
        if not any(entry.values()):
            continue
        kind = _kind_name(owner)
        lines.append(f"\n# --- {owner} ({kind})")
        if entry["added"]:
            lines.append(f"AddFields(\"{kind}\", (")
            for key, what in entry["added"].items():
                lines.append(f"    F(\"{key}\", \"?\", \"?\"),  # {what}")
                undecided.append(f"{owner}.{key}: kind and C member of a new field")
            lines.append("), why=\"?\"),")
        if entry["removed"]:
            keys = ", ".join(f"\"{key}\"" for key in entry["removed"])
            lines.append(f"RemoveFields(\"{kind}\", ({keys},), why=\"?\"),  # " +
                         "; ".join(f"{k}: {v}" for k, v in entry["removed"].items()))
        for key, what in entry["changed"].items():
            lines.append(f"ReplaceField(\"{kind}\", F(\"{key}\", \"?\", \"?\"), why=\"?\"),"
                         f"  # {what}")
        if entry["added"] and entry["removed"]:
            undecided.append(f"{owner}: removed {list(entry['removed'])} and added "
                             f"{list(entry['added'])}: renames?")
    for component, (plus, minus) in sorted(result["flags"].items()):
        lines.append(f"ReplaceKind(Flags(\"{_kind_name(component)}\", ...), why=\"?\"),"
                     f"  # names +{plus} -{minus}")
    lines.append("\n# whole-version patterns (properties of the version, not changes):")
    for label, counts in result["patterns"].items():
        for what, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            lines.append(f"#   {label}: {what} x{count}")
    lines.append("\n# cannot decide (read Slurm's parsers.c of the newer version):")
    lines.extend(f"#   {item}" for item in undecided)
    return "\n".join(lines) + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--document", type=Path, default=DEFAULT_DOCUMENT)
    parser.add_argument("--json", action="store_true", help="the differences as JSON")
    args = parser.parse_args(argv)
    document = json.loads(args.document.read_text())
    result = draft(document, args.old, args.new)
    if args.json:
        json.dump(result, sys.stdout, indent=1, default=dict)
    else:
        sys.stdout.write(render(result, args.old, args.new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
