"""TensorFlow side of the hubctl benchmark: loads a TF1 Hub module the way hub.load does and times it.

hub.load(path) on a TF1 Hub module is tf.saved_model.load(path, tags=[]); calling that directly keeps
tensorflow-hub (whose 0.16 wheel drags in the full CUDA TensorFlow) out of the peer's start-up time.

Prints one JSON object on stdout. Modes:
  latency: load time, first call, median batch-1 latency over --repeats, per-image time at --batch.
  e2e:     what a user's script does for one image: load, decode JPEG, resize, predict, print top-5.
Peak RSS is read from /proc/self/status (VmHWM) at the end.
"""
import argparse
import json
import os
import time

T0 = time.perf_counter()

from peer_common import latency, report_e2e, vm_hwm_bytes  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module_dir")
    ap.add_argument("--mode", choices=["latency", "e2e"], default="latency")
    ap.add_argument("--image", help="JPEG for e2e mode")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf

    t_load = time.perf_counter()
    module = tf.saved_model.load(args.module_dir, tags=[])
    fn = module.signatures["default"]
    load_s = time.perf_counter() - t_load
    size = int(fn.structured_input_signature[1]["images"].shape[1] or 331)

    if args.mode == "e2e":
        raw = tf.io.read_file(args.image)
        img = tf.image.decode_jpeg(raw, channels=3, dct_method="INTEGER_ACCURATE")
        img = tf.image.convert_image_dtype(img, tf.float32)
        img = tf.image.resize(img, [size, size], method="bilinear", antialias=False)
        report_e2e(fn(images=img[tf.newaxis])["default"].numpy()[0], T0, load_s)
        return

    rng = np.random.default_rng(0)
    one = tf.constant(rng.random((1, size, size, 3), dtype=np.float32))
    many = tf.constant(rng.random((args.batch, size, size, 3), dtype=np.float32))
    print(json.dumps({"load_s": load_s, **latency(lambda images: fn(images=images)["default"].numpy(), one, many,
                                                  args.repeats),
                      "peak_rss_bytes": vm_hwm_bytes(), "tensorflow": tf.__version__}))


if __name__ == "__main__":
    main()
