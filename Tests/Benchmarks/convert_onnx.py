"""TF1 Hub module -> ONNX with tf2onnx, in two processes so that the full-size module fits in memory.

Called by convert_onnx.sh (which owns the venv, the up-to-date check and the final file moves):
  convert_onnx.py freeze  MODULE_DIR WORK_DIR   TensorFlow loads the module (tags=[], signature "default")
      and tf2onnx freezes it (its large-model path: no grappler pass). Every constant over 1000 bytes is moved
      out of the frozen GraphDef into WORK_DIR/consts.bin; the stripped GraphDef (a few MB) goes to
      WORK_DIR/graph.pb, names and offsets to WORK_DIR/meta.json.
  convert_onnx.py convert WORK_DIR OUT.onnx     imports the stripped graph, converts it with tf2onnx (opset 17;
      its constant folding, transpose removal and folding of some BatchNorms into convolutions) reading each constant from
      consts.bin only when tf2onnx asks for it, names the dynamic batch dimension "batch", and saves OUT.onnx with
      every tensor over 1 KiB in one external-data file OUT.onnx.data; onnx.checker then checks the saved model.

This is what `python -m tf2onnx.convert --saved-model DIR --tag "" --signature_def default --large_model` does,
minus its memory: in one process that command keeps TensorFlow's copy of the weights, the frozen GraphDef and a
dict of every constant alive while tf2onnx builds and optimises the ONNX graph (over 14 GB for the 1.87 GB of
N=18/F=448 weights). Here the TensorFlow side ends with the first process and constants are read on demand.
The convert step also runs protobuf's pure-Python implementation: under the default upb backend every optimiser
pass of tf2onnx (Node.update_proto re-adding each node's attributes) leaves one more copy of every weight in the
node's protobuf arena, about 1.9 GB per pass for the full module; pure-Python messages hold references instead.
The optimiser runs without catch_errors (it would deep-copy the graph before every pass), as tf2onnx itself
does for large models.
"""
import gc
import json
import os
import sys
from collections.abc import Mapping


def log_rss(stage):
    with open("/proc/self/status") as f:
        fields = dict(line.split(":", 1) for line in f if line.startswith(("VmRSS", "VmHWM")))
    print(f"[convert_onnx] {stage}: rss {fields['VmRSS'].strip()}, peak {fields['VmHWM'].strip()}",
          file=sys.stderr, flush=True)


def freeze(module_dir, work):
    from tf2onnx import tf_loader

    graph_def, inputs, outputs, tables, renames = tf_loader.from_saved_model(
        module_dir, None, None, tag="", signatures=["default"], large_model=True,
        return_initialized_tables=True, return_tensors_to_rename=True)
    if tables:
        raise SystemExit(f"the module has lookup tables ({len(tables)}); convert_onnx.py does not carry them")
    log_rss("frozen")
    consts = {}
    offset = 0
    with open(os.path.join(work, "consts.bin"), "wb") as out:
        for node in graph_def.node:
            if node.op != "Const":
                continue
            tensor = node.attr["value"].tensor
            content = tensor.tensor_content
            if len(content) > 1000:  # the threshold tf2onnx's compress_graph_def uses
                out.write(content)
                consts[node.name] = [offset, len(content)]
                offset += len(content)
                tensor.tensor_content = b""
    with open(os.path.join(work, "graph.pb"), "wb") as f:
        f.write(graph_def.SerializeToString())
    with open(os.path.join(work, "meta.json"), "w") as f:
        json.dump({"module": module_dir, "inputs": inputs, "outputs": outputs, "renames": renames,
                   "consts": consts}, f)
    log_rss(f"wrote {len(consts)} constants, {offset} bytes")


class DiskConsts(Mapping):
    """Constant node name -> tensor bytes, read from consts.bin on each lookup (tf2onnx only uses `in` and [])."""

    def __init__(self, path, index):
        self.file = open(path, "rb")
        self.index = index

    def __getitem__(self, name):
        offset, length = self.index[name]
        self.file.seek(offset)
        return self.file.read(length)

    def __iter__(self):
        return iter(self.index)

    def __len__(self):
        return len(self.index)

    def __contains__(self, name):
        return name in self.index


def convert(work, out):
    import onnx
    import tensorflow as tf
    from tf2onnx import logging as tf2onnx_logging, optimizer
    from tf2onnx.tfonnx import process_tf_graph

    tf2onnx_logging.basicConfig(level=tf2onnx_logging.get_verbosity_level(0))
    with open(os.path.join(work, "meta.json")) as f:
        meta = json.load(f)
    graph_def = tf.compat.v1.GraphDef()
    with open(os.path.join(work, "graph.pb"), "rb") as f:
        graph_def.ParseFromString(f.read())
    consts = DiskConsts(os.path.join(work, "consts.bin"), meta["consts"])
    with tf.device("/cpu:0"), tf.Graph().as_default() as tf_graph:
        tf.import_graph_def(graph_def, name="")
        del graph_def
        graph = process_tf_graph(tf_graph, opset=17, input_names=meta["inputs"], output_names=meta["outputs"],
                                 const_node_values=consts, tensors_to_rename=meta["renames"])
    log_rss("converted")
    graph = optimizer.optimize_graph(graph, catch_errors=False)
    log_rss("optimised")
    model = graph.make_model(f"converted from {meta['module']}")
    del graph
    gc.collect()
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if dims and not dims[0].HasField("dim_value"):
            dims[0].dim_param = "batch"
    onnx.save_model(model, out, save_as_external_data=True, all_tensors_to_one_file=True,
                    location=os.path.basename(out) + ".data", size_threshold=1024)
    log_rss("saved")
    del model
    gc.collect()
    onnx.checker.check_model(out)  # by path: the checker reads the external data itself
    log_rss("checked")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("freeze", "convert"):
        raise SystemExit("usage: convert_onnx.py freeze MODULE_DIR WORK_DIR | convert WORK_DIR OUT.onnx")
    if sys.argv[1] == "freeze":
        freeze(sys.argv[2], sys.argv[3])
    else:
        # Before anything imports google.protobuf (see the module docstring).
        os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"
        convert(sys.argv[2], sys.argv[3])
