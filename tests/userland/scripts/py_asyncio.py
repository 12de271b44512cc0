# Python asyncio on one thread: tasks, queues, timeouts, a TCP echo server
# and clients on 127.0.0.1, and a subprocess-free event loop (epoll, the
# self-pipe socketpair).  Deterministic output only.
import asyncio


async def worker(name, q, out):
    while True:
        item = await q.get()
        if item is None:
            q.task_done()
            return
        await asyncio.sleep(0.001 * (item % 3))
        out.append((item, name))
        q.task_done()


async def handle(reader, writer):
    while data := await reader.readline():
        writer.write(data.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def client(port, i):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = []
    for k in range(20):
        writer.write(f"client {i} line {k}\n".encode())
        await writer.drain()
        lines.append(await reader.readline())
    writer.write_eof()
    rest = await reader.read()
    writer.close()
    await writer.wait_closed()
    return len(lines), lines[-1].decode().strip(), rest


async def main():
    q, out = asyncio.Queue(), []
    workers = [asyncio.create_task(worker(f"w{i}", q, out)) for i in range(4)]
    for i in range(100):
        await q.put(i)
    for _ in workers:
        await q.put(None)
    await q.join()
    await asyncio.gather(*workers)
    print("queue:", len(out), sorted(i for i, _ in out) == list(range(100)))

    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.05)
    except TimeoutError:
        print("wait_for timed out")
    results = await asyncio.gather(asyncio.sleep(0.01, "a"), asyncio.sleep(0.02, "b"), return_exceptions=True)
    print("gather:", results)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    res = await asyncio.gather(*(client(port, i) for i in range(8)))
    server.close()
    await server.wait_closed()
    print("echo:", res[0], res[7])

    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(0.01, fut.set_result, "called later")
    print("future:", await fut)
    ev = asyncio.Event()
    loop.call_soon(ev.set)
    await ev.wait()
    print("event set:", ev.is_set())


asyncio.run(main())
