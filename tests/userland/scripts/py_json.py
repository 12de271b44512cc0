# Python json: encoding and decoding, formatting options, errors, and a
# larger round trip.  Deterministic output only.
import json
from collections import OrderedDict

doc = {
    "name": "liftvm",
    "version": [0, 1, 2],
    "pi": 3.141592653589793,
    "tiny": 5e-324,
    "big": 2 ** 70,
    "neg": -0.0,
    "flags": {"jit": True, "tier": None, "ratio": 1 / 3},
    "text": "tab\there \"quoted\" back\\slash \u00e9\u20ac\U0001f600 \x01",
    "nested": [[], {}, [[1, [2, [3]]]], {"k": [True, False, None]}],
}
compact = json.dumps(doc, sort_keys=True, separators=(",", ":"))
print(compact)
print(json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False))
back = json.loads(compact)
print(back == doc, type(back["big"]).__name__, back["tiny"], back["neg"], repr(back["flags"]["ratio"]))

print(json.dumps([float("inf"), float("-inf")]), json.dumps(float("nan")))
try:
    json.dumps(float("nan"), allow_nan=False)
except ValueError as e:
    print("ValueError:", e)
for bad in ['{"a": 1,}', "[1, 2", '{"a" 1}', '"\\x"', "nul", "1 2"]:
    try:
        json.loads(bad)
    except json.JSONDecodeError as e:
        print("JSONDecodeError:", e.msg, e.lineno, e.colno, e.pos)

print(json.loads('{"b": 1, "a": 2, "b": 3}'))
print(json.loads('{"x": [1, 2]}', object_pairs_hook=OrderedDict))
print(json.loads("[1.5, 2, 1e400]", parse_float=str, parse_int=lambda s: int(s) * 10))


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def encode(o):
    if isinstance(o, Point):
        return {"__point__": [o.x, o.y]}
    if isinstance(o, set):
        return sorted(o)
    raise TypeError(f"cannot encode {type(o).__name__}")


def decode(d):
    if "__point__" in d:
        return Point(*d["__point__"])
    return d


s = json.dumps({"p": Point(1, 2), "s": {3, 1, 2}}, default=encode, sort_keys=True)
print(s)
p = json.loads(s, object_hook=decode)["p"]
print(type(p).__name__, p.x, p.y)
try:
    json.dumps(object())
except TypeError as e:
    print("TypeError:", str(e).split(" at ")[0])

# A larger document: 5000 records, round trip and a checksum of the text.
records = [
    {"id": i, "name": f"item-{i:05d}", "score": (i * 7919) % 10007 / 97.0,
     "tags": [f"t{j}" for j in range(i % 5)], "ok": i % 3 == 0}
    for i in range(5000)
]
text = json.dumps(records, sort_keys=True)
again = json.loads(text)
print(len(text), again == records, sum(r["score"] for r in again))
import zlib
print(zlib.crc32(text.encode()), zlib.crc32(json.dumps(again, indent=1).encode()))
