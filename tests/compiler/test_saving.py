"""compiler.saving: the table of dlspec's Keras classes, and each class's config round trip."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

pytestmark = pytest.mark.keras


def defined_keras_classes() -> set[type]:
    """Every Keras class dlspec defines: in ``dlspec.compiler``, and the kinds' own layers.

    A kind defines its Keras layer's methods in a class with a ``KERAS_NAME``, which
    ``keras_class`` makes into the Keras class.
    """
    import keras

    import dlspec.compiler
    import dlspec.layers
    from dlspec.layers.layer import keras_class

    found = set()
    for package in (dlspec.compiler, dlspec.layers):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ != module.__name__:
                    continue
                if hasattr(cls, "KERAS_NAME"):
                    found.add(keras_class(cls))
                elif issubclass(cls, keras.layers.Layer | keras.metrics.Metric | keras.losses.Loss):
                    found.add(cls)
    return found


def test_every_keras_class_dlspec_defines_is_in_the_loading_table() -> None:
    from dlspec.compiler import saving
    from dlspec.train import archive

    assert defined_keras_classes() == set(saving.classes())
    named = sorted(f"dlspec>{c.__name__}" for c in saving.classes())
    assert sorted(saving.custom_objects()) == named
    # The light-side check of model files (no Keras there) knows the same names.
    assert set(saving.custom_objects()) == archive.DLSPEC_CLASSES


def instances() -> list:
    import keras

    from dlspec.compiler import saving

    (
        PositionalEncoding, SelfAttention, TransformerBlock, Residual, CrossAttention,
        TransformerDecoderBlock, Perplexity, RMSE, TokenAccuracy, ExactMatch,
    ) = saving.classes()  # noqa: N806  # fmt: skip
    return [
        PositionalEncoding(mode="learned", max_length=16, name="positions"),
        SelfAttention(
            num_heads=3, key_dim=5, value_dim=7, dropout=0.2, use_bias=False, causal=True
        ),
        TransformerBlock(num_heads=2, ff_dim=9, key_dim=4, dropout=0.3, causal=True, epsilon=1e-5),
        Residual(
            [keras.layers.Dense(4), Residual([keras.layers.Dense(4)], activation="tanh")],
            projection=False,
            activation="relu",
        ),
        CrossAttention(num_heads=3, key_dim=4, value_dim=6, dropout=0.1, use_bias=False),
        TransformerDecoderBlock(num_heads=2, ff_dim=7, key_dim=3, dropout=0.2, epsilon=1e-4),
        Perplexity(name="ppl", from_logits=True, ignore_class=0),
        RMSE(name="root", reduction="sum"),
        TokenAccuracy(name="tokens", ignore_class=5),
        ExactMatch(name="whole", ignore_class=5),
    ]


@pytest.mark.parametrize("index", range(10))
def test_a_class_saves_and_reloads_every_constructor_argument(index: int) -> None:
    layer = instances()[index]
    cls = type(layer)
    config = layer.get_config()
    arguments = {
        name
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if name != "self" and parameter.kind is not parameter.VAR_KEYWORD
    }
    assert arguments <= set(config), f"{cls.__name__} does not save {arguments - set(config)}"
    assert cls.from_config(config).get_config() == config
