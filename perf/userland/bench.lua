-- Lua workload for perf/userland.sh: recursive calls, string formatting
-- and patterns, table building and sorting.  SIZE (argument 1) scales the
-- work; prints a checksum line that must be the same on every runner.
local n = tonumber(arg[1]) or 10

local function fib(k)
    if k < 2 then return k end
    return fib(k - 1) + fib(k - 2)
end
local f = 0
for _ = 1, n do f = f + fib(24) end

local parts = {}
for i = 1, n * 6000 do
    parts[#parts + 1] = string.format("%d:%x", i, (i * 2654435761) % 4294967296)
end
local s = table.concat(parts, ",")
local _, hits = s:gsub("a%x", "")
local digits = 0
for d in s:gmatch("%d%d%d") do digits = digits + #d end

local t = {}
for i = 1, n * 5000 do t[i] = (i * 7919) % 1000003 end
table.sort(t)
local words = {}
for w in ("the quick brown fox jumps over the lazy dog "):rep(n * 200):gmatch("%a+") do
    words[w] = (words[w] or 0) + 1
end
print(f, #s, hits, digits, t[1], t[#t], words.the, words.fox)
