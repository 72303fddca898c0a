"""keras: sources: offline, a clear DLS402 naming the cache file and URL; array preparation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dlspec.data import keras_sets
from dlspec.spec.sections import DataSpec

pytestmark = pytest.mark.keras


def test_offline_and_uncached_the_error_names_the_cache_file_and_the_url(tmp_path):
    """A fresh KERAS_HOME has nothing cached; proxies to a closed port keep the network out."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("data: {source: 'keras:mnist'}\ntask: multiclass\nmodel: {layers: []}\n")
    script = textwrap.dedent(
        f"""
        import json
        from dlspec import spec as specs
        from dlspec.sources import load
        from dlspec.diagnostics import SpecError
        spec, source_map = specs.load({str(spec)!r})
        try:
            load(spec, {str(spec)!r}, source_map=source_map)
        except SpecError as error:
            print(error.diagnostics[0].to_json())
        """
    )
    closed = "http://127.0.0.1:9"
    env = os.environ | {
        "KERAS_HOME": str(tmp_path / "keras"),
        **{k: closed for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")},
        "no_proxy": "",
        "NO_PROXY": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["code"] == "DLS402" and (found["line"], found["col"]) == (1, 16)
    assert str(tmp_path / "keras" / "datasets" / "mnist.npz") in found["message"]
    assert (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
        in (found["message"])
    )
    assert "KERAS_HOME" in found["hint"]


def test_the_cache_follows_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert keras_sets.cache_path("imdb") == tmp_path / "datasets" / "imdb.npz"


def test_images_get_a_channel_axis_and_0_1_floats():
    raw = np.array([[[0, 255], [51, 102]]], np.uint8)
    x = keras_sets.prepare(DataSpec(source="keras:mnist"), raw, tokens=False)
    assert x.shape == (1, 2, 2, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x[0, :, :, 0], [[0, 1], [0.2, 0.4]])


def test_reviews_are_padded_to_the_sequence_length():
    raw = np.array([[1, 2, 3], [4]], dtype=object)
    x = keras_sets.prepare(DataSpec(source="keras:imdb", sequence_length=2), raw, tokens=True)
    assert x.dtype == np.int32
    np.testing.assert_array_equal(x, [[2, 3], [0, 4]])


@pytest.mark.parametrize(
    ("name", "classes"),
    [("mnist", 10), ("fashion_mnist", 10), ("cifar10", 10), ("imdb", 2), ("reuters", 46)],
)
def test_class_names_match_the_static_facts(case, name, classes):
    info = case(f"source: keras:{name}").describe()
    assert len(keras_sets.class_names(name)) == classes == info.classes
