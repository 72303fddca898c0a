"""compiler.model, .compile and .from_file: names, counts, saving, causality, optimizers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import dlspec
from dlspec.diagnostics import SpecError

pytestmark = pytest.mark.keras

ROOT = Path(dlspec.__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.yaml"))

RESIDUAL = """
name: small-resnet
task: {type: multiclass, classes: 3}
model:
  input: [8, 8, 3]
  layers:
    - conv2d: {filters: 4, kernel_size: 3, padding: same, activation: relu}
    - residual:
        layers:
          - conv2d: {filters: 4, kernel_size: 3, padding: same, activation: relu}
          - batch_normalization
        activation: relu
    - residual:
        layers:
          - conv2d: {filters: 8, kernel_size: 3, strides: 2, padding: same}
        name: down
    - global_average_pooling2d
optimizer: {type: sgd, learning_rate: 0.01, momentum: 0.9, nesterov: true, clipnorm: 1.0}
"""

CAUSAL = """
name: causal-lm
task: {type: next_token, vocabulary: 50}
model:
  input: {shape: [12], dtype: int32}
  layers:
    - embedding: {input_dim: 50, output_dim: 16}
    - positional_encoding: sinusoidal
    - transformer_block: {num_heads: 2, ff_dim: 32, causal: CAUSAL}
