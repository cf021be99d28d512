#!/usr/bin/env python3
"""Makes the Imaging test fixtures: small JPEG/PNG files and TensorFlow's decoded/resized outputs.

Run with the dev venv (tensorflow 2.21, pillow, numpy) plus pypng (for Adam7-interlaced PNGs, which
PIL cannot write), e.g. installed with `pip install --no-deps --target /tmp/pypng pypng==0.20220715.0`:
    PYTHONPATH=/tmp/pypng /root/.cache/hubctl-dev/venv/bin/python Tests/ImagingTests/make_image_fixtures.py
Writes Tests/Fixtures/images/{*.jpg,*.png,*.txt} and Tests/Fixtures/images/expected/*.npy.
The oracle is TensorFlow: tf.io.decode_jpeg(dct_method='INTEGER_ACCURATE'), tf.io.decode_png,
tf.image.convert_image_dtype, tf.image.resize(..., 'bilinear', antialias=False),
tf.compat.v1.image.resize_bilinear (legacy, no half-pixel centres) and tf.image.central_crop.
EXIF orientation is not applied by TensorFlow; its expected outputs are TF's decode turned with numpy.
"""
import io
import os
import struct

import numpy as np
import png as pypng
from PIL import Image
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "images")
EXP = os.path.join(OUT, "expected")
os.makedirs(EXP, exist_ok=True)
rng = np.random.RandomState(20261204)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def save_npy(name, array):
    np.save(os.path.join(EXP, name + ".npy"), np.ascontiguousarray(array))


