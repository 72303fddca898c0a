"""``dlspec sweep``: trials as linted specs and normal run folders, the test set scored once.

Each command runs in its own process, as from a shell, on the JAX backend (a tiny model).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import Shell

pytestmark = pytest.mark.keras

SPEC = """\
name: iris-sweep
seed: 5
data: {source: "sklearn:iris", scale: standard}
task: multiclass
model:
  layers:
    - dense: {units: 8, activation: relu}
optimizer: {type: adam, learning_rate: 0.01}
training: {epochs: 4, batch_size: 16}
validation: {type: kfold, folds: 2, test_size: 0.2}
search:
  trials: 3
  space:
    optimizer.learning_rate: {float: [0.001, 0.1], log: true}
    model.layers[0].dense.units: {int: [2, 16]}
    optimizer.type: {choice: [adam, sgd]}
"""


def metrics(run: str | Path) -> dict:
    return json.loads((Path(run) / "metrics.json").read_text())


def test_a_sweep_trains_its_trials_and_scores_only_the_best_on_the_test_set(
    shell: Shell, tmp_path: Path
) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC)
    found = shell("sweep", "spec.yaml", "--backend", "jax", "--json").ok().json()
    trials = found["trials"]
    assert [t["number"] for t in trials] == [0, 1, 2]
    assert all(t["state"] == "complete" for t in trials)
    # every trial drew its own values from the space, inside the ranges
    for trial in trials:
        params = trial["params"]
        assert 0.001 <= params["optimizer.learning_rate"] <= 0.1
        assert 2 <= params["model.layers[0].dense.units"] <= 16
        assert params["optimizer.type"] in ("adam", "sgd")
        # a normal run folder: the trial's values in its spec, its score in its metrics,
        # and the test rows set apart but never scored
        run = tmp_path / trial["run_dir"]
        stored = yaml.safe_load((run / "spec.yaml").read_text())
        assert (
            stored["model"]["layers"][0]["dense"]["units"] == params["model.layers[0].dense.units"]
        )
        assert stored["optimizer"]["type"] == params["optimizer.type"] and "search" not in stored
        recorded = metrics(run)
        assert recorded["validation"]["accuracy"]["mean"] == pytest.approx(trial["value"])
        assert recorded["test"] == {} and recorded["test_size"] is None
    assert len({t["params"]["model.layers[0].dense.units"] for t in trials}) > 1
    best = found["best"]
    assert best["value"] == max(t["value"] for t in trials)
    # the test set, once, for the best trial: what 'dlspec evaluate' of its run says
    evaluated = shell("evaluate", best["run_dir"], "--json").ok().json()
    assert best["test"] == pytest.approx(evaluated["metrics"])
    sweep = tmp_path / "sweeps" / "iris-sweep"
    for name in ("study.db", "sweep.json", "optimization_history.png", "param_importances.png"):
        assert (sweep / name).is_file(), name
    assert json.loads((sweep / "sweep.json").read_text())["best"]["number"] == best["number"]

    # best.yaml: a plain spec that lints and trains as it is, to the best trial's numbers
    text = (sweep / "best.yaml").read_text()
    assert "search" not in yaml.safe_load(text)
    shell("lint", sweep / "best.yaml", "--strict").ok()
    again = shell("train", sweep / "best.yaml", "--backend", "jax", "--json").ok().json()
    assert again["validation"]["accuracy"]["mean"] == pytest.approx(best["value"], abs=1e-6)

    # the study is kept: a second sweep is refused, --resume goes on to the new total
    refused = shell("sweep", "spec.yaml", "--backend", "jax")
    assert refused.returncode == 1 and "DLS422" in refused.stderr and "--resume" in refused.stderr
    assert "Traceback" not in refused.stderr
    more = shell("sweep", "spec.yaml", "--backend", "jax", "--resume", "--trials", "4", "--json")
    resumed = more.ok().json()["trials"]
    assert [t["number"] for t in resumed] == [0, 1, 2, 3]
    assert [t["value"] for t in resumed[:3]] == [t["value"] for t in trials]


def test_a_median_pruner_stops_trials_worse_than_the_median(shell: Shell, tmp_path: Path) -> None:
    # three useful learning rates and a useless one: once the useful ones are the median, a
    # useless trial falls below it at its first epochs and stops there
    spec = SPEC.replace("  trials: 3\n", "  trials: 8\n  sampler: random\n").replace(
        "training: {epochs: 4, batch_size: 16}", "training: {epochs: 8, batch_size: 16}"
    )
    spec = spec.replace(
        "    optimizer.learning_rate: {float: [0.001, 0.1], log: true}\n"
        "    model.layers[0].dense.units: {int: [2, 16]}\n"
        "    optimizer.type: {choice: [adam, sgd]}\n",
        "    optimizer.learning_rate: {choice: [0.05, 0.04, 0.03, 0.00001]}\n",
    )
    spec += "  pruner: {type: median, startup_trials: 1, warmup_epochs: 1}\n"
    (tmp_path / "spec.yaml").write_text(spec)
    found = shell("sweep", "spec.yaml", "--backend", "jax", "--json").ok().json()
    pruned = [t for t in found["trials"] if t["state"] == "pruned"]
    assert pruned, found["trials"]
    for trial in pruned:
        assert trial["params"]["optimizer.learning_rate"] == 0.00001
        assert trial["note"].startswith("pruned after epoch")
        status = json.loads((tmp_path / trial["run_dir"] / "status.json").read_text())
        assert status["state"] == "pruned"
    assert found["best"]["params"]["optimizer.learning_rate"] >= 0.03
    listing = shell("runs", "--output", tmp_path / "sweeps" / "iris-sweep" / "trials").ok()
    assert "pruned" in listing.stdout


def test_a_spec_without_search_is_refused_before_training(shell: Shell, tmp_path: Path) -> None:
    (tmp_path / "plain.yaml").write_text(SPEC[: SPEC.index("search:")])
    done = shell("sweep", "plain.yaml")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "plain.yaml:1:1: error[DLS202]: dlspec sweep needs a 'search' section" in done.stderr
    assert not (tmp_path / "sweeps").exists()


def test_without_optuna_the_sweep_says_how_to_install_it(tmp_path: Path, shell: Shell) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC)
    done = shell("sweep", "spec.yaml", without="optuna")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error[DLS421]: dlspec sweep needs Optuna" in done.stderr
    assert "pip install 'dlspec[sweep]'" in done.stderr
