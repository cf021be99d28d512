"""How much bf16 disagreement the module itself forces: TensorFlow's view of the benchmark's varied images.

For a folder of images it writes three [images, classes] float32 .npy files, all from TensorFlow on the same
module and inputs (decoded with PIL, resized with tf.image.resize bilinear, half-pixel centres, as hubctl does):
  tf-fp32.npy   TensorFlow in float32, the reference;
  tf-noise.npy  float32 again, each input value multiplied by (1 + u), u uniform in ±2^-9: a perturbation of
                the input the size of one bfloat16 rounding, and nothing else;
  tf-bf16.npy   TensorFlow's own bfloat16 (the oneDNN auto-mixed-precision graph rewrite).
If a bf16-sized nudge of the input alone moves the top-1 class of many images, no bf16 implementation can
agree with fp32 on them; TensorFlow's own bf16 shows what the field's reference implementation reaches.

usage: tf_precision_floor.py MODULE_DIR OUT_DIR IMAGE...
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from PIL import Image  # noqa: E402


def load_batches(files, size, batch=8):
    for start in range(0, len(files), batch):
        images = []
        for path in files[start:start + batch]:
            pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255
            images.append(tf.image.resize(pixels, [size, size], method="bilinear", antialias=False))
        yield tf.stack(images)


def run(module_dir, files, perturb=None):
    fn = tf.saved_model.load(module_dir, tags=[]).signatures["default"]
    size = int(fn.structured_input_signature[1]["images"].shape[1] or 331)
    rng = np.random.default_rng(9)
    rows = []
    for batch in load_batches(files, size):
        if perturb:
            batch = batch * (1 + rng.uniform(-perturb, perturb, batch.shape).astype(np.float32))
        rows.append(fn(images=batch)["default"].numpy())
    return np.concatenate(rows)


def main():
    module_dir, out, files = sys.argv[1], sys.argv[2], sorted(sys.argv[3:])
    np.save(f"{out}/tf-fp32.npy", run(module_dir, files))
    np.save(f"{out}/tf-noise.npy", run(module_dir, files, perturb=2.0 ** -9))
    tf.config.optimizer.set_experimental_options({"auto_mixed_precision_onednn_bfloat16": True})
    np.save(f"{out}/tf-bf16.npy", run(module_dir, files))


if __name__ == "__main__":
    main()
