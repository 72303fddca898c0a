"""Every ```sh example in the README runs as written, in a fresh shell, and does what it says.

The README's commands are taken from the file itself, in order, and run one by one with
``sh -c`` in a copy of the project's ``specs/`` (so ``runs/`` lands in the test's folder). What
a reader supplies is supplied here the way a reader would:

- a run named by an example path (``runs/iris-mlp/20261127-093005``, ``runs/NAME/<timestamp>``,
  or ``iris-mlp/20261127-093005`` for ``runs --compare``) is the latest run of that name, the one
  the commands above it made;
- the CSV files an example reads (``flowers.csv``, ``new_flowers.csv``) are written from Iris;
- ``# Ctrl-C during fold 3`` is a SIGINT once the run is in its third fold. The README says the
  resumed run ends with the very metrics and history of an uninterrupted one: the main job run
  above it is that one (tests/train/test_faults.py interrupts a JAX run with SIGTERM).

Each ```sh block runs in a folder of its own, so the blocks run in parallel. The main job (the
set-up's ``dlspec train specs/iris_mlp.yaml``) runs once for all of them: a block that shows it
again, or names a run of it, gets that run in its ``runs/``; only the run cut short by Ctrl-C
is trained again. Set-up (``pip install``) and the test command are CI's, not this test's.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from dlspec import backend as backends

pytestmark = pytest.mark.keras

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
# A run path as the README writes one: runs/NAME/TIMESTAMP, or NAME/TIMESTAMP after --compare.
RUN = re.compile(r"(?:runs/)?(?P<name>[a-z][\w-]*)/(?P<stamp>\d{8}-\d{6}|<timestamp>)")
CTRL_C = "Ctrl-C during fold 3"


def _blocks() -> list[list[tuple[str, str]]]:
    """The dlspec commands of each of the README's ```sh blocks, in order, with their comments."""
    blocks = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        found = []
        for line in block.splitlines():
            text, _, comment = line.partition("  #")
            for part in text.split("&&"):
                part = part.strip()
                if part.startswith("dlspec "):
                    found.append((part, comment.strip(" #")))
        if found:
            blocks.append(found)
    return blocks


BLOCKS = _blocks()
COMMANDS = [command for block in BLOCKS for command in block]
# The main job: the first command of the set-up. Every block that shows it, or names a run of
# it, gets the one run of it that this session made (the `main_job` fixture).
MAIN_JOB = COMMANDS[0][0]


def _runs(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in (folder / "runs" / name).glob("*") if p.is_dir())


def _typed(command: str, folder: Path) -> str:
    """The command with each example run path made the latest run of that name."""

    def latest(match: re.Match[str]) -> str:
        runs = _runs(folder, match["name"])
        assert runs, f"'{command}': no run of '{match['name']}' yet above it in the README"
        prefix = "runs/" if match.group().startswith("runs/") else ""
        return f"{prefix}{match['name']}/{runs[-1].name}"

    return RUN.sub(latest, command)


