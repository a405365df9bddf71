"""POST /slurmdb/v0.0.44/jobs/ and job/{job_id} (v0.0.44 and later): accounting job
records changed through restd, against the real slurmdbd, checked with sacct.

Who may change what is slurmdbd's decision (as_mysql_modify_job()): the job's owner
its comment, derived exit code and wckey; an operator or administrator any job, and
the administrator and system comments. Refusals: another user's job (403), an
operator's field as a plain user (403), a bad body (422 naming the field), no job
named (422), a text slurmdbd would write unescaped into its SQL (422), a field the
Slurm restd is built against cannot change (501 naming the release that can)."""
from __future__ import annotations

import os
import pwd
import time

import pytest

from conftest import RestdDaemon

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(300)]

RUN = f"{os.getpid()}"


class NewVersionsDaemon(RestdDaemon):
    """restd serving the accounting side of v0.0.43, v0.0.44 and v0.0.45 at once."""

    DATA_PARSER = "v0.0.43,v0.0.44,v0.0.45"
    SERVICES = "slurmdbd"


@pytest.fixture(scope="module")
def daemon(cluster, tmp_path_factory):
    directory = tmp_path_factory.mktemp("restd-jobmodify")
    os.chmod(directory, 0o755)
    started = NewVersionsDaemon(cluster, directory).start()
    yield started
    started.stop()


def _sacct(cluster, job_id: int, fields: str) -> dict:
    out = cluster.run("sacct", "-n", "-P", "-X", "-j", str(job_id), "-o", fields).stdout
    lines = [line for line in out.splitlines() if line]
    assert len(lines) == 1, out
    return dict(zip(fields.split(","), lines[0].split("|")))


@pytest.fixture(scope="module")
def jobs(cluster):
    """A job of alice and one of bob, held and cancelled: recorded by slurmdbd."""
    out = {}
    for user, account in (("alice", "test"), ("bob", "physics")):
        text = cluster.run("sbatch", "--parsable", "-H", "-A", account, "-o", "/dev/null",
                           "-J", f"rt-jobmod-{user}-{RUN}", "--chdir=/tmp", "--wrap", "true",
                           user=user).stdout.strip()
        out[user] = int(text.split(";")[0])
        cluster.run("scancel", str(out[user]), user=user)
    # slurmdbd records the job's owner a moment after the job (its UID reads 0 until
    # then, and slurmdbd refuses the owner's changes meanwhile, as it refuses sacctmgr's)
    deadline = time.monotonic() + 60
    for user, job_id in out.items():
        while True:
            row = cluster.run("sacct", "-n", "-P", "-X", "-j", str(job_id), "-o",
                              "State,UID").stdout.split("|")
            if row[0].startswith("CANCELLED") and int(row[1]) == pwd.getpwnam(user).pw_uid:
                break
            assert time.monotonic() < deadline, f"job {job_id} not recorded by slurmdbd"
            time.sleep(0.5)
    return out


COMMENTS = "Comment,AdminComment,SystemComment"


def _post(daemon, path, body, user):
    return daemon.request("POST", path, body=body, user=user)


@pytest.mark.parametrize("version", ["v0.0.44", "v0.0.45"])
def test_the_owner_changes_the_comment_of_its_job(daemon, cluster, jobs, version):
    job = jobs["alice"]
    comment = f"rt {version} {RUN}"
    status, _, body = _post(daemon, f"/slurmdb/{version}/job/{job}",
                            {"comment": {"job": comment}}, "alice")
    assert status == 200, body
    assert body["errors"] == []
    assert len(body["results"]) == 1 and body["results"][0].startswith(f"{job} submitted at")
    assert _sacct(cluster, job, COMMENTS)["Comment"] == comment
    # and GET job shows it back
    status, _, body = daemon.request("GET", f"/slurmdb/{version}/job/{job}", user="alice")
    assert status == 200 and body["jobs"][0]["comment"]["job"] == comment


def test_post_jobs_changes_the_jobs_of_job_id_list(daemon, cluster, jobs):
    job = jobs["alice"]
    status, _, body = _post(daemon, "/slurmdb/v0.0.44/jobs/",
                            {"job_id_list": [str(job)],
                             # a number is the wait status slurmdbd stores (exited: 7)
                             "job_rec": {"comment": {"job": f"list {RUN}"},
                                         "derived_exit_code": 7 << 8}}, "alice")
    assert status == 200, body
    assert [r.split()[0] for r in body["results"]] == [str(job)]
    row = _sacct(cluster, job, "Comment,DerivedExitCode")
    assert row["Comment"] == f"list {RUN}"
    status, _, body = daemon.request("GET", f"/slurmdb/v0.0.44/job/{job}", user="alice")
    derived = body["jobs"][0]["derived_exit_code"]
    assert derived["return_code"]["number"] == 7, derived
    assert row["DerivedExitCode"] == "7:0", row


def test_a_user_cannot_change_another_users_job(daemon, cluster, jobs):
    job = jobs["bob"]
    before = _sacct(cluster, job, COMMENTS)
    for path, body in ((f"/slurmdb/v0.0.44/job/{job}", {"comment": {"job": "not yours"}}),
                       ("/slurmdb/v0.0.45/jobs/", {"job_id_list": [str(job)],
                                                   "job_rec": {"comment": {"job": "no"}}})):
        status, _, answer = _post(daemon, path, body, "alice")
        assert status == 403, answer
        assert answer["errors"][0]["source"] == "slurmdb_job_modify"
        assert "slurmdb_job_modify" in answer["errors"][0]["description"]
    assert _sacct(cluster, job, COMMENTS) == before