"""


def write(tmp_path: Path, text: str, name: str = "spec") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def analysed(path: Path, overrides: tuple[str, ...] = ()):
    from dlspec import check

    return check.analyse(path, overrides)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_every_example_spec_builds_with_the_static_names_and_counts(path):
    import keras

    from dlspec import compiler

    spec, _, inference = analysed(path)
    model = compiler.model(spec, inference)
    assert isinstance(model, keras.Model)
    assert model.name == spec.name
    assert not model.compiled
    assert inference.inputs is not None
    assert {layer.name for layer in model.layers} == set(inference.inputs) | {
        r.name for r in inference.layers
    }
    for tensor in model.inputs:  # each input with the shape and dtype inferred for it
        assert (tuple(tensor.shape[1:]), tensor.dtype) == inference.inputs[tensor.name]
    for row in inference.layers:
        layer = model.get_layer(row.name)
        output = layer.output[0] if isinstance(layer.output, list) else layer.output  # + state
        assert tuple(output.shape[1:]) == row.output_shape
        assert layer.count_params() == row.params.total
    assert model.count_params() == inference.params.total


def test_every_kind_spec_builds_on_tensorflow_with_the_static_shapes_and_counts(tmp_path):
    # The specs that hold every layer kind (tests/compiler/test_backends.py trains them on JAX
    # against the same static counts): here, in-process on TensorFlow.
    from test_backends import EVERY_KIND

    from dlspec import compiler

    for name, text in EVERY_KIND.items():
        spec, _, inference = analysed(write(tmp_path, f"name: {name}\n{text}", name))
        model = compiler.model(spec, inference)
        assert {layer.name for layer in model.layers} == set(inference.inputs) | {
            r.name for r in inference.layers
        }, name
        for row in inference.layers:
            layer = model.get_layer(row.name)
            assert tuple(layer.output.shape[1:]) == row.output_shape, (name, row.name)
            assert layer.count_params() == row.params.total, (name, row.name)
        assert model.count_params() == inference.params.total, name


@pytest.mark.parametrize(
    ("setting", "policy"), [("true", "mixed_bfloat16"), ("float16", "mixed_float16")]
)
def test_every_kind_trains_a_step_in_mixed_precision(tmp_path, setting, policy):
    # The body computes in 16 bits, the head in float32; float16 scales the loss. (JAX trains
    # attention in float16 on its CPU too: tests/train/test_devices.py.)
    import keras
    from test_backends import EVERY_KIND

    from dlspec import compiler

    rng = np.random.default_rng(0)
    for name, text in EVERY_KIND.items():
        mixed = f"name: {name}\n{text}\ntraining: {{mixed_precision: {setting}}}\n"
        spec, _, inference = analysed(write(tmp_path, mixed, name))
        model = compiler.model(spec, inference)
        compiler.compile(model, spec)
        assert keras.config.dtype_policy().name == "float32", "the global policy is put back"
        body = [model.get_layer(row.name) for row in inference.layers if row.spec is not None]
        assert {layer.dtype_policy.name for layer in body} == {policy}, name
        assert model.get_layer("head").compute_dtype == "float32"
        assert model.output.dtype == "float32"
        scaled = isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
        assert scaled == (policy == "mixed_float16")
        x = {
            key: rng.integers(0, 2, size=(4, *shape)).astype(dtype)
            for key, (shape, dtype) in inference.inputs.items()
        }
        units = inference.layers[-1].output_shape
        if spec.task.row.outputs == "values":
            y = rng.random((4, *units)).astype("float32")
        else:
            y = rng.integers(0, units[-1] if units[-1] > 1 else 2, size=(4, *units[:-1], 1))
            y = y if spec.task.type == "binary" else y[..., 0]
        batch = x if inference.named else next(iter(x.values()))
        model.run_eagerly = True  # one step: tracing it would take longer than running it
        loss = model.train_on_batch(batch, y)
        assert np.isfinite(loss if np.isscalar(loss) else loss[0]), name


def test_embedding_takes_its_vocabulary_from_the_data():
    from dlspec import compiler

    spec, _, inference = analysed(ROOT / "specs" / "imdb_transformer.yaml")
    assert spec.model.layers[0].input_dim is None
    model = compiler.model(spec, inference)
    assert model.get_layer("embedding_1").input_dim == 20_000


def test_from_file_compiles_with_the_spec_optimizer_loss_and_metrics(tmp_path):
    import keras

    from dlspec import compiler

    model = compiler.from_file(write(tmp_path, RESIDUAL))
    assert model.compiled
    optimizer = model.optimizer
    assert isinstance(optimizer, keras.optimizers.SGD)
    assert float(optimizer.momentum) == pytest.approx(0.9)
    assert optimizer.nesterov is True
    assert optimizer.clipnorm == 1.0
    assert isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)
    assert model.get_layer("down").count_params() == (3 * 3 * 4 * 8 + 8) + (4 * 8 + 8)


def test_overrides_reach_the_built_model():
    from dlspec import compiler

    model = compiler.from_file(
        ROOT / "specs" / "lenet5.yaml",
        ["model.layers[5].dense.units=30", "optimizer={type: adam, learning_rate: 0.002}"],
    )
    assert model.get_layer("dense_1").units == 30
    assert float(model.optimizer.learning_rate) == pytest.approx(0.002)


@pytest.mark.parametrize(
    ("optimizer", "keras_name", "attributes"),
    [
        ("{type: adagrad, learning_rate: 0.1}", "Adagrad", {"initial_accumulator_value": 0.1}),
        ("{type: rmsprop, rho: 0.8, centered: true}", "RMSprop", {"rho": 0.8, "centered": True}),
        (
            "{type: adam, amsgrad: true, clipvalue: 0.5}",
            "Adam",
            {"amsgrad": True, "clipvalue": 0.5},
        ),
        ("{type: adamw, weight_decay: 0.01}", "AdamW", {"weight_decay": 0.01}),
    ],
)
def test_compile_builds_each_optimizer_with_its_arguments(
    tmp_path, optimizer, keras_name, attributes
):
    from dlspec import compiler

    text = f"task: binary\nmodel: {{input: [2], layers: []}}\noptimizer: {optimizer}\n"
    model = compiler.from_file(write(tmp_path, text))
    assert type(model.optimizer).__name__ == keras_name
    for name, value in attributes.items():
        assert getattr(model.optimizer, name) == pytest.approx(value)


def test_learning_rate_schedules_are_compiled_in(tmp_path):
    import keras

    from dlspec import compiler

    text = (
        "task: binary\nmodel: {input: [2], layers: []}\n"
        "optimizer: {type: sgd, learning_rate: 0.1, "
        "schedule: {type: exponential_decay, decay_steps: 10, decay_rate: 0.5}}\n"
    )
    model = compiler.from_file(write(tmp_path, text))
    schedule = model.optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.ExponentialDecay)
    assert float(schedule(10)) == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("schedule", "points"),
    [
        # no warm-up: starts at the rate and ends at alpha times it
        ("{type: cosine_decay, decay_steps: 100, alpha: 0.1}", {0: 0.1, 50: 0.055, 100: 0.01}),
        # warm-up: rises linearly from 0 to the rate, then decays
        (
            "{type: cosine_decay, decay_steps: 100, warmup_steps: 10}",
            {0: 0.0, 5: 0.05, 10: 0.1, 110: 0.0},
        ),
    ],
)
def test_cosine_decay_follows_its_curve(tmp_path, schedule, points):
    import keras

    from dlspec import compiler

    text = (
        "task: binary\nmodel: {input: [2], layers: []}\n"
        f"optimizer: {{type: adam, learning_rate: 0.1, schedule: {schedule}}}\n"
    )
    learning_rate = compiler.from_file(write(tmp_path, text)).optimizer._learning_rate
    assert isinstance(learning_rate, keras.optimizers.schedules.CosineDecay)
    for step, value in points.items():
        assert float(learning_rate(step)) == pytest.approx(value, abs=1e-6)


def test_a_spec_with_errors_does_not_build(tmp_path):
    from dlspec import compiler

    text = "task: binary\nmodel: {input: [4], layers: [conv2d: {filters: 2, kernel_size: 3}]}\n"
    with pytest.raises(SpecError):
        compiler.from_file(write(tmp_path, text))


def test_head_width_known_only_at_load_is_passed_in(tmp_path):
    from dlspec import check, compiler
    from dlspec import spec as spec_module

    (tmp_path / "table.csv").write_text("a,b,label\n1,2,x\n3,4,y\n")
    path = write(
        tmp_path,
        "data: {source: csv:table.csv, target: label}\ntask: multiclass\n"
        "model: {layers: [dense: 4]}\n",
    )
    spec, source_map = spec_module.load(path)
    inference = check.run(spec, source_map)
    # The header tells the features; the classes are counted only when the data loads.
    assert inference.input_shape == (2,)
    assert not inference.complete
    with pytest.raises(ValueError, match="head_units"):
        compiler.model(spec, inference)
    model = compiler.model(spec, inference, head_units=2)
    assert model.get_layer("head").units == 2


def round_trip(model, x, tmp_path: Path):
    from dlspec.compiler import saving

    path = tmp_path / "model.keras"
    model.save(path)
    loaded = saving.load(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert loaded.count_params() == model.count_params()
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    return loaded


def test_saved_models_load_with_safe_mode_and_predict_the_same(tmp_path):
    from dlspec import compiler

    rng = np.random.default_rng(0)
    transformer = compiler.from_file(
        ROOT / "specs" / "imdb_transformer.yaml",
        ["data.max_tokens=500", "data.sequence_length=16", "model.input.shape=[16]"],
    )
    round_trip(transformer, rng.integers(0, 500, size=(3, 16)).astype("int32"), tmp_path)
    lenet = compiler.from_file(ROOT / "specs" / "lenet5.yaml")
    round_trip(lenet, rng.random((3, 28, 28, 1)).astype("float32"), tmp_path)
    resnet = compiler.from_file(write(tmp_path, RESIDUAL))
    x = rng.random((4, 8, 8, 3)).astype("float32")
    resnet.fit(x, np.arange(4) % 3, epochs=1, batch_size=4, verbose=0)  # moves the BN statistics
    round_trip(resnet, x, tmp_path)


def test_a_compiled_next_token_model_round_trips_with_its_perplexity_metric(tmp_path):
    from dlspec import compiler

    model = compiler.from_file(write(tmp_path, CAUSAL.replace("CAUSAL", "true")))
    rng = np.random.default_rng(1)
    x = rng.integers(0, 50, size=(4, 12)).astype("int32")
    model.fit(x, np.roll(x, -1, axis=1), epochs=1, batch_size=4, verbose=0)
    loaded = round_trip(model, x, tmp_path)
    names = [m.name for m in loaded.metrics]
    assert "loss" in names and "compile_metrics" in names
    result = loaded.evaluate(x, np.roll(x, -1, axis=1), verbose=0, return_dict=True)
    assert result["perplexity"] == pytest.approx(np.exp(result["loss"]), rel=1e-4)


@pytest.mark.parametrize("causal", [True, False])
def test_causal_transformer_output_ignores_later_tokens(tmp_path, causal):
    from dlspec import check, compiler
    from dlspec import spec as spec_module

    path = write(tmp_path, CAUSAL.replace("CAUSAL", str(causal).lower()))
    spec, source_map = spec_module.load(path)
    # Lint refuses the non-causal block in a next_token model (DLS327): the layer is built
    # here, past lint, to show why.
    inference = check.run(spec, source_map)
    assert [d.code for d in inference.diagnostics] == ([] if causal else ["DLS327"])
    model = compiler.model(spec, dataclasses.replace(inference, diagnostics=[]))
    rng = np.random.default_rng(5)
    tokens = rng.integers(0, 50, size=(2, 12)).astype("int32")
    before = model.predict(tokens, verbose=0)
    for t in (0, 4, 10):
        changed = tokens.copy()
        changed[:, t + 1 :] = (changed[:, t + 1 :] + 1 + rng.integers(0, 48, size=(2, 11 - t))) % 50
        after = model.predict(changed, verbose=0)
        same = np.allclose(before[:, : t + 1], after[:, : t + 1], atol=1e-6)
        assert same == causal, f"position {t}"
        assert not np.allclose(before[:, t + 1 :], after[:, t + 1 :], atol=1e-6)


def test_sinusoidal_encoding_in_a_built_model_matches_the_formula(tmp_path):
    import keras

    from dlspec import compiler

    spec, _, inference = analysed(
        write(
            tmp_path,
            "task: {type: next_token, vocabulary: 3}\n"
            "model: {input: [10, 6], layers: [positional_encoding: sinusoidal]}\n",
        )
    )
    model = compiler.model(spec, inference)
    layer = model.get_layer("positional_encoding_1")
    code = keras.Model(model.input, layer.output).predict(
        np.zeros((1, 10, 6), "float32"), verbose=0
    )
    for t in (0, 1, 7, 9):
        for k in range(3):
            angle = t / 10000 ** (2 * k / 6)
            assert code[0, t, 2 * k] == pytest.approx(np.sin(angle), abs=1e-5)
            assert code[0, t, 2 * k + 1] == pytest.approx(np.cos(angle), abs=1e-5)


def test_named_layers_keep_their_names(tmp_path):
    from dlspec import compiler

    text = (
        "task: {type: regression, outputs: 1}\nmodel:\n  input: [6, 2]\n  layers:\n"
        "    - {lstm: {units: 3, return_sequences: true}, name: encoder}\n"
        "    - {bidirectional: {layer: {gru: 2}}, name: reader}\n"
    )
    model = compiler.from_file(write(tmp_path, text))
    assert [layer.name for layer in model.layers] == ["input", "encoder", "reader", "head"]
    assert model.get_layer("reader").count_params() == 2 * (3 * (3 * 2 + 2 * 2) + 6 * 2)
