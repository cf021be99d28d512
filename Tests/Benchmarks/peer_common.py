"""What both benchmark peers (peer_tensorflow.py, peer_onnxruntime.py) measure and print, in one place, so the
two report the same figures the same way. Each peer supplies a `run(images) -> logits as numpy` callable."""
import json
import statistics
import sys
import time


def vm_hwm_bytes():
    """Peak resident memory of this process so far (VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def latency(run, one, many, repeats):
    """First call, then median batch-1 latency over `repeats` (after a warm-up) and per-image time at the batch
    size of `many` (median of at least 2, after a warm-up)."""
    t = time.perf_counter()
    run(one)
    first_s = time.perf_counter() - t
    run(one)  # warm-up
    b1 = []
    for _ in range(repeats):
        t = time.perf_counter()
        run(one)
        b1.append(time.perf_counter() - t)
    run(many)
    bn = []
    for _ in range(max(2, repeats // 2)):
        t = time.perf_counter()
        run(many)
        bn.append((time.perf_counter() - t) / len(many))
    return {"first_call_s": first_s, "batch1_median_s": statistics.median(b1), "batch1_all_s": b1,
            "batchN": len(many), "batchN_per_image_s": statistics.median(bn)}


def report_e2e(logits, started, load_s):
    """Prints the top-5 of one image's logits on stderr and the end-to-end JSON on stdout."""
    top = sorted(range(len(logits)), key=lambda i: -float(logits[i]))[:5]
    for i in top:
        print(f"{int(i)}\t{float(logits[i]):.4f}", file=sys.stderr)
    print(json.dumps({"total_s": time.perf_counter() - started, "load_s": load_s,
                      "top5": [int(i) for i in top], "peak_rss_bytes": vm_hwm_bytes()}))
