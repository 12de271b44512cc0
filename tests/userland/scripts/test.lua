-- Lua 5.4: strings, patterns, tables, closures, coroutines, metatables,
-- integer and float arithmetic, string.pack, utf8, goto, errors, files.
-- Deterministic output only.

local function show(...) print(select("#", ...), ...) end

-- strings and patterns
local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:lower():rep(2, "|"))
print(s:find("fox"), s:find("o", 20, true), s:match("(%a+) dog"))
print((s:gsub("%w+", function(w) return #w > 4 and w:reverse() or nil end)))
print(s:gsub("o", "0", 2))
for k, v in string.gmatch("a=1, b=22, ccc=333", "(%w+)=(%w+)") do io.write(k, ":", v, " ") end
print()
print(string.format("%5d|%-5s|%05.1f|%x|%X|%o|%e|%g|%g|%q", 42, "ab", 3.14159, 255, 255, 8, 12345.678, 0.1, 1e20, "a\n\"b\"\0"))
print(string.format("%10.3s|%c%c%c|%i|%%|%a", "abcdef", 76, 117, 97, -7, 1.0))
print(("hello"):byte(1, -1))
print(string.char(72, 105), ("x"):rep(0), ("abc"):sub(-2), ("abc"):sub(5))
print(tostring(nil), tostring(true), tostring(12), tostring(12.0), tostring(-0.0), 1e100, 2^63, math.pi)

-- integers and floats
print(7 // 2, -7 // 2, 7 % -3, -7 % 3, 7.5 // 2, 2^10, 10 / 4, 3 | 5, 3 & 5, 3 ~ 5, ~0, 1 << 62, 1 << 64, -1 >> 1)
print(math.maxinteger + 1 == math.mininteger, math.maxinteger * 2, math.tointeger(3.0), math.tointeger(3.5))
print(math.floor(-3.5), math.ceil(-3.5), math.fmod(7, -3), math.fmod(-7, 3), math.huge, -math.huge, math.abs(math.mininteger))
print(string.format("%.17g %.17g %.17g", 0.1 + 0.2, 1 / 3, math.sqrt(2)), 0 / 0 ~= 0 / 0, math.type(1), math.type(1.0), math.type("1"))
print(tonumber("0x10"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("10", 2), tonumber("abc"), "10" + 5, "3" * "4")
print(math.ult(1, -1), math.max(3, 7.5, -2), math.min(4, 2), 5 // 0.0, -5 // 0.0, pcall(function() return 5 // 0 end))

-- tables
local t = {}
for i = 1, 20 do t[i] = (i * 37) % 23 end
table.sort(t)
print(table.concat(t, ","))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, ",", 1, 5), #t, select("#", table.unpack(t)))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w:lower() end
table.sort(words)
print(table.concat(words, " "))
table.insert(words, 1, "FIRST")
print(table.remove(words), table.remove(words, 1), #words)
print(table.concat(table.move({1, 2, 3}, 1, 3, 2, {9, 9, 9, 9}), " "))
local keys = {}
for k in pairs({x = 1, y = 2, z = 3, [1] = "a", [2] = "b"}) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
print(table.concat(keys, " "))
show(table.unpack({1, nil, 3}, 1, 3))

-- closures and varargs
local function counter()
    local n = 0
    return function(step) n = n + (step or 1); return n end
end
local c1, c2 = counter(), counter()
c1(); c1(5)
print(c1(), c2(), c2(10))
local function va(...)
    local packed = table.pack(...)
    return packed.n, ...
end
show(va(1, nil, 3, nil))

-- coroutines
local gen = coroutine.wrap(function(a, b)
    for i = a, b do coroutine.yield(i * i) end
    return "done"
end)
print(gen(3, 6), gen(), gen(), gen(), gen())
local co = coroutine.create(function(x)
    local y = coroutine.yield(x + 1)
    local z = coroutine.yield(y * 2)
    error("boom " .. z)
end)
print(coroutine.resume(co, 1))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "z"))
print(coroutine.status(co), coroutine.isyieldable())

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
V.__len = function() return 2 end
V.__call = function(v, k) return v.x * k end
function V.norm1(v) return math.abs(v.x) + math.abs(v.y) end
local a, b = setmetatable({x = 1, y = 2}, V), setmetatable({x = 3, y = -4}, V)
print(tostring(a + b), a == b, a < b, #a, a(10), (a + b):norm1())
local proxy = setmetatable({}, {__index = function(_, k) return k .. "!" end, __newindex = function(t2, k, v) rawset(t2, k, v * 2) end})
proxy.q = 21
print(proxy.hello, proxy.q, rawget(proxy, "hello"))

-- string.pack and utf8
local packed = string.pack("<i4 >I2 d z s1", -2, 0x1234, 1.5, "zero", "len")
print(#packed, (packed:gsub(".", function(ch) return string.format("%02x", ch:byte()) end)))
print(string.unpack("<i4 >I2 d z s1", packed))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häll€"), utf8.codepoint("€", 1))
for p, cp in utf8.codes("aé€") do io.write(p, "=", cp, " ") end
print()

-- goto, errors, load
for i = 1, 3 do
    for j = 1, 3 do
        if i * j == 4 then goto out end
        io.write(i * j, " ")
    end
end
::out::
print()
local ok, e = pcall(error, {code = 42})
print(ok, type(e), e.code)
print(select(2, pcall(error, "msg", 0)), select(2, pcall(error, "msg")))
print(pcall(function() local x = nil; return x.field end))
print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
local f = load("local a, b = ...; return a * b, _ENV ~= nil")
print(f(6, 7), load("syntax error here"))
print(string.format("%s", setmetatable({}, {__tostring = function() return "custom" end})))

-- os and io (TZ is UTC)
print(os.time({year = 2024, month = 2, day = 29, hour = 12}), os.date("!%Y-%m-%d %H:%M:%S %j %a", 86400 * 365))
print(os.date("!*t", 1e9).year, os.getenv("LUA_TEST_UNSET"), type(os.clock()))
local fh = assert(io.open("lua-out.txt", "w"))
for i = 1, 5 do fh:write(i, "\t", i * i, "\n") end
fh:close()
local sum = 0
for line in io.lines("lua-out.txt") do
    local x, y = line:match("(%d+)\t(%d+)")
    sum = sum + tonumber(x) * tonumber(y)
end
fh = io.open("lua-out.txt", "rb")
local all = fh:read("a")
fh:seek("set", 2)
print(sum, #all, fh:read("n"), fh:read("l"), fh:seek("cur"))
fh:close()
print(io.open("/nonexistent/file"))
os.remove("lua-out.txt")
print(io.type(fh), io.type(io.stdout), os.rename("nope-a", "nope-b"))

-- a bit of work: sieve and string building
local sieve, primes = {}, {}
for i = 2, 5000 do
    if not sieve[i] then
        primes[#primes + 1] = i
        for j = i * i, 5000, i do sieve[j] = true end
    end
end
print(#primes, primes[#primes], table.concat(primes, " ", 1, 10))
local parts = {}
for i = 1, 1000 do parts[i] = string.format("%03d", i % 997) end
local big = table.concat(parts)
local h = 0
for i = 1, #big do h = (h * 31 + big:byte(i)) & 0xffffffff end
print(#big, h)
os.exit(7)
