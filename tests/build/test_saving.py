"""build.saving: the table of dlspec's Keras classes, and each class's config round trip."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

pytestmark = pytest.mark.keras


def defined_keras_classes() -> set[type]:
    """Every Keras layer or metric class defined in a module of ``dlspec.build``."""
    import keras

    import dlspec.build

    found = set()
    for info in pkgutil.walk_packages(dlspec.build.__path__, "dlspec.build."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            keras_kind = issubclass(cls, keras.layers.Layer | keras.metrics.Metric)
            if keras_kind and cls.__module__ == module.__name__:
                found.add(cls)
    return found


def test_every_keras_class_dlspec_defines_is_in_the_loading_table() -> None:
    from dlspec.build import saving
    from dlspec.train import archive

    assert defined_keras_classes() == set(saving.CLASSES)
    assert sorted(saving.custom_objects()) == sorted(f"dlspec>{c.__name__}" for c in saving.CLASSES)
    # The light-side check of model files (no Keras there) knows the same names.
    assert set(saving.custom_objects()) == archive.DLSPEC_CLASSES


def instances() -> list:
    import keras

    from dlspec.build import blocks
    from dlspec.build.metrics import Perplexity

    return [
        blocks.PositionalEncoding(mode="learned", max_length=16, name="positions"),
        blocks.SelfAttention(
            num_heads=3, key_dim=5, value_dim=7, dropout=0.2, use_bias=False, causal=True
        ),
        blocks.TransformerBlock(
            num_heads=2, ff_dim=9, key_dim=4, dropout=0.3, causal=True, epsilon=1e-5
        ),
        blocks.Residual(
            [keras.layers.Dense(4), blocks.Residual([keras.layers.Dense(4)], activation="tanh")],
            projection=False,
            activation="relu",
        ),
        Perplexity(name="ppl", from_logits=True),
    ]


@pytest.mark.parametrize("index", range(5))
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
