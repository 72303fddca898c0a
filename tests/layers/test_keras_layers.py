import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import dlspec

pytestmark = pytest.mark.keras

ROOT = Path(dlspec.__file__).resolve().parent.parent


def keras_classes() -> SimpleNamespace:
    """The Keras classes of the kinds that define their own, by name (Keras made on first use)."""
    from dlspec.compiler import saving

    return SimpleNamespace(**{cls.__name__: cls for cls in saving.classes()})


def small_model():
    """A model holding each of dlspec's custom layers (Keras's current backend)."""
    import keras

    blocks = keras_classes()

    keras.utils.set_random_seed(0)
    inputs = keras.Input((12, 8))
    x = blocks.PositionalEncoding(mode="sinusoidal", name="sinusoidal")(inputs)
    x = blocks.PositionalEncoding(mode="learned", max_length=16, name="learned")(x)
    x = blocks.SelfAttention(num_heads=2, causal=True, name="attention")(x)
    x = blocks.TransformerBlock(num_heads=2, ff_dim=16, dropout=0.1, name="block")(x)
    x = blocks.Residual(
        [keras.layers.Dense(12, activation="relu"), keras.layers.Dense(12)],
        activation="relu",
        name="dense_residual",
    )(x)
    x = blocks.Residual(
        [keras.layers.Conv1D(16, 3, strides=2, padding="same")], name="conv_residual"
    )(x)
    x = blocks.Residual([keras.layers.Dense(16)], name="identity_residual")(x)
    outputs = keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(x))
    return keras.Model(inputs, outputs)


def test_saved_model_loads_with_safe_mode_and_predicts_the_same(tmp_path):
    import keras

    from dlspec.compiler import saving

    blocks = keras_classes()

    model = small_model()
    x = np.random.default_rng(0).normal(size=(4, 12, 8)).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = saving.load(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert loaded.count_params() == model.count_params()
    residual = loaded.get_layer("conv_residual")
    assert isinstance(residual, blocks.Residual)
    assert isinstance(residual.shortcut, keras.layers.Conv1D)
    assert residual.shortcut.strides == (2,)
    assert loaded.get_layer("identity_residual").shortcut is None


def test_attention_ignores_padding_behind_an_embedding_mask():
    import keras

    blocks = keras_classes()

    keras.utils.set_random_seed(0)
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(20, 8, mask_zero=True)(inputs)
    x = blocks.SelfAttention(num_heads=2, name="attention")(x)
    x = blocks.TransformerBlock(num_heads=2, ff_dim=8, name="block")(x)
    model = keras.Model(inputs, x)
    padded = model.predict(np.array([[3, 4, 5, 0, 0, 0]]), verbose=0)
    unpadded = model.predict(np.array([[3, 4, 5]]), verbose=0)
    np.testing.assert_allclose(padded[:, :3], unpadded, atol=1e-5)


def test_layers_reject_inputs_they_cannot_take():
    import keras

    blocks = keras_classes()

    with pytest.raises(ValueError, match="mode"):
        blocks.PositionalEncoding(mode="rotary")
    with pytest.raises(ValueError, match="max_length"):
        blocks.PositionalEncoding(mode="learned", max_length=5)(keras.Input((10, 4)))
    with pytest.raises(ValueError, match="max_length"):
        blocks.PositionalEncoding(mode="learned")(keras.Input((None, 4)))
    with pytest.raises(ValueError, match="divide"):
        blocks.SelfAttention(num_heads=3)(keras.Input((5, 10)))
    with pytest.raises(ValueError, match="projection is off"):
        blocks.Residual([keras.layers.Dense(4)], projection=False)(keras.Input((8,)))
    with pytest.raises(ValueError, match="no 1x1 projection"):
        blocks.Residual([keras.layers.Flatten()])(keras.Input((4, 4, 2)))


JAX_SCRIPT = """
import json, sys
import numpy as np
sys.path.insert(0, {tests!r})
import keras
from test_keras_layers import small_model
model = small_model()
model.compile(optimizer="adam", loss="mse")
x = np.random.default_rng(0).normal(size=(8, 12, 8)).astype("float32")
history = model.fit(x, np.zeros((8, 1)), epochs=1, batch_size=4, verbose=0)
print(json.dumps({{"backend": keras.backend.backend(), "params": model.count_params(),
                  "loss": float(history.history["loss"][0])}}))
"""


def test_trains_on_the_jax_backend():
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(ROOT), "JAX_PLATFORMS": "cpu"}
    script = JAX_SCRIPT.format(tests=str(Path(__file__).parent))
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["backend"] == "jax"
    assert np.isfinite(report["loss"])
    assert report["params"] == small_model().count_params()


