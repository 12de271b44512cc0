# Python workload for perf/userland.sh: interpreter loops, dicts, json and
# regular expressions.  SIZE (argument 1) scales the work; prints a checksum
# line that must be the same on every runner.
import json
import re
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10

total = 0
for i in range(n * 30000):
    total += (i * i) % 7 + (i >> 3)
d = {}
for i in range(n * 10000):
    d[f"k{i % 5003}"] = d.get(f"k{i % 5003}", 0) + i

records = [{"id": i, "name": f"item-{i}", "tags": [i % 3, i % 5], "score": i / 7} for i in range(n * 800)]
text = json.dumps(records)
back = json.loads(text)
score = sum(r["score"] for r in back)

lines = [f"2024-01-{i % 28 + 1:02d} user=u{i % 97} latency={(i * 7919) % 1000}ms" for i in range(n * 2000)]
pat = re.compile(r"^(\S+) user=(\w+) latency=(\d+)ms$")
slow = sum(1 for l in lines if int(pat.match(l)[3]) > 900)
print(total, len(d), sum(d.values()) % 1000003, len(text), round(score, 3), slow)
