"""Summarises one run of Tests/Benchmarks/run.sh: reads the JSON it left in the work folder and prints (and
writes results.md / results.json) every figure beside TensorFlow's and ONNX Runtime's with the ratio hubctl/peer.

usage: summarize.py WORK_DIR SGEMM_PEAK_GFLOPS WEIGHT_BYTES
"""
import json, sys
work, peak, weights = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
tf = json.load(open(f"{work}/tf.json")); hub = json.load(open(f"{work}/hubctl.json")); ort = json.load(open(f"{work}/ort.json"))
rows = [json.loads(l) for l in open(f"{work}/results.jsonl")]
macs = 126.5e9
rows += [
    {"name": "batch1_latency_s", "hubctl": hub["batch1_median_s"], "peer": tf["batch1_median_s"], "peer_name": "TensorFlow", "unit": "s"},
    {"name": "batch8_per_image_s", "hubctl": hub["batch_per_image_s"], "peer": tf["batchN_per_image_s"], "peer_name": "TensorFlow", "unit": "s"},
    {"name": "load_s", "hubctl": hub["load_s"], "peer": tf["load_s"], "peer_name": "TensorFlow", "unit": "s"},
    {"name": "first_call_s", "hubctl": hub["first_call_s"], "peer": tf["first_call_s"], "peer_name": "TensorFlow", "unit": "s"},
    {"name": "batch1_latency_s", "hubctl": hub["batch1_median_s"], "peer": ort["batch1_median_s"], "peer_name": "ONNX Runtime", "unit": "s"},
    {"name": "batch8_per_image_s", "hubctl": hub["batch_per_image_s"], "peer": ort["batchN_per_image_s"], "peer_name": "ONNX Runtime", "unit": "s"},
    {"name": "load_s", "hubctl": hub["load_s"], "peer": ort["load_s"], "peer_name": "ONNX Runtime", "unit": "s"},
    {"name": "bf16_batch1_latency_s", "hubctl": json.load(open(f"{work}/hubctl-bf16.json"))["batch1_median_s"], "peer": tf["batch1_median_s"], "peer_name": "TensorFlow fp32", "unit": "s"},
    {"name": "peak_rss_over_weights", "hubctl": hub["peak_rss_bytes"] / weights, "peer": tf["peak_rss_bytes"] / weights, "peer_name": "TensorFlow", "unit": "x"},
    {"name": "peak_rss_over_weights", "hubctl": hub["peak_rss_bytes"] / weights, "peer": ort["peak_rss_bytes"] / weights, "peer_name": "ONNX Runtime", "unit": "x"},
]
for r in rows:
    if r["name"] in ("batch1_latency_s", "batch8_per_image_s"):
        r["hubctl_gflops"] = 2 * macs / r["hubctl"] / 1e9; r["peer_gflops"] = 2 * macs / r["peer"] / 1e9
lines = [f"sgemm peak {peak:.0f} GFLOP/s; weights {weights} bytes", "",
         "| figure | hubctl | peer | ratio hubctl/peer |", "|---|---|---|---|"]
for r in rows:
    ratio = r["hubctl"] / r["peer"] if r.get("peer") else float("nan")
    lines.append(f"| {r['name']} | {r['hubctl']:.4g} | {r['peer'] if r['peer'] is None else format(r['peer'], '.4g')} ({r['peer_name']}) | {ratio:.2f} |")
lines.append("")
for name in ("batch1_latency_s", "batch8_per_image_s"):
    pair = [r for r in rows if r["name"] == name]
    lines.append(f"GFLOP/s, {name}: hubctl {pair[0]['hubctl_gflops']:.0f} ({100*pair[0]['hubctl_gflops']/peak:.0f}% of sgemm peak), "
                 + ", ".join(f"{r['peer_name']} {r['peer_gflops']:.0f} ({100*r['peer_gflops']/peak:.0f}%)" for r in pair))
lines.append(open(f"{work}/bf16.txt").read().strip())
text = "\n".join(lines)
print(text)
open(f"{work}/results.md", "w").write(text + "\n")
json.dump(rows, open(f"{work}/results.json", "w"), indent=1)
