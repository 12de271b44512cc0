# Python re: matching, groups, substitution, splitting, flags, lookaround,
# Unicode, and a log-parsing workload.  Deterministic output only.
import re

text = """2024-01-15 10:23:45 INFO  user=alice action=login ip=10.0.0.1
2024-01-15 10:24:02 WARN  user=bob action=upload size=1048576 ip=10.0.0.2
2024-01-15 10:25:13 ERROR user=alice action=delete path=/tmp/x code=E42
2024-01-16 08:00:00 INFO  user=carol action=logout ip=192.168.1.7"""

line = re.compile(r"^(?P<date>\d{4}-\d\d-\d\d) (?P<time>[\d:]+) (?P<level>[A-Z]+)\s+(?P<rest>.*)$", re.M)
for m in line.finditer(text):
    kv = dict(re.findall(r"(\w+)=(\S+)", m["rest"]))
    print(m.group("date", "level"), m.span(), sorted(kv.items()))
print(re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}\b", text))
print(re.sub(r"(\d{4})-(\d\d)-(\d\d)", r"\3/\2/\1", text.splitlines()[0]))
print(re.sub(r"user=(\w+)", lambda m: "user=" + m[1].upper()[::-1], text, count=2).splitlines()[:3])
print(re.subn(r"\s+", " ", "a  b\t\tc\n\nd"))
print(re.split(r"[,;]\s*", "a, b;c,  d"), re.split(r"(\d)", "a1b2c"), re.split(r"x*", "axbc"))
print(re.match(r"(a+)(b+)?", "aaac").groups(), re.fullmatch(r"\w+", "abc def"), re.search(r"c$", "abc\n"))
print(re.findall(r"a.*?b", "a1b a22b a333b"), re.findall(r"a.*b", "a1b a22b"))
print(re.findall(r"(?<=\$)\d+(?=\.)", "cost $42.50 or $7.00"), re.findall(r"\b(\w+) \1\b", "the the cat sat sat on"))
print(re.findall(r"(?i)hello", "Hello HELLO hello"), re.findall(r"^\w", "ab\ncd\nef", re.M), re.findall(r"a.c", "a\nc", re.S))
print(re.findall(r"\w+", "naïve café straße ЖУК 東京"), re.findall(r"\w+", "naïve café", re.A))
print(re.escape("a.b*c?[d]"), re.compile(r"(?x) \d+  # digits\n  [a-z]").findall("12a 3b x4"))
print(bool(re.match(r"^(\d+)\.(\d+)\.(\d+)(?:-(\w+))?$", "1.2.3-rc1")), re.match(r"(?P<x>a)|(?P<y>b)", "b").groupdict())
try:
    re.compile(r"(unbalanced")
except re.error as e:
    print("re.error:", e.msg, e.pos)
m = re.search(r"(\d+)-(\d+)", "range 10-20 end")
print(m.start(1), m.end(2), m.expand(r"[\2..\1]"), m.string[m.start():m.end()], m.lastindex)
print(re.sub(r"(?m)^", "> ", "one\ntwo"), re.sub(r"", "-", "abc"))

# Workload: parse 20000 synthetic log lines.
levels = ["INFO", "WARN", "ERROR", "DEBUG"]
lines = [
    f"2024-02-{(i % 28) + 1:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d} {levels[i % 4]} "
    f"user=u{i % 37} latency={(i * 7919) % 1000}ms path=/api/v{i % 3}/item/{i}"
    for i in range(20000)
]
pat = re.compile(r"^(\S+) (\S+) (\w+) user=(\w+) latency=(\d+)ms path=(/api/v(\d)/\w+/(\d+))$")
counts, total, slow = {}, 0, 0
for l in lines:
    m = pat.match(l)
    counts[m[3]] = counts.get(m[3], 0) + 1
    total += int(m[5])
    if int(m[5]) > 900 and m[7] == "2":
        slow += 1
print(sorted(counts.items()), total, slow)
print(len(re.findall(r"u3\d\b", "\n".join(lines))), re.sub(r"\d", "#", lines[12345]))
