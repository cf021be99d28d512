"""Makes the small TensorFlow-written files that ModuleFormatsTests reads (run with the dev venv's python).

  python make_formats.py            # writes ./dtypes, ./sharded, ./tf2_saved_model and ./expected.json

- dtypes/variables.*: one SaveV2 bundle with a tensor of every dtype the reader supports (incl. strings,
  bfloat16, half, a scalar and an empty tensor);
- sharded/variables.*: two SaveV2 bundles merged with MergeV2Checkpoints into a 2-shard bundle;
- tf2_saved_model/: a native TF2 SavedModel (tf.saved_model.save) whose function uses FusedBatchNormV3;
- expected.json: what TensorFlow reads back (names, dtypes, shapes, values) and its signatures.
"""
import json
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.core.protobuf import saved_model_pb2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def values_of(value):
    if value.dtype == object or value.dtype.kind == "S":
        return [bytes(v).hex() for v in value.reshape(-1)]
    return [float(v) if value.dtype.kind == "f" or value.dtype.name == "bfloat16" else int(v)
            for v in value.reshape(-1).astype(np.float64 if value.dtype.kind == "f" or value.dtype.name == "bfloat16" else np.int64)]


def save(prefix, tensors):
    names = sorted(tensors)
    tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names),
                      tensors=[tensors[n] for n in names])


def read_back(prefix):
    reader = tf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    out = []
    for name in sorted(reader.get_variable_to_shape_map()):
        value = reader.get_tensor(name)
        # A bytes scalar must not go through np.asarray: numpy's 'S' dtype drops trailing NUL bytes.
        values = [value.hex()] if isinstance(value, bytes) else values_of(np.asarray(value))
        out.append({"name": name, "dtype": dtypes[name].name, "shape": list(np.shape(value)), "values": values})
    return out


def tf1_saved_model(directory):
    """A plain TF1 SavedModel written with strip_default_attrs=True around a FusedBatchNormV3 whose epsilon
    equals the op default, so the attr is absent from the file; no image attachment, so the image size can
    only come from the `images` input of the `default` signature."""
    shutil.rmtree(directory, ignore_errors=True)
    graph = tf.Graph()
    with graph.as_default():
        images = tf.compat.v1.placeholder(tf.float32, [None, 5, 7, 3], name="images")
        with tf.compat.v1.variable_scope("", use_resource=False):
            init = tf.compat.v1.random_normal_initializer(seed=3)
            weights = tf.compat.v1.get_variable("conv/weights", [1, 1, 3, 4], initializer=init)
            gamma = tf.compat.v1.get_variable("bn/gamma", [4], initializer=tf.compat.v1.ones_initializer())
            beta = tf.compat.v1.get_variable("bn/beta", [4], initializer=tf.compat.v1.zeros_initializer())
            mean = tf.compat.v1.get_variable("bn/moving_mean", [4], trainable=False,
                                             initializer=tf.compat.v1.zeros_initializer())
            variance = tf.compat.v1.get_variable("bn/moving_variance", [4], trainable=False,
                                                 initializer=tf.compat.v1.ones_initializer())
        y = tf.nn.conv2d(images, weights, 1, "SAME")
        # 1e-4 is the op default (the Python wrapper would otherwise pass its own 1e-3).
        y, _, _ = tf.compat.v1.nn.fused_batch_norm(y, gamma, beta, mean, variance, epsilon=1e-4, is_training=False)
        features = tf.reduce_mean(y, [1, 2], name="features")
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            builder = tf.compat.v1.saved_model.Builder(directory)
            signature = tf.compat.v1.saved_model.predict_signature_def({"images": images}, {"default": features})
            builder.add_meta_graph_and_variables(session, ["serve"], signature_def_map={"default": signature},
                                                 strip_default_attrs=True)
            builder.save()
    model = saved_model_pb2.SavedModel()
    with open(os.path.join(directory, "saved_model.pb"), "rb") as f:
        model.ParseFromString(f.read())
    nodes = [n for n in model.meta_graphs[0].graph_def.node if n.op.startswith("FusedBatchNorm")]
    from tensorflow.python.framework import op_def_registry
    op_default = [a.default_value.f for a in op_def_registry.get(nodes[0].op).attr if a.name == "epsilon"][0]
    trainable = [v.name for v in graph.get_collection(tf.compat.v1.GraphKeys.TRAINABLE_VARIABLES)]
    shapes = {v.name: v.shape.as_list() for v in graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)}
    return {"batch_norm_op": nodes[0].op, "epsilon_attr_present": "epsilon" in nodes[0].attr,
            "op_default_epsilon": op_default, "tags": sorted(model.meta_graphs[0].meta_info_def.tags),
            "trainable_parameters": int(sum(np.prod(shapes[n]) for n in trainable)),
            "parameters": int(sum(np.prod(s) for s in shapes.values())), "variables": len(shapes)}


