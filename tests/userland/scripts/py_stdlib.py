# Python standard library beyond the named modules: numbers, dates, data
# structures, compression modules, sqlite3, pickle, files, random with a
# seed.  Deterministic output only (TZ=UTC).
import array
import bisect
import bz2
import collections
import csv
import datetime
import decimal
import fractions
import functools
import gzip
import heapq
import io
import itertools
import lzma
import math
import os
import pathlib
import pickle
import random
import sqlite3
import statistics
import struct
import tempfile
import textwrap
import time
import unicodedata

print(decimal.Decimal("1.1") + decimal.Decimal("2.2"), decimal.Decimal(1) / decimal.Decimal(7))
decimal.getcontext().prec = 50
print(decimal.Decimal(2).sqrt(), fractions.Fraction(3, 4) + fractions.Fraction(5, 6), fractions.Fraction(0.1))
print(math.factorial(30), math.comb(50, 25), math.gcd(2 ** 40, 6 ** 20), math.isqrt(10 ** 30 + 12345))
print(math.sin(1.0), math.exp(-3.5), math.log(12345.678), math.atan2(-1, -2), math.fsum([0.1] * 10), math.hypot(3, 4, 12))
print(f"{math.pi:.30f}", f"{1e-310:.5e}", float.hex(0.1), (0.1).as_integer_ratio(), 2 ** 0.5, 10 ** -5, round(2.675, 2))
print(1 / 3 * 3 == 1, 0.1 + 0.2, divmod(-17, 5), divmod(17.5, -4), int("ff", 16), int(-3.99), float("-inf") < 0, -0.0 == 0.0)
print((12345678901234567890 * 98765432109876543210) % (2 ** 89 - 1), pow(3, 10 ** 6, 10 ** 9 + 7), pow(7, -1, 13))

d = datetime.datetime(2024, 2, 29, 13, 45, 10, tzinfo=datetime.timezone.utc)
print(d.isoformat(), d + datetime.timedelta(days=400, seconds=3661), d.strftime("%A %j %U %b"), d.timestamp())
print(datetime.date(2000, 1, 1).toordinal(), datetime.date.fromisoformat("2023-12-31").isocalendar(), time.gmtime(1e9)[:6])
print(datetime.datetime.fromtimestamp(1234567890, datetime.timezone.utc), time.strftime("%Y-%m-%d", time.gmtime(0)))

c = collections.Counter("the quick brown fox jumps over the lazy dog".split() + list("mississippi"))
print(c.most_common(4), sorted(c.elements())[:6])
dq = collections.deque(range(10), maxlen=7)
dq.rotate(3)
dq.appendleft(-1)
print(list(dq), collections.OrderedDict.fromkeys("abracadabra").keys())
Pt = collections.namedtuple("Pt", "x y")
dd = collections.defaultdict(list)
for k, v in [("a", 1), ("b", 2), ("a", 3)]:
    dd[k].append(v)
print(Pt(1, 2)._replace(y=5), dict(dd), collections.ChainMap({"a": 1}, {"a": 2, "b": 3})["b"])
h = [(i * 37) % 101 for i in range(50)]
heapq.heapify(h)
print([heapq.heappop(h) for _ in range(6)], heapq.nlargest(3, range(100), key=lambda x: (x * 7) % 50))
s = sorted((i * 13) % 97 for i in range(97))
print(bisect.bisect_left(s, 50), bisect.bisect_right(s, 50), list(itertools.islice(itertools.permutations("abcd", 3), 5)))
print(list(itertools.accumulate(range(1, 11), lambda a, b: a * b))[-1], list(itertools.product("ab", repeat=2)),
      [(k, len(list(g))) for k, g in itertools.groupby("aaabccdddd")])


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(200), fib.cache_info().hits, functools.reduce(lambda a, b: a ^ b, range(1000)))
print(struct.pack("<hIq3sd?", -2, 4000000000, -(2 ** 62), b"ab", 2.5, True).hex(), struct.unpack(">HhfQ", b"\x01\x02\xff\xfe\x40\x49\x0f\xdb" + b"\x00" * 7 + b"\x2a"))
a = array.array("d", (i / 7 for i in range(100)))
print(sum(a), a.itemsize, array.array("i", [1, -2, 3]).tobytes().hex())
print(unicodedata.name("€"), unicodedata.normalize("NFD", "é").encode(), "Straße".upper(), "ǅ".lower(), "ß".casefold(), "İ".lower().encode())
print(textwrap.fill("The quick brown fox jumps over the lazy dog " * 3, width=30))

rng = random.Random(12345)
print(rng.random(), rng.randint(1, 10 ** 12), rng.choice("abcdef"), rng.sample(range(100), 5), rng.gauss(0, 1))
lst = list(range(20))
rng.shuffle(lst)
print(lst, statistics.mean(lst), statistics.median([3, 1, 4, 1, 5]), statistics.stdev([2, 4, 4, 4, 5, 5, 7, 9]))

blob = b"".join(b"line %d of some compressible text\n" % i for i in range(3000))
for mod in (gzip, bz2, lzma):
    comp = mod.compress(blob)
    print(mod.__name__, mod.decompress(comp) == blob, len(comp) < len(blob) // 5)
print("gzip mtime=0", gzip.compress(b"fixed", mtime=0).hex())

buf = io.StringIO()
w = csv.writer(buf)
w.writerows([["id", "name", "note"], [1, "a,b", 'say "hi"'], [2, "multi\nline", ""]])
print(repr(buf.getvalue()), list(csv.reader(io.StringIO(buf.getvalue())))[1:])
obj = {"t": (1, 2.5, "x"), "s": {1, 2}, "b": b"\x00\xff", "n": None, "big": 10 ** 40, "f": frozenset("ab")}
for proto in (0, 2, 5):
    print(proto, pickle.loads(pickle.dumps(obj, protocol=proto)) == obj)

con = sqlite3.connect(":memory:")
con.execute("create table t (k integer primary key, v text, x real)")
con.executemany("insert into t (v, x) values (?, ?)", [(f"v{i}", i / 3) for i in range(1000)])
print(con.execute("select count(*), sum(x), min(v), max(v) from t").fetchone(),
      con.execute("select v from t where k % 250 = 0 order by k").fetchall(), sqlite3.sqlite_version_info >= (3, 0, 0))

with tempfile.TemporaryDirectory(dir=".") as tmp:
    p = pathlib.Path(tmp) / "sub" / "file.txt"
    p.parent.mkdir(parents=True)
    p.write_text("one\ntwo\nthree\n")
    (p.parent / "other.bin").write_bytes(bytes(range(10)))
    print(p.read_text().splitlines(), p.stat().st_size, sorted(x.name for x in p.parent.iterdir()), p.suffix, p.stem)
    os.chmod(p, 0o640)
    print(oct(p.stat().st_mode & 0o777), os.path.exists(p), os.path.getsize(p.parent / "other.bin"))
    os.rename(p, p.with_name("renamed.txt"))
    print(sorted(os.listdir(p.parent)), [r[2] for r in os.walk(tmp)])
print(os.path.exists(tmp), os.path.normpath("/a/./b/../c//d"), os.path.splitext("x.tar.gz"), os.path.relpath("/a/b/c", "/a/d"))
