"""``task: reconstruction`` (autoencoders) from the shell: train, then evaluate and predict.

The digits of scikit-learn, as vectors and as 8x8 images in an npz the test writes. Each
command runs in its own fresh process.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.keras

DENSE = """\
name: digits-autoencoder
seed: 1
task: reconstruction
data: {source: sklearn:digits, scale: minmax}
model:
  layers:
    - dense: {units: 32, activation: relu}
    - dense: {units: 16, activation: relu, name: code}
    - dense: {units: 32, activation: relu}
optimizer: {type: adam, learning_rate: 0.005}
training: {epochs: 30, batch_size: 32}
"""

DENOISING = """\
name: digits-denoising
seed: 1
task: {type: reconstruction, loss: binary_crossentropy, activation: sigmoid}
data: {source: npz:images.npz}
model:
  layers:
    - gaussian_noise: 0.1
    - conv2d: {filters: 8, kernel_size: 3, padding: same, activation: relu}
    - max_pooling2d: 2
    - conv2d: {filters: 8, kernel_size: 3, padding: same, activation: relu, name: code}
    - up_sampling2d: 2
    - conv2d_transpose: {filters: 8, kernel_size: 3, padding: same, activation: relu}
optimizer: {type: adam, learning_rate: 0.005}
training: {epochs: 20, batch_size: 32}
"""


def test_a_dense_autoencoder_rebuilds_its_inputs_and_predicts_them(shell, tmp_path: Path) -> None:
    (tmp_path / "dense.yaml").write_text(DENSE)
    done = shell("train", "dense.yaml", "--output", "runs", "--json").ok()
    run = tmp_path / done.json()["run_dir"]
    test = json.loads((run / "metrics.json").read_text())["test"]
    assert set(test) == {"mse", "rmse", "mae", "r2", "loss"}
    assert test["mse"] == pytest.approx(test["loss"], rel=1e-4)  # mse is the loss here
    assert test["r2"] >= 0.5 and test["mse"] == pytest.approx(test["rmse"] ** 2)
    assert not (run / "reconstructions.png").exists()  # vectors, not images
    from sklearn.datasets import load_digits

    digits = load_digits()
    lines = [",".join(map(str, row)) for row in [digits.feature_names, *digits.data[:3]]]
    (tmp_path / "three.csv").write_text("\n".join(lines) + "\n")
    scored, predicted = shell.together(["evaluate", run, "--json"], ["predict", run, "three.csv"])
    recorded = json.loads((run / "metrics.json").read_text())
    assert scored.ok().json()["metrics"] == pytest.approx(recorded["test"], rel=1e-6)
    header, *values = list(csv.reader(io.StringIO(predicted.ok().stdout)))
    assert len(header) == 64 and len(values) == 3  # a pixel each, scaled as the model sees it
    rebuilt = np.array(values, dtype=float)
    scaled = digits.data[:3] / 16.0  # minmax over the digits' range 0..16
    assert np.sqrt(np.mean((rebuilt - scaled) ** 2)) < 0.25


def test_a_denoising_image_autoencoder_draws_its_reconstructions(shell, tmp_path: Path) -> None:
    from sklearn.datasets import load_digits

    images = (load_digits().images[..., None] / 16.0).astype("float32")
    np.savez(tmp_path / "images.npz", x=images)  # no y: the inputs are the targets
    (tmp_path / "denoising.yaml").write_text(DENOISING)
    done = shell("train", "denoising.yaml", "--output", "runs", "--json").ok()
    run = tmp_path / done.json()["run_dir"]
    assert done.json()["test"]["r2"] >= 0.6
    assert (run / "reconstructions.png").read_bytes().startswith(b"\x89PNG")
    # Given noisy images, it gives back images nearer the clean ones than the noisy ones are.
    clean = images[:50]
    noisy = clean + np.random.default_rng(3).normal(0, 0.2, clean.shape).astype("float32")
    np.savez(tmp_path / "noisy.npz", x=noisy)
    printed = shell("predict", run, "noisy.npz").ok().stdout
    rebuilt = np.array(list(csv.reader(io.StringIO(printed)))[1:], dtype=float)
    assert rebuilt.shape == (50, 64)
    given = np.mean((noisy - clean) ** 2)
    assert np.mean((rebuilt - clean.reshape(50, 64)) ** 2) < 0.75 * given
