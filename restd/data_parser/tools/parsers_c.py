"""Draft restd descriptions from Slurm's data_parser sources (a developer tool).

Reads ``parsers.c`` (src/plugins/data_parser/v0.0.40/) and the headers it
needs from a directory (``--source``, default /tmp/dp: parsers.c, slurm.h,
slurmdb.h, cron.h of the Slurm release the version mirrors) and prints
``Object(...)`` tables and ``Flags`` bit tuples for the named parser types::

    python -m restd.data_parser.tools.parsers_c --objects ACCOUNT USER
    python -m restd.data_parser.tools.parsers_c --flags ADMIN_LVL USER_FLAGS

The output is a draft: C types of objects come from --ctypes (a JSON map of
parser name -> C struct) and every line is checked against the reference
OpenAPI document by tests/test_*schema.py, not trusted as is.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys


def split_args(s: str) -> list[str]:
    """Split a C macro's arguments at top-level commas."""
    out, depth, cur, quoted, i = [], 0, "", False, 0
    while i < len(s):
        c = s[i]
        if quoted:
            cur += c
            if c == "\\":
                cur += s[i + 1]
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
            cur += c
        elif c in "([":
            depth += 1
            cur += c
        elif c in ")]":
            depth -= 1
            cur += c
        elif c == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    if cur.strip():
        out.append(cur.strip())
    return out


