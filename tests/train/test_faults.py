"""Faults keep the work: each as a user meets it, one command in a fresh process each."""

from __future__ import annotations

import csv
import json
import os
import re
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


def history(run: Path) -> list[dict[str, str]]:
    with (run / "history.csv").open() as handle:
        return list(csv.DictReader(handle))


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
    found = re.search(
        r"spec.yaml:6:39: error\[DLS413\]: the training loss became nan at epoch (\d+) "
        r"\(fold 1/2\)",
        done.stderr,
    )
    assert found and "optimizer.clipnorm" in done.stderr, done.stderr
    epoch = int(found.group(1))
    (run,) = (tmp_path / "runs" / "diverging").iterdir()
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "failed" and f"epoch {epoch}" in status["reason"]
    rows = history(run)
    assert [int(r["epoch"]) for r in rows] == list(range(1, epoch + 1))
    assert all(np.isfinite(float(r["loss"])) for r in rows[:-1])
    assert not np.isfinite(float(rows[-1]["loss"]))


LONG = """\
name: long
seed: 0
data: {source: csv:table.csv, target: y}
task: regression
model: {layers: [dense: 16, dropout: 0.2]}
optimizer: {type: adam, learning_rate: 0.01}
training:
  epochs: 500
  batch_size: 8
  early_stopping: {patience: 500}
  reduce_lr_on_plateau: {patience: 3, factor: 0.5}
validation: {type: kfold, folds: 3, test_size: 0.2}
"""  # an epoch of compiled steps takes 1-3 ms: a fold lasts a second, long enough to be stopped in


def first_fold_done(folder: Path) -> bool:
    """Whether a run under ``folder`` has finished its first fold (history.csv is written)."""
    return any(folder.glob("runs/long/*/history.csv"))


