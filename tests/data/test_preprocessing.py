"""Preprocessing: fitted on training examples only (no leakage), saved as JSON, reloaded."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlspec.data.preprocessing import Preprocessor


def _table(rows: int = 40) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.normal([1.0, -5.0, 100.0], [1.0, 3.0, 20.0], (rows, 3)).astype(np.float32)


def test_standard_scaling_uses_training_rows_only(case):
    """The no-leakage test for scaling: statistics come from the training rows alone."""
    x = _table()
    x[30:] += 50  # held-out rows from elsewhere: their statistics must not leak in
    train, test = x[:30], x[30:]
    spec = case("source: sklearn:iris\nscale: standard").spec
    scaler = Preprocessor.for_spec(spec).fit(train)
    np.testing.assert_allclose(scaler.offset, train.astype(np.float64).mean(axis=0))
    np.testing.assert_allclose(scaler.divisor, train.astype(np.float64).std(axis=0))
    assert not np.allclose(scaler.offset, x.mean(axis=0))
    scaled = scaler.transform(test)
    expected = (test - train.mean(axis=0)) / train.std(axis=0)
    np.testing.assert_allclose(scaled, expected, rtol=1e-5, atol=1e-5)
    assert scaled.mean() > 5  # test rows are far from the training mean, as they truly are
    np.testing.assert_allclose(scaler.transform(train).mean(axis=0), 0, atol=1e-5)


def test_minmax_maps_the_training_range_to_0_1(case):
    x = _table()
    scaler = Preprocessor.for_spec(case("source: sklearn:iris\nscale: minmax").spec).fit(x[:20])
    scaled = scaler.transform(x[:20])
    np.testing.assert_allclose(scaled.min(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(scaled.max(axis=0), 1, atol=1e-6)


def test_window_statistics_are_per_feature_over_all_training_steps(case):
    windows = _table(60).reshape(10, 6, 3)
    spec = case("source: synthetic:sine\nscale: standard\nwindow: {length: 6}", "regression").spec
    scaler = Preprocessor.for_spec(spec).fit(windows[:8])
    assert scaler.offset.shape == (3,)
    np.testing.assert_allclose(scaler.offset, windows[:8].reshape(-1, 3).mean(axis=0), rtol=1e-6)
    assert scaler.transform(windows).shape == (10, 6, 3)


def test_no_scaling_is_identity_and_a_constant_feature_stays_finite(case):
    x = _table()
    x[:, 1] = 7.0
    np.testing.assert_array_equal(
        Preprocessor.for_spec(case("source: sklearn:iris").spec).fit(x).transform(x), x
    )
    scaled = Preprocessor.for_spec(case("source: sklearn:iris\nscale: standard").spec).fit(x)
    assert np.all(np.isfinite(scaled.transform(x))) and np.all(scaled.transform(x)[:, 1] == 0)


def test_the_spec_picks_the_kind(case, tmp_path):
    (tmp_path / "t.csv").write_text("text,label\na,x\n")
    assert Preprocessor.for_spec(case("source: text:t.csv").spec).kind == "text"
    assert Preprocessor.for_spec(case("source: keras:imdb", "binary").spec).kind == "tokens"
    scaler = Preprocessor.for_spec(case("source: csv:t.csv\nscale: minmax").spec)
    assert (scaler.kind, scaler.scale) == ("scale", "minmax")


def test_transform_before_fit_is_a_bug(case):
    scaler = Preprocessor.for_spec(case("source: sklearn:iris\nscale: standard").spec)
    with pytest.raises(RuntimeError):
        scaler.transform(_table())


@pytest.mark.parametrize("scale", ["none", "standard", "minmax"])
def test_save_and_load_give_identical_transforms(case, tmp_path, scale):
    x = _table()
    scaler = Preprocessor.for_spec(case(f"source: sklearn:iris\nscale: {scale}").spec).fit(x)
    scaler.save(tmp_path / "run")
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["preprocessing.json"]
    json.loads((tmp_path / "run" / "preprocessing.json").read_text())  # plain JSON
    again = Preprocessor.load(tmp_path / "run")
    np.testing.assert_array_equal(again.transform(x), scaler.transform(x))


def test_named_inputs_are_scaled_each_on_its_own_training_rows_and_ids_pass(case, tmp_path):
    model = "{inputs: {ids: {shape: [4], dtype: int32}, meta: [3]}, layers: []}"
    spec = case("source: npz:d.npz\nscale: standard", model=model).spec
    ids = np.random.default_rng(1).integers(0, 50, (40, 4)).astype(np.int32)
    x = {"ids": ids, "meta": _table()}
    scaler = Preprocessor.for_spec(spec).fit({name: a[:30] for name, a in x.items()})
    assert scaler.kind == "inputs" and scaler.parts is not None
    assert (scaler.parts["ids"].kind, scaler.parts["meta"].scale) == ("tokens", "standard")
    out = scaler.transform(x)
    np.testing.assert_array_equal(out["ids"], ids)  # token ids are never scaled
    expected = (x["meta"] - x["meta"][:30].mean(axis=0)) / x["meta"][:30].std(axis=0)
    np.testing.assert_allclose(out["meta"], expected, rtol=1e-5, atol=1e-5)
    scaler.save(tmp_path / "run")
    again = Preprocessor.load(tmp_path / "run").transform(x)
    assert sorted(again) == ["ids", "meta"]
    np.testing.assert_array_equal(again["meta"], out["meta"])
    with pytest.raises(ValueError, match="dict of arrays"):
        scaler.transform(x["meta"])


@pytest.mark.keras
def test_text_vectorisation_learns_words_from_training_rows_only(case, tmp_path):
    """The no-leakage test for text: a word seen only in held-out rows is out of vocabulary."""
    (tmp_path / "t.csv").write_text("text,label\na,x\n")
    spec = case("source: text:t.csv\nsequence_length: 4\nmax_tokens: 20").spec
    train = np.array(["the cat sat", "the dog ran", "a cat ran"], dtype=object)
    held_out = np.array(["the zebra sat"], dtype=object)
    vectorizer = Preprocessor.for_spec(spec).fit(train)
    assert "zebra" not in vectorizer.vocabulary
    ids = vectorizer.transform(held_out)
    assert ids.dtype == np.int32 and ids.shape == (1, 4)
    assert ids[0, 1] == 1  # the OOV id
    assert ids[0, 0] == vectorizer.vocabulary.index("the") and ids[0, 3] == 0  # padding
    vectorizer.save(tmp_path / "run")
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == [
        "preprocessing.json",
        "vocabulary.txt",
    ]
    again = Preprocessor.load(tmp_path / "run")
    assert again.vocabulary == vectorizer.vocabulary
    both = np.concatenate([train, held_out])
    np.testing.assert_array_equal(again.transform(both), vectorizer.transform(both))


def test_a_corpus_vocabulary_is_saved_for_decoding(case, tmp_path):
    (tmp_path / "story.txt").write_text("One fish, two fish. Red fish, blue fish! " * 4)
    loaded = case("source: text:story.txt\nsequence_length: 5", "next_token")
    data = loaded.load()
    tokens = Preprocessor.for_spec(loaded.spec, data).fit(data.x)
    np.testing.assert_array_equal(tokens.transform(data.x), data.x)
    tokens.save(tmp_path / "run")
    again = Preprocessor.load(tmp_path / "run")
    assert again.vocabulary == data.tokens
    assert again.decode(data.x[0]) == ["<s>", "one", "fish", ",", "two"]
    np.testing.assert_array_equal(
        again.encode("Red fish, green fish"), again.encode("red fish , x fish")
    )
