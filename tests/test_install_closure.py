"""The project's install lists (conf/packages/*.txt) are complete, step by step.

A bare machine gets only what those lists name (and what the named packages depend on),
each list installed just before the step that needs it. So whatever a step loads must
come from a package in the closure of the lists installed by then, whether or not this
machine happens to have it for another reason:

- the cffi module built by `make venv` links only libraries of the build list;
- a running restd (after the build and the cluster's installs) maps only shared objects
  of those two lists;
- every daemon the cluster script starts (its pid files) is an executable of the
  cluster list, mapping only shared objects of it.

Ownership is dpkg's (`dpkg -S`); the closure follows Depends, Pre-Depends and Recommends
of the installed packages (dpkg-query): conf/install-packages.sh installs Recommends
(--install-recommends, whatever the machine's apt says), and programs load what they
bring (slurmd 26.05's hwloc loads libhwloc-plugins, recommended by libhwloc15, and with
it libze1).
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.cluster

LISTS = REPO / "conf" / "packages"
VENV = REPO / ".venv"
SHARED_OBJECT = re.compile(r"\.so(\.[0-9][0-9.]*)?$")
# usrmerge: dpkg may record /lib/x.so while the loader maps /usr/lib/x.so, and back.
MERGED_DIRS = ("/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/", "/libx32/")


def read_list(name: str) -> set[str]:
    """The packages of conf/packages/NAME.txt (one a line, `#` comments)."""
    packages = set()
    for line in (LISTS / f"{name}.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            packages.add(line)
    return packages


def _installed_relations() -> tuple[dict[str, list[list[str]]], dict[str, set[str]], set[str]]:
    """For each installed package: its Depends, Pre-Depends and Recommends as lists of
    alternatives;
    which installed packages provide each virtual name; and the Essential packages."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Essential}\t"
         "${Depends}, ${Pre-Depends}, ${Recommends}\t${Provides}\n"],
        capture_output=True, text=True, check=True).stdout
    depends: dict[str, list[list[str]]] = {}
    providers: dict[str, set[str]] = {}
    essential: set[str] = set()
    for line in out.splitlines():
        package, status, is_essential, relations, provides = line.split("\t")
        if not status.startswith("ii"):
            continue
        if is_essential == "yes":
            essential.add(package)
        depends[package] = [
            [re.split(r"[\s(:]", alternative.strip(), maxsplit=1)[0]
             for alternative in group.split("|")]
            for group in relations.split(",") if group.strip()]
        providers.setdefault(package, set()).add(package)
        for name in provides.split(","):
            name = re.split(r"[\s(:]", name.strip(), maxsplit=1)[0]
            if name:
                providers.setdefault(name, set()).add(package)
    return depends, providers, essential


def closure(packages: set[str]) -> set[str]:
    """The installed packages that installing ``packages`` on a bare Debian brings:
    themselves, the Essential packages (every Debian system has them: debootstrap's
    minbase), and their Depends/Pre-Depends/Recommends, recursively; an alternative or a virtual
    package counts through whichever installed package satisfies it."""
    depends, providers, essential = _installed_relations()
    missing = sorted(p for p in packages if p not in depends)
    assert not missing, f"listed but not installed (did the step's install run?): {missing}"
    seen: set[str] = set()
    todo = list(packages | essential)
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        for group in depends.get(package, []):
            for alternative in group:
                todo.extend(providers.get(alternative, ()))
    return seen


def _aliases(path: str) -> list[str]:
    names = [path, os.path.realpath(path)]
    for name in list(names):
        if name.startswith("/usr/") and name[4:].startswith(MERGED_DIRS):
            names.append(name[4:])
        elif name.startswith(MERGED_DIRS):
            names.append("/usr" + name)
    return list(dict.fromkeys(names))


def owners(paths: set[str]) -> dict[str, set[str]]:
    """The packages owning each path, per `dpkg -S` (empty when none does)."""
    queries = {alias: path for path in paths for alias in _aliases(path)}
    out = subprocess.run(["dpkg", "-S", *queries], capture_output=True, text=True).stdout
    found: dict[str, set[str]] = {path: set() for path in paths}
    for line in out.splitlines():
        if line.startswith("diversion ") or ": /" not in line:
            continue
        names, alias = line.split(": /", 1)
        alias = "/" + alias
        if alias in queries:
            found[queries[alias]] |= {name.strip().split(":")[0] for name in names.split(",")}
    return found


def check_from(paths: set[str], allowed: set[str], what: str) -> None:
    """Every path belongs to a package in ``allowed``; the failure names each stray file,
    its owner and the lists to fix."""
    strays = []
    for path, packages in sorted(owners(paths).items()):
        if not packages:
            strays.append(f"{path}: owned by no Debian package")
        elif not packages & allowed:
            strays.append(f"{path}: from {', '.join(sorted(packages))}, which no list "
                          "installed by then names or brings")
    assert not strays, f"{what}:\n  " + "\n  ".join(strays)


