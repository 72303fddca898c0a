"""images: sources: one folder per class, resized, scaled to [0, 1], in a colour mode."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.keras


@pytest.fixture
def folder(tmp_path):
    """pets/{cat,dog}: three 10x12 PNGs each; cats dark, dogs bright."""
    for name, value in (("dog", 250), ("cat", 10)):
        (tmp_path / "pets" / name).mkdir(parents=True)
        for i in range(3):
            pixels = np.full((10, 12, 3), value, np.uint8)
            pixels[0, 0] = (i, 0, 0)
            Image.fromarray(pixels).save(tmp_path / "pets" / name / f"{i}.png")
    (tmp_path / "pets" / "dog" / "notes.txt").write_text("not an image")
    return tmp_path / "pets"


def test_images_load_per_class_folder_resized_and_scaled(case, folder):
    loaded = case("source: images:pets\nimage_size: [8, 6]")
    data, info = loaded.load(), loaded.describe()
    assert data.x.shape == (6, 8, 6, 3) and data.x.shape[1:] == info.shape
    assert data.x.dtype == np.float32 and 0 <= data.x.min() and data.x.max() <= 1
    assert data.class_names == ["cat", "dog"] and info.classes == 2
    np.testing.assert_array_equal(data.y, [0, 0, 0, 1, 1, 1])
    assert data.x[data.y == 0].mean() < 0.1 < 0.9 < data.x[data.y == 1].mean()


def test_grayscale_has_one_channel(case, folder):
    loaded = case("source: images:pets\nimage_size: [5, 5]\ncolor_mode: grayscale")
    data = loaded.load()
    assert data.x.shape == (6, 5, 5, 1) == (6, *loaded.describe().shape)


def test_a_folder_without_class_folders_is_an_error(case, tmp_path):
    (tmp_path / "flat").mkdir()
    [error] = case("source: images:flat").errors()
    assert error.code == "DLS401" and "class sub-folders" in error.message


def test_a_broken_image_is_named(case, folder):
    (folder / "cat" / "broken.png").write_text("not a png")
    [error] = case("source: images:pets").errors()
    assert error.code == "DLS401" and "broken.png" in error.message


def test_read_inputs_takes_class_folders_or_single_images(case, folder):
    from dlspec.sources import read_inputs

    loaded = case("source: images:pets\nimage_size: [8, 6]")
    x, y = read_inputs(loaded.spec, loaded.file, folder)
    np.testing.assert_array_equal(x, loaded.load().x)
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 1, 1])
    x, y = read_inputs(loaded.spec, loaded.file, folder / "dog" / "1.png")
    assert x.shape == (1, 8, 6, 3) and y is None


def test_an_empty_class_folder_is_named_not_a_class_without_examples(case, folder):
    (folder / "bird").mkdir()
    (folder / "bird" / "readme.txt").write_text("pictures to come")
    [error] = case("source: images:pets").errors()
    assert error.code == "DLS401" and "pets/bird'" in error.message
    assert "no images" in error.message
    assert "remove the folder" in error.hint


def test_a_decompression_bomb_is_refused_with_a_hint(case, folder):
    # 20000x20000 pixels (400 million), past twice Pillow's limit: refused before decoding.
    Image.new("1", (20000, 20000)).save(folder / "cat" / "huge.png")
    [error] = case("source: images:pets\nimage_size: [8, 6]").errors()
    assert error.code == "DLS401" and "huge.png" in error.message
    assert "too large" in error.message and "8x6" in error.hint
