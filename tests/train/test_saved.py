"""A saved run reloads in a fresh process: train, then evaluate, predict and generate, each typed
at a new shell prompt, for a run of each of dlspec's own Keras layers.

The test process only writes files and reads what the commands print; where it loads the run
itself, it is to check that a fresh process gives the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.keras

SPECS = Path(__file__).resolve().parents[2] / "specs"

# Residual around causal self-attention, on learned positions: three of dlspec's classes, one
# of them nested inside another.
ATTENTION = """\
name: alice-attention
seed: 3
data: {{source: "text:{corpus}", max_tokens: 300, sequence_length: 12}}
task: next_token
model:
  layers:
    - embedding: {{output_dim: 16}}
    - positional_encoding: {{type: learned}}
    - residual:
        - multi_head_attention: {{num_heads: 2, causal: true}}
    - layer_normalization
training: {{epochs: 1, batch_size: 16}}
validation: {{type: holdout, validation_size: 0.1, test_size: 0.1, shuffle: false}}
"""


def trained(shell, spec: Path | str, *overrides: str) -> Path:
    """Train ``spec`` in its own process; the run directory (made under the shell's folder)."""
    sets = [word for override in overrides for word in ("--set", override)]
    done = shell("train", spec, *sets, "--output", "runs", "--json").ok()
    return shell.cwd / done.json()["run_dir"]


def check_evaluate_repeats_the_test_scores(done, run: Path) -> None:
    scored = done.ok().json()
    recorded = json.loads((run / "metrics.json").read_text())
    assert scored["examples"] == recorded["test_size"]
    assert scored["metrics"] == pytest.approx(recorded["test"], rel=1e-6)


def test_a_residual_run_evaluates_and_predicts_in_new_processes(shell, tmp_path: Path) -> None:
    from sklearn.datasets import load_digits

    from dlspec.train import predict as predicting

    run = trained(shell, SPECS / "digits_resnet.yaml", "training.epochs=1")
    digits = load_digits()
    inputs = tmp_path / "digits.csv"
    with inputs.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(digits.feature_names)
        writer.writerows(digits.data[:7])
    scored, done = shell.together(["evaluate", run, "--json"], ["predict", run, inputs])
    check_evaluate_repeats_the_test_scores(scored, run)
    header, *rows = list(csv.reader(io.StringIO(done.ok().stdout)))
    names = json.loads((run / "metrics.json").read_text())["class_names"]
    assert header == [*names, "predicted"] and len(rows) == 7
    probabilities = np.array([[float(v) for v in row[:-1]] for row in rows])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert [row[-1] for row in rows] == [names[i] for i in probabilities.argmax(axis=1)]
    # The same numbers as the run loaded here, in the process that knows nothing of the above.
    _, expected = predicting.predict(run, inputs)
    np.testing.assert_allclose(probabilities, [row[:-1] for row in expected], rtol=1e-6)


def test_nested_attention_layers_evaluate_and_generate_in_new_processes(
    shell, tmp_path: Path
) -> None:
    # The example specs (tests/train/test_example_specs.py) cover the other classes.
    from dlspec.train import generate

    spec = tmp_path / "attention.yaml"
    spec.write_text(ATTENTION.format(corpus=SPECS / "data" / "alice.txt"))
    run = trained(shell, spec)
    words = ("--prompt", "alice was", "--length", "6", "--temperature", "0")
    scored, done = shell.together(["evaluate", run, "--json"], ["generate", run, *words])
    check_evaluate_repeats_the_test_scores(scored, run)
    text = done.ok().stdout.strip()
    assert text.startswith("alice was") and len(text) > len("alice was")
    # Greedy sampling is deterministic: a fresh process continues exactly as this one does.
    assert [text] == generate.from_run(run, "alice was", length=6, temperature=0)


SPOIL = {
    "edited": (
        lambda run: (run / "spec.yaml").write_text(
            (run / "spec.yaml").read_text().replace("seed: 42", "seed: 7")
        ),
        "spec.yaml:1:1: error[DLS410]",
        "spec.yaml was changed after the run started",
    ),
    "truncated": (
        lambda run: (run / "model.keras").write_bytes((run / "model.keras").read_bytes()[:999]),
        "model.keras:1:1: error[DLS410]",
        "model.keras is not a Keras model file",
    ),
    "unprocessed": (
        lambda run: shutil.rmtree(run / "preprocessing"),
        "error[DLS407]",
        "preprocessing/preprocessing.json is missing",
    ),
    "miscounted": (
        lambda run: (run / "metrics.json").write_text('{"test": {"accuracy": 0.9'),
        "metrics.json:1:1: error[DLS410]",
        "metrics.json is not valid JSON",
    ),
}


def test_damaged_runs_are_refused_by_name_and_listed_beside_whole_ones(
    shell, tmp_path: Path, iris_run
) -> None:
    root = tmp_path / "runs"
    whole = root / "iris-mlp" / "20250101-000000"
    shutil.copytree(iris_run.path, whole)
    for index, (spoil, _, _) in enumerate(SPOIL.values(), start=1):
        damaged = root / "iris-mlp" / f"20250101-00000{index}"
        shutil.copytree(iris_run.path, damaged)
        spoil(damaged)

    inputs = tmp_path / "flowers.csv"
    inputs.write_text("sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n")
    for index, (_, where, what) in enumerate(SPOIL.values(), start=1):
        run = root / "iris-mlp" / f"20250101-00000{index}"
        for command in (["evaluate", run], ["predict", run, inputs], ["generate", run]):
            done = shell(*command)
            assert done.returncode == 1, done.stderr
            assert where in done.stderr and what in done.stderr, done.stderr
            assert str(run) in done.stderr and "Traceback" not in done.stderr
            assert done.stdout == ""

    listing = shell("runs", "--output", root).ok().stdout
    assert listing.count("complete") == 1 and listing.count("damaged") == 2 * len(SPOIL)
    for index, (_, _, what) in enumerate(SPOIL.values(), start=1):
        assert f"iris-mlp/20250101-00000{index} is damaged: {what}" in " ".join(listing.split())
    refused = shell("runs", "--output", root, "--compare", whole, "iris-mlp/20250101-000001")
    assert (
        refused.returncode == 1 and "spec.yaml was changed after the run started" in refused.stderr
    )


def test_a_model_holding_code_is_refused_and_nothing_in_it_runs(
    shell, tmp_path: Path, iris_run
) -> None:
    import keras

    marker = tmp_path / "ran"
    # The Lambda writes a file whenever it is called.
    touch = eval(f"lambda x: (__import__('pathlib').Path({str(marker)!r}).write_text('ran'), x)[1]")
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Lambda(touch)(inputs))
    model = keras.Model(inputs, outputs)
    run = tmp_path / "iris-mlp" / "20250101-000000"
    shutil.copytree(iris_run.path, run)
    model.save(run / "model.keras")
    marker.unlink()  # building the model called it once, here
    # The file is a working trap: loaded without safe mode and called, it writes the marker.
    keras.saving.load_model(run / "model.keras", safe_mode=False)(np.zeros((1, 4)))
    assert marker.is_file()
    marker.unlink()

    for command in (["evaluate", run], ["predict", run, tmp_path / "x.csv"]):
        done = shell(*command)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert f"{run / 'model.keras'}:1:1: error[DLS411]" in done.stderr
        assert "holds a Lambda layer" in done.stderr and "Python code" in done.stderr
    listing = " ".join(shell("runs", "--output", tmp_path).ok().stdout.split())
    assert "damaged" in listing and "model.keras holds a Lambda layer" in listing
    assert not marker.exists()


