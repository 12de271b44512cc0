# busybox sh: pipes, subshells, command substitution, loops, functions,
# here-documents, redirections, traps and background jobs.  Run in a folder
# holding tree/ (see tests/userland/run.sh); prints only deterministic text.
set -u

n=0
for w in $(seq 1 10); do n=$((n + w * w)); done
echo "sum of squares: $n"

echo "files in tree: $(find tree -type f | wc -l)"
printf '%s\n' banana apple cherry apple banana apple | sort | uniq -c | sort -rn | sed 's/^ *//'
find tree -type f | sort | while read -r f; do
    printf '%s %s\n' "$(wc -c < "$f" | tr -d ' ')" "$f"
done

(cd tree && echo "subshell in ${PWD##*/}")
echo "after subshell: ${PWD##*/}"
x=outer
(x=inner; echo "sub x=$x")
echo "x=$x"
{ x=group; }
echo "group x=$x"

i=0
while [ $i -lt 6 ]; do
    i=$((i + 1))
    [ $i -eq 3 ] && continue
    [ $i -eq 5 ] && break
    echo "while i=$i"
done
until [ $i -le 0 ]; do i=$((i - 2)); done
echo "until i=$i"
for a in x y; do for b in 1 2; do printf '%s%s ' $a $b; done; done
echo

f() {
    local first=$1
    shift
    echo "f: first=$first rest=$# [$*]"
    return 3
}
f one two three
echo "f returned $?"
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi; }
echo "10! = $(fact 10)"

cat << END | tr 'a-z' 'A-Z'
here-doc n=$n
END
cat << 'END'
quoted here-doc keeps $n
END

echo a b c | { read -r p q r; echo "read: $r $q $p"; }
seq 1 30 | while read -r k; do [ $((k % 7)) -eq 0 ] && echo "multiple $k"; done
case $(echo hello | cut -c1-3) in hel) echo "case matched" ;; *) echo "case missed" ;; esac
echo "nested: $(echo "$(echo "$(echo deep)")")"
echo "backquotes: `echo old style`"
y=$(exit 4)
echo "command substitution status $?"
false | true
echo "pipeline status $?"
true | false
echo "pipeline status $?"
echo "subshell status $( (exit 5); echo $?)"
v=$(printf 'a\nb\n\n\n')
echo "trailing newlines stripped: [$v]"

echo one > out.txt
echo two >> out.txt
exec 3< out.txt
read -r l1 <&3
read -r l2 <&3
exec 3<&-
echo "fd 3 read: $l1 $l2"
{ echo to-stderr >&2; echo to-stdout; } 2> /dev/null
ls nonexistent-file > /dev/null 2>&1 || echo "ls failed as expected"
wc -l < out.txt | tr -d ' '

sleep 0.1 &
wait $!
echo "background sleep status $?"
(exit 7) &
wait $!
echo "background subshell status $?"
for k in 1 2 3; do (echo "job $k" > "job$k.txt") & done
wait
cat job1.txt job2.txt job3.txt

IFS=: read -r u1 u2 u3 << END
alpha:beta:gamma
END
echo "IFS split: $u3 $u2 $u1"
set -- q w e r
echo "positional: $# $2 ${4}"
shift 2
echo "after shift: $*"
s="path/to/file.tar.gz"
echo "${s##*/} ${s%%.*} ${s#*/} ${s%.*} ${#s}"
echo "arith: $((7 / 2)) $((-7 % 3)) $((1 << 10)) $((0x1f)) $((3 > 2 && 1))"

trap 'echo "trap on EXIT, status $?"' EXIT
echo "exiting with 3"
exit 3
