# Python threading: locks, conditions, events, barriers, semaphores,
# queues, thread-local data, ThreadPoolExecutor, 32 threads at once.
# Deterministic output only.
import queue
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

# A shared counter under a lock, 32 threads.
counter = 0
lock = threading.Lock()


def add(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


threads = [threading.Thread(target=add, args=(2000,), name=f"adder-{i:02d}") for i in range(32)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter:", counter, sorted(t.name for t in threads)[:3], any(t.is_alive() for t in threads))

# Producer/consumer with a condition variable and a bounded buffer.
buf, cond, done = [], threading.Condition(), []
consumed = []


def producer():
    for i in range(500):
        with cond:
            while len(buf) >= 8:
                cond.wait()
            buf.append(i)
            cond.notify_all()
    with cond:
        done.append(True)
        cond.notify_all()


def consumer(out):
    while True:
        with cond:
            while not buf and not done:
                cond.wait()
            if not buf and done:
                return
            out.append(buf.pop(0))
            cond.notify_all()


outs = [[] for _ in range(4)]
cs = [threading.Thread(target=consumer, args=(o,)) for o in outs]
pt = threading.Thread(target=producer)
for t in cs + [pt]:
    t.start()
for t in cs + [pt]:
    t.join()
allv = sorted(v for o in outs for v in o)
print("condition:", len(allv), allv == list(range(500)), all(o == sorted(o) for o in outs))

# queue.Queue with sentinel values and results.
q, results = queue.Queue(), queue.Queue()


def worker():
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            return
        results.put((item, item * item))
        q.task_done()


ws = [threading.Thread(target=worker) for _ in range(6)]
for w in ws:
    w.start()
for i in range(300):
    q.put(i)
for _ in ws:
    q.put(None)
q.join()
for w in ws:
    w.join()
res = sorted(results.get() for _ in range(results.qsize()))
print("queue:", len(res), sum(v for _, v in res), res[:3])

# Event, Barrier, Semaphore, thread-local storage.
ev = threading.Event()
barrier = threading.Barrier(5)
sem = threading.Semaphore(2)
local = threading.local()
active, peak, order = [0], [0], []
plock = threading.Lock()


def phased(i):
    local.value = i * 10
    ev.wait()
    idx = barrier.wait()
    with sem:
        with plock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        threading.Event().wait(0.01)
        with plock:
            active[0] -= 1
    with plock:
        order.append((i, local.value, idx >= 0))


ps = [threading.Thread(target=phased, args=(i,)) for i in range(5)]
for t in ps:
    t.start()
ev.set()
for t in ps:
    t.join()
print("barrier/semaphore/local:", sorted(order), "peak <= 2:", peak[0] <= 2)

# ThreadPoolExecutor: map keeps order, exceptions come back.
def collatz(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def maybe_fail(n):
    if n % 7 == 0:
        raise ValueError(f"bad {n}")
    return n * 2


with ThreadPoolExecutor(max_workers=8) as ex:
    steps = list(ex.map(collatz, range(1, 3001)))
    futs = {ex.submit(maybe_fail, i): i for i in range(1, 30)}
    ok, bad = [], []
    for f in as_completed(futs):
        try:
            ok.append(f.result())
        except ValueError as e:
            bad.append(str(e))
print("executor:", sum(steps), max(steps), sorted(ok)[:5], sorted(bad))

# Timers and thread identity.
fired = []
tm = threading.Timer(0.05, lambda: fired.append("timer"))
tm.start()
tm.join()
idents = set()
ts = [threading.Thread(target=lambda: idents.add(threading.get_ident())) for _ in range(8)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("timer:", fired, "main is main:", threading.current_thread() is threading.main_thread(),
      "distinct idents:", len(idents) >= 1, threading.active_count())
