"""restd.native: the libslurm binding (see native/README.md).

Import ``restd.native.library`` and call ``load()`` first; then ``controller``,
``identity`` and ``errors``.
"""
