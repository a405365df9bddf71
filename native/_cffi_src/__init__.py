"""cffi declarations for libslurm, one module per C header.

Each module defines four strings, as in pyca/cryptography's ``_cffi_src``:

``INCLUDES``
    C preprocessor lines put at the top of the generated C source.
``TYPES``
    cdef text for types, constants and ``HAS_*`` flags.  Structs are partial
    (``...;``) so that the C compiler, not us, knows each Slurm version's layout.
    A member only some versions have is declared with ``/* optional */`` on its
    line: ``build_libslurm.keep_optional_members`` keeps it only when the installed
    header's struct has it (e.g. ``node_info_t.resume_after``, not in 22.05).
``FUNCTIONS``
    cdef text for functions and globals.
``CUSTOMIZATIONS``
    C code placed after all INCLUDES: version guards (``#if SLURM_VERSION_NUMBER
    >= SLURM_VERSION_NUM(...)``), ``HAS_*`` values, small accessors for fields
    whose C type differs between versions, and stubs for what a version lacks.

``native/build_libslurm.py`` concatenates the modules listed in ``MODULES`` (in
this order) into one out-of-line API-mode ``set_source`` named ``restd._libslurm``.
"""

# Order matters: a module's TYPES may use types declared by an earlier one.
MODULES = [
    "slurm_errno",
    "slurm",
    "slurmdb",
    "protocol",
    "auth",
    "parse",
    "hostlist",
]
