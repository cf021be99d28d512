"""Builds Registry/labels/imagenet-1001.txt offline from class lists shipped in PyPI wheels.

Line 0 is `background`; lines 1..1000 are the ILSVRC-2012 classes in WordNet-ID order (line 1 = tench), the
order of TF-Hub's 1001-class ImageNet classifiers.  Names come from torchvision's `_IMAGENET_CATEGORIES`
(read from the wheel's models/_meta.py with `ast`, torch is not installed); timm's `imagenet_synsets.txt`
confirms the list has 1000 WordNet IDs in sorted order.

  python build_imagenet_labels.py [--wheels DIR]   # DIR gets `pip download --no-deps torchvision timm`
"""
import argparse
import ast
import glob
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Registry", "labels", "imagenet-1001.txt")


def wheel(folder, prefix):
    found = sorted(glob.glob(os.path.join(folder, f"{prefix}-*.whl")))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", folder, prefix], check=True)
        found = sorted(glob.glob(os.path.join(folder, f"{prefix}-*.whl")))
    return found[-1]


def torchvision_categories(path):
    with zipfile.ZipFile(path) as z:
        tree = ast.parse(z.read("torchvision/models/_meta.py").decode("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_IMAGENET_CATEGORIES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"{path}: _IMAGENET_CATEGORIES not found")


def timm_synsets(path):
    with zipfile.ZipFile(path) as z:
        return z.read("timm/data/_info/imagenet_synsets.txt").decode("utf-8").split()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wheels", help="folder with (or for) the downloaded wheels; default a temporary folder")
    p.add_argument("--out", default=OUT)
    args = p.parse_args()
    folder = args.wheels or tempfile.mkdtemp(prefix="hubctl-wheels-")
    names = torchvision_categories(wheel(folder, "torchvision"))
    synsets = timm_synsets(wheel(folder, "timm"))
    if len(names) != 1000 or len(synsets) != 1000:
        raise ValueError(f"expected 1000 classes, got {len(names)} names and {len(synsets)} synsets")
    if synsets != sorted(synsets) or synsets[0] != "n01440764" or names[0] != "tench":
        raise ValueError("class list is not in WordNet-ID order starting with n01440764 tench")
    if any("\n" in n or not n.strip() for n in names):
        raise ValueError("a class name is empty or spans lines")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("background\n")
        f.write("".join(f"{n}\n" for n in names))
    print(f"wrote {args.out}: 1001 labels")


if __name__ == "__main__":
    main()