def test_loading_refuses_code_even_past_the_run_check(tmp_path: Path) -> None:
    # Keras's safe mode stays on beneath dlspec's own check.
    import keras

    from dlspec.compiler import saving

    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    model.save(tmp_path / "model.keras")
    with pytest.raises(ValueError, match="arbitrary code execution"):
        saving.load(tmp_path / "model.keras")


GRAPH = """\
name: iris-wide-and-deep
data: {source: sklearn:iris, scale: standard}
task: multiclass
model:
  layers:
    - dense: {units: 16, activation: relu, name: deep}
    - dense: {units: 16, activation: relu}
    - add:
      from: [deep, dense_2]
    - dense: {units: 4, name: wide}
      from: input
    - concatenate:
      from: [add_1, wide]
training: {epochs: 2, batch_size: 16}
"""


def test_a_graph_run_evaluates_and_predicts_in_new_processes(shell, tmp_path: Path) -> None:
    (tmp_path / "graph.yaml").write_text(GRAPH)
    run = trained(shell, "graph.yaml")
    stored = (run / "spec.yaml").read_text()
    assert "from:\n    - deep\n    - dense_2" in stored  # written beside the kind, as users do
    assert shell("lint", run / "spec.yaml", "--strict").returncode == 0
    rows = tmp_path / "rows.csv"
    names = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)"
    rows.write_text(f"{names}\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n")
    scored, done = shell.together(["evaluate", run, "--json"], ["predict", run, rows])
    check_evaluate_repeats_the_test_scores(scored, run)
    header, *predicted = list(csv.reader(io.StringIO(done.ok().stdout)))
    assert header[-1] == "predicted" and len(predicted) == 2


def test_a_run_trained_on_the_rmse_loss_evaluates_in_a_new_process(shell) -> None:
    run = trained(shell, SPECS / "diabetes_regression.yaml", "training.epochs=2", "task.loss=rmse")
    check_evaluate_repeats_the_test_scores(shell("evaluate", run, "--json"), run)
    assert "loss: rmse" in (run / "spec.yaml").read_text()


