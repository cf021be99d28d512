"""Weights, calibration, TF1 Hub export and reproducible packing for AmoebaNet-A modules.

Values live in a plain dict {checkpoint name: float32 numpy array}; graphs are built with zero-initialised
variables and loaded from that dict, so random weights come from one seeded numpy generator and trained weights
from a training graph, and both go through the same exporter.  Call `tf.compat.v1.disable_v2_behavior()` first.
"""
import os
import shutil
import subprocess

import numpy as np
import tensorflow as tf

from amoebanet_a import AmoebaNetBuilder, AmoebaNetConfig
from hub_compat import load_tensorflow_hub

v1 = tf.compat.v1

# Fixed mtime for every archive entry (the date tf_hub.py entered tensorflow/tpu).
PACK_MTIME = "2018-09-28 00:00:00Z"


def variable_shapes(config: AmoebaNetConfig):
    """Builds the inference graph once and returns [(name, shape)] in creation order."""
    with tf.Graph().as_default():
        images = v1.placeholder(tf.float32, [None, config.image_size, config.image_size, 3])
        with v1.variable_scope("", use_resource=False):
            AmoebaNetBuilder(config, "inference").build(images)
        return [(v.op.name, tuple(int(d) for d in v.shape)) for v in v1.global_variables()]


def random_weights(config: AmoebaNetConfig, seed: int):
    """He-normal convolution weights and jittered BatchNorm gamma/beta from one seeded generator.

    Moving statistics start at (0, 1) and the FC layer at zero; `calibrate` sets them.
    """
    rng = np.random.default_rng(seed)
    values = {}
    for name, shape in variable_shapes(config):
        leaf = name.rsplit("/", 1)[-1]
        if leaf == "depthwise_weights":
            fan_in = shape[0] * shape[1]
        elif leaf in ("weights", "pointwise_weights") and len(shape) == 4:
            fan_in = shape[0] * shape[1] * shape[2]
        else:
            fan_in = None
        if fan_in is not None:
            value = rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)
        elif leaf == "gamma":
            value = 1.0 + 0.1 * rng.standard_normal(shape)
        elif leaf == "beta":
            value = 0.1 * rng.standard_normal(shape)
        elif leaf == "moving_variance":
            value = np.ones(shape)
        else:  # moving_mean, FC weights and biases
            value = np.zeros(shape)
        values[name] = value.astype(np.float32)
    return values


def load_values(session, values, variables):
    """Loads numpy values into the graph's variables by checkpoint name; names must match exactly."""
    by_name = {v.op.name: v for v in variables}
    if set(by_name) != set(values):
        missing = sorted(set(by_name) - set(values))[:5]
        extra = sorted(set(values) - set(by_name))[:5]
        raise ValueError(f"variable names differ: missing values {missing}, unknown values {extra}")
    for name, var in by_name.items():
        var.load(values[name], session)


def batch_statistics(config: AmoebaNetConfig, values, images, batch_size=None):
    """Runs the calibrate graph and returns ({bn scope: (mean, variance)}, global_pool features).

    Each BatchNorm normalises by the statistics of its own input, which is what a BN-by-BN calibration in
    dependency order produces.  With batch_size set, each batch is normalised by its own statistics and the
    returned statistics are pooled over the batches (E[x], E[x^2] - E[x]^2); without it, one exact batch.
    """
    with tf.Graph().as_default():
        ph = v1.placeholder(tf.float32, [None, config.image_size, config.image_size, 3])
        with v1.variable_scope("", use_resource=False):
            builder = AmoebaNetBuilder(config, "calibrate")
            _, end_points = builder.build(ph)
        with v1.Session() as sess:
            load_values(sess, values, v1.global_variables())
            fetch = {name: (m, v) for name, m, v in builder.calibration}
            stats, features = {}, []
            step = batch_size or len(images)
            for start in range(0, len(images), step):
                chunk = images[start:start + step]
                got, pool = sess.run([fetch, end_points["global_pool"]], {ph: chunk})
                features.append(pool)
                for name, (m, v) in got.items():
                    acc = stats.setdefault(name, [0.0, 0.0, 0])
                    acc[0] = acc[0] + m.astype(np.float64) * len(chunk)
                    acc[1] = acc[1] + (v.astype(np.float64) + m.astype(np.float64) ** 2) * len(chunk)
                    acc[2] += len(chunk)
            result = {}
            for name, (s1, s2, n) in stats.items():
                mean = s1 / n
                result[name] = (mean, np.maximum(s2 / n - mean ** 2, 0.0))
            return result, np.concatenate(features, axis=0)


