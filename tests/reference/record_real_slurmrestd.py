#!/usr/bin/env python3
"""Record the real slurmrestd 24.11.5 answering tests/reference/battery.py, one JSON file per
exchange, as ../shared/reference/samples/v0.0.40 holds them (request, status, headers,
parsed body or text), into tests/fixtures/real-24.11/<version>/.

    make record-real-slurmrestd          (RECORD_VERSIONS="v0.0.41 v0.0.42", the default)

What it does, as root on the host:
1. the Debian 13 chroot (conf/cluster/slurm-chroot.sh trixie up, with this tree copied to
   SLURM_CHROOT_TREE=/srv/restd-record, apart from the /srv/restd other runs use) starts
   the project's cluster there: MariaDB, slurmdbd with accounting, slurmctld, four slurmd,
   JWT (HS256), on the ports of RESTD_CLUSTER_PORT_BASE (default 20810);
2. in the chroot, as the service user restd, with SLURM_JWT=daemon:
   ``slurmrestd -a rest_auth/jwt -s slurmctld,slurmdbd -d v0.0.40,v0.0.41,v0.0.42
   127.0.0.1:<port base + 12>`` (the chroot shares the host's network);
3. the battery, per version, with a token of root (``scontrol token``, 1 hour) sent as
   X-SLURM-USER-TOKEN; the token is never stored;
4. stops slurmrestd by the pid it started, then ``slurm-chroot.sh trixie down`` (the
   cluster by its pid files; unmounted unless something else still runs in the chroot).

``--url URL --token-command CMD`` records from a daemon already running instead (steps 1,
2 and 4 skipped).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import battery  # noqa: E402

REPO = HERE.parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "real-24.11"
CHROOT_SCRIPT = REPO / "conf" / "cluster" / "slurm-chroot.sh"
RELEASE = "trixie"
ROOT = Path(os.environ.get("SLURM_CHROOT_ROOT", f"/var/lib/restd-{RELEASE}"))
TREE = os.environ.get("SLURM_CHROOT_TREE", "/srv/restd-record")
PORT_BASE = int(os.environ.get("RESTD_CLUSTER_PORT_BASE", "20810"))
# cluster.sh takes base+6, +7, +9 and +20..+23; +12 is free
SLURMRESTD_PORT = PORT_BASE + 12
SLURMRESTD_VERSIONS = "v0.0.40,v0.0.41,v0.0.42"


def log(message: str) -> None:
    print(f"[record] {message}", file=sys.stderr, flush=True)


# --- the chroot ---------------------------------------------------------------------------

def chroot_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(SLURM_CHROOT_TREE=TREE, RESTD_CLUSTER_PORT_BASE=str(PORT_BASE))
    return env


def in_chroot(command: str) -> list[str]:
    return ["chroot", str(ROOT), "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME=/root", "LANG=C.UTF-8", f"RESTD_CLUSTER_PORT_BASE={PORT_BASE}",
            "bash", "-c", command]


def chroot_output(command: str) -> str:
    return subprocess.run(in_chroot(command), capture_output=True, text=True, check=True,
                          timeout=120).stdout.strip()


def cluster_up() -> None:
    log(f"cluster up in {ROOT}{TREE} (ports from {PORT_BASE})")
    subprocess.run(["bash", str(CHROOT_SCRIPT), RELEASE, "up"], env=chroot_env(), check=True)


def cluster_down() -> None:
    result = subprocess.run(["bash", str(CHROOT_SCRIPT), RELEASE, "down"], env=chroot_env())
    if result.returncode != 0:
        log("slurm-chroot.sh down did not unmount (another user of the chroot?): see above")


def cancel_root_jobs() -> None:
    """The jobs of earlier recordings (held ones stay pending) are cancelled: the
    allocation needs a free node at once."""
    subprocess.run(in_chroot(f"eval $(bash {TREE}/conf/cluster/cluster.sh env) && "
                             f"scancel -u {battery.USER}"), check=True, timeout=60)
    time.sleep(2)


def root_token() -> str:
    out = chroot_output(f"bash {TREE}/conf/cluster/cluster.sh token {battery.USER} 3600")
    assert out.startswith("SLURM_JWT="), out
    return out.split("=", 1)[1]


class RealDaemon:
    """slurmrestd in the chroot, started (and stopped) by its pid."""

    def __init__(self):
        cluster_dir = chroot_output(f"bash {TREE}/conf/cluster/cluster.sh dir")
        self.version = chroot_output("slurmrestd -V")
        self.log_path = ROOT / "tmp" / f"slurmrestd-record-{SLURMRESTD_PORT}.log"
        command = (f"exec env SLURM_CONF={shlex.quote(cluster_dir)}/etc/slurm.conf "
                   "SLURM_JWT=daemon setpriv --reuid restd --regid restd --init-groups "
                   f"slurmrestd -a rest_auth/jwt -s slurmctld,slurmdbd -d {SLURMRESTD_VERSIONS} "
                   f"127.0.0.1:{SLURMRESTD_PORT}")
        log(f"{self.version}: {command}")
        self.output = open(self.log_path, "wb")
        self.process = subprocess.Popen(in_chroot(command), stdin=subprocess.DEVNULL,
                                        stdout=self.output, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{SLURMRESTD_PORT}"
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("slurmrestd exited:\n" + self.log_path.read_text())
            try:
                http_request(self.url, "GET", "/openapi/v3", None, {})
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("slurmrestd did not answer:\n" + self.log_path.read_text())
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the pid we started: env and setpriv exec slurmrestd
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()


# --- the battery ------------------------------------------------------------------------

def http_request(url: str, method: str, path: str, body, headers: dict):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    data = None
    sent = dict(headers)
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        payload = response.read()
    finally:
        connection.close()
    return response.status, dict(response.getheaders()), payload


def parsed(headers: dict, payload: bytes):
    kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if payload and "json" in kind:
        return json.loads(payload)
    return payload.decode(errors="replace")


def record(url: str, token: str, version: str, out: Path, service_user: str) -> list[str]:
    """Run the battery of ``version``; one file per exchange. The names of the exchanges
    whose request could not be made (what they need failed), to report."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    values: dict = {"service_user": service_user}
    skipped = []

    def fetch(method: str, path: str):
        status, headers, payload = http_request(url, method, path, None,
                                                {battery.TOKEN_HEADER: token})
        return status, parsed(headers, payload)

    for exchange in battery.for_version(version):
        try:
            request = exchange.render(version, values)
        except KeyError as error:
            log(f"{version} {exchange.name}: skipped, {error}")
            skipped.append(exchange.name)
            continue
        battery.wait_before(exchange, fetch, version, values)
        headers = {battery.TOKEN_HEADER: token, **(request["headers"] or {})}
        status, answer_headers, payload = http_request(url, request["method"], request["path"],
                                                       request["body"], headers)
        body = parsed(answer_headers, payload)
        job_id = battery.made_job_id(body)
        if job_id is not None:
            values[exchange.name] = job_id
        if not exchange.stored:
            log(f"{version} {exchange.name}: {request['method']} {request['path']} -> {status}"
                " (not stored)")
            continue
        sample = {"request": request, "status": status, "headers": answer_headers,
                  "body": battery.stored_body(exchange, version, body)}
        (out / f"{exchange.name}.json").write_text(json.dumps(sample, indent=1) + "\n")
        log(f"{version} {exchange.name}: {request['method']} {request['path']} -> {status}")
    return skipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*", default=["v0.0.41", "v0.0.42"])
    parser.add_argument("--out", type=Path, default=FIXTURES)
    parser.add_argument("--url", help="a slurmrestd already running (skips the chroot)")
    parser.add_argument("--token-command", help="with --url: prints root's token")
    parser.add_argument("--service-user", default="restd")
    args = parser.parse_args()
    daemon = None
    try:
        if args.url is None:
            cluster_up()  # a failure half-way is stopped below too
            cancel_root_jobs()
            daemon = RealDaemon()
            url, token = daemon.url, root_token()
        else:
            url = args.url
            token = subprocess.run(args.token_command, shell=True, check=True,
                                   capture_output=True, text=True).stdout.strip()
            token = token.split("=", 1)[1] if token.startswith("SLURM_JWT=") else token
        skipped = []
        for version in args.versions:
            skipped += record(url, token, version, args.out / version, args.service_user)
        if daemon is not None:
            (args.out / "RECORDED").write_text(
                f"{daemon.version}: slurmrestd -a rest_auth/jwt -s slurmctld,slurmdbd "
                f"-d {SLURMRESTD_VERSIONS}\nrecorded {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
                f" by tests/reference/record_real_slurmrestd.py {' '.join(args.versions)}\n")
    finally:
        if daemon is not None:
            daemon.stop()
        if args.url is None:
            cluster_down()
    if skipped:
        log(f"not recorded: {', '.join(skipped)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
