"""restd.data_parser.tools.draft_changes: the draft of a version's changes
read from the reference document names what v0.0.41 and v0.0.42 changed
(the changes v0041.py and v0042.py declare), and the whole-version
patterns apart."""
from __future__ import annotations

import json

from restd.data_parser.tools.draft_changes import draft, render
from shared_dir import REFERENCE

DOCUMENT = json.loads((REFERENCE / "slurmrestd-24.11.5-openapi.json").read_text())


def test_v0041_draft_names_the_bodies_objects_and_flags_that_changed():
    result = draft(DOCUMENT, "v0.0.40", "v0.0.41")
    assert result["bodies_added"] == ["job_alloc_req", "openapi_job_alloc_resp"]
    job_res = result["objects"]["job_res"]
    assert set(job_res["removed"]) == {"allocated_cores", "allocated_cpus",
                                       "allocated_hosts", "allocated_nodes"}
    assert "nodes" in job_res["changed"]  # a string, now an object
    assert set(result["objects"]["node"]["added"]) == {"gpu_spec", "res_cores_per_gpu"}
    assert result["flags"]["job_shared"] == (["topo"], [])
    assert result["flags"]["warn_flags"] == ([], ["NO_CRON_JOBS"])
    # the {set, infinite, number} numbers' format is a property, not a change
    assert any("int64 -> int32 (number)" in pattern
               for pattern in result["patterns"]["formats changed"])


def test_v0042_draft_finds_renames_to_decide():
    result = draft(DOCUMENT, "v0.0.41", "v0.0.42")
    job_info = result["objects"]["job_info"]
    assert "minimum_switches" in job_info["removed"]
    assert "required_switches" in job_info["added"]
    text = render(result, "v0.0.41", "v0.0.42")
    assert "job_info: removed" in text and "renames?" in text
    assert result["bodies_added"] == ["openapi_kill_job_resp", "openapi_slurmdbd_ping_resp"]
