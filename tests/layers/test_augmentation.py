"""The image augmentation kinds: random_flip, random_rotation, random_zoom, random_translation."""

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem

parse = TypeAdapter(LayerItem).validate_python

ITEMS = [
    {"random_flip": "horizontal"},
    {"random_rotation": 0.25},
    {"random_zoom": {"height_factor": [-0.3, -0.2], "seed": 4}},
    {"random_translation": {"height_factor": 0.2, "width_factor": [0.1, 0.3]}},
]


def test_parses_every_form():
    assert parse("random_flip").mode == "horizontal_and_vertical"
    assert parse({"random_rotation": 0.1}).factor == 0.1
    assert parse({"random_zoom": [-0.2, 0.1]}).height_factor == [-0.2, 0.1]


@pytest.mark.parametrize(
    "item",
    [{"random_flip": "diagonal"}, {"random_rotation": 1.5}, {"random_zoom": [0.1]},
     {"random_translation": 0.1}, {"random_rotation": {"factor": 0.1, "fill_mode": "mirror"}}],
)  # fmt: skip
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize("item", ITEMS)
def test_an_image_keeps_its_shape_and_nothing_else_is_taken(item):
    spec = parse(item)
    assert spec.output_shape((32, 24, 3)) == (32, 24, 3) and spec.params((32, 24, 3)) == Params()
    with pytest.raises(ShapeError, match="needs a rank-3 input"):
        spec.output_shape((32, 3))


@pytest.mark.keras
@pytest.mark.parametrize("item", ITEMS)
def test_matches_keras_and_changes_images_only_in_training(keras_run, item):
    spec = parse(item)
    shape = (12, 10, 1)
    assert keras_run(spec, shape) == (shape, Params())
    layer = spec.build("augment")
    images = np.random.default_rng(0).random((32, *shape)).astype("float32")  # 32 coin flips
    np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images)
    assert not np.allclose(np.asarray(layer(images, training=True)), images)
