"""Faults keep the work: each as a user meets it, one command in a fresh process each."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

LINE = """\
name: {name}
seed: 0
data: {{source: csv:table.csv, target: y}}
task: regression
model: {{layers: [dense: 4]}}
training: {{epochs: 2, batch_size: 8}}
validation: {{type: holdout, validation_size: 0.25, test_size: 0.2}}
"""


def write_spec(folder: Path, name: str = "line") -> Path:
    rows = "".join(f"{i / 10},{i / 5 + 1}\n" for i in range(40))
    (folder / "table.csv").write_text("x,y\n" + rows)
    spec = folder / "spec.yaml"
    spec.write_text(LINE.format(name=name))
    return spec


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create anything in (root ignores file modes)."""
    if os.geteuid() == 0:
        return Path("/sys/dlspec-runs")  # sysfs refuses new folders even to root
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    return folder


@pytest.mark.parametrize("where", ["under a file", "read-only", "name too long"])
def test_an_unusable_output_fails_before_training_and_names_the_path(
    shell, tmp_path: Path, where: str
) -> None:
    spec = write_spec(tmp_path, "n" * 300 if where == "name too long" else "line")
    (tmp_path / "a-file").write_text("")
    output = {
        "under a file": tmp_path / "a-file" / "runs",
        "read-only": unwritable_folder(tmp_path),
        "name too long": tmp_path / "runs",
    }[where]
    done = shell("train", spec, "--output", output)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error[DLS412]: cannot create the folder" in done.stderr
    assert str(output) in done.stderr
    assert "oneDNN" not in done.stderr  # before TensorFlow was even imported
    if where == "name too long":
        assert "shorten the spec's 'name'" in done.stderr


@pytest.mark.keras
def test_a_run_that_fails_keeps_its_folder_marked_failed(shell, tmp_path: Path) -> None:
    spec = write_spec(tmp_path)
    (tmp_path / "table.csv").write_text("x,y\n1,2\nnot a number,3\n" * 10)
    done = shell("train", spec, "--output", "runs")
    assert done.returncode == 1 and "error[DLS404]" in done.stderr
    (run,) = (tmp_path / "runs" / "line").iterdir()
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "failed" and "is not numeric" in status["reason"]
    assert (run / "spec.yaml").is_file() and (run / "environment.json").is_file()
    listing = " ".join(shell("runs").ok().stdout.split())
    assert f"line/{run.name} is failed:" in listing
    refused = shell("evaluate", run)
    assert refused.returncode == 1 and "status.json says the run is failed" in refused.stderr


DIVERGING = """\
name: diverging
seed: 0
data: {source: csv:table.csv, target: y}
task: regression
model: {layers: [dense: 16]}
optimizer: {type: sgd, learning_rate: 0.3, momentum: 0.9}
training: {epochs: 20, batch_size: 16}
validation: {type: kfold, folds: 2, test_size: 0.2}
"""


@pytest.mark.keras
def test_a_diverging_run_stops_at_the_epoch_and_keeps_its_history(shell, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    rows = "".join(f"{a},{2 * a + 1 + rng.normal(scale=0.5)}\n" for a in x)
    (tmp_path / "table.csv").write_text("x,y\n" + rows)
    (tmp_path / "spec.yaml").write_text(DIVERGING)
    done = shell("train", "spec.yaml", "--output", "runs")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "spec.yaml:6:39: error[DLS413]: the training loss became nan at epoch 3" in done.stderr
    assert "(fold 1/2)" in done.stderr and "optimizer.clipnorm" in done.stderr
    (run,) = (tmp_path / "runs" / "diverging").iterdir()
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "failed" and "epoch 3" in status["reason"]
    with (run / "history.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert all(np.isfinite(float(r["loss"])) for r in rows[:2])


LONG = """\
name: long
seed: 0
data: {source: csv:table.csv, target: y}
task: regression
model: {layers: [dense: 16]}
optimizer: {type: adam, learning_rate: 0.01}
training: {epochs: 400, batch_size: 8}
validation: {type: kfold, folds: 3, test_size: 0.2}
"""


def fitting_started(folder: Path) -> bool:
    """Whether a run under ``folder`` has loaded its data (the fingerprint is recorded)."""
    for env in folder.glob("runs/long/*/environment.json"):
        try:
            return json.loads(env.read_text())["data_fingerprint"] is not None
        except (OSError, ValueError):
            return False  # being replaced
    return False


@pytest.mark.keras
@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_stops_after_the_batch_and_keeps_history_and_checkpoint(
    shell, tmp_path: Path, name: str, code: int
) -> None:
    write_spec(tmp_path)
    (tmp_path / "spec.yaml").write_text(LONG)
    process = shell.start("train", "spec.yaml", "--output", "runs", "--quiet")
    deadline = time.monotonic() + 120
    while not fitting_started(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # some epochs into the first fold
    process.send_signal(getattr(signal, name))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr and stdout == ""
    assert f"{name}: stopped at epoch" in stderr and "(fold 1/3)" in stderr
    (run,) = (tmp_path / "runs" / "long").iterdir()
    assert f"To train it again: dlspec train {Path('runs') / 'long' / run.name / 'spec.yaml'}" in (
        " ".join(stderr.split())
    )
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "interrupted" and status["reason"].startswith(name)
    with (run / "history.csv").open() as handle:
        epochs = [int(row["epoch"]) for row in csv.DictReader(handle)]
    assert epochs and epochs == list(range(1, len(epochs) + 1)) and len(epochs) < 400
    state = json.loads((run / "checkpoint" / "state.json").read_text())
    assert (state["fold"], state["epoch"]) == ("1", len(epochs))
    assert (run / "checkpoint" / "model.keras").is_file()
    listing = " ".join(shell("runs").ok().stdout.split())
    assert f"long/{run.name} is interrupted: {name} at epoch {len(epochs)}" in listing


def test_a_second_signal_exits_at_once() -> None:
    script = (
        "import os, signal, time\n"
        "from dlspec.cli import _stopping\n"
        "from dlspec.train.stopping import Stop\n"
        "request = Stop()\n"
        "with _stopping(request):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(0.5)\n"
        "    assert request.signal == signal.SIGTERM, request\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(30)\n"
        "print('still running')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 130 and done.stdout == ""
    assert "stopping after the current batch" in done.stderr
    assert "stopping at once" in done.stderr
