"""``dlspec train --resume`` refuses what cannot go on, in a fresh process and before Keras."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

SPEC = "name: line\nseed: 0\n"


def interrupted_run(folder: Path, *, backend: str = "tensorflow") -> Path:
    """A run folder as an interrupted run leaves it (its checkpoint has no whole epoch)."""
    run = folder / "runs" / "line" / "20260101-000000"
    (run / "checkpoint").mkdir(parents=True)
    (run / "spec.yaml").write_text(SPEC)
    digest = hashlib.sha256(SPEC.encode()).hexdigest()
    environment = {"spec_sha256": digest, "backend": backend, "data_fingerprint": "0" * 64}
    (run / "environment.json").write_text(json.dumps(environment))
    status = {"state": "interrupted", "reason": "SIGINT in the first epoch (fold 1/3)"}
    (run / "status.json").write_text(json.dumps(status))
    state = {"format": 1, "fit": 0, "fold": "1", "epoch": 0, "folds": [], "checkpoint": None}
    (run / "checkpoint" / "state.json").write_text(json.dumps(state))
    return run


def with_variables(run: Path, recorded: str | None = None) -> None:
    """Give the checkpoint an epoch and arrays; ``recorded`` replaces their true SHA-256."""
    (run / "checkpoint" / "variables.npz").write_bytes(b"PK arrays")
    state = json.loads((run / "checkpoint" / "state.json").read_text())
    state.update(epoch=3, checkpoint={"epoch": 3, "history": {}, "paths": {}, "counters": {}})
    state["variables_sha256"] = recorded or hashlib.sha256(b"PK arrays").hexdigest()
    (run / "checkpoint" / "state.json").write_text(json.dumps(state))


def set_status(run: Path, state: str, reason: str | None = None) -> None:
    (run / "status.json").write_text(json.dumps({"state": state, "reason": reason}))


REFUSALS = {
    "complete": (
        lambda run: (run / "status.json").unlink(),
        "DLS414",
        "is complete; only an interrupted run can be resumed",
        "it needs no resuming: score it with dlspec evaluate",
    ),
    "failed": (
        lambda run: set_status(run, "failed", "DLS404 'x' is not numeric"),
        "DLS414",
        "is failed (DLS404 'x' is not numeric); only an interrupted run",
        "train its spec again: dlspec train",
    ),
    "running": (
        lambda run: set_status(run, "running"),
        "DLS414",
        "is running; only an interrupted run can be resumed",
        "if no dlspec process is training it any more, it was killed",
    ),
    "spec edited": (
        lambda run: (run / "spec.yaml").write_text(SPEC + "# tuned\n"),
        "DLS410",
        "spec.yaml was changed after the run started",
        "restore it, or train the edited spec as a new run",
    ),
    "no checkpoint": (
        lambda run: (run / "checkpoint" / "state.json").unlink(),
        "DLS407",
        "checkpoint/state.json is missing: the run stopped before it could keep one",
        "train its spec again",
    ),
    "corrupt arrays": (
        lambda run: with_variables(run, recorded="f" * 64),
        "DLS410",
        "checkpoint/variables.npz does not match the SHA-256 state.json recorded for it",
        "train its spec again",
    ),
    "arrays missing": (
        lambda run: (with_variables(run), (run / "checkpoint" / "variables.npz").unlink()),
        "DLS407",
        "checkpoint/variables.npz is missing",
        "train its spec again",
    ),
    "unknown state format": (
        lambda run: (run / "checkpoint" / "state.json").write_text('{"format": 7}'),
        "DLS410",
        "checkpoint/state.json has format 7, not 1",
        "train its spec again",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_run_that_cannot_go_on_is_refused_before_keras(shell, tmp_path: Path, case: str) -> None:
    run = interrupted_run(tmp_path)
    change, code, message, hint = REFUSALS[case]
    change(run)
    before = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    typed = run.relative_to(tmp_path)
    done = shell("train", "--resume", typed)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    words = " ".join(done.stderr.split())
    assert f"error[{code}]" in words and message in words and f"hint: {hint}" in words, words
    assert str(typed) in words
    assert "oneDNN" not in done.stderr  # refused before TensorFlow was imported
    assert {p: p.read_bytes() for p in run.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["spec.yaml", "--resume", "RUN"], "give no SPEC, --set or --output"),
        (["--resume", "RUN", "--set", "training.epochs=9"], "give no SPEC, --set or --output"),
        (["--resume", "RUN", "--output", "elsewhere"], "give no SPEC, --set or --output"),
        (["--resume", "RUN", "--backend", "jax"], "trained on the tensorflow backend"),
        ([], "give the SPEC to train, or --resume RUN"),
    ],
)
def test_resume_with_clashing_arguments_is_a_usage_error(
    shell, tmp_path: Path, args: list[str], message: str
) -> None:
    run = interrupted_run(tmp_path)
    (tmp_path / "spec.yaml").write_text(SPEC)
    typed = [str(run.relative_to(tmp_path)) if a == "RUN" else a for a in args]
    done = shell("train", *typed)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert message in " ".join(done.stderr.split())
    assert json.loads((run / "status.json").read_text())["state"] == "interrupted"


def test_a_missing_run_is_named(shell, tmp_path: Path) -> None:
    done = shell("train", "--resume", "runs/line/nowhere")
    assert done.returncode == 1 and "error[DLS407]" in done.stderr
    assert "'runs/line/nowhere'" in done.stderr and "no such directory" in done.stderr
