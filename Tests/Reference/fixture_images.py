"""Deterministic test images: the reference set (committed as images_331.npy) and a separate calibration set.

Reference set, uint8 [4, S, S, 3]:
  0  scikit-learn's sample photo china.jpg, central square crop (427x427), PIL bilinear resize to S x S
  1  scikit-learn's sample photo flower.jpg, same treatment
  2  synthetic: horizontal red ramp, vertical green ramp, blue concentric rings
  3  synthetic: smoothed random colour blobs (numpy seed 7)
Calibration set (never the reference images): the photos' left/right squares and two more blob images.
"""
import numpy as np
from PIL import Image
from sklearn.datasets import load_sample_images


def _square(photo, left):
    h, w, _ = photo.shape
    return photo[:, left:left + h, :]


def _resize(u8, size):
    return np.asarray(Image.fromarray(u8).resize((size, size), Image.BILINEAR), dtype=np.uint8)


def _rings(size):
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) / max(size - 1, 1)
    r = np.hypot(x - 0.5, y - 0.5)
    img = np.stack([x, y, 0.5 + 0.5 * np.cos(r * 40.0)], axis=-1)
    return np.clip(np.round(img * 255.0), 0, 255).astype(np.uint8)


def _blobs(size, seed):
    rng = np.random.default_rng(seed)
    coarse = rng.random((8, 8, 3))
    img = Image.fromarray((coarse * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC)
    noise = rng.normal(0.0, 12.0, (size, size, 3))
    return np.clip(np.asarray(img, dtype=np.float64) + noise, 0, 255).astype(np.uint8)


def reference_images(size=331):
    china, flower = load_sample_images().images
    photos = [_resize(_square(p, (p.shape[1] - p.shape[0]) // 2), size) for p in (china, flower)]
    return np.stack(photos + [_rings(size), _blobs(size, 7)])


def calibration_images(size=331):
    china, flower = load_sample_images().images
    photos = [_resize(_square(china, 0), size), _resize(_square(flower, flower.shape[1] - flower.shape[0]), size)]
    return np.stack(photos + [_blobs(size, 11), _blobs(size, 12)])
