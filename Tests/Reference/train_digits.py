"""Trains the demo module: a small AmoebaNet-A on scikit-learn's bundled 8x8 digits, exported as a TF1 Hub module.

  python train_digits.py            # writes Registry/hubctl/digits/... and Tests/Fixtures/digits/

Same builder (amoebanet_a.py) and exporter (module_export.py) as the reference modules.  Data: the 1,797 digits
of `sklearn.datasets.load_digits` (values 0..16) scaled to 0..255, bilinearly upscaled (PIL) to SIZE x SIZE and
repeated to three channels, saved as PNG; a stratified 20% test split (seed 0) is held out.  Training: Adam with a
cosine schedule, batch 64, random shifts of up to 2 pixels, fixed seeds, BatchNorm on batch statistics.  After
training, every BatchNorm's moving statistics are set to the population statistics of the (unshifted) training
set, computed layer by layer in one calibrate pass, so inference matches what the network saw while training.
TF's test accuracy is measured on the exported module (hub.load, tags=[]) fed with exactly png_u8 / 255.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from PIL import Image  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from amoebanet_a import AmoebaNetBuilder, AmoebaNetConfig  # noqa: E402
import module_export  # noqa: E402

v1 = tf.compat.v1
HANDLE = "hubctl/digits/amoebanet_a_n6_f24/classification/1"


def digit_images(size):
    """uint8 [n, size, size, 3] upscaled digits and their labels."""
    digits = load_digits()
    images = []
    for img in digits.images:
        u8 = np.clip(np.round(img / 16.0 * 255.0), 0, 255).astype(np.uint8)
        big = np.asarray(Image.fromarray(u8).resize((size, size), Image.BILINEAR), dtype=np.uint8)
        images.append(np.repeat(big[:, :, None], 3, axis=2))
    return np.stack(images), digits.target.astype(np.int64)


def shifted(batch, rng, max_shift=2):
    """Random translation by up to max_shift pixels, filling with black (the digits' background)."""
    n, h, w, c = batch.shape
    padded = np.zeros((n, h + 2 * max_shift, w + 2 * max_shift, c), batch.dtype)
    padded[:, max_shift:max_shift + h, max_shift:max_shift + w] = batch
    out = np.empty_like(batch)
    for i in range(n):
        dy, dx = rng.integers(0, 2 * max_shift + 1, size=2)
        out[i] = padded[i, dy:dy + h, dx:dx + w]
    return out


def train(config, x_train, y_train, epochs, batch, seed, lr):
    values = module_export.random_weights(config, seed)
    rng = np.random.default_rng(seed + 7)
    fc = values["final_layer/FC/weights"]
    values["final_layer/FC/weights"] = (rng.standard_normal(fc.shape) * 0.01).astype(np.float32)
    steps_per_epoch = int(np.ceil(len(x_train) / batch))
    total = steps_per_epoch * epochs
    with tf.Graph().as_default():
        v1.set_random_seed(seed)
        images = v1.placeholder(tf.float32, [None, config.image_size, config.image_size, 3])
        labels = v1.placeholder(tf.int64, [None])
        with v1.variable_scope("", use_resource=False):
            logits, _ = AmoebaNetBuilder(config, "train").build(images)
        ce = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        decay = tf.add_n([tf.nn.l2_loss(v) for v in v1.trainable_variables() if v.op.name.endswith("weights")])
        loss = ce + 1e-5 * decay
        step = v1.train.get_or_create_global_step()
        rate = v1.train.cosine_decay(lr, step, total)
        with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
            train_op = v1.train.AdamOptimizer(rate).minimize(loss, global_step=step)
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.int32))
        model_vars = [v for v in v1.global_variables() if v.op.name in values]
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            module_export.load_values(sess, values, model_vars)
            started = time.time()
            for epoch in range(epochs):
                order = rng.permutation(len(x_train))
                losses, right = [], 0
                for s in range(steps_per_epoch):
                    idx = order[s * batch:(s + 1) * batch]
                    xb = shifted(x_train[idx], rng).astype(np.float32) / 255.0
                    _, l, c = sess.run([train_op, ce, correct], {images: xb, labels: y_train[idx]})
                    losses.append(l)
                    right += c
                print(f"epoch {epoch + 1}/{epochs}: loss {np.mean(losses):.4f}, train acc (dropout on) "
                      f"{right / len(x_train):.4f}, {time.time() - started:.0f} s", flush=True)
            return {v.op.name: val for v, val in zip(model_vars, sess.run(model_vars))}, time.time() - started


def save_png(u8, path):
    Image.fromarray(u8).save(path, format="PNG", optimize=False)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--cells", type=int, default=6)
    p.add_argument("--filters", type=int, default=24)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=2018)
    p.add_argument("--work-dir", default="/tmp/hubctl-digits")
    p.add_argument("--registry", default=os.path.join(REPO, "Registry"))
    p.add_argument("--fixtures", default=os.path.join(REPO, "Tests", "Fixtures", "digits"))
    args = p.parse_args()
    v1.disable_v2_behavior()
    np.random.seed(args.seed)

    config = AmoebaNetConfig(num_cells=args.cells, filters=args.filters, num_classes=10, image_size=args.size,
                             drop_path_keep_prob=1.0, dense_keep_prob=0.8)
    images, labels = digit_images(args.size)
    indices = np.arange(len(images))
    train_idx, test_idx = train_test_split(indices, test_size=0.2, random_state=0, stratify=labels)
    test_idx = np.sort(test_idx)
    values, seconds = train(config, images[train_idx], labels[train_idx], args.epochs, args.batch, args.seed,
                            args.lr)
    stats, _ = module_export.batch_statistics(config, values, images[train_idx].astype(np.float32) / 255.0)
    for scope, (mean, var) in stats.items():
        values[f"{scope}/moving_mean"] = mean.astype(np.float32)
        values[f"{scope}/moving_variance"] = var.astype(np.float32)

    module_dir = os.path.join(args.work_dir, "module")
    os.makedirs(args.work_dir, exist_ok=True)
    module_export.export_module(config, values, module_dir)
    entry_dir = os.path.join(args.registry, *HANDLE.split("/")[:-1])
    os.makedirs(entry_dir, exist_ok=True)
    archive = os.path.join(entry_dir, "1.tar.gz")
    module_export.pack_module(module_dir, archive)

    # Held-out split as PNGs at the module's input size, then TF's outputs on exactly those files.
    test_dir = os.path.join(args.fixtures, "test")
    shutil.rmtree(test_dir, ignore_errors=True)
    os.makedirs(test_dir)
    files = []
    for i in test_idx:
        name = f"{i:04d}_{labels[i]}.png"
        save_png(images[i], os.path.join(test_dir, name))
        files.append(name)
    info = {"handle": HANDLE, "seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
            "cells": args.cells, "filters": args.filters, "image_size": args.size,
            "train_images": int(len(train_idx)), "test_images": int(len(test_idx)),
            "train_seconds": round(seconds, 1)}
    with open(os.path.join(args.work_dir, "train_info.json"), "w") as f:
        json.dump(info, f)
    subprocess.run([sys.executable, os.path.join(HERE, "digits_expected.py"), "--module-dir", module_dir,
                    "--archive", archive, "--fixtures", args.fixtures, "--registry", args.registry,
                    "--train-info", os.path.join(args.work_dir, "train_info.json")], check=True)


if __name__ == "__main__":
    main()
