"""TensorFlow's results for the digits demo module, and its registry entry.

Runs in its own (TF2, eager) process: loads the exported module with `hub.load(dir, tags=[])`, feeds every
held-out PNG exactly as `png_u8.astype(float32) / 255` (decoded by PIL), and writes
Tests/Fixtures/digits/expected.json (per-image logits, probabilities, prediction; accuracy).  Then writes the
registry files: labels.txt, samples/digit_<d>.png|.jpg (the first held-out image of each digit), and 1.md with the
archive's sha256/size and the accuracy TF measured.
"""
import argparse
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from PIL import Image  # noqa: E402

from hub_compat import load_tensorflow_hub  # noqa: E402

HANDLE = "hubctl/digits/amoebanet_a_n6_f24/classification/1"


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def decode(path):
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"), dtype=np.uint8)


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def run(signature, u8):
    logits = signature(images=tf.constant(u8.astype(np.float32) / 255.0))["default"].numpy()
    return logits.astype(np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--module-dir", required=True)
    p.add_argument("--archive", required=True)
    p.add_argument("--fixtures", required=True)
    p.add_argument("--registry", required=True)
    p.add_argument("--train-info", required=True)
    args = p.parse_args()
    hub = load_tensorflow_hub()
    with open(args.train_info) as f:
        info = json.load(f)
    signature = hub.load(args.module_dir, tags=[]).signatures["default"]

    test_dir = os.path.join(args.fixtures, "test")
    names = sorted(os.listdir(test_dir))
    batch = np.stack([decode(os.path.join(test_dir, n)) for n in names])
    truth = np.array([int(n.split("_")[1].split(".")[0]) for n in names])
    logits = run(signature, batch)
    probs = softmax(logits.astype(np.float64))
    preds = logits.argmax(axis=1)
    sorted_logits = np.sort(logits, axis=1)
    margins = sorted_logits[:, -1] - sorted_logits[:, -2]
    accuracy = float((preds == truth).mean())
    images = [{"file": f"test/{n}", "label": int(t), "prediction": int(pr), "logits": [float(x) for x in lg],
               "probabilities": [float(x) for x in pb], "top1_margin": float(m)}
              for n, t, pr, lg, pb, m in zip(names, truth, preds, logits, probs, margins)]

    # Registry: labels, samples (first held-out image of each digit, PNG and JPEG), entry document.
    entry_dir = os.path.dirname(os.path.abspath(args.archive))
    digits_dir = os.path.abspath(os.path.join(entry_dir, "..", ".."))
    with open(os.path.join(digits_dir, "labels.txt"), "w") as f:
        f.write("".join(f"{d}\n" for d in range(10)))
    samples_dir = os.path.join(digits_dir, "samples")
    os.makedirs(samples_dir, exist_ok=True)
    samples = []
    for d in range(10):
        i = int(np.nonzero(truth == d)[0][0])
        png = os.path.join(samples_dir, f"digit_{d}.png")
        jpg = os.path.join(samples_dir, f"digit_{d}.jpg")
        Image.fromarray(batch[i]).save(png, format="PNG")
        Image.fromarray(batch[i]).save(jpg, format="JPEG", quality=95)
        for path in (png, jpg):
            lg = run(signature, decode(path)[None])[0]
            pb = softmax(lg[None].astype(np.float64))[0]
            samples.append({"file": os.path.relpath(path, digits_dir), "source": f"test/{names[i]}", "label": d,
                            "prediction": int(lg.argmax()), "probability": float(pb.max()),
                            "logits": [float(x) for x in lg]})

    expected = {
        "handle": HANDLE,
        "archive_sha256": sha256_of(args.archive),
        "image_size": [info["image_size"], info["image_size"]],
        "input": "png_u8.astype(float32) / 255 (PIL decode), signature default, one batch",
        "tensorflow": tf.__version__,
        "count": len(names),
        "correct": int((preds == truth).sum()),
        "accuracy": accuracy,
        "training": info,
        "images": images,
        "samples": samples,
    }
    with open(os.path.join(args.fixtures, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    size = os.path.getsize(args.archive)
    wrong = [s["file"] for s in samples if s["prediction"] != s["label"]]
    md = f"""# Module {HANDLE}
<!-- asset-path: 1.tar.gz -->
<!-- asset-sha256: {sha256_of(args.archive)} -->
<!-- asset-size: {size} -->
<!-- format: hub -->
<!-- task: image-classification -->
<!-- network-architecture: amoebanet-a-n{info['cells']}-f{info['filters']} -->
<!-- dataset: sklearn-digits -->
<!-- fine-tunable: false -->
<!-- license: Apache-2.0 -->
<!-- labels-path: ../../labels.txt -->

## Overview

hubctl's offline demo: a small AmoebaNet-A trained to read handwritten digits, shipped inside the
registry so that fetch, info and run can be tried with no network. It has the same cell structure,
variable names and TF1 Hub export as `google/imagenet/amoebanet_a_n18_f448/classification/1`, only
smaller: {info['cells']} normal cells in three stacks and {info['filters']} filters (`N={info['cells']}, F={info['filters']}`),
{info['image_size']}x{info['image_size']} inputs and 10 classes.

It was trained in TensorFlow {tf.__version__} by `Tests/Reference/train_digits.py` on scikit-learn's bundled
8x8 digits (1,797 images; values scaled to 0..255, upscaled bilinearly to {info['image_size']}x{info['image_size']}, grey repeated
to RGB), {info['train_images']} for training and a stratified held-out split of {info['test_images']} for testing,
{info['epochs']} epochs with a fixed seed. On the held-out split TensorFlow classifies
{int((preds == truth).sum())} of {len(names)} images correctly: **{accuracy * 100:.2f}% test accuracy**.
It knows nothing but centred white-on-black digits; other photos give meaningless answers.

## Inputs

One signature input, `images`: float32 RGB, shape `[batch, {info['image_size']}, {info['image_size']}, 3]`, values in [0, 1]
(white digit on black). The module scales them to [-1, 1] itself.

## Outputs

`default`: `[batch, 10]` logits; index d is the digit d (`labels-path`). No background class.

## Samples

`../../samples/digit_<d>.png` and `.jpg` are the first held-out image of each digit, at the input size.
{"TensorFlow classifies all of them correctly." if not wrong else "TensorFlow misclassifies: " + ", ".join(wrong)}

## Using it with hubctl

    hubctl fetch {HANDLE}
    hubctl info  {HANDLE}
    hubctl run   {HANDLE} Registry/hubctl/digits/samples/digit_7.png
"""
    with open(os.path.join(entry_dir, "1.md"), "w") as f:
        f.write(md)
    print(f"TF test accuracy {accuracy:.4f} ({int((preds == truth).sum())}/{len(names)}); "
          f"archive {size:,} bytes sha256 {sha256_of(args.archive)}; min top-1 margin {margins.min():.3g}; "
          f"sample mistakes: {wrong}")


if __name__ == "__main__":
    main()