class Source:
    def __init__(self, directory: str):
        self.directory = directory
        self.parsers = open(os.path.join(directory, "parsers.c")).read()
        self._defs = None

    # --- PARSER_ARRAY(...) tables ---

    def entries(self, name: str):
        m = re.search(r"PARSER_ARRAY\(%s\)\[\] = \{(.*?)\n\};" % name, self.parsers, re.S)
        if m is None:
            raise KeyError(f"no PARSER_ARRAY({name}) in parsers.c")
        body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
        body = re.sub(r"\),[ \t]*//[^\n]*", "),", body) + "\n"
        return [(mm.group(1), split_args(mm.group(2))) for mm in
                re.finditer(r"(add_[a-z_]+)\((.*?)\),?\s*(?:\\)?\n", body, re.S)]

    @staticmethod
    def norm(macro: str, a: list[str]):
        d = dict(req=False, dep=False, removed=False, complex=False, source=None)
        if macro in ("add_parse", "add_parse_req"):
            d.update(kind=a[0], source=a[1], key=a[2], req=macro.endswith("req"))
        elif macro in ("add_parse_overload", "add_parse_overload_req"):
            d.update(kind=a[0], source=a[1], key=a[3], req=macro.endswith("req"))
        elif macro == "add_parse_deprec":
            d.update(kind=a[0], source=a[1], key=a[3], dep=True)
        elif macro == "add_removed":
            d.update(kind=a[0], key=a[1], removed=True, dep=True)
        elif macro in ("add_cparse", "add_cparse_req"):
            d.update(kind=a[0], key=a[1], complex=True, req=macro.endswith("req"))
        elif macro == "add_skip":
            return None
        elif macro in ("add_parse_bit_flag_array", "add_parse_bit_flag_string"):
            d.update(kind=a[1], req=a[2] == "true", source=a[3], key=a[4])
        elif macro == "add_flags":
            d.update(kind=a[0], source=a[1], key=a[2])
        elif macro == "add_parser":
            d.update(kind=a[1], req=a[2] == "true", source=a[3], key=a[5])
        elif macro == "add_parser_deprec":
            d.update(kind=a[1], req=a[2] == "true", source=a[3], key=a[5], dep=True)
        elif macro == "add_parser_removed":
            d.update(kind=a[1], req=a[2] == "true", key=a[3], removed=True, dep=True)
        elif macro == "add_complex_parser":
            d.update(kind=a[1], req=a[2] == "true", key=a[3], complex=True)
        elif macro == "add_openapi_response_meta":
            d.update(kind="OPENAPI_META_PTR", source="meta", key='"meta"')
        elif macro == "add_openapi_response_errors":
            d.update(kind="OPENAPI_ERRORS", source="errors", key='"errors"')
        elif macro == "add_openapi_response_warnings":
            d.update(kind="OPENAPI_WARNINGS", source="warnings", key='"warnings"')
        else:
            d.update(kind="??" + macro, key=repr(a))
        d["key"] = d["key"].strip('"')
        return d

    def object_lines(self, name: str, c_type: str) -> list[str]:
        lines = [f'    Object("{name}", "{name.lower()}", "{c_type}", (']
        for macro, a in self.entries(name):
            d = self.norm(macro, a)
            if not d:
                continue
            parts = [json.dumps(d["key"]), json.dumps(d["kind"]),
                     json.dumps(d["source"]) if d["source"] else "None"]
            for flag, keyword in (("req", "required=True"), ("dep", "deprecated=True"),
                                  ("removed", "removed=True")):
                if d[flag]:
                    parts.append(keyword)
            lines.append("        F(%s)," % ", ".join(parts))
        lines.append("    )),")
        return lines

    # --- constants and PARSER_FLAG_ARRAY(...) tables ---

    def _definitions(self) -> dict:
        if self._defs is not None:
            return self._defs
        text = ""
        for header in ("slurm.h", "cron.h", "slurmdb.h"):
            path = os.path.join(self.directory, header)
            if os.path.exists(path):
                text += open(path).read() + "\n"
        pc = self.parsers
        if "PROC_EXIT_CODE_INVALID = 0" in pc:
            text += "enum {" + pc[pc.index("PROC_EXIT_CODE_INVALID = 0"):][:400]
        text = text.replace("\\\n", " ")
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        defs: dict = {}
        for m in re.finditer(r"^#\s*define\s+([A-Z_][A-Z0-9_]*)\s+(.+?)\s*$", text, re.M):
            defs.setdefault(m.group(1), m.group(2))
        for m in re.finditer(r"enum\s*\w*\s*\{(.*?)\}", text, re.S):
            current, last = -1, None
            for item in m.group(1).split(","):
                item = item.strip()
                if not item:
                    continue
                if "=" in item:
                    n, v = [x.strip() for x in item.split("=", 1)]
                    defs.setdefault(n, v)
                    current = None
                elif current is None:
                    n = item
                    defs.setdefault(n, f"({last}) + 1")
                else:
                    n = item
                    current += 1
                    defs.setdefault(n, str(current))
                last = n
        self._defs = defs
        return defs

    def value(self, name: str) -> int:
        defs = self._definitions()
        if name in defs:
            e = defs[name]
        elif re.fullmatch(r"[A-Za-z_]\w*", name):
            raise KeyError(name)
        else:
            e = name
        e = re.sub(r"SLURM_BIT\(([^)]*)\)", r"(1 << (\1))", e)
        e = re.sub(r"\((uint\d+_t|int|unsigned|long|unsigned long long)\)", "", e)
        e = re.sub(r"(0x[0-9a-fA-F]+|\d+)(ULL|ull|UL|ul|LL|U|u|L)\b", r"\1", e)
        e = re.sub(r"\b([A-Z_][A-Z0-9_]*)\b", lambda m: str(self.value(m.group(1))), e)
        return eval(e) & 0xFFFFFFFFFFFFFFFF  # noqa: S307 - constant expressions only

    def flag_lines(self, name: str) -> list[str]:
        m = re.search(r"PARSER_FLAG_ARRAY\(%s\)\[\] = \{(.*?)\n\};" % name, self.parsers,
                      re.S)
        if m is None:
            raise KeyError(f"no PARSER_FLAG_ARRAY({name}) in parsers.c")
        out = [f"{name} = ("]
        for mm in re.finditer(r"(add_flag[a-z_]*)\((.*?)\),?\s*\n", m.group(1) + "\n", re.S):
            macro, a = mm.group(1), split_args(mm.group(2))
            hidden = False
            if macro == "add_flag_bit":
                v, mask, n, t = a[0], "INFINITE64", a[1], "bit"
            elif macro == "add_flag_masked_bit":
                v, mask, n, t = a[0], a[1], a[2], "bit"
            elif macro == "add_flag_equal":
                v, mask, n, t = a[0], a[1], a[2], "equal"
            elif macro == "add_flag_removed":
                out.append(f'    FlagBit({a[0]}, "removed"),')
                continue
            elif macro == "add_flag_eq" and len(a) == 5:
                v, mask, n, hidden, t = a[0], a[1], a[2], a[3] == "true", "equal"
            elif macro == "add_flag_eq" and len(a) == 4:
                v, mask, n, hidden, t = a[0], "INFINITE", a[1], a[2] == "true", "equal"
            elif macro == "add_flag" and len(a) == 5:
                v, mask, n, hidden, t = a[0], a[1], a[2], a[3] == "true", "bit"
            else:
                raise SystemExit(f"unknown {macro} {a}")
            h = ", hidden=True" if hidden else ""
            out.append(f'    FlagBit({n}, "{t}", "{v}", {hex(self.value(v))}, "{mask}", '
                       f'{hex(self.value(mask))}{h}),')
        out.append(")")
        return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="/tmp/dp")
    parser.add_argument("--ctypes", help="JSON file: parser name -> C struct")
    parser.add_argument("--objects", nargs="*", default=[])
    parser.add_argument("--flags", nargs="*", default=[])
    args = parser.parse_args(argv)
    source = Source(args.source)
    ctypes = json.load(open(args.ctypes)) if args.ctypes else {}
    for name in args.objects:
        print("\n".join(source.object_lines(name, ctypes.get(name, "?"))))
    for name in args.flags:
        print("\n".join(source.flag_lines(name)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
