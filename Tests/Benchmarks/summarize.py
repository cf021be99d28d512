"""Summarises one run of Tests/Benchmarks/run.sh: reads the JSON it left in the work folder and prints (and
writes results.md / results.json) every figure beside TensorFlow's with the ratio hubctl/peer.

usage: summarize.py WORK_DIR SGEMM_PEAK_GFLOPS WEIGHT_BYTES
"""
import json, sys
work, peak, weights = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
tf = json.load(open(f"{work}/tf.json")); hub = json.load(open(f"{work}/hubctl.json"))
rows = [json.loads(l) for l in open(f"{work}/results.jsonl")]
macs = 126.5e9
rows += [
    {"name": "batch1_latency_s", "hubctl": hub["batch1_median_s"], "peer": tf["batch1_median_s"], "peer_name": "TensorFlow", "unit": "s"},
    {"name": "batch8_per_image_s", "hubctl": hub["batch_per_image_s"], "peer": tf["batchN_per_image_s"], "peer_name": "TensorFlow", "unit": "s"},
    {"name": "load_s", "hubctl": hub["load_s"], "peer": tf["load_s"], "peer_name": "TensorFlow", "unit": "s"},
    {"name": "first_call_s", "hubctl": hub["first_call_s"], "peer": tf["first_call_s"], "peer_name": "TensorFlow", "unit": "s"},
    {"name": "bf16_batch1_latency_s", "hubctl": json.load(open(f"{work}/hubctl-bf16.json"))["batch1_median_s"], "peer": tf["batch1_median_s"], "peer_name": "TensorFlow fp32", "unit": "s"},
    {"name": "peak_rss_over_weights", "hubctl": hub["peak_rss_bytes"] / weights, "peer": tf["peak_rss_bytes"] / weights, "peer_name": "TensorFlow", "unit": "x"},
]
for r in rows:
    if r["name"] == "batch8_per_image_s":
        r["hubctl_gflops"] = 2 * macs / r["hubctl"] / 1e9; r["peer_gflops"] = 2 * macs / r["peer"] / 1e9
lines = [f"sgemm peak {peak:.0f} GFLOP/s; weights {weights} bytes", "",
         "| figure | hubctl | peer | ratio hubctl/peer |", "|---|---|---|---|"]
for r in rows:
    ratio = r["hubctl"] / r["peer"] if r.get("peer") else float("nan")
    lines.append(f"| {r['name']} | {r['hubctl']:.4g} | {r['peer'] if r['peer'] is None else format(r['peer'], '.4g')} ({r['peer_name']}) | {ratio:.2f} |")
b8 = next(r for r in rows if r["name"] == "batch8_per_image_s")
lines.append("")
lines.append(f"GFLOP/s at batch 8: hubctl {b8['hubctl_gflops']:.0f} ({100*b8['hubctl_gflops']/peak:.0f}% of sgemm peak), "
             f"TensorFlow {b8['peer_gflops']:.0f} ({100*b8['peer_gflops']/peak:.0f}%)")
lines.append(open(f"{work}/bf16.txt").read().strip())
text = "\n".join(lines)
print(text)
open(f"{work}/results.md", "w").write(text + "\n")
json.dump(rows, open(f"{work}/results.json", "w"), indent=1)