def nsswitch_modules() -> set[str]:
    """The NSS modules /etc/nsswitch.conf names (files, systemd, ...)."""
    modules = set()
    for line in Path("/etc/nsswitch.conf").read_text().splitlines():
        _, _, sources = line.split("#", 1)[0].partition(":")
        modules |= {word for word in sources.split() if not word.startswith("[")}
    return modules


def mapped_shared_objects(pid: int) -> set[str]:
    """The executable and the shared objects a process has mapped, outside this checkout
    and its venv (pip's and our own builds, whose own needs are mapped too), and without
    the NSS modules that /etc/nsswitch.conf names: glibc loads those for any program that
    looks up a user, by this machine's configuration (libnss-systemd adds itself there
    when installed), not because the program needs their packages."""
    paths = {os.readlink(f"/proc/{pid}/exe")}
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].startswith("/"):
                path = fields[5].strip()
                if SHARED_OBJECT.search(path):
                    paths.add(path)
    assert not [p for p in paths if p.endswith(" (deleted)")], \
        f"pid {pid} maps deleted files (upgraded underneath it?): {sorted(paths)}"
    repo, venv = str(REPO) + "/", str(VENV.resolve()) + "/"
    configured = {f"libnss_{module}.so.2" for module in nsswitch_modules()}
    return {p for p in paths
            if not p.startswith((repo, venv)) and os.path.basename(p) not in configured}


def test_built_module_links_only_the_build_list():
    """`make venv` runs right after the build list's install: the cffi module it builds
    must find every library it links there (libslurmfull.so is the one that was missed)."""
    modules = sorted((REPO / "restd").glob("_libslurm*.so"))
    assert modules, "restd/_libslurm*.so is not built (make venv)"
    out = subprocess.run(["ldd", str(modules[0])], capture_output=True, text=True,
                         check=True).stdout
    assert "not found" not in out, out
    linked = set(re.findall(r"=> (/\S+)", out)) | set(re.findall(r"^\s*(/\S+) \(", out, re.M))
    assert any("libslurm" in path for path in linked), out
    check_from(linked, closure(read_list("build")),
               f"{modules[0].name} links libraries the build list does not install")


def test_running_restd_maps_only_listed_packages(restd):
    """restd after a request (libslurm loads its auth and other plugins lazily) maps
    nothing beyond the build and cluster lists, installed before it runs."""
    status, _, body = restd.request("GET", "ping", user="alice")
    assert status == 200, body
    mapped = mapped_shared_objects(restd.process.pid)
    assert any("libslurmfull" in path for path in mapped), sorted(mapped)
    check_from(mapped, closure(read_list("build") | read_list("cluster")),
               "the running restd maps files the build and cluster lists do not install")


DAEMONS = {"munged": "munged", "mysqld": "mariadbd", "slurmdbd": "slurmdbd",
           "slurmctld": "slurmctld", "slurmd-n1": "slurmd"}


@pytest.mark.parametrize("name", sorted(DAEMONS))
def test_cluster_daemon_comes_from_the_cluster_list(cluster, name):
    """Each daemon the cluster script started (by its pid file, checked against the start
    time it recorded) runs an executable of the cluster list and maps only its packages."""
    pid, started = (cluster.dir / "run" / "pids" / f"{name}.pid").read_text().split()
    stat = Path(f"/proc/{pid}/stat").read_text()
    assert stat.rsplit(")", 1)[1].split()[19] == started, f"{name}: pid {pid} is not ours"
    executable = os.readlink(f"/proc/{pid}/exe")
    # Debian 12 installs slurmctld and slurmd as alternatives of slurmctld-wlm, slurmd-wlm
    assert os.path.basename(executable) in (DAEMONS[name], DAEMONS[name] + "-wlm"), executable
    check_from(mapped_shared_objects(int(pid)), closure(read_list("cluster")),
               f"{name} (pid {pid}) runs or maps files the cluster list does not install")


# The programs the test suite and the benchmark run (grep subprocess in tests/ and perf/),
# by the step whose lists must bring them.
SUITE_COMMANDS = {
    "test": ["gcc", "nm", "java", "systemd-socket-activate", "setpriv", "runuser", "sbatch",
             "scontrol", "scancel", "squeue", "sinfo", "sacct", "sacctmgr", "sshare",
             "sreport", "sdiag"],
    "perf": ["wrk", "slurmrestd", "curl", "setpriv"],
    "run": ["curl", "jq", "runuser"],
}


@pytest.mark.parametrize("step", sorted(SUITE_COMMANDS))
def test_commands_of_each_step_come_from_its_lists(step):
    """`make test`, `make perf` and `make run` install build, cluster and their own list
    before they run these programs."""
    import shutil
    allowed = read_list("build") | read_list("cluster") | read_list(step)
    found = {command: shutil.which(command) for command in SUITE_COMMANDS[step]}
    assert all(found.values()), f"not installed: {[c for c, p in found.items() if not p]}"
    check_from(set(found.values()), closure(allowed),
               f"`make {step}` runs programs its lists do not install")