@pytest.mark.keras
@pytest.mark.parametrize(
    # SIGINT (Ctrl-C) on TensorFlow: the README's example, tests/train/test_readme_shell.py.
    ("name", "code", "backend"),
    [("SIGTERM", 143, "jax")],
)
def test_a_signal_keeps_a_checkpoint_and_resume_ends_as_an_uninterrupted_run(
    shell, tmp_path: Path, name: str, code: int, backend: str
) -> None:
    write_spec(tmp_path)
    (tmp_path / "spec.yaml").write_text(LONG)
    process = shell.start("train", "spec.yaml", "--output", "runs", "--backend", backend, "-q")
    deadline = time.monotonic() + 120
    while not first_fold_done(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # into the second fold
    process.send_signal(getattr(signal, name))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr and stdout == ""
    (run,) = (tmp_path / "runs" / "long").iterdir()
    words = " ".join(stderr.split())
    assert re.search(rf"{name}: stopped (after epoch \d+|in the first epoch) \(fold \d/3", words)
    assert f"To go on from there: dlspec train --resume {Path('runs') / 'long' / run.name}" in words
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "interrupted" and status["reason"].startswith(name)
    state = json.loads((run / "checkpoint" / "state.json").read_text())
    assert state["fit"] >= 1  # the first fold is kept with its scores, not fitted again
    rows = history(run)
    assert [r["fold"] for r in rows].count(state["fold"]) == state["epoch"]
    assert len(state["folds"]) == state["fit"]  # every finished fold, with its scores
    assert (run / "checkpoint" / "variables.npz").is_file() == (state["epoch"] > 0)
    listing = " ".join(shell("runs").ok().stdout.split())
    assert f"long/{run.name} is interrupted: {name}" in listing

    typed = run.relative_to(tmp_path)  # as the message printed it
    resumed = shell("train", "--resume", typed, "--json")
    assert resumed.returncode == 0, resumed.stderr
    straight = shell("train", "spec.yaml", "--output", "straight", "--backend", backend, "--json")
    assert straight.returncode == 0, straight.stderr
    ours, theirs = resumed.json(), straight.json()
    assert (tmp_path / ours.pop("run_dir")).resolve() == run.resolve()
    theirs.pop("run_dir")
    assert ours == theirs  # every fold's scores, the test scores and the verdict
    (other,) = (tmp_path / "straight" / "long").iterdir()
    assert history(run) == history(other)
    assert (run / "metrics.json").read_text() == (other / "metrics.json").read_text()
    assert json.loads((run / "status.json").read_text())["state"] == "complete"
    assert not (run / "checkpoint").exists()
    scored = shell("evaluate", run, "--json").ok().json()["metrics"]  # the run is whole
    assert scored == pytest.approx(ours["test"], rel=1e-5)  # JAX: a reload may differ by 1 ulp
    again = shell("train", "--resume", typed)
    assert again.returncode == 1 and "error[DLS414]" in again.stderr
    assert f"run '{typed}' is complete; only an interrupted run can be resumed" in again.stderr


def test_a_second_signal_exits_at_once() -> None:
    script = (
        "import os, signal, time\n"
        "from dlspec.cli.train import stopping\n"
        "from dlspec.train.stopping import Stop\n"
        "request = Stop()\n"
        "with stopping(request):\n"
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
    assert "stopping after the current step" in done.stderr
    assert "stopping at once" in done.stderr


@pytest.mark.keras
def test_too_few_examples_for_the_splits_is_a_located_error(shell, tmp_path: Path) -> None:
    (tmp_path / "table.csv").write_text("x,y\n1,0\n2,1\n")
    (tmp_path / "spec.yaml").write_text(
        "data: {source: csv:table.csv}\ntask: regression\nmodel: {layers: [dense: 4]}\n"
        "validation: {type: kfold, folds: 5}\n"
    )
    done = shell("train", "spec.yaml", "--output", "runs")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "spec.yaml:4:13: error[DLS416]: 2 examples are too few for this validation" in (
        done.stderr
    )
    assert "fewer folds" in done.stderr
    (run,) = (tmp_path / "runs" / "spec").iterdir()
    assert json.loads((run / "status.json").read_text())["state"] == "failed"


@pytest.mark.keras
@pytest.mark.parametrize(
    ("labels", "validation", "said"),
    [
        (["x"] * 12, "{type: holdout}", "spec.yaml:1:16: error[DLS417]: every example of "
         "'table.csv' has the same class ('x'): a binary classifier needs at least two"),
        (["rare"] * 3 + ["common"] * 37, "{type: kfold, folds: 5}", "spec.yaml:4:13: "
         "error[DLS416]: class 'rare' has 2 examples after the test split, fewer than the 5 "
         "folds"),
    ],
    ids=["one class", "a class rarer than the folds"],
)  # fmt: skip
def test_classes_that_cannot_train_or_validate_are_named(
    shell, tmp_path: Path, labels: list[str], validation: str, said: str
) -> None:
    rows = "".join(f"{i},{label}\n" for i, label in enumerate(labels))
    (tmp_path / "table.csv").write_text("x,y\n" + rows)
    (tmp_path / "spec.yaml").write_text(
        "data: {source: csv:table.csv}\ntask: binary\nmodel: {layers: [dense: 4]}\n"
        f"validation: {validation}\n"
    )
    done = shell("train", "spec.yaml", "--output", "runs")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert said in " ".join(done.stderr.split())


@pytest.mark.keras
def test_features_of_a_rank_the_body_cannot_end_flat_are_located_before_fitting(
    shell, tmp_path: Path
) -> None:
    # An npz tells its shape only when loaded: (4, 3) per example through a dense layer stays
    # (4, 8), which the multiclass head cannot take (was a broadcasting error inside Keras).
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "d.npz", x=rng.normal(size=(60, 4, 3)), y=rng.integers(0, 3, 60))
    (tmp_path / "spec.yaml").write_text(
        "data: {source: npz:d.npz}\ntask: multiclass\nmodel: {layers: [dense: 8]}\n"
    )
    assert shell("lint", "spec.yaml").returncode == 0  # the shape is not known before loading
    done = shell("train", "spec.yaml", "--output", "runs")
    assert done.returncode == 1 and "internal error" not in done.stderr
    assert "spec.yaml:2:7: error[DLS301]: the multiclass head needs a rank-1 input, but the " in (
        done.stderr
    )
    assert "'flatten'" in done.stderr


@pytest.mark.keras
def test_class_weight_by_class_name_trains_and_a_wrong_name_is_located(
    shell, tmp_path: Path
) -> None:
    (tmp_path / "spec.yaml").write_text(
        "data: {source: sklearn:iris}\ntask: multiclass\nmodel: {layers: [dense: 4]}\n"
        "training:\n  epochs: 1\n  class_weight: {setosa: 2.0, 2: 1.5}\n"
        "validation: {type: holdout}\n"
    )
    shell("train", "spec.yaml", "--output", "runs").ok()
    done = shell(
        "train", "spec.yaml", "--output", "runs", "--set", "training.class_weight={setosaa: 2}"
    )
    assert done.returncode == 1 and "internal error" not in done.stderr
    assert (
        "--set:1:33: error[DLS418]: training.class_weight names no class 'setosaa': the data's "
        "classes are 0: setosa, 1: versicolor, 2: virginica"
    ) in " ".join(done.stderr.split())
    assert "did you mean 'setosa'?" in done.stderr


@pytest.mark.keras
def test_class_weights_by_name_are_the_weights_by_id(tmp_path: Path) -> None:
    from dlspec import spec as specs
    from dlspec.train.fit import class_weights

    def weights(written: str) -> dict[int, float] | None:
        path = tmp_path / "spec.yaml"
        path.write_text(
            "data: {source: sklearn:iris}\ntask: multiclass\nmodel: {layers: [dense: 4]}\n"
            f"training: {{class_weight: {written}}}\n"
        )
        loaded, _ = specs.load(path)
        return class_weights(loaded, np.array([0, 1, 2]), ["setosa", "versicolor", "virginica"])

    assert weights("{virginica: 3.0, setosa: 0.5}") == weights("{2: 3.0, 0: 0.5}")
    assert weights("{virginica: 3.0, setosa: 0.5}") == {2: 3.0, 0: 0.5}
