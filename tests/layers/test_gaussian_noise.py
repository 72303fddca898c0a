import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params
from dlspec.layers import LayerItem
from dlspec.layers.gaussian_noise import GaussianNoiseSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    assert parse({"gaussian_noise": 0.1}) == GaussianNoiseSpec(kind="gaussian_noise", stddev=0.1)
    assert parse({"gaussian_noise": {"stddev": 2, "seed": 3}}).seed == 3


@pytest.mark.parametrize(
    "item",
    ["gaussian_noise", {"gaussian_noise": 0}, {"gaussian_noise": -1.0}, {"gaussian_noise": "x"}],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize("shape", [(10,), (None, 4), (28, 28, 3)])
def test_keeps_the_shape_and_has_no_params(shape):
    spec = parse({"gaussian_noise": 0.5})
    assert spec.output_shape(shape) == shape
    assert spec.params(shape) == Params()


@pytest.mark.keras
@pytest.mark.parametrize("shape", [(10,), (None, 4), (7, 7, 3)])
def test_matches_keras(keras_run, shape):
    spec = parse({"gaussian_noise": {"stddev": 0.3, "seed": 1}})
    assert keras_run(spec, shape) == (shape, Params())


@pytest.mark.keras
def test_adds_noise_of_that_spread_while_training_only():
    layer = parse({"gaussian_noise": {"stddev": 0.5, "seed": 7}}).build("noise")
    x = np.zeros((4000, 8), dtype="float32")
    noisy = np.asarray(layer(x, training=True))
    assert np.std(noisy) == pytest.approx(0.5, rel=0.05)
    assert np.array_equal(np.asarray(layer(x, training=False)), x)
