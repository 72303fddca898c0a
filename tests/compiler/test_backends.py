"""Every spec builds on JAX with the static counts, and every layer kind trains one step there.

Keras picks its backend once, at import, from ``KERAS_BACKEND``; so JAX runs in its own
subprocess, building every ``specs/*.yaml`` and a few specs that hold every layer kind
(``EVERY_KIND``) and printing the parameter counts as JSON; the ``EVERY_KIND`` models also fit
one step on random data, compiled by XLA with its optimisations off: compiling dominates one
step on a CPU, and the step itself is what is being checked, not its speed. (The example specs
train end to end in tests/train/test_example_specs.py; kinds are what can fail on one backend.)
TensorFlow, the tests' in-process backend, builds the same specs against the same static
counts in test_model.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dlspec

pytestmark = pytest.mark.keras

ROOT = Path(dlspec.__file__).resolve().parent.parent

EVERY_KIND = {
    "sequence-kinds": """
task: {type: multiclass, classes: 5}
model:
  input: {shape: [8], dtype: int32}
  layers:
    - embedding: {input_dim: 11, output_dim: 8}
    - positional_encoding: sinusoidal
    - positional_encoding: {type: learned, max_length: 10}
    - multi_head_attention: {num_heads: 2, causal: true}
    - multi_head_attention: {num_heads: 2, key_dim: 3, value_dim: 5}  # Keras's fused path fails
    - transformer_block: {num_heads: 2, ff_dim: 16, causal: true}
    - residual: {layers: [dense: 6, layer_normalization]}
    - conv1d: {filters: 6, kernel_size: 3, padding: causal, activation: relu}
    - max_pooling1d: {pool_size: 2, strides: 1, padding: same}
    - average_pooling1d: 1
    - simple_rnn: {units: 6, return_sequences: true}
    - gru: {units: 6, return_sequences: true}
    - bidirectional: {layer: {lstm: {units: 4, return_sequences: true}}, merge_mode: concat}
    - lstm: {units: 5, return_sequences: true}
    - batch_normalization
    - activation: relu
    - dropout: 0.1
    - gaussian_noise: 0.1
    - dense: 7
    - time_distributed: {dense: 5}
    - global_average_pooling1d
""",
    "image-kinds": """
task: {type: multiclass, classes: 3}
model:
  input: [8, 8, 1]
  layers:
    - random_flip: horizontal
    - random_rotation: 0.1
    - random_zoom: 0.1
    - random_translation: {height_factor: 0.1, width_factor: 0.1}
    - conv2d: {filters: 4, kernel_size: 3, padding: same, activation: relu}
    - residual:
        layers:
          - conv2d: {filters: 6, kernel_size: 3, strides: 2, padding: same}
          - batch_normalization
        activation: relu
    - max_pooling2d: 2
    - average_pooling2d: 1
    - global_max_pooling2d: {keepdims: true}
    - flatten
    - reshape: [2, 3]
    - global_average_pooling1d
    - dense: {units: 4, activation: relu}
""",
    "graph-kinds": """
task: {type: binary}
model:
  input: [6]
  output: joined
  layers:
    - dense: {units: 4, activation: relu, name: deep}
    - dense: {units: 4, activation: sigmoid, name: gate}
      from: input
    - multiply:
      from: [deep, gate]
    - add:
      from: [multiply_1, deep]
    - concatenate:
      from: [add_1, input]
      name: joined
""",
    "decoder-kinds": """
task: {type: regression, outputs: 2}
model:
  input: [4]
  layers:
    - repeat_vector: 6
    - zero_padding1d: [1, 1]
    - up_sampling1d: 2
    - conv1d_transpose: {filters: 4, kernel_size: 3, strides: 2, padding: same}
    - reshape: [8, 4, 4]
    - zero_padding2d: 1
    - up_sampling2d: {size: 2, interpolation: bilinear}
    - conv2d_transpose: {filters: 3, kernel_size: 3, strides: [1, 2]}
    - global_average_pooling2d
""",
    "paired-kinds": """
task: {type: seq2seq, vocabulary: 12}
model:
  inputs:
    source: {shape: [5], dtype: int32}
    target: {shape: [4], dtype: int32}
  layers:
    - embedding: {input_dim: 12, output_dim: 8, from: source}
    - gru: {units: 8, return_sequences: true, name: encoder}
    - embedding: {input_dim: 12, output_dim: 8, from: target}
    - transformer_decoder_block: {num_heads: 2, ff_dim: 8, from: [embedding_2, encoder]}
    - cross_attention: {num_heads: 2, value_dim: 3, from: [transformer_decoder_block_1, encoder]}