# Every layer kind added with the graphs and the decoders, in one small run on the digits.
NEW_KINDS = """\
name: digits-new-kinds
data: {source: sklearn:digits, scale: minmax}
task: multiclass
model:
  layers:
    - reshape: [8, 8, 1]
    - random_flip: horizontal
    - random_rotation: 0.05
    - random_zoom: 0.1
    - random_translation: {height_factor: 0.1, width_factor: 0.1}
    - zero_padding2d: 1
    - conv2d: {filters: 4, kernel_size: 3, strides: 2}
    - up_sampling2d: 2
    - conv2d_transpose: {filters: 2, kernel_size: 3}
    - flatten
    - dense: {units: 8, name: code}
    - repeat_vector: 4
    - zero_padding1d: 1
    - up_sampling1d: 2
    - conv1d_transpose: {filters: 4, kernel_size: 3, strides: 2, padding: same}
    - time_distributed: {dense: 4}
    - global_average_pooling1d
    - multiply:
      from: [global_average_pooling1d_1, global_average_pooling1d_1]
training: {epochs: 1, batch_size: 64}
validation: {type: holdout}
"""


def test_a_run_of_the_new_layer_kinds_evaluates_and_predicts_in_new_processes(
    shell, tmp_path: Path
) -> None:
    (tmp_path / "kinds.yaml").write_text(NEW_KINDS)
    run = trained(shell, "kinds.yaml")
    inputs = tmp_path / "rows.npz"
    np.savez(inputs, x=np.random.default_rng(0).random((3, 64)) * 16)
    scored, done = shell.together(["evaluate", run, "--json"], ["predict", run, inputs])
    check_evaluate_repeats_the_test_scores(scored, run)
    header, *rows = list(csv.reader(io.StringIO(done.ok().stdout)))
    assert header[-1] == "predicted" and len(rows) == 3


# Two named inputs from an npz: token ids (through an embedding) and measurements.
TWO_INPUTS = """\
name: two-inputs
seed: 4
data: {source: npz:two.npz, scale: standard}
task: multiclass
model:
  inputs:
    words: {shape: [6], dtype: int32}
    meta: [3]
  layers:
    - embedding: {input_dim: 20, output_dim: 8, from: words}
    - global_max_pooling1d: {name: text}
    - dense: {units: 8, activation: relu, from: meta}
    - concatenate: {from: [text, dense_1]}
    - dense: {units: 16, activation: relu}
optimizer: {type: adam, learning_rate: 0.02}
training: {epochs: 30, batch_size: 32}
"""