def _write_flowers(folder: Path) -> None:
    """The CSV files the README's evaluate and predict examples read, from Iris's own rows."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    rows = list(zip(iris.data.tolist(), iris.target.tolist(), strict=True))[::10]
    with open(folder / "flowers.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(iris.feature_names)
        writer.writerows(features for features, _ in rows)
    with open(folder / "new_flowers.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*iris.feature_names, "species"])
        writer.writerows([*features, iris.target_names[label]] for features, label in rows)


def _folds_done(run: Path) -> int:
    try:
        with open(run / "history.csv", newline="") as handle:
            return len({row["fold"] for row in csv.DictReader(handle)})
    except FileNotFoundError:
        return 0


def _interrupted(command: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``command`` and press Ctrl-C once its run is in the third fold.

    The shell ``exec``s the command, so the signal reaches dlspec as a terminal's Ctrl-C would.
    """
    name = RUN_NAMES[shlex.split(command)[2]]
    before = set(_runs(folder, name))
    process = subprocess.Popen(
        f"exec {command}", shell=True, cwd=folder, env=env, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        new = [run for run in _runs(folder, name) if run not in before]
        if new and _folds_done(new[0]) >= 2:
            break  # history.csv is written after each fold: the third one has begun
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before its third fold"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


# Each example spec's run folder name (its `name:`, else the file's stem).
RUN_NAMES = {
    f"specs/{path.name}": yaml.safe_load(path.read_text()).get("name", path.stem)
    for path in (ROOT / "specs").glob("*.yaml")
}


def _check(command: str, comment: str, done: subprocess.CompletedProcess, folder: Path) -> None:
    """What the README says each command does, beyond exiting 0."""
    words = shlex.split(command)
    verb = words[1]
    if verb == "sweep":  # the trials asked for, in all; the best one scored on the test set
        name = RUN_NAMES[words[2]]
        found = json.loads((folder / "sweeps" / name / "sweep.json").read_text())
        trials = found["trials"]
        assert len(trials) == int(words[words.index("--trials") + 1])
        assert {t["state"] for t in trials} <= {"complete", "pruned"}
        assert found["best"]["test"]["accuracy"] > 0.5
        assert "Best trial's test set" in done.stdout
    elif verb == "train" and words[2].startswith("sweeps/"):  # the best trial's numbers again
        found = json.loads((folder / Path(words[2]).parent / "sweep.json").read_text())
        best = found["best"]
        run = folder / "runs" / found["name"]
        metrics = json.loads((sorted(run.glob("*"))[-1] / "metrics.json").read_text())
        assert metrics["validation"][found["objective"]["metric"]]["mean"] == pytest.approx(
            best["value"], abs=1e-6
        )
    elif verb == "train" and "--resume" not in words and comment != CTRL_C:
        name = RUN_NAMES[words[2]]
        root = folder / (words[words.index("--output") + 1] if "--output" in words else "runs")
        latest = sorted(root.glob(f"{name}/*"))[-1]
        assert json.loads((latest / "status.json").read_text())["state"] == "complete"
        environment = json.loads((latest / "environment.json").read_text())
        named = words[words.index("--backend") + 1] if "--backend" in words else None
        backend = named or backends.default(_environment())
        assert environment["backend"] == backend
        if "--set" in words:
            assert words[words.index("--set") + 1] == "training.epochs=20"
            assert "epochs: 20" in (latest / "spec.yaml").read_text()
        if "--json" in words:  # one JSON object on stdout and nothing else
            assert set(json.loads(done.stdout)) >= {"run_dir", "validation", "test", "verdict"}
        else:
            assert "verdict: " in done.stdout
    elif verb == "train" and comment == CTRL_C:
        assert done.returncode == 130, done.stderr
        said = " ".join(done.stderr.split())
        # The signal goes out as the third fold begins; on JAX a fold of the main job lasts a
        # tenth of a second, so a busy machine may deliver it in a later one.
        stopped = re.search(r"SIGINT: stopped .* \(fold (\d)/5", said)
        assert stopped and int(stopped[1]) >= 3, said
        assert "dlspec train --resume runs/iris-mlp/" in said
        run = _runs(folder, RUN_NAMES[words[2]])[-1]
        status = json.loads((run / "status.json").read_text())
        assert status["state"] == "interrupted" and status["reason"].startswith("SIGINT")
        assert (run / "checkpoint").is_dir()
    elif verb == "train":  # --resume: it ends as the uninterrupted main job above it ended
        (typed,) = [w for w in words if RUN.search(w)]
        run, straight = folder / typed, _runs(folder, RUN.search(typed)["name"])[0]
        assert run != straight
        assert json.loads((run / "status.json").read_text())["state"] == "complete"
        assert not (run / "checkpoint").exists()
        for name in ("metrics.json", "history.csv"):
            assert (run / name).read_text() == (straight / name).read_text(), name
    elif verb == "schema":
        schema = json.loads((folder / "dlspec.schema.json").read_text())
        assert "data" in schema["properties"]
    elif verb == "evaluate":
        assert "accuracy" in done.stdout
        if "--data" in words:
            assert "new_flowers.csv" in done.stdout
    elif verb == "predict":
        with open(folder / words[words.index("-o") + 1], newline="") as handle:
            table = list(csv.DictReader(handle))
        assert len(table) == 15 and len(table[0]) == 4  # three probabilities and a label
        assert {row[next(reversed(row))] for row in table} <= {"setosa", "versicolor", "virginica"}
    elif verb == "export":  # the model is written where -o says
        written = folder / words[words.index("-o") + 1]
        assert written.is_dir() if "saved_model" in words else written.is_file()
    elif verb == "runs":
        assert "accuracy" in done.stdout
    elif verb == "generate":
        samples = [line for line in done.stdout.splitlines() if line.strip()]
        count = int(words[words.index("-n") + 1])
        assert len(samples) == count and all(s.lower().startswith("alice was") for s in samples)
    else:
        raise AssertionError(f"the README shows 'dlspec {verb}', which this test does not check")


def test_the_readme_has_an_example_of_each_command_it_documents() -> None:
    shown = {shlex.split(command)[1] for command, _ in COMMANDS}
    assert shown >= {"train", "evaluate", "predict", "runs", "generate", "schema"}
    assert ("dlspec train specs/iris_mlp.yaml", CTRL_C) in COMMANDS  # and --resume after it
    assert any("--resume" in command for command, _ in COMMANDS)


def _environment() -> dict[str, str]:
    """A user's shell: dlspec on the PATH, and no backend pinned (the suite pins one)."""
    bin_folder = str(Path(sys.executable).parent)  # where `dlspec` was installed
    path = f"{bin_folder}:{os.environ['PATH']}"
    shell = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    return {**shell, "PATH": path, "COLUMNS": "160", "NO_COLOR": "1"}


def _run(typed: str, folder: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        typed, shell=True, cwd=folder, env=_environment(), capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, f"$ {typed}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture
def main_job(made_once) -> tuple[Path, subprocess.CompletedProcess]:
    """The README's main job, run once for the whole session: its folder and what it printed."""

    def make(folder: Path) -> None:
        shutil.copytree(ROOT / "specs", folder / "specs")
        done = _run(MAIN_JOB, folder)
        (folder / "printed.json").write_text(json.dumps([done.stdout, done.stderr]))

    folder = made_once("readme-main-job", make)
    stdout, stderr = json.loads((folder / "printed.json").read_text())
    return folder, subprocess.CompletedProcess(MAIN_JOB, 0, stdout, stderr)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"{i + 1}: {b[0][0]}" for i, b in enumerate(BLOCKS)])
def test_a_readme_shell_block_runs_as_written(
    block: list[tuple[str, str]], tmp_path: Path, main_job: tuple[Path, subprocess.CompletedProcess]
) -> None:
    """Each block in a folder of its own, after the main job (the set-up's first command)."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(main_job[0] / "runs", tmp_path / "runs")
    _write_flowers(tmp_path)
    for command, comment in block:
        typed = _typed(command, tmp_path)
        if command == MAIN_JOB and comment != CTRL_C:
            done = main_job[1]  # it ran once, above every block; its run is in runs/
        elif comment == CTRL_C:
            done = _interrupted(typed, tmp_path, _environment())
        else:
            done = _run(typed, tmp_path)
        assert "Traceback" not in done.stderr, f"$ {typed}\n{done.stderr[-3000:]}"
        _check(typed, comment, done, tmp_path)