def calibrate(config: AmoebaNetConfig, values, images, seed: int, logit_std=2.0):
    """Sets every BatchNorm's moving statistics from its input on `images`, perturbed slightly, and draws the
    FC layer so logits have spread `logit_std` across those images (biases centre each class over them)."""
    rng = np.random.default_rng(seed + 1)
    stats, features = batch_statistics(config, values, images)
    out = dict(values)
    for scope, (mean, var) in stats.items():
        std = np.sqrt(var + config.epsilon)
        out[f"{scope}/moving_mean"] = (mean + 0.05 * std * rng.standard_normal(mean.shape)).astype(np.float32)
        out[f"{scope}/moving_variance"] = (var * np.exp(0.1 * rng.standard_normal(var.shape))).astype(np.float32)
    if config.num_classes:
        w = rng.standard_normal((features.shape[1], config.num_classes))
        centred = (features - features.mean(axis=0)) @ w
        w *= logit_std / max(float(centred.std()), 1e-12)
        bias = -(features.mean(axis=0) @ w) + 0.1 * rng.standard_normal(config.num_classes)
        out["final_layer/FC/weights"] = w.astype(np.float32)
        out["final_layer/FC/biases"] = bias.astype(np.float32)
    return out


def _module_fn(config: AmoebaNetConfig, mode: str):
    hub = load_tensorflow_hub()
    size = config.image_size
    with v1.name_scope("hub_input"):
        images = v1.placeholder(tf.float32, [None, size, size, 3], name="images")
    with v1.variable_scope("", use_resource=False):
        logits, end_points = AmoebaNetBuilder(config, mode).build(images)
    inputs = {"images": images}
    if logits is not None:
        hub.add_signature("default", inputs, {"default": logits})
        hub.add_signature("image_classification", inputs, dict(end_points, default=logits))
        hub.add_signature("image_feature_vector", inputs, dict(end_points, default=end_points["global_pool"]))
    else:
        hub.add_signature("default", inputs, {"default": end_points["global_pool"]})
        hub.add_signature("image_feature_vector", inputs, dict(end_points, default=end_points["global_pool"]))
    info = hub.ImageModuleInfo()
    info.default_image_size.height = size
    info.default_image_size.width = size
    hub.attach_image_module_info(info)


def export_module(config: AmoebaNetConfig, values, module_dir):
    """Writes a TF1 Hub module (graphs for tags [] and ['train']) with `values` as its variables."""
    hub = load_tensorflow_hub()
    spec = hub.create_module_spec(
        lambda mode: _module_fn(config, mode),
        tags_and_args=[(set(), {"mode": "inference"}), ({"train"}, {"mode": "train"})])
    if os.path.exists(module_dir):
        shutil.rmtree(module_dir)
    with tf.Graph().as_default():
        module = hub.Module(spec)
        with v1.Session() as sess:
            variables = list(module.variable_map.values())
            by_name = dict(zip(module.variable_map.keys(), variables))
            if set(by_name) != set(values):
                raise ValueError("module variables differ from the values to export: "
                                 f"{sorted(set(by_name) ^ set(values))[:5]}")
            for name, var in by_name.items():
                var.load(values[name], sess)
            module.export(module_dir, sess)
    _rewrite_deterministically(os.path.join(module_dir, "saved_model.pb"))


def _rewrite_deterministically(saved_model_path):
    """Re-serialises saved_model.pb with sorted map entries: the exporter's map order varies between runs."""
    from tensorflow.core.protobuf import saved_model_pb2
    model = saved_model_pb2.SavedModel()
    with open(saved_model_path, "rb") as f:
        model.ParseFromString(f.read())
    with open(saved_model_path, "wb") as f:
        f.write(model.SerializeToString(deterministic=True))


def pack_module(module_dir, archive_path):
    """Packs `module_dir` as a byte-reproducible ./-relative tar.gz (sorted names, fixed owner/mode/mtime)."""
    for root, dirs, files in os.walk(module_dir):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    os.chmod(module_dir, 0o755)
    tmp = archive_path + ".tmp"
    with open(tmp, "wb") as out:
        tar = subprocess.Popen(
            ["tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", f"--mtime={PACK_MTIME}",
             "--format=gnu", "-C", module_dir, "-cf", "-", "."], stdout=subprocess.PIPE)
        gz = subprocess.Popen(["gzip", "-n", "-9"], stdin=tar.stdout, stdout=out)
        tar.stdout.close()
        if gz.wait() != 0 or tar.wait() != 0:
            raise RuntimeError(f"packing {module_dir} failed")
    os.replace(tmp, archive_path)
