"""Builds an AmoebaNet-A TF1 Hub module with calibrated random weights, packs it, and records TF's outputs.

  python make_module.py --cells 6 --filters 16 --image-size 331 --classes 1001 --kind classification \
      --out ../Fixtures/modules --reference-dir ../Fixtures/reference

Writes <out>/<name>.tar.gz (name = amoebanet_a_n<cells>_f<filters>_<kind>) from an unpacked module in
--work-dir, then runs reference_outputs.py in a fresh (TF2, eager) process for the outputs and manifest entry.
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from amoebanet_a import AmoebaNetConfig  # noqa: E402
from fixture_images import calibration_images, reference_images  # noqa: E402
import module_export  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, required=True)
    parser.add_argument("--filters", type=int, required=True)
    parser.add_argument("--image-size", type=int, default=331)
    parser.add_argument("--classes", type=int, default=1001)
    parser.add_argument("--kind", choices=["classification", "feature_vector"], required=True)
    parser.add_argument("--epsilon", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--out", required=True, help="folder for <name>.tar.gz")
    parser.add_argument("--work-dir", default="/tmp/hubctl-reference", help="folder for the unpacked module")
    parser.add_argument("--reference-dir", help="write images, TF outputs and manifest here (skipped if absent)")
    parser.add_argument("--name", help="module name (default amoebanet_a_n<cells>_f<filters>_<kind>)")
    args = parser.parse_args()

    tf.compat.v1.disable_v2_behavior()
    name = args.name or f"amoebanet_a_n{args.cells}_f{args.filters}_{args.kind}"
    # The seed does not depend on the kind: the feature-vector module is the classification network without FC.
    config = AmoebaNetConfig(num_cells=args.cells, filters=args.filters, image_size=args.image_size,
                             num_classes=args.classes if args.kind == "classification" else 0, epsilon=args.epsilon)
    started = time.time()
    full_config = AmoebaNetConfig(num_cells=args.cells, filters=args.filters, image_size=args.image_size,
                                  num_classes=args.classes, epsilon=args.epsilon)
    values = module_export.random_weights(full_config, args.seed)
    values = module_export.calibrate(full_config, values, calibration_images(args.image_size).astype(np.float32) / 255,
                                     args.seed)
    if not config.num_classes:
        values = {k: v for k, v in values.items() if not k.startswith("final_layer/FC/")}
    print(f"{name}: {len(values)} variables, {sum(v.size for v in values.values()):,} parameters, "
          f"calibrated in {time.time() - started:.1f} s", flush=True)
    module_dir = os.path.join(args.work_dir, name)
    os.makedirs(args.work_dir, exist_ok=True)
    module_export.export_module(config, values, module_dir)
    os.makedirs(args.out, exist_ok=True)
    archive = os.path.join(args.out, f"{name}.tar.gz")
    module_export.pack_module(module_dir, archive)
    print(f"{archive}: {os.path.getsize(archive):,} bytes, exported in {time.time() - started:.1f} s", flush=True)

    if args.reference_dir:
        os.makedirs(args.reference_dir, exist_ok=True)
        images_path = os.path.join(args.reference_dir, f"images_{args.image_size}.npy")
        if not os.path.exists(images_path):
            np.save(images_path, reference_images(args.image_size))
        subprocess.run([sys.executable, os.path.join(HERE, "reference_outputs.py"), "--module-dir", module_dir,
                        "--archive", archive, "--name", name, "--images", images_path,
                        "--out", args.reference_dir, "--cells", str(args.cells), "--filters", str(args.filters)],
                       check=True)


if __name__ == "__main__":
    main()
