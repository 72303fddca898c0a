"""evaluate, predict and generate start the backend a run trained on, and import nothing more."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.keras

SPEC = """\
name: blobs
seed: 1
data: {source: "synthetic:blobs", samples: 90, classes: 3}
task: multiclass
model: {layers: [dense: 8]}
training: {epochs: 2, batch_size: 16}
validation: {type: holdout, validation_size: 0.25, test_size: 0.25}
"""


def imported(*args: str | Path, cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``dlspec ARGS`` in a new process and name the top-level modules it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dlspec", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    modules = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    return done, modules


def compiled(cache: Path) -> set[Path]:
    """The programs in JAX's persistent compilation cache."""
    return set(cache.rglob("*")) if cache.is_dir() else set()


def test_a_jax_run_is_scored_on_jax_without_importing_tensorflow(
    shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = tmp_path / "cache" / "dlspec" / "jax"
    (tmp_path / "spec.yaml").write_text(SPEC)
    trained = shell("train", "spec.yaml", "--backend", "jax", "--json").ok().json()
    run = Path(trained["run_dir"])
    np.savez(tmp_path / "rows.npz", x=np.zeros((3, 2), dtype="float32"))
    assert compiled(cache)  # the epoch programs
    shutil.rmtree(cache)

    scored, modules = imported("evaluate", run, "--json", cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr[-3000:]
    assert "jax" in modules and "tensorflow" not in modules
    # Scoring keeps its programs too, so the next command loads them instead of compiling.
    assert compiled(cache)
    # On its own backend the run repeats its recorded test scores.
    assert json.loads(scored.stdout)["metrics"] == pytest.approx(trained["test"], rel=1e-6)

    predicted, modules = imported("predict", run, "rows.npz", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr[-3000:]
    assert "jax" in modules and "tensorflow" not in modules
    assert len(predicted.stdout.strip().splitlines()) == 4  # a header and three rows

    # --backend still chooses: the same model on TensorFlow.
    again, modules = imported("evaluate", run, "--json", "--backend", "tensorflow", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "tensorflow" in modules
    assert json.loads(again.stdout)["metrics"] == pytest.approx(trained["test"], rel=1e-4)