def two_inputs(folder: Path, rows: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Classes that need both inputs: whether word 5 occurs, plus whether meta[0] > 0."""
    rng = np.random.default_rng(seed)
    words = rng.integers(1, 20, (rows, 6))
    meta = rng.normal(size=(rows, 3))
    y = (words == 5).any(axis=1).astype(int) + (meta[:, 0] > 0).astype(int)
    return {"words": words, "meta": meta * 10 + 3, "y": y}


def test_a_two_input_run_trains_then_evaluates_and_predicts_in_new_processes(
    shell, tmp_path: Path
) -> None:
    np.savez(tmp_path / "two.npz", **two_inputs(tmp_path, 300))
    (tmp_path / "two.yaml").write_text(TWO_INPUTS)
    run = trained(shell, "two.yaml")
    recorded = json.loads((run / "metrics.json").read_text())
    assert recorded["test"]["accuracy"] >= 0.85  # it learned from both inputs
    saved = json.loads((run / "preprocessing" / "preprocessing.json").read_text())
    assert saved["kind"] == "inputs" and sorted(saved["inputs"]) == ["meta", "words"]
    new = two_inputs(tmp_path, 40, seed=1)
    np.savez(tmp_path / "new.npz", words=new["words"], meta=new["meta"])
    wide = tmp_path / "wide.npz"
    np.savez(wide, words=new["words"], meta=np.zeros((40, 4)))
    scored, done, refused = shell.together(
        ["evaluate", run, "--json"], ["predict", run, "new.npz"], ["predict", run, wide]
    )
    check_evaluate_repeats_the_test_scores(scored, run)
    header, *predicted = list(csv.reader(io.StringIO(done.ok().stdout)))
    assert header == ["0", "1", "2", "predicted"] and len(predicted) == 40
    right = np.mean([int(row[-1]) == label for row, label in zip(predicted, new["y"], strict=True)])
    assert right >= 0.8
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert (
        "wide.npz:1:1: error[DLS401]: the examples of input 'meta' in 'wide.npz' have shape (4,) "
        "each; the model takes (3,)" in refused.stderr
    )


@pytest.mark.parametrize(
    ("arrays", "expected"),
    [
        ({"words": (50, 6), "y": (50,)}, "two.yaml:8:11: error[DLS401]: 'two.npz' holds arrays "
         "words, y; model.inputs needs words, meta, y (one array per input, and y): 'meta' is "
         "missing"),
        ({"words": (50, 6), "meta": (50, 4), "y": (50,)},
         "two.yaml:8:11: error[DLS306]: model.inputs.meta is (3,), but the data gives (4,)"),
    ],
    ids=["an array missing", "a shape that differs"],
)  # fmt: skip
def test_named_arrays_that_do_not_fit_the_inputs_stop_training_at_the_spec(
    shell, tmp_path: Path, arrays: dict, expected: str
) -> None:
    labels = {name: np.arange(shape[0]) % 3 for name, shape in arrays.items() if name == "y"}
    np.savez(tmp_path / "two.npz", **{n: np.ones(s) for n, s in arrays.items()} | labels)
    (tmp_path / "two.yaml").write_text(TWO_INPUTS)
    done = shell("train", "two.yaml", "--output", "runs")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert expected in done.stderr


GROUPS = """\
name: column-groups
seed: 1
task: multiclass
data:
  source: csv:groups.csv
  target: label
  scale: standard
  features:
    left: [a1, a2]
    right: [b1, b2, b3]
model:
  layers:
    - dense: {units: 8, activation: relu, from: left}
    - dense: {units: 8, activation: relu, from: right}
    - concatenate: {from: [dense_1, dense_2]}
optimizer: {type: adam, learning_rate: 0.02}
training: {epochs: 30, batch_size: 32}
"""


def test_a_run_on_csv_column_groups_trains_then_evaluates_and_predicts_in_new_processes(
    shell, tmp_path: Path
) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(300, 2)) * 5 + 2, rng.normal(size=(300, 3))
    names = np.array(["low", "mid", "high"])[(a[:, 0] > 2).astype(int) + (b[:, 1] > 0)]
    table = [
        "a1,a2,b1,b2,b3,label",
        *(",".join([*map(str, [*p, *q]), n]) for p, q, n in zip(a, b, names, strict=True)),
    ]
    (tmp_path / "groups.csv").write_text("\n".join(table) + "\n")
    (tmp_path / "groups.yaml").write_text(GROUPS)
    run = trained(shell, "groups.yaml")
    assert json.loads((run / "metrics.json").read_text())["test"]["accuracy"] >= 0.8
    # Columns in another order, the target left out: read by name into the same groups.
    rows = [
        "b3,b2,b1,a2,a1",
        *(",".join(map(str, [*q[::-1], *p[::-1]])) for p, q in zip(a[:20], b[:20], strict=True)),
    ]
    (tmp_path / "new.csv").write_text("\n".join(rows) + "\n")
    scored, done = shell.together(["evaluate", run, "--json"], ["predict", run, "new.csv"])
    check_evaluate_repeats_the_test_scores(scored, run)
    header, *predicted = list(csv.reader(io.StringIO(done.ok().stdout)))
    assert header == ["high", "low", "mid", "predicted"] and len(predicted) == 20
    assert (
        np.mean([row[-1] == name for row, name in zip(predicted, names[:20], strict=True)]) >= 0.8
    )


def test_a_run_of_two_target_columns_reports_each_and_reloads_in_new_processes(
    shell, tmp_path: Path
) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    rows = [[*r, 2 * r[0] + r[1], r[2] ** 2] for r in x]
    (tmp_path / "two.csv").write_text(
        "a,b,c,y1,y2\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)
    )
    (tmp_path / "two.yaml").write_text(
        "name: two-targets\ntask: regression\n"
        "data: {source: csv:two.csv, target: [y1, y2], scale: standard}\n"
        "model: {layers: [{dense: {units: 32, activation: relu}}]}\n"
        "optimizer: {type: adam, learning_rate: 0.01}\ntraining: {epochs: 40, batch_size: 32}\n"
    )
    run = trained(shell, "two.yaml")
    test = json.loads((run / "metrics.json").read_text())["test"]
    assert {"rmse:y1", "mae:y1", "r2:y1", "rmse:y2", "mae:y2", "r2:y2"} <= set(test)
    assert test["r2:y1"] > 0.9 and test["rmse:y1"] < test["rmse:y2"]  # the linear one is easier
    (tmp_path / "new.csv").write_text("c,b,a\n0.5,1,2\n")
    scored, done = shell.together(["evaluate", run, "--json"], ["predict", run, "new.csv"])
    check_evaluate_repeats_the_test_scores(scored, run)
    header, row = list(csv.reader(io.StringIO(done.ok().stdout)))
    assert header == ["prediction_y1", "prediction_y2"]
    assert float(row[0]) == pytest.approx(2 * 2 + 1, abs=0.6)
