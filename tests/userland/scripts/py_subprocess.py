# Python subprocess and os process calls: children found through PATH
# (lua5.4, python3.13 and coreutils of the same sysroot), pipes between
# children, input and output, exit codes, signals, environment, cwd, a
# shell pipeline (/bin/sh), os.fork/os.pipe/os.waitpid.  Deterministic output.
import os
import signal
import subprocess
import sys

r = subprocess.run(["lua5.4", "-e", "print(6 * 7); io.stderr:write('err\\n'); os.exit(3)"],
                   capture_output=True, text=True)
print("lua:", r.returncode, repr(r.stdout), repr(r.stderr))
print("check_output:", subprocess.check_output(["python3.13", "-c", "print(sum(range(101)))"]).decode().strip())
r = subprocess.run(["python3.13", "-c", "import sys; d = sys.stdin.read(); print(len(d), d.upper()[:9])"],
                   input="hello from the parent\n" * 100, capture_output=True, text=True)
print("stdin:", r.stdout.strip())
try:
    subprocess.run(["python3.13", "-c", "raise SystemExit(9)"], check=True)
except subprocess.CalledProcessError as e:
    print("CalledProcessError:", e.returncode, e.cmd[0])
try:
    subprocess.run(["no-such-program-here"])
except FileNotFoundError as e:
    print("FileNotFoundError:", e.errno, e.filename)

# A pipeline: seq | sort -r | head -n 3, wired with Popen.
p1 = subprocess.Popen(["seq", "1", "1000"], stdout=subprocess.PIPE)
p2 = subprocess.Popen(["sort", "-n", "-r"], stdin=p1.stdout, stdout=subprocess.PIPE)
p1.stdout.close()
p3 = subprocess.Popen(["head", "-n", "3"], stdin=p2.stdout, stdout=subprocess.PIPE, text=True)
p2.stdout.close()
out, _ = p3.communicate()
print("pipeline:", out.split(), p3.returncode, p1.wait(), p2.wait() in (0, -signal.SIGPIPE))

# Bigger data through communicate (both directions at once).
payload = "".join(f"{i}\n" for i in range(200000))
r = subprocess.run(["sha256sum"], input=payload, capture_output=True, text=True)
print("sha256 of 200000 lines:", r.stdout.split()[0])
r = subprocess.run(["wc", "-l"], input=payload.encode(), stdout=subprocess.PIPE)
print("wc:", int(r.stdout))

# Environment and working directory.
env = {"PATH": os.environ["PATH"], "GREETING": "hi there", "LC_ALL": "C"}
r = subprocess.run(["python3.13", "-c", "import os; print(os.environ['GREETING'], os.getcwd().rsplit('/', 1)[-1])"],
                   env=env, cwd="subdir", capture_output=True, text=True)
print("env/cwd:", r.stdout.strip())
r = subprocess.run(["lua5.4", "-e", "print(os.getenv('GREETING'))"], env=env, capture_output=True, text=True)
print("lua env:", r.stdout.strip())

# A child that kills itself, and one we kill.
r = subprocess.run(["python3.13", "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"])
print("killed by itself:", r.returncode)
p = subprocess.Popen(["python3.13", "-c", "import time; print('ready', flush=True); time.sleep(60)"],
                     stdout=subprocess.PIPE, text=True)
print("child says:", p.stdout.readline().strip())
p.send_signal(signal.SIGUSR1)
print("killed by parent:", p.wait())
p.stdout.close()
try:
    subprocess.run(["python3.13", "-c", "import time; time.sleep(30)"], timeout=0.5)
except subprocess.TimeoutExpired as e:
    print("TimeoutExpired:", e.timeout)

# The shell: /bin/sh of the same system.
r = subprocess.run("echo one two three | tr a-z A-Z; exit 4", shell=True, capture_output=True, text=True)
print("shell:", r.returncode, r.stdout.strip())
print("os.system:", os.waitstatus_to_exitcode(os.system("exit 6")))
with os.popen("printf 'x\\ny\\n'") as f:
    print("popen:", f.read().split())

# os.fork, os.pipe, os.waitpid, os.execvp in a child.
rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(rfd)
    os.write(wfd, b"written by the forked child %d\n" % (os.getpid() != 0))
    os._exit(17)
os.close(wfd)
with os.fdopen(rfd) as f:
    msg = f.read()
_, status = os.waitpid(pid, 0)
print("fork:", msg.strip(), os.WIFEXITED(status), os.WEXITSTATUS(status))
pid = os.fork()
if pid == 0:
    os.execvp("lua5.4", ["lua5.4", "-e", "os.exit(21)"])
_, status = os.waitpid(pid, 0)
print("fork+exec:", os.waitstatus_to_exitcode(status))
pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), signal.SIGKILL)
_, status = os.waitpid(pid, 0)
print("fork+kill:", os.WIFSIGNALED(status), os.WTERMSIG(status))
sys.stdout.flush()
