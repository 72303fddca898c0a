"""The bias-variance verdict on real training at small size: the course's teaching cases.

Each trains in-process through the CLI (``dlspec train --json``) on a spec the test writes;
the verdict label and the numbers behind it come out of the JSON summary.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from conftest import train

pytestmark = pytest.mark.keras


def verdict(tmp_path: Path, text: str, *overrides: str) -> tuple[str, dict]:
    tmp_path.mkdir(exist_ok=True)
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    summary = train(spec, tmp_path / "runs", *overrides).summary
    return summary["verdict"], summary["verdict_numbers"]


XOR_NEURON = """\
name: xor-neuron
data: {source: synthetic:xor, samples: 400, noise: 0.05}
task: binary
model: {layers: []}
optimizer: {type: adam, learning_rate: 0.05}
training: {epochs: 30, batch_size: 32}
validation: {type: holdout, validation_size: 0.25, test_size: 0.2}
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_single_neuron_on_xor_is_underfitting(tmp_path: Path, seed: int) -> None:
    name, numbers = verdict(tmp_path, XOR_NEURON, f"seed={seed}")
    assert name == "underfitting"
    assert numbers["training_error"] > 0.5 * numbers["baseline_error"]


# About 90 training digits, 300k parameters; the twin adds dropout, L2 and early stopping.
DIGITS = """\
name: digits-{name}
seed: 0
data: {{source: sklearn:digits, scale: standard}}
task: multiclass
model:
  layers:
{layers}
optimizer: {{type: adam, learning_rate: 0.001}}
training: {{epochs: 60, batch_size: 16{stopping}}}
validation: {{type: holdout, validation_size: 0.5, test_size: 0.9}}
"""
BIG = """\
    - dense: {units: 512, activation: relu}
    - dense: {units: 512, activation: relu}"""
REGULARISED = """\
    - dropout: 0.2
    - dense: {units: 512, activation: relu, kernel_regularizer: {l2: 0.01}}
    - dropout: 0.5
    - dense: {units: 512, activation: relu, kernel_regularizer: {l2: 0.01}}
    - dropout: 0.5"""


def test_a_big_model_on_90_digits_overfits_and_its_regularised_twin_does_not(
    tmp_path: Path,
) -> None:
    big = DIGITS.format(name="big", layers=BIG, stopping="")
    name, numbers = verdict(tmp_path / "big", big)
    assert name == "overfitting"
    assert numbers["training_error"] < numbers["validation_error"]
    twin = DIGITS.format(
        name="twin", layers=REGULARISED, stopping=", early_stopping: {patience: 5}"
    )
    name, _ = verdict(tmp_path / "twin", twin)
    assert name != "overfitting"


def test_a_linear_regression_on_a_noisy_line_is_just_right(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    y = 2 * x + 1 + rng.normal(scale=0.5, size=300)
    (tmp_path / "line.csv").write_text(
        "x,y\n" + "".join(f"{a},{b}\n" for a, b in zip(x, y, strict=True))
    )
    name, numbers = verdict(
        tmp_path,
        "name: line\nseed: 0\ndata: {source: csv:line.csv, target: y}\ntask: regression\n"
        "model: {layers: []}\noptimizer: {type: adam, learning_rate: 0.05}\n"
        "training: {epochs: 30, batch_size: 16}\n"
        "validation: {type: kfold, folds: 3, test_size: 0.2}\n",
    )
    assert name == "just right"
    assert numbers["training_error"] == pytest.approx(0.5, rel=0.15)  # the noise's scale


def test_a_language_model_well_below_the_unigram_perplexity_is_not_underfitting(
    tmp_path: Path,
) -> None:
    sentences = ["the cat sat on the mat .", "a dog ran to the park .", "my bird can sing ."]
    chooser = random.Random(0)
    (tmp_path / "story.txt").write_text(" ".join(chooser.choice(sentences) for _ in range(300)))
    name, numbers = verdict(
        tmp_path,
        "name: story\nseed: 0\ndata: {source: text:story.txt, sequence_length: 12}\n"
        "task: next_token\n"
        "model: {layers: [embedding: 16, lstm: {units: 32, return_sequences: true}]}\n"
        "optimizer: {type: adam, learning_rate: 0.02}\n"
        "training: {epochs: 30, batch_size: 8}\n"
        "validation: {type: holdout, validation_size: 0.2, test_size: 0.1, shuffle: false}\n",
    )
    assert numbers["training_error"] < 0.5 * numbers["baseline_error"]
    assert name != "underfitting"