def main():
    rng = np.random.default_rng(7)
    for folder in ("dtypes", "sharded", "tf2_saved_model"):
        shutil.rmtree(os.path.join(HERE, folder), ignore_errors=True)
    expected = {"tensorflow": tf.__version__}

    tensors = {
        "a/float32": tf.constant(rng.standard_normal((3, 5)).astype(np.float32)),
        "a/float64": tf.constant(rng.standard_normal((4,)).astype(np.float64)),
        "b/int32": tf.constant(rng.integers(-2**31, 2**31 - 1, (2, 3), dtype=np.int64).astype(np.int32)),
        "b/int64": tf.constant(np.array([-(2**62), -1, 0, 2**62], dtype=np.int64)),
        "b/uint8": tf.constant(np.arange(0, 255, 37, dtype=np.uint8)),
        "b/int8": tf.constant(np.array([-128, -1, 0, 127], dtype=np.int8)),
        "b/int16": tf.constant(np.array([-32768, 12345, 32767], dtype=np.int16)),
        "c/bool": tf.constant(np.array([True, False, True])),
        "c/bfloat16": tf.cast(tf.constant([1.0, -2.5, 3.140625, 1e-3]), tf.bfloat16),
        "c/half": tf.constant(np.array([0.5, -65504.0, 1e-4], dtype=np.float16)),
        "d/scalar": tf.constant(np.float32(42.5)),
        "d/empty": tf.zeros((0, 3), tf.float32),
        "e/strings": tf.constant([b"", b"hub", b"\x00\xffbytes", b"x" * 300]),
    }
    prefix = os.path.join(HERE, "dtypes", "variables")
    save(prefix, tensors)
    expected["dtypes"] = read_back(prefix)

    tmp = os.path.join(HERE, "sharded", "tmp")
    os.makedirs(tmp, exist_ok=True)
    save(os.path.join(tmp, "part0"), {"layer0/weights": tf.constant(rng.standard_normal((2, 3)).astype(np.float32)),
                                      "layer2/weights": tf.constant(rng.standard_normal((5,)).astype(np.float32))})
    save(os.path.join(tmp, "part1"), {"layer1/weights": tf.constant(rng.standard_normal((3, 2)).astype(np.float32)),
                                      "layer1/biases": tf.constant(rng.standard_normal((2,)).astype(np.float32))})
    prefix = os.path.join(HERE, "sharded", "variables")
    tf.raw_ops.MergeV2Checkpoints(checkpoint_prefixes=[os.path.join(tmp, "part0"), os.path.join(tmp, "part1")],
                                  destination_prefix=prefix, delete_old_dirs=True)
    shutil.rmtree(tmp, ignore_errors=True)
    expected["sharded"] = read_back(prefix)
    expected["sharded_files"] = sorted(os.listdir(os.path.join(HERE, "sharded")))

    class Tiny(tf.Module):
        def __init__(self):
            super().__init__()
            self.kernel = tf.Variable(rng.standard_normal((4, 3)).astype(np.float32), name="kernel")
            self.scale = tf.Variable(np.ones(3, np.float32), name="scale")
            self.offset = tf.Variable(np.zeros(3, np.float32), name="offset")
            self.mean = tf.Variable(np.zeros(3, np.float32), trainable=False, name="mean")
            self.variance = tf.Variable(np.ones(3, np.float32), trainable=False, name="variance")
            self.step = tf.Variable(np.int64(3), trainable=False, name="step")

        @tf.function(input_signature=[tf.TensorSpec([None, 2, 2, 4], tf.float32, name="images")])
        def __call__(self, images):
            y = tf.nn.conv2d(images, tf.reshape(self.kernel, (1, 1, 4, 3)), 1, "SAME")
            y, _, _ = tf.compat.v1.nn.fused_batch_norm(y, self.scale, self.offset, self.mean, self.variance,
                                                      epsilon=0.002, is_training=False)
            return {"features": tf.reduce_mean(y, axis=[1, 2])}

    module = Tiny()
    directory = os.path.join(HERE, "tf2_saved_model")
    tf.saved_model.save(module, directory, signatures={"serving_default": module.__call__})
    model = saved_model_pb2.SavedModel()
    with open(os.path.join(directory, "saved_model.pb"), "rb") as f:
        model.ParseFromString(f.read())
    graphs = []
    for mg in model.meta_graphs:
        sigs = {}
        for name, sig in sorted(mg.signature_def.items()):
            def info(i):
                shape = None if i.tensor_shape.unknown_rank else [int(d.size) for d in i.tensor_shape.dim]
                return {"name": i.name, "dtype": tf.dtypes.as_dtype(i.dtype).name if i.dtype else "invalid",
                        "shape": shape}
            sigs[name] = {"inputs": {k: info(v) for k, v in sorted(sig.inputs.items())},
                          "outputs": {k: info(v) for k, v in sorted(sig.outputs.items())}}
        epsilons = sorted({n.attr["epsilon"].f for f in mg.graph_def.library.function for n in f.node_def
                           if n.op.startswith("FusedBatchNorm")})
        graphs.append({"tags": sorted(mg.meta_info_def.tags), "signatures": sigs,
                       "has_object_graph": mg.HasField("object_graph_def"), "batch_norm_epsilons": epsilons})
    expected["tf2_saved_model"] = {"meta_graphs": graphs,
                                   "variables": read_back(os.path.join(directory, "variables", "variables"))}
    expected["tf1_saved_model"] = tf1_saved_model(os.path.join(HERE, "tf1_saved_model"))
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
