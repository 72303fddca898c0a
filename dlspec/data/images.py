"""``images:DIR`` sources: one sub-folder per class, loaded with Keras's image utilities.

Images are resized to ``data.image_size`` (default 64x64), read as ``data.color_mode`` and
scaled to [0, 1]; class names are the sorted folder names. Needs Keras (and its image backend).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dlspec.data.dataset import Dataset
from dlspec.data.problems import Problems

if TYPE_CHECKING:
    from dlspec.spec.sections import DataSpec

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def class_folders(root: Path) -> list[Path]:
    """The class sub-folders of ``root``, sorted by name (hidden folders left out)."""
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def image_files(folder: Path) -> list[Path]:
    """The image files directly in ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())


def read_images(files: list[Path], data: DataSpec, problems: Problems) -> np.ndarray:
    """Images as float32 ``(n, height, width, channels)`` in [0, 1].

    Raises:
        SpecError: DLS401 naming the first file that is not a readable image, or one so large
            that Pillow refuses it as a decompression bomb.
    """
    import keras
    from PIL import Image

    height, width = data.image_shape
    channels = 1 if data.color_mode == "grayscale" else 3
    out = np.empty((len(files), height, width, channels), np.float32)
    for i, file in enumerate(files):
        try:
            image = keras.utils.load_img(
                file, color_mode=data.color_mode, target_size=(height, width)
            )
        except OSError as error:  # PIL's UnidentifiedImageError is an OSError
            problems.fail("DLS401", f"cannot read image '{file}': {error}")
        except Image.DecompressionBombError as error:
            problems.fail(
                "DLS401",
                f"image '{file}' is too large to read safely: {error}",
                hint=f"shrink it: every image is resized to {height}x{width} anyway",
            )
        out[i] = keras.utils.img_to_array(image, data_format="channels_last") / 255.0
    return out


def load_images(data: DataSpec, root: Path, problems: Problems) -> Dataset:
    """Load an ``images:`` folder: every image of every class folder.

    Raises:
        SpecError: DLS401 when the folder is missing, has no class folders or a class folder
            has no images.
    """
    if not root.is_dir():
        problems.fail("DLS401", f"image folder '{root}' does not exist or is not a folder")
    folders = class_folders(root)
    if not folders:
        problems.fail(
            "DLS401",
            f"image folder '{root}' has no class sub-folders",
            hint="put each class's images in a sub-folder named after the class",
        )
    files, labels = [], []
    for class_id, folder in enumerate(folders):
        found = image_files(folder)
        if not found:
            problems.fail(
                "DLS401",
                f"class folder '{folder}' holds no images ({', '.join(EXTENSIONS)}), so its "
                "class would have no examples",
                hint="add its images, or remove the folder (or rename it to start with '.')",
            )
        files += found
        labels += [class_id] * len(found)
    x = read_images(files, data, problems)
    names = [folder.name for folder in folders]
    return Dataset.create(x, np.array(labels, np.int64), class_names=names)


def read_image_inputs(
    data: DataSpec, path: Path, class_names: list[str] | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """A predict input: one image, a folder of images, or a folder of class folders (labelled).

    Raises:
        SpecError: DLS401 when nothing there is an image, or a class folder is not a class of
            the training data.
    """
    problems = Problems(path, lines=True)
    if path.is_file():
        return read_images([path], data, problems), None
    folders = class_folders(path) if path.is_dir() else []
    if not folders:
        files = image_files(path) if path.is_dir() else []
        if not files:
            problems.fail("DLS401", f"'{path}' is neither an image nor a folder of images")
        return read_images(files, data, problems), None
    names = class_names or []
    files, labels = [], []
    for folder in folders:
        if folder.name not in names:
            problems.fail(
                "DLS401",
                f"folder '{folder.name}' is not a class of the training data ({', '.join(names)})",
            )
        found = image_files(folder)
        files += found
        labels += [names.index(folder.name)] * len(found)
    return read_images(files, data, problems), np.array(labels, np.int64)
