"""Build the cffi extension ``restd._libslurm`` (out-of-line, API mode).

Used by setup.py (``cffi_modules=["native/build_libslurm.py:ffibuilder"]``) and
runnable by hand: ``python native/build_libslurm.py`` compiles into ./build/.

All declarations come from ``native/_cffi_src/<header>.py`` (see that package's
docstring).  Code generated at build time is appended through ``GENERATORS``:
each generator gets the include directory and returns ``(cdef, c_source)``; the
errno name table is the first one, the native fast paths for hot object lists
will be added the same way (or as extra ``.c`` files in ``EXTRA_SOURCES``).

Environment (all optional):
  SLURM_INCLUDE_DIR  directory holding slurm/slurm.h   (default: searched)
  SLURM_LIB_DIR      directory holding libslurmfull.so (default: searched)
"""
import glob
import importlib
import os
import re
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _cffi_src import MODULES  # noqa: E402
import generate_fastpath  # noqa: E402

MODULE_NAME = "restd._libslurm"
LIBRARY = "slurmfull"

INCLUDE_CANDIDATES = ["/usr/include", "/usr/local/include", "/opt/slurm/include"]
LIB_CANDIDATES = [
    "/usr/lib/*-linux-gnu/slurm-wlm",
    "/usr/lib/*-linux-gnu/slurm",
    "/usr/lib64/slurm",
    "/usr/lib/slurm",
    "/usr/local/lib/slurm",
    "/opt/slurm/lib/slurm",
    "/opt/slurm/lib64/slurm",
]

# Extra C files compiled into the same extension (e.g. generated fast paths).
EXTRA_SOURCES = []


def find_include_dir():
    env = os.environ.get("SLURM_INCLUDE_DIR")
    candidates = [env] if env else INCLUDE_CANDIDATES
    for directory in candidates:
        if os.path.exists(os.path.join(directory, "slurm", "slurm.h")):
            return directory
    raise RuntimeError(
        "slurm/slurm.h not found in %s: install libslurm-dev or set SLURM_INCLUDE_DIR"
        % ", ".join(candidates)
    )


def find_lib_dir():
    env = os.environ.get("SLURM_LIB_DIR")
    patterns = [env] if env else LIB_CANDIDATES
    for pattern in patterns:
        for directory in sorted(glob.glob(pattern)):
            if os.path.exists(os.path.join(directory, "lib%s.so" % LIBRARY)):
                return directory
    raise RuntimeError(
        "lib%s.so not found in %s: install slurm (slurm-wlm) or set SLURM_LIB_DIR"
        % (LIBRARY, ", ".join(patterns))
    )


_ENUM_RE = re.compile(r"typedef\s+enum\s*\{(.*?)\}\s*slurm_err_t\s*;", re.S)
_MEMBER_RE = re.compile(r"^\s*([A-Z][A-Z0-9_]*)\s*(?:=[^,]*)?,", re.M)


def errno_names(include_dir):
    """Names of the slurm_err_t members of the slurm_errno.h compiled against."""
    path = os.path.join(include_dir, "slurm", "slurm_errno.h")
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    match = _ENUM_RE.search(text)
    if not match:
        raise RuntimeError("no slurm_err_t enum in %s" % path)
    names = _MEMBER_RE.findall(match.group(1) + ",")
    if len(names) < 100:
        raise RuntimeError("only %d error names parsed from %s" % (len(names), path))
    return names


def generate_errno_table(include_dir):
    """The number -> name table; numbers come from the compiler, names from the header."""
    entries = ",\n".join('    { %s, "%s" }' % (n, n) for n in errno_names(include_dir))
    c_source = """
static const restd_errno_entry_t restd_errno_entries[] = {
    { SLURM_SUCCESS, "SLURM_SUCCESS" },
    { SLURM_ERROR, "SLURM_ERROR" },
%s
};

static size_t restd_errno_table_size(void)
{
    return sizeof(restd_errno_entries) / sizeof(restd_errno_entries[0]);
}

static const restd_errno_entry_t *restd_errno_table(void)
{
    return restd_errno_entries;
}
""" % entries
    return "", c_source


# generate_fastpath: the jobs/nodes JSON fast path (native/generate_fastpath.py)
GENERATORS = [generate_errno_table, generate_fastpath.generate]

