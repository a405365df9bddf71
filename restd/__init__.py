"""restd: a Python implementation of Slurm's REST API daemon."""

__version__ = "0.1.0"


def _find_tree_packages() -> None:
    """Why: the source tree keeps native/ and plugins/ at the top level while
    setup.py installs them as restd.native and restd.plugins. When restd runs
    from the tree (PYTHONPATH=<tree>, not installed), a finder maps those names to
    the top-level directories, so imports read the same in both cases. The finder
    only locates: the packages are still imported lazily, on first use."""
    import importlib.abc
    import importlib.util
    import os
    import sys

    tree = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    inits = {f"{__name__}.{name}": os.path.join(tree, name, "__init__.py")
             for name in ("plugins", "native")}
    inits = {name: init for name, init in inits.items()
             if os.path.exists(init) and importlib.util.find_spec(name) is None}

    class TreePackageFinder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            init = inits.get(fullname)
            if init is None:
                return None
            return importlib.util.spec_from_file_location(
                fullname, init, submodule_search_locations=[os.path.dirname(init)])

    if inits:
        sys.meta_path.append(TreePackageFinder())


_find_tree_packages()
