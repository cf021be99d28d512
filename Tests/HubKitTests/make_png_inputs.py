"""Writes the reference images (Tests/Fixtures/reference/images_331.npy) as lossless PNG files, so the
end-to-end tests can feed hubctl the same pixels TensorFlow saw: a 331x331 PNG decodes to exactly
these bytes and resizing 331 -> 331 is the identity, so hubctl's logits must match TensorFlow's.

Run with the reference venv: $HUBCTL_VENV/bin/python Tests/HubKitTests/make_png_inputs.py
"""
import pathlib

import numpy as np
from PIL import Image

root = pathlib.Path(__file__).resolve().parents[2]
images = np.load(root / "Tests/Fixtures/reference/images_331.npy")
out = root / "Tests/Fixtures/reference-png"
out.mkdir(exist_ok=True)
for i, image in enumerate(images):
    Image.fromarray(image, "RGB").save(out / f"image_{i}.png", optimize=True)
    print(out / f"image_{i}.png")
