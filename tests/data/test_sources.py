"""Built-in sources (sklearn, synthetic): shapes, dtypes, classes, seeds, the TF-free fence."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dlspec.sources import SOURCES

SKLEARN = SOURCES["sklearn"].datasets
TABLES = ("moons", "circles", "xor", "spiral", "blobs")


@pytest.mark.parametrize("name", SKLEARN)
def test_sklearn_sets_agree_with_the_static_facts(case, name):
    task = "regression" if name == "diabetes" else "multiclass"
    loaded = case(f"source: sklearn:{name}", task)
    data, info = loaded.load(), loaded.describe()
    assert data.x.dtype == np.float32
    assert data.x.shape[1:] == info.shape
    assert len(data.x) == len(data.y) == info.examples
    assert data.feature_names is not None and len(data.feature_names) == info.shape[0]
    assert data.x_test is None and data.y_test is None and not data.series
    if name == "diabetes":
        assert data.y.dtype == np.float32 and data.class_names is None
    else:
        assert data.y.dtype == np.int64
        assert len(data.class_names) == info.classes == len(np.unique(data.y))


@pytest.mark.parametrize("name", TABLES)
def test_synthetic_sets_agree_with_the_static_facts(case, name):
    loaded = case(f"source: synthetic:{name}\nsamples: 120")
    data, info = loaded.load(), loaded.describe()
    assert data.x.dtype == np.float32 and data.y.dtype == np.int64
    assert data.x.shape == (120, *info.shape)
    assert len(data.class_names) == info.classes == len(np.unique(data.y))
    assert data.feature_names == ["x1", "x2"]


@pytest.mark.parametrize("name", ("spiral", "blobs"))
def test_classes_sets_the_number_of_arms_or_blobs(case, name):
    data = case(f"source: synthetic:{name}\nclasses: 5\nsamples: 103").load()
    assert sorted(np.unique(data.y)) == [0, 1, 2, 3, 4]
    assert len(data.x) == 103 and len(data.class_names) == 5


def test_xor_labels_are_the_sign_of_the_product(case):
    data = case("source: synthetic:xor\nnoise: 0.0").load()
    assert np.all(np.abs(data.x) <= 1)
    np.testing.assert_array_equal(data.y, (data.x[:, 0] * data.x[:, 1] > 0).astype(np.int64))


@pytest.mark.parametrize("name", (*TABLES, "sine"))
def test_a_seed_reproduces_a_synthetic_set_and_another_seed_changes_it(case, name):
    window = "\nwindow: {length: 5}" if name == "sine" else ""
    data = f"source: synthetic:{name}{window}"
    first = case(data, extra="seed: 1\n").load()
    again = case(data, extra="seed: 1\n").load()
    other = case(data, extra="seed: 2\n").load()
    np.testing.assert_array_equal(first.x, again.x)
    np.testing.assert_array_equal(first.y, again.y)
    assert first.fingerprint == again.fingerprint
    assert not np.array_equal(first.x, other.x)
    assert first.fingerprint != other.fingerprint


def test_noise_changes_the_spread(case):
    calm = case("source: synthetic:moons\nnoise: 0.0").load()
    noisy = case("source: synthetic:moons\nnoise: 0.5").load()
    assert calm.x.std() < noisy.x.std()


def test_sine_is_a_windowed_series(case):
    loaded = case("source: synthetic:sine\nsamples: 200\nnoise: 0.0\nwindow: {length: 12}")
    data, info = loaded.load(), loaded.describe()
    assert data.series and data.x.shape == (info.examples, *info.shape) == (188, 12, 1)
    steps = np.sin(0.1 * np.arange(200, dtype=np.float32))
    np.testing.assert_allclose(data.x[0, :, 0], steps[:12], atol=1e-6)
    np.testing.assert_allclose(data.y[:3], steps[12:15], atol=1e-6)


def test_sine_without_a_window_says_to_add_one(case):
    loaded = case("source: synthetic:sine", "regression")
    [error] = loaded.errors()
    assert error.code == "DLS401" and "window" in error.message
    assert "window:" in error.hint
    assert error.span.file == str(loaded.file) and error.span.line == loaded.line_of("source")


def test_a_spec_without_data_cannot_load(tmp_path):
    from dlspec import spec as specs
    from dlspec.diagnostics import SpecError
    from dlspec.sources import load

    file = tmp_path / "spec.yaml"
    file.write_text("task: binary\nmodel: {input: [2]}\n")
    spec, source_map = specs.load(file)
    with pytest.raises(SpecError) as raised:
        load(spec, file, source_map=source_map)
    assert raised.value.diagnostics[0].code == "DLS401"


def test_in_memory_sources_do_not_import_tensorflow_or_keras(tmp_path):
    np.savez(tmp_path / "d.npz", x=np.zeros((4, 2)), y=np.array([0, 1, 0, 1]))
    (tmp_path / "d.csv").write_text("a,b,y\n1,2,0\n3,4,1\n5,6,0\n")
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from dlspec import spec as specs
        from dlspec.data.preprocessing import Preprocessor
        from dlspec.sources import load, read_inputs
        root = Path({str(tmp_path)!r})
        for source in ("sklearn:iris", "synthetic:moons", "csv:d.csv", "npz:d.npz"):
            file = root / "spec.yaml"
            file.write_text(
                "data: {{source: '" + source + "', scale: standard}}\\n"
                "task: binary\\nmodel: {{layers: []}}\\n"
            )
            spec, source_map = specs.load(file)
            data = load(spec, file, source_map=source_map)
            Preprocessor.for_spec(spec, data).fit(data.x).transform(data.x)
        read_inputs(spec, file, root / "d.npz")
        print(sorted(m for m in ("tensorflow", "keras") if m in sys.modules))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
