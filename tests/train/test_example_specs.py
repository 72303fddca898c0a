"""Every example spec whose data is at hand trains end to end and reloads in a fresh process.

They are shared to be rerun. Each is cut to one epoch (and at most two folds or splits) and
trained in-process; the run must hold a loadable model and finite scores. Then, each in its own
new process as a user's next shell would run them, ``dlspec evaluate`` must repeat the recorded
test scores, and ``dlspec predict`` (on an ``.npz`` of the run's first examples) or, for a
next_token or seq2seq run, ``dlspec generate`` must give what the run gives when loaded here.
Specs on ``keras:`` datasets need a download and are built, not trained
(tests/compiler/test_backends.py).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from dlspec import check
from dlspec import spec as spec_module
from dlspec import train as training

pytestmark = pytest.mark.keras

SPECS = Path(__file__).resolve().parents[2] / "specs"
OFFLINE = sorted(
    path
    for path in SPECS.glob("*.yaml")
    if not spec_module.load(path)[0].data.source.startswith("keras:")  # type: ignore[union-attr]
)
PROMPT = "alice was"


def _one_epoch(path: Path) -> list[str]:
    spec, _ = spec_module.load(path)
    overrides = ["training.epochs=1"]
    if spec.validation.type == "kfold":
        overrides.append("validation.folds=2")
    if spec.validation.type == "time_series":
        overrides.append("validation.splits=2")
    return overrides


def test_most_example_specs_train_offline() -> None:
    assert len(OFFLINE) >= 12


@pytest.mark.parametrize("path", OFFLINE, ids=lambda p: p.stem)
def test_example_spec_trains_and_reloads_in_new_processes(
    path: Path, tmp_path: Path, shell
) -> None:
    from dlspec import sources
    from dlspec.train import generate as generating
    from dlspec.train import predict as predicting

    spec, source_map, inference = check.analyse(path, _one_epoch(path))
    results = training.run(spec, path, inference, source_map=source_map, output=tmp_path)
    run = Path(results.run_dir)
    assert (run / "model.keras").is_file()
    metrics = json.loads((run / "metrics.json").read_text())
    scores = [v for v in metrics["test"].values() if isinstance(v, int | float)]
    assert scores and all(math.isfinite(v) for v in scores)

    source = ""
    if spec.task.row.targets == "pairs":  # a translator: generate the target of a source
        assert spec.data is not None
        source = next(iter(spec.data.path(path).read_text().splitlines()[1:])).split(",")[0]
        use = ["generate", run, "--prompt", source, "--temperature", "0"]
    elif spec.task.type == "next_token":
        use = ["generate", run, "--prompt", PROMPT, "--length", "5", "--temperature", "0"]
    else:
        inputs = tmp_path / "inputs.npz"
        np.savez(inputs, x=sources.load(spec, path).x[:5])
        use = ["predict", run, inputs]
    scored, used = shell.together(["evaluate", run, "--json"], use)

    evaluation = scored.ok().json()
    assert evaluation["examples"] == metrics["test_size"]
    assert evaluation["metrics"] == pytest.approx(metrics["test"], rel=1e-6)
    if source:
        text = used.ok().stdout.strip()
        assert [text] == generating.from_run(run, source, temperature=0)
    elif spec.task.type == "next_token":
        text = used.ok().stdout.strip()
        assert text.startswith(PROMPT) and len(text) > len(PROMPT)
        assert [text] == generating.from_run(run, PROMPT, length=5, temperature=0)
    else:
        header, *rows = list(csv.reader(io.StringIO(used.ok().stdout)))
        expected_header, expected = predicting.predict(run, inputs)
        steps = spec.task.every_step and sources.load(spec, path).y.shape[1]
        assert header == expected_header and len(rows) == len(expected) == 5 * (steps or 1)
        for row, want in zip(rows, expected, strict=True):
            for got, value in zip(row, want, strict=True):
                # Labels as written; numbers as the run loaded in this process gives them.
                if isinstance(value, str):
                    assert got == value
                else:
                    assert float(got) == pytest.approx(value, rel=1e-6, abs=1e-7)
