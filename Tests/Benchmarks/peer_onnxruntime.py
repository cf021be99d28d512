"""ONNX Runtime side of the hubctl benchmark: runs the module converted by convert_onnx.sh and times it.

Same protocol as peer_tensorflow.py, with an .onnx path (its weights in MODEL.onnx.data beside it) instead of
the module folder. Prints one JSON object on stdout. Modes:
  latency: load time (InferenceSession creation: reads the graph and the external weights, optimises the
           graph), first call, median batch-1 latency over --repeats, per-image time at --batch.
  e2e:     what a user's script does for one image: load, decode JPEG, resize, predict, print top-5.
Peak RSS is read from /proc/self/status (VmHWM) at the end.

ONNX Runtime settings: CPUExecutionProvider only, fp32 throughout (no quantisation, no reduced precision);
graph_optimization_level ORT_ENABLE_ALL (constant folding, BatchNorm/Conv/Relu fusions, NCHWc layout
transforms); intra_op_num_threads = the CPUs this process may run on (os.sched_getaffinity), as TensorFlow
uses by default; inter_op_num_threads = 1 with ORT_SEQUENTIAL execution; default CPU memory arena.

e2e preprocessing, matching peer_tensorflow.py: Pillow decodes the JPEG (libjpeg's accurate integer IDCT and
fancy upsampling, as tf.image.decode_jpeg with dct_method="INTEGER_ACCURATE"), the bytes become float32 in
[0,1] as tf.image.convert_image_dtype does (x * (1/255)), and NumPy resizes to the model's size with the
half-pixel-centre bilinear interpolation of tf.image.resize(method="bilinear", antialias=False). (Pillow's own
bilinear resize is not used: it filters over a wider window when shrinking, which TensorFlow does not.)
"""
import argparse
import json
import os
import time

T0 = time.perf_counter()

from peer_common import latency, report_e2e, vm_hwm_bytes  # noqa: E402


def resize_bilinear(img, height, width):
    """[h, w, c] float32 -> [height, width, c], as tf.image.resize bilinear without antialiasing."""
    import numpy as np

    def axis(out_size, in_size):
        scale = np.float32(in_size / out_size)
        x = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
        floor = np.floor(x)
        lower = np.maximum(floor, 0).astype(np.int64)
        upper = np.minimum(np.ceil(x), in_size - 1).astype(np.int64)
        return lower, upper, (x - floor).astype(np.float32)

    y0, y1, ly = axis(height, img.shape[0])
    x0, x1, lx = axis(width, img.shape[1])
    lx = lx[None, :, None]
    top = img[y0][:, x0] + (img[y0][:, x1] - img[y0][:, x0]) * lx
    bottom = img[y1][:, x0] + (img[y1][:, x1] - img[y1][:, x0]) * lx
    return (top + (bottom - top) * ly[:, None, None]).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", help=".onnx file made by convert_onnx.sh")
    ap.add_argument("--mode", choices=["latency", "e2e"], default="latency")
    ap.add_argument("--image", help="JPEG for e2e mode")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()

    import numpy as np
    import onnxruntime as ort

    threads = len(os.sched_getaffinity(0))
    t_load = time.perf_counter()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, sess_options=options, providers=["CPUExecutionProvider"])
    load_s = time.perf_counter() - t_load
    feed = session.get_inputs()[0]
    size = feed.shape[1] if isinstance(feed.shape[1], int) else 331
    output = session.get_outputs()[0].name

    def run(images):
        return session.run([output], {feed.name: images})[0]

    if args.mode == "e2e":
        from PIL import Image
        with Image.open(args.image) as im:
            pixels = np.asarray(im.convert("RGB"))
        img = pixels.astype(np.float32) * np.float32(1.0 / 255.0)
        img = resize_bilinear(img, size, size)
        report_e2e(run(img[np.newaxis])[0], T0, load_s)
        return

    rng = np.random.default_rng(0)
    one = rng.random((1, size, size, 3), dtype=np.float32)
    many = rng.random((args.batch, size, size, 3), dtype=np.float32)
    print(json.dumps({"load_s": load_s, **latency(run, one, many, args.repeats), "peak_rss_bytes": vm_hwm_bytes(),
                      "onnxruntime": ort.__version__, "intra_op_threads": threads}))


if __name__ == "__main__":
    main()