def scene(h, w):
    """Smooth gradients plus texture and a few edges, so JPEG and resizing have real work."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 255 * (x / max(w - 1, 1))
    g = 255 * (y / max(h - 1, 1))
    b = 127 + 100 * np.sin(x / 3.0) * np.cos(y / 4.0)
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (h, w, 3))
    img[h // 3: h // 2, w // 4: w // 2] = [250, 20, 30]  # a block with sharp edges
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def jpeg_bytes(array, **kw):
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "JPEG", **kw)
    return buf.getvalue()


def png_bytes(image, **kw):
    buf = io.BytesIO()
    image.save(buf, "PNG", **kw)
    return buf.getvalue()


def tf_jpeg(data):
    return tf.io.decode_jpeg(data, channels=3, dct_method="INTEGER_ACCURATE").numpy()


def tf_png(data, dtype=tf.uint8):
    return tf.io.decode_png(data, channels=3, dtype=dtype).numpy()


def exif_app1(orientation, big_endian):
    """A minimal APP1 Exif segment holding only IFD0 with the Orientation (0x0112) SHORT tag."""
    e = ">" if big_endian else "<"
    tiff = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    tiff += struct.pack(e + "H", 1)  # one entry
    value = struct.pack(e + "H", orientation) + b"\0\0"
    tiff += struct.pack(e + "HHI", 0x0112, 3, 1) + value
    tiff += struct.pack(e + "I", 0)  # no next IFD
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def with_segment_after_soi(jpeg, segment):
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + segment + jpeg[2:]


def orient(array, orientation):
    """What a viewer shows for stored pixels `array` tagged with EXIF `orientation` (numpy only)."""
    if orientation == 1:
        return array
    if orientation == 2:
        return array[:, ::-1]
    if orientation == 3:
        return array[::-1, ::-1]
    if orientation == 4:
        return array[::-1, :]
    if orientation == 5:
        return np.transpose(array, (1, 0, 2))
    if orientation == 6:
        return np.rot90(array, k=-1)  # 90 degrees clockwise
    if orientation == 7:
        return np.rot90(array, k=-1)[::-1, :]  # transverse
    if orientation == 8:
        return np.rot90(array, k=1)  # 90 degrees counter-clockwise
    raise ValueError(orientation)


def expect_tf_error(decode, data, label):
    try:
        decode(data)
    except (tf.errors.InvalidArgumentError, ValueError):
        return
    raise AssertionError(f"TensorFlow decoded {label} without an error")


# ---------------------------------------------------------------- JPEG
base = scene(37, 53)
jpegs = {
    "baseline.jpg": jpeg_bytes(base, quality=90),  # 4:2:0
    "baseline444.jpg": jpeg_bytes(base, quality=95, subsampling=0),
    "progressive.jpg": jpeg_bytes(base, quality=85, progressive=True),
    "gray.jpg": jpeg_bytes(base[..., 1], quality=90),
}
# CMYK (Adobe, inverted) JPEG: TF converts it to RGB itself.
cmyk = Image.fromarray(base).convert("CMYK")
buf = io.BytesIO()
cmyk.save(buf, "JPEG", quality=92)
jpegs["cmyk.jpg"] = buf.getvalue()
for name, data in jpegs.items():
    write(name, data)
    save_npy(name, tf_jpeg(data))

# EXIF orientations 1..8 on a non-square image (stored 21x34), little-endian TIFF; 6 also big-endian.
stored = scene(21, 34)
plain = jpeg_bytes(stored, quality=92)
decoded_plain = tf_jpeg(plain)
for k in range(1, 9):
    data = with_segment_after_soi(plain, exif_app1(k, big_endian=False))
    write(f"exif-{k}.jpg", data)
    assert (tf_jpeg(data) == decoded_plain).all()  # TF ignores the tag
    save_npy(f"exif-{k}.jpg", orient(decoded_plain, k))
data = with_segment_after_soi(plain, exif_app1(6, big_endian=True))
write("exif-6-motorola.jpg", data)
save_npy("exif-6-motorola.jpg", orient(decoded_plain, 6))
# Cross-check the numpy orientation against PIL's exif_transpose.
for k in range(1, 9):
    with Image.open(os.path.join(OUT, f"exif-{k}.jpg")) as im:
        from PIL import ImageOps
        shown = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    assert (shown == orient(decoded_plain, k)).all(), k

# ---------------------------------------------------------------- PNG
rgba = np.concatenate([base, rng.randint(0, 256, (37, 53, 1)).astype(np.uint8)], axis=-1)
rgba[0, 0, 3] = 0
pngs = {
    "rgb.png": png_bytes(Image.fromarray(base)),
    "rgba.png": png_bytes(Image.fromarray(rgba, "RGBA")),
    "gray.png": png_bytes(Image.fromarray(base[..., 0])),
    "gray-alpha.png": png_bytes(Image.fromarray(rgba[..., [0, 3]], "LA")),
    "gray-1bit.png": png_bytes(Image.fromarray(base[..., 0] > 128)),
    "palette.png": png_bytes(Image.fromarray(base).quantize(colors=37)),
}
pal = Image.fromarray(base).quantize(colors=16)
pngs["palette-trns.png"] = png_bytes(pal, transparency=3)
pngs["rgb16.png"] = tf.io.encode_png(tf.constant(
    (base.astype(np.uint16) * 257 + rng.randint(0, 257, base.shape)).astype(np.uint16))).numpy()
pngs["gray16.png"] = tf.io.encode_png(tf.constant(
    rng.randint(0, 65536, (37, 53, 1)).astype(np.uint16))).numpy()
def interlaced_png(array, bitdepth):
    buf = io.BytesIO()
    h, w, _ = array.shape
    pypng.Writer(w, h, greyscale=False, interlace=True, bitdepth=bitdepth).write(buf, array.reshape(h, -1))
    return buf.getvalue()


pngs["interlaced.png"] = interlaced_png(base, 8)
pngs["interlaced16.png"] = interlaced_png((base.astype(np.uint16) * 251), 16)
for name, data in pngs.items():
    write(name, data)
    sixteen = name.endswith("16.png")
    save_npy(name, tf_png(data, tf.uint16 if sixteen else tf.uint8))
# TF drops alpha (png_set_strip_alpha) rather than compositing: check that on rgba.png.
assert (tf_png(pngs["rgba.png"]) == base).all()

# ---------------------------------------------------------------- broken inputs
# Damaged but complete JPEGs: libjpeg only warns and TF decodes them; hubctl must give the same pixels.
good = jpegs["baseline.jpg"]
damaged = {
    "extraneous-bytes.jpg": good[:-2] + b"\x00\x11\x22" + good[-2:],  # junk before EOI
    "corrupt-data.jpg": good[:len(good) // 2] + bytes(b ^ 0x5A for b in good[len(good) // 2:len(good) // 2 + 40])
    + good[len(good) // 2 + 40:],
    "trailing-garbage.jpg": good + b"garbage after the end of the image" * 2,
}
for name, data in damaged.items():
    write(name, data)
    save_npy(name, tf_jpeg(data))

write("truncated.jpg", jpegs["baseline.jpg"][: len(jpegs["baseline.jpg"]) * 2 // 3])
write("missing-eoi.jpg", jpegs["baseline.jpg"][:-2])  # every scan complete, only the EOI marker missing
expect_tf_error(tf_jpeg, jpegs["baseline.jpg"][:-2], "missing-eoi.jpg")
write("truncated.png", pngs["rgb.png"][: len(pngs["rgb.png"]) // 2])
write("no-iend.png", pngs["rgb.png"][:-12])  # complete pixels, but the IEND chunk is missing
expect_tf_error(tf_png, pngs["rgb.png"][:-12], "no-iend.png")
write("not-an-image.txt", b"this is a text file, not an image\n")
write("empty.jpg", b"")
expect_tf_error(tf_jpeg, open(os.path.join(OUT, "truncated.jpg"), "rb").read(), "truncated.jpg")
expect_tf_error(tf_png, open(os.path.join(OUT, "truncated.png"), "rb").read(), "truncated.png")

# ---------------------------------------------------------------- float conversion
save_npy("convert-u8", tf.image.convert_image_dtype(tf.constant(np.arange(256, dtype=np.uint8)),
                                                    tf.float32).numpy())
save_npy("convert-u16", tf.image.convert_image_dtype(
    tf.constant(np.arange(65536, dtype=np.int64).astype(np.uint16)), tf.float32).numpy())

# ---------------------------------------------------------------- resize and crop
source = rng.uniform(0, 1, (37, 53, 3)).astype(np.float32)
save_npy("resize-input", source)
sizes = [(31, 29), (80, 101), (37, 53), (1, 1), (12, 70), (74, 106)]
for h, w in sizes:
    half = tf.image.resize(source, (h, w), method="bilinear", antialias=False).numpy()
    legacy = tf.compat.v1.image.resize_bilinear(source[None], (h, w), align_corners=False,
                                                half_pixel_centers=False).numpy()[0]
    save_npy(f"resize-{h}x{w}-half", half)
    save_npy(f"resize-{h}x{w}-legacy", legacy)
for fraction in [0.875, 0.5, 0.33, 0.99, 1.0]:
    crop = tf.image.central_crop(source, fraction).numpy()
    save_npy(f"crop-{fraction}", crop)

# The whole pipeline as TF users run it: decode, convert, central crop 0.875, resize (both variants).
for name in ["baseline.jpg", "exif-6.jpg", "rgb16.png"]:
    data = open(os.path.join(OUT, name), "rb").read()
    if name.endswith(".jpg"):
        image = tf.image.convert_image_dtype(tf.constant(np.load(os.path.join(EXP, name + ".npy"))), tf.float32)
    else:
        image = tf.image.convert_image_dtype(tf_png(data, tf.uint16), tf.float32)
    cropped = tf.image.central_crop(image, 0.875)
    save_npy(f"pipeline-{name}-half", tf.image.resize(cropped, (29, 31), "bilinear", antialias=False).numpy())
    save_npy(f"pipeline-{name}-legacy", tf.compat.v1.image.resize_bilinear(
        cropped[None], (29, 31), half_pixel_centers=False).numpy()[0])

total = sum(os.path.getsize(os.path.join(d, f)) for d in (OUT, EXP) for f in os.listdir(d)
            if os.path.isfile(os.path.join(d, f)))
print(f"fixtures written: {total} bytes")
