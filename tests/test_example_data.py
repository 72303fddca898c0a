"""The example specs' generated data: the script in the repository writes the file shipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "specs" / "data"


def run_script(name: str, argument: Path) -> None:
    """Run ``specs/data/NAME`` as a user would, in a new process; it must succeed."""
    done = subprocess.run(
        [sys.executable, str(DATA / name), str(argument)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_make_dates_writes_the_shipped_corpus_again(tmp_path: Path) -> None:
    written = tmp_path / "dates.csv"
    run_script("make_dates.py", written)
    assert written.read_bytes() == (DATA / "dates.csv").read_bytes()
    header, first, *rest = written.read_text().splitlines()
    assert header == "source,target" and len(rest) == 2999
    source, target = first.split(",")
    year, month, day = source.split("-")
    assert target.startswith("the ") and target.endswith(f" {year}")


def test_make_sequences_writes_the_shipped_arrays_again(tmp_path: Path) -> None:
    import numpy as np

    run_script("make_sequences.py", tmp_path)
    for name, shapes in {
        "frames.npz": ((600, 12, 3), (600, 12)),
        "ramps.npz": ((600, 2), (600, 10)),
    }.items():
        with np.load(tmp_path / name) as again, np.load(DATA / name) as shipped:
            assert (again["x"].shape, again["y"].shape) == shapes
            np.testing.assert_array_equal(again["x"], shipped["x"])
            np.testing.assert_array_equal(again["y"], shipped["y"])
