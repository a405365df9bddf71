"""Where the project's shared material (the slides and the real slurmrestd's reference
document and samples) lies: beside the checkout, as CI lays it out, else /work/shared."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = next((path for path in (
    Path(os.environ["RESTD_SHARED_DIR"]) if os.environ.get("RESTD_SHARED_DIR") else None,
    REPO.parent / "shared",
    Path("/work/shared"),
) if path is not None and (path / "reference").is_dir()), Path("/work/shared"))
REFERENCE = SHARED / "reference"