def test_a_user_cannot_set_the_administrator_comment_even_of_its_job(daemon, cluster, jobs):
    job = jobs["alice"]
    before = _sacct(cluster, job, COMMENTS)
    status, _, body = _post(daemon, f"/slurmdb/v0.0.44/job/{job}",
                            {"comment": {"administrator": "self-served"}}, "alice")
    assert status == 403, body
    assert _sacct(cluster, job, COMMENTS) == before


def test_an_operator_and_an_administrator_change_any_job(daemon, cluster, jobs):
    status, _, body = _post(daemon, f"/slurmdb/v0.0.44/job/{jobs['bob']}",
                            {"comment": {"administrator": f"oper {RUN}"}}, "oper")
    assert status == 200, body
    assert _sacct(cluster, jobs["bob"], COMMENTS)["AdminComment"] == f"oper {RUN}"
    status, _, body = _post(daemon, "/slurmdb/v0.0.45/jobs/",
                            {"job_id_list": [str(jobs["alice"]), str(jobs["bob"])],
                             "job_rec": {"comment": {"system": f"root {RUN}"}}}, "root")
    assert status == 200, body
    assert sorted(int(r.split()[0]) for r in body["results"]) == sorted(jobs.values())
    for job in jobs.values():
        assert _sacct(cluster, job, COMMENTS)["SystemComment"] == f"root {RUN}"


def _refused(daemon, path, body, user="alice"):
    status, _, answer = _post(daemon, path, body, user)
    assert status == 422, answer
    return [error["source"] for error in answer["errors"]]


def test_a_bad_body_is_refused_naming_the_field(daemon, cluster, jobs):
    job = jobs["alice"]
    before = _sacct(cluster, job, COMMENTS)
    path = f"/slurmdb/v0.0.44/job/{job}"
    assert "#/derived_exit_code/status/" in _refused(
        daemon, path, {"derived_exit_code": {"status": ["NOT_A_STATUS"]}})
    # a quote would end slurmdbd's SQL text: refused, never sent
    assert _refused(daemon, path, {"comment": {"job": "it's"}}) == ["#/comment/job/"]
    assert _refused(daemon, "/slurmdb/v0.0.44/jobs/",
                    {"job_id_list": [str(job)], "job_rec": {"wckey": "a\\b"}}) == [
        "#/job_rec/wckey/"]
    # nothing to change
    assert _refused(daemon, path, {"bogus": 1}) == ["#/"]
    assert _refused(daemon, "/slurmdb/v0.0.44/jobs/", {"job_id_list": [str(job)]}) == [
        "#/job_rec/"]
    # no job named: not every job record of the database
    assert _refused(daemon, "/slurmdb/v0.0.44/jobs/",
                    {"job_rec": {"comment": {"job": "all"}}}) == ["#/job_id_list"]
    assert _refused(daemon, "/slurmdb/v0.0.44/jobs/",
                    {"job_id_list": ["12x"], "job_rec": {"comment": {"job": "x"}}}) == [
        "#/job_id_list[0]/"]
    assert _refused(daemon, "/slurmdb/v0.0.44/job/12x", {"comment": {"job": "x"}}) == [
        "#/job_id"]
    assert _sacct(cluster, job, COMMENTS) == before


def test_an_unknown_job(daemon):
    missing = 999999999
    status, _, body = _post(daemon, f"/slurmdb/v0.0.44/job/{missing}",
                            {"comment": {"job": "x"}}, "root")
    assert status == 404, body
    assert str(missing) in body["errors"][0]["description"]
    status, _, body = _post(daemon, "/slurmdb/v0.0.44/jobs/",
                            {"job_id_list": [str(missing)],
                             "job_rec": {"comment": {"job": "x"}}}, "root")
    assert status == 200, body
    assert body["results"] == []
    assert any("found nothing" in w["description"] for w in body["warnings"])


def test_fields_this_slurm_cannot_change_answer_501_naming_the_release(daemon, cluster,
                                                                        jobs):
    """extra (slurmdb_job_rec_t.extra: Slurm 23.02) and tres/allocated (changed by
    slurmdbd from 25.11): 501 where the Slurm restd is built against lacks them."""
    job = jobs["alice"]
    version = cluster.version()
    for field, body, release in (("extra", {"extra": "rt"}, (23, 2)),
                                 ("tres/allocated", {"tres": {"allocated": [
                                     {"type": "cpu", "count": 1}]}}, (25, 11))):
        status, _, answer = _post(daemon, f"/slurmdb/v0.0.44/job/{job}", body, "root")
        if version >= release:
            assert status == 200, answer
            continue
        assert status == 501, answer
        error = answer["errors"][0]
        assert error["source"] == f"#/{field}/"
        assert f"{release[0]}.{release[1]:02d}" in error["description"]
        assert field in error["description"]


def test_served_from_v0044_on(daemon, jobs):
    job = jobs["alice"]
    for version in ("v0.0.44", "v0.0.45"):
        assert f"/slurmdb/{version}/jobs/" in daemon.document()["paths"]
        assert "post" in daemon.document()["paths"][f"/slurmdb/{version}/job/{{job_id}}"]
    paths = daemon.document()["paths"]
    assert "post" not in paths["/slurmdb/v0.0.43/job/{job_id}"]
    assert "post" not in paths["/slurmdb/v0.0.43/jobs/"]
    status, _, _ = _post(daemon, f"/slurmdb/v0.0.43/job/{job}", {"comment": {"job": "x"}},
                         "alice")
    assert status == 405
