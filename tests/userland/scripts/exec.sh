# busybox sh starting other programs of the sysroot by name (found through
# PATH, none of them a busybox applet): lua5.4, python3.13, sqlite3 and
# coreutils' numfmt, join, tsort, b2sum, cksum; in pipelines, command
# substitutions and subshells.
set -u

lua5.4 -e 'print("lua from sh", 6 * 7)'
echo 'print(("x"):rep(5))' | lua5.4 -
python3.13 -c 'print("python from sh")'
echo "select 6 * 7;" | sqlite3
numfmt --to=iec 1048576 5000000
printf '1 a\n2 b\n3 c\n' > left.txt
printf '1 x\n3 z\n' > right.txt
join left.txt right.txt
printf 'a b\nb c\nc d\n' | tsort
printf 'hello\n' | b2sum
printf 'hello\n' | cksum

out=$(lua5.4 -e 'io.write(string.rep("ab", 3))')
echo "captured: $out"
lua5.4 -e 'os.exit(3)'
echo "lua exit status $?"
python3.13 -c 'import sys; sys.exit(5)'
echo "python exit status $?"
seq 1 100 | python3.13 -c 'import sys; print("sum", sum(int(l) for l in sys.stdin))'
lua5.4 -e 'for i = 1, 5 do print(i * i) end' | python3.13 -c 'import sys; print([int(l) for l in sys.stdin])' | tr '[]' '()'
lua5.4 -e 'for i = 1, 4 do print(string.format("insert into t values (%d, %q);", i, "v" .. i)) end' > ins.sql
{ echo "create table t (a, b);"; cat ins.sql; echo "select group_concat(b, '+') from t;"; } | sqlite3
(numfmt --to=si 1000000; numfmt --from=iec 2K) | sort
n=0
for w in $(python3.13 -c 'print(" ".join(str(i) for i in range(5)))'); do n=$((n + w)); done
echo "loop over python output: $n"
python3.13 -c 'import subprocess; print(subprocess.run(["lua5.4", "-e", "print(1 + 1)"], capture_output=True, text=True).stdout.strip())'
echo done
