"""TensorFlow's view of an exported module: outputs on the reference images and a manifest entry.

Run in its own process (TF2 eager): the module is loaded the way users load TF1 Hub modules from TF2,
`hub.load(dir, tags=[])`, and every output of every signature is saved as float32
`<name>__<signature>__<output>.npy` for input `images_u8.astype(float32) / 255`.  The manifest entry (merged
into <out>/manifest.json under modules/<name>) lists what TF reports: files, signatures (tensor name, dtype,
shape) per meta graph, image size attachment, BatchNorm epsilon, and every variable with its crc32.
"""
import argparse
import hashlib
import json
import os
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.core.protobuf import saved_model_pb2  # noqa: E402

from hub_compat import load_tensorflow_hub  # noqa: E402


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tensor_info(info):
    shape = None if info.tensor_shape.unknown_rank else [int(d.size) for d in info.tensor_shape.dim]
    return {"name": info.name, "dtype": tf.dtypes.as_dtype(info.dtype).name, "shape": shape}


def describe_saved_model(module_dir):
    hub = load_tensorflow_hub()
    from tensorflow_hub import module_attachment_pb2
    model = saved_model_pb2.SavedModel()
    with open(os.path.join(module_dir, "saved_model.pb"), "rb") as f:
        model.ParseFromString(f.read())
    graphs = []
    epsilons, image_size = set(), None
    for mg in model.meta_graphs:
        tags = sorted(mg.meta_info_def.tags)
        signatures = {}
        for sig_name in sorted(mg.signature_def):
            sig = mg.signature_def[sig_name]
            signatures[sig_name] = {
                "inputs": {k: tensor_info(sig.inputs[k]) for k in sorted(sig.inputs)},
                "outputs": {k: tensor_info(sig.outputs[k]) for k in sorted(sig.outputs)},
            }
        bn_ops = sorted({n.op for n in mg.graph_def.node if n.op.startswith("FusedBatchNorm")})
        if not tags:
            for node in mg.graph_def.node:
                if node.op.startswith("FusedBatchNorm"):
                    epsilons.add(node.attr["epsilon"].f if "epsilon" in node.attr else None)
            attachments = mg.collection_def["hub_module_attachments"].bytes_list.value
            for raw in attachments:
                att = module_attachment_pb2.ModuleAttachment()
                att.ParseFromString(raw)
                if att.key == "image_module_info":
                    info = hub.ImageModuleInfo()
                    info.ParseFromString(att.value)
                    image_size = [info.default_image_size.height, info.default_image_size.width]
        graphs.append({"tags": tags, "batch_norm_ops": bn_ops, "signatures": signatures})
    if len(epsilons) != 1 or None in epsilons:
        raise ValueError(f"expected one explicit BatchNorm epsilon, found {epsilons}")
    return graphs, float(str(np.float32(epsilons.pop()))), image_size


def variables_of(module_dir):
    reader = tf.train.load_checkpoint(os.path.join(module_dir, "variables", "variables"))
    out = []
    for name in sorted(reader.get_variable_to_shape_map()):
        value = reader.get_tensor(name)
        if value.dtype != np.float32:
            raise ValueError(f"{name}: dtype {value.dtype}, expected float32")
        out.append({"name": name, "shape": list(value.shape),
                    "crc32": zlib.crc32(np.ascontiguousarray(value).astype("<f4").tobytes())})
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--module-dir", required=True)
    p.add_argument("--archive", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--images", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--cells", type=int, required=True)
    p.add_argument("--filters", type=int, required=True)
    args = p.parse_args()
    hub = load_tensorflow_hub()

    images_u8 = np.load(args.images)
    images = images_u8.astype(np.float32) / 255.0
    loaded = hub.load(args.module_dir, tags=[])
    outputs = {}
    for sig_name in sorted(loaded.signatures):
        result = loaded.signatures[sig_name](images=tf.constant(images))
        outputs[sig_name] = {}
        for key in sorted(result):
            value = result[key].numpy().astype(np.float32)
            file = f"{args.name}__{sig_name}__{key}.npy"
            np.save(os.path.join(args.out, file), value)
            outputs[sig_name][key] = {"file": file, "shape": list(value.shape),
                                      "max_abs": float(np.abs(value).max())}
        if "logits" in result:
            outputs[sig_name]["top5"] = np.argsort(-result["logits"].numpy(), axis=1)[:, :5].tolist()

    graphs, epsilon, image_size = describe_saved_model(args.module_dir)
    variables = variables_of(args.module_dir)
    files = []
    for root, _, names in os.walk(args.module_dir):
        for n in sorted(names):
            path = os.path.join(root, n)
            files.append({"path": os.path.relpath(path, args.module_dir), "size": os.path.getsize(path),
                          "sha256": sha256_of(path)})
    files.sort(key=lambda f: f["path"])
    names = {v["name"] for v in variables}
    shapes = {v["name"]: v["shape"] for v in variables}
    entry = {
        "archive": os.path.relpath(os.path.abspath(args.archive), os.path.abspath(os.path.join(args.out, ".."))),
        "archive_bytes": os.path.getsize(args.archive),
        "archive_sha256": sha256_of(args.archive),
        "format": "hub",
        "files": files,
        "cells": args.cells,
        "filters": args.filters,
        "image_size": image_size,
        "channels": 3,
        "epsilon": epsilon,
        "variable_count": len(variables),
        "parameter_count": int(sum(int(np.prod(v["shape"])) for v in variables)),
        "weight_bytes": int(sum(int(np.prod(v["shape"])) for v in variables)) * 4,
        "meta_graphs": graphs,
        "outputs": outputs,
        "variables": variables,
    }
    if "final_layer/FC/weights" in names:
        entry["num_classes"] = shapes["final_layer/FC/weights"][1]
        entry["num_features"] = shapes["final_layer/FC/weights"][0]
    else:
        entry["num_features"] = outputs["default"]["default"]["shape"][1]
    manifest_path = os.path.join(args.out, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    manifest["images"] = {
        "file": os.path.basename(args.images), "dtype": "uint8", "shape": list(images_u8.shape),
        "input": "images_u8.astype(float32) / 255, one batch of all images",
        "made_by": "Tests/Reference/fixture_images.py reference_images()",
    }
    manifest["tensorflow"] = tf.__version__
    manifest["tensorflow_hub"] = hub.__version__
    manifest.setdefault("modules", {})[args.name] = entry
    manifest["modules"] = dict(sorted(manifest["modules"].items()))
    with open(manifest_path + ".tmp", "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    os.replace(manifest_path + ".tmp", manifest_path)
    print(f"{args.name}: {entry['variable_count']} variables, {entry['parameter_count']:,} parameters, "
          f"epsilon {epsilon}, image size {image_size}; outputs {sorted(outputs)}")
    for sig, outs in outputs.items():
        if "top5" in outs:
            print(f"  {sig} top5 per image: {outs['top5']}")
        for k, o in outs.items():
            if k != "top5":
                print(f"  {sig}/{k}: shape {o['shape']}, max|x| {o['max_abs']:.4g}")


if __name__ == "__main__":
    main()
