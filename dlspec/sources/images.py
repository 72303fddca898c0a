"""``images:DIR``: one sub-folder of images per class, resized to ``data.image_size``.

Lint counts the class folders; the images are read (with Pillow, through Keras) when the data
loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dlspec.sources.source import DataInfo, Source

if TYPE_CHECKING:
    import numpy as np

    from dlspec.data.dataset import Dataset
    from dlspec.data.problems import Problems
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap
    from dlspec.spec.sections import DataSpec


class Images(Source):
    """A folder of class folders.

    A predict input is an image, a folder of images, or a folder of class folders (labelled).
    """

    scheme = "images"
    folder = True

    def describe(self, data: DataSpec, path: Path | None) -> DataInfo:
        """Static facts; see ``Source.describe``."""
        if path is None or not path.is_dir():
            return DataInfo()
        classes = sum(1 for p in path.iterdir() if p.is_dir())
        height, width = data.image_shape
        channels = 1 if data.color_mode == "grayscale" else 3
        return DataInfo((height, width, channels), targets="multiclass", classes=classes or None)

    def load(self, spec: Spec, path: Path | None, problems: Problems) -> Dataset:
        """Read the examples; see ``Source.load``."""
        from dlspec.data import images

        assert spec.data is not None and path is not None
        return images.load_images(spec.data, path, problems)

    def inputs(
        self, spec: Spec, spec_file: str | Path, path: Path, source_map: SourceMap | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """A predict input; see ``Source.inputs``."""
        from dlspec.data import images

        assert spec.data is not None
        root = spec.data.path(spec_file)
        names = [folder.name for folder in images.class_folders(root)] if root.is_dir() else []
        return images.read_image_inputs(spec.data, path, names)