# A struct member declared in a TYPES text with this comment on its line exists in
# some Slurm versions only: it is declared when the installed header's struct has it
# and left out otherwise (restd.native.services.ABSENT_MEMBERS then reads it as None).
OPTIONAL_MEMBER = "/* optional */"
_TYPEDEF_START_RE = re.compile(r"^\s*typedef\s+struct\b[^;]*\{\s*$")
_TYPEDEF_END_RE = re.compile(r"^\s*\}\s*([A-Za-z_]\w*)\s*;")
_MEMBER_NAME_RE = re.compile(r"([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*;")


def header_text(include_dir):
    texts = []
    for name in ("slurm.h", "slurmdb.h"):
        with open(os.path.join(include_dir, "slurm", name), encoding="utf-8",
                  errors="replace") as f:
            texts.append(f.read())
    return "\n".join(texts)


def keep_optional_members(cdef, header):
    """``cdef`` without the OPTIONAL_MEMBER lines whose member the header's struct lacks."""
    out = []
    block = None  # lines of the typedef struct being read
    for line in cdef.splitlines():
        if block is None:
            if OPTIONAL_MEMBER in line:
                raise RuntimeError("%r outside a typedef struct: %s" % (OPTIONAL_MEMBER, line))
            if _TYPEDEF_START_RE.match(line):
                block = [line]
            else:
                out.append(line)
            continue
        block.append(line)
        end = _TYPEDEF_END_RE.match(line)
        if not end:
            continue
        members = None
        for item in block:
            if OPTIONAL_MEMBER in item:
                if members is None:
                    members = generate_fastpath.struct_members(header, end.group(1))
                name = _MEMBER_NAME_RE.search(item.split(OPTIONAL_MEMBER)[0]).group(1)
                if name not in members:
                    continue
            out.append(item)
        block = None
    if block is not None:
        out.extend(block)
    return "\n".join(out)


def flag_name(struct, member):
    """HAS_<TYPE>_<MEMBER>: ``("node_info_t", "resv_name")`` -> ``HAS_NODE_INFO_RESV_NAME``."""
    return "HAS_%s_%s" % (re.sub(r"_t$", "", struct).upper(), member.upper())


def header_flags(patterns, header):
    """C ``#define``s of flags named in ``patterns`` (name -> regular expression): 1 when
    the installed header, without its comments, matches (e.g. a function's new signature)."""
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    return "".join("#define %s %d\n" % (name, re.search(pattern, text) is not None)
                   for name, pattern in patterns.items())


def member_flags(pairs, header):
    """C ``#define``s of the HAS_* flag of each (struct, member) in ``pairs``: 1 when the
    installed header's struct has that member. Decided from the header compiled
    against, not from version numbers: C code tests the member it reads."""
    lines = ["/* members present in the installed Slurm headers (build_libslurm.member_flags) */"]
    for struct, member in pairs:
        lines.append("#define %s %d" % (flag_name(struct, member),
                                        member in generate_fastpath.struct_members(header, struct)))
    return "\n".join(lines) + "\n"


def build_ffi(module_name=MODULE_NAME, modules=MODULES):
    include_dir = find_include_dir()
    lib_dir = find_lib_dir()

    loaded = [importlib.import_module("_cffi_src.%s" % name) for name in modules]
    generated = [generator(include_dir) for generator in GENERATORS]

    cdef = []
    source = []
    for module in loaded:
        cdef.append(module.TYPES)
    for module in loaded:
        cdef.append(module.FUNCTIONS)
    header = header_text(include_dir)
    for module in loaded:
        source.append(module.INCLUDES)
    # each module's MEMBER_FLAGS: (struct, member) pairs its C reads where present
    source.append(member_flags([pair for module in loaded
                                for pair in getattr(module, "MEMBER_FLAGS", ())], header))
    source.append(header_flags({name: pattern for module in loaded
                                for name, pattern in getattr(module, "HEADER_FLAGS", {}).items()},
                               header))
    for module in loaded:
        source.append(module.CUSTOMIZATIONS)
    for gen_cdef, gen_source in generated:
        cdef.append(gen_cdef)
        source.append(gen_source)

    ffi = FFI()
    ffi.cdef(keep_optional_members("\n".join(cdef), header))
    ffi.set_source(
        module_name,
        "\n".join(source),
        sources=list(EXTRA_SOURCES),
        include_dirs=[include_dir] if include_dir != "/usr/include" else [],
        library_dirs=[lib_dir],
        libraries=[LIBRARY],
        runtime_library_dirs=[lib_dir],
        extra_compile_args=["-Wno-unused-function"],
    )
    return ffi


ffibuilder = build_ffi()

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=os.path.join(os.path.dirname(HERE), "build"), verbose=True)