def test_residual_passes_the_padding_mask_to_its_body() -> None:
    import keras
    import numpy as np

    Residual = keras_classes().Residual  # noqa: N806 - a class

    ids = keras.Input((6,), dtype="int32")
    embedding = keras.layers.Embedding(20, 4, mask_zero=True)
    lstm = keras.layers.LSTM(4, return_sequences=True)
    model = keras.Model(ids, Residual([lstm])(embedding(ids)))
    batch = np.array([[5, 7, 3, 0, 0, 0], [2, 9, 4, 8, 1, 0]], dtype="int32")
    # Plain arrays carry no Keras mask, so each call below sees exactly the mask it is given.
    vectors = keras.ops.convert_to_numpy(embedding(batch))
    # A masked LSTM carries its state over padded steps; an unmasked one reads the padding.
    expected = lstm(vectors, mask=batch != 0) + vectors
    unmasked = lstm(vectors) + vectors
    got = model.predict(batch, verbose=0)
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(expected), atol=1e-5)
    assert not np.allclose(got, keras.ops.convert_to_numpy(unmasked), atol=1e-5)


def test_residual_output_keeps_the_padding_mask() -> None:
    import keras
    import numpy as np

    Residual = keras_classes().Residual  # noqa: N806 - a class

    ids = keras.Input((5,), dtype="int32")
    embedding = keras.layers.Embedding(20, 3, mask_zero=True)
    dense = keras.layers.Dense(3)
    pooled = keras.layers.GlobalAveragePooling1D()(Residual([dense])(embedding(ids)))
    model = keras.Model(ids, pooled)
    batch = np.array([[4, 6, 0, 0, 0]], dtype="int32")
    vectors = keras.ops.convert_to_numpy(embedding(batch))
    steps = keras.ops.convert_to_numpy(dense(vectors)) + vectors
    # The average runs over the two real steps only, as after the embedding itself.
    np.testing.assert_allclose(
        model.predict(batch, verbose=0), steps[:, :2].mean(axis=1), atol=1e-6
    )


def test_a_strided_residual_drops_the_mask_it_no_longer_fits() -> None:
    import keras
    import numpy as np

    Residual = keras_classes().Residual  # noqa: N806 - a class

    ids = keras.Input((6,), dtype="int32")
    vectors = keras.layers.Embedding(20, 4, mask_zero=True)(ids)
    shrunk = Residual([keras.layers.Conv1D(8, 3, strides=2, padding="same")])(vectors)
    model = keras.Model(ids, keras.layers.GlobalAveragePooling1D()(shrunk))
    batch = np.array([[4, 6, 9, 0, 0, 0]], dtype="int32")
    assert model.predict(batch, verbose=0).shape == (1, 8)  # a 6-step mask on 3 steps would fail


def test_a_model_saved_when_the_classes_lived_in_build_blocks_still_loads(tmp_path):
    # Runs saved before the move name the module dlspec.build.blocks; Keras finds each class by its
    # registered name (dlspec>Residual), which stayed.
    import zipfile

    from dlspec.compiler import saving

    model = small_model()
    path, old = tmp_path / "model.keras", tmp_path / "old.keras"
    model.save(path)
    with zipfile.ZipFile(path) as new, zipfile.ZipFile(old, "w") as rewritten:
        for item in new.infolist():
            data = new.read(item.filename)
            if item.filename == "config.json":
                assert b'"module": "dlspec.layers.' in data
                data = data.replace(b'"module": "dlspec.layers.residual"', b'"module": "x"')
                for kind in (b"positional_encoding", b"multi_head_attention", b"transformer_block"):
                    data = data.replace(
                        b'"module": "dlspec.layers.' + kind + b'"', b'"module": "x"'
                    )
                data = data.replace(b'"module": "x"', b'"module": "dlspec.build.blocks"')
            rewritten.writestr(item, data)
    x = np.random.default_rng(0).normal(size=(2, 12, 8)).astype("float32")
    np.testing.assert_array_equal(
        model.predict(x, verbose=0), saving.load(old).predict(x, verbose=0)
    )
