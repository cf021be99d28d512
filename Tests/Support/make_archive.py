#!/usr/bin/env python3
"""Builds test archives (including hostile ones) deterministically from a JSON spec on stdin.

Spec: {"format": "tar" | "tar.gz" | "zip", "output": path, "entries": [entry, ...]} where an entry is
  {"type": "file", "name": n, "data": base64}           {"type": "zeros", "name": n, "size": bytes}
  {"type": "dir", "name": n}                            {"type": "symlink", "name": n, "target": t}
  {"type": "hardlink", "name": n, "target": t}          {"type": "chardev" | "fifo", "name": n}
  {"type": "file", ..., "mode": 493} sets the permission bits.
Names are written exactly as given (absolute paths and '..' included): that is the point.
"""
import base64
import gzip
import io
import json
import sys
import tarfile
import zipfile


class Zeros(io.RawIOBase):
    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.left)
        buffer[:count] = b"\0" * count
        self.left -= count
        return count


def tar_entry(entry):
    info = tarfile.TarInfo(entry["name"])
    info.mtime = 1_600_000_000
    info.mode = entry.get("mode", 0o644)
    kind = entry["type"]
    data = None
    if kind == "file":
        payload = base64.b64decode(entry["data"])
        info.size = len(payload)
        data = io.BytesIO(payload)
    elif kind == "zeros":
        info.size = entry["size"]
        data = io.BufferedReader(Zeros(entry["size"]))
    elif kind == "dir":
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
    elif kind == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, entry["target"]
    elif kind == "hardlink":
        info.type, info.linkname = tarfile.LNKTYPE, entry["target"]
    elif kind == "chardev":
        info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
    elif kind == "fifo":
        info.type = tarfile.FIFOTYPE
    return info, data


def main():
    spec = json.load(sys.stdin)
    fmt, output, entries = spec["format"], spec["output"], spec["entries"]
    if fmt in ("tar", "tar.gz"):
        raw = open(output, "wb")
        stream = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) if fmt == "tar.gz" else raw
        with tarfile.open(fileobj=stream, mode="w", format=tarfile.GNU_FORMAT) as archive:
            for entry in entries:
                info, data = tar_entry(entry)
                archive.addfile(info, data)
        if stream is not raw:
            stream.close()
        raw.close()
    elif fmt == "zip":
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for entry in entries:
                info = zipfile.ZipInfo(entry["name"], date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                kind = entry["type"]
                if kind == "file":
                    info.external_attr = (0o100000 | entry.get("mode", 0o644)) << 16
                    archive.writestr(info, base64.b64decode(entry["data"]))
                elif kind == "zeros":
                    info.external_attr = 0o100644 << 16
                    with archive.open(info, "w", force_zip64=True) as sink:
                        left = entry["size"]
                        while left:
                            count = min(left, 1 << 20)
                            sink.write(b"\0" * count)
                            left -= count
                elif kind == "dir":
                    info.external_attr = (0o040755 << 16) | 0x10
                    archive.writestr(info, b"")
                elif kind == "symlink":
                    info.external_attr = 0o120777 << 16
                    archive.writestr(info, entry["target"])
                else:
                    raise SystemExit("zip cannot hold a %s entry" % kind)
    else:
        raise SystemExit("unknown format " + fmt)


if __name__ == "__main__":
    main()