""",
    "pooled-kinds": """
task: {type: regression, outputs: 2}
model:
  input: [6, 4]
  layers:
    - global_max_pooling1d: {keepdims: true}
    - reshape: [1, 1, 4]
    - global_average_pooling2d
    - layer_normalization
""",
}

SCRIPT = r"""
import json, sys
from pathlib import Path

import keras
import numpy as np

from dlspec import check, compiler
from dlspec.layers import EmbeddingSpec

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
counts = {"backend": keras.backend.backend(), "models": {}}
fitted = set(sys.argv[1].split(","))  # the names of the specs to fit one step
for path in map(Path, sys.argv[2:]):
    spec, _, inference = check.analyse(path)
    model = compiler.model(spec, inference)
    compiler.compile(model, spec)
    shape, units = inference.input_shape, inference.layers[-1].output_shape
    if inference.named:  # token ids below every embedding's size, or values
        x = {
            name: rng.integers(0, 2, size=(2, *size)).astype("int32")
            if dtype == "int32"
            else rng.random((2, *size)).astype("float32")
            for name, (size, dtype) in inference.inputs.items()
        }
    elif inference.input_dtype == "int32":
        embedding = next(r.spec for r in inference.layers if isinstance(r.spec, EmbeddingSpec))
        vocabulary = embedding.input_dim
        x = rng.integers(0, vocabulary, size=(2, *shape)).astype("int32")
    else:
        x = rng.random((2, *shape)).astype("float32")
    task = spec.task.type
    if spec.task.row.outputs == "values":  # regression, reconstruction
        y = rng.random((2, *units)).astype("float32")
    elif task == "binary":
        y = rng.integers(0, 2, size=(2, 1)).astype("float32")
    else:  # sparse labels: multiclass, next_token
        y = rng.integers(0, units[-1], size=(2, *units[:-1]))
    fit = path.stem in fitted
    losses = model.fit(x, y, epochs=1, batch_size=2, verbose=0).history["loss"] if fit else [0.0]
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    counts["models"][path.stem] = {
        "total": model.count_params(),
        "trainable": trainable,
        "layers": {layer.name: layer.count_params() for layer in model.layers},
        "loss_finite": bool(np.isfinite(losses[0])),
    }
print("COUNTS=" + json.dumps(counts))
"""


def spec_files(tmp_path: Path) -> list[Path]:
    paths = sorted((ROOT / "specs").glob("*.yaml"))
    for name, text in EVERY_KIND.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"name: {name}\n{text}")
        paths.append(path)
    return paths


def start(backend: str, paths: list[Path], fit: bool) -> subprocess.Popen[str]:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["JAX_PLATFORMS"] = "cpu"
    fast = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
    env["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} {fast}".strip()
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, ",".join(EVERY_KIND) if fit else "", *map(str, paths)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> dict:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-4000:]
    line = [row for row in stdout.splitlines() if row.startswith("COUNTS=")][-1]
    return json.loads(line[len("COUNTS=") :])


def test_the_example_specs_and_the_kind_specs_use_every_layer_kind(tmp_path):
    from dlspec import check
    from dlspec.layers import BY_KIND, kind_of
    from dlspec.report.summary import rows

    used = set()
    for path in spec_files(tmp_path):
        _, _, inference = check.analyse(path)
        for _, row in rows(inference):
            used.add(row.kind)
            if row.spec is not None:
                used |= {kind_of(type(inner)) for inner in row.spec.sublayers()}
    assert set(BY_KIND) <= used, set(BY_KIND) - used


def test_jax_builds_every_spec_with_the_static_counts_and_trains_every_kind(tmp_path):
    # TensorFlow builds the same specs in-process with the same static counts (test_model.py:
    # the example specs and EVERY_KIND), so JAX's counts equal TensorFlow's too.
    from dlspec import check

    paths = spec_files(tmp_path)
    on_jax = finish(start("jax", paths, fit=True))
    assert on_jax["backend"] == "jax"
    for name, found in on_jax["models"].items():
        assert found["loss_finite"], name
    for path in paths:
        _, _, inference = check.analyse(path)
        found = on_jax["models"][path.stem]
        assert found["total"] == inference.params.total, path.stem
        assert found["trainable"] == inference.params.trainable, path.stem
        inputs = dict.fromkeys(inference.inputs or {"input": None}, 0)
        static = inputs | {row.name: row.params.total for row in inference.layers}
        assert found["layers"] == static, path.stem
