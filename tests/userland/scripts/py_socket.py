# Python sockets on this machine only (loopback and AF_UNIX), in one thread
# with non-blocking sockets and selectors (epoll), plus poll, select,
# socketpair, SCM_RIGHTS fd passing, UDP, and socket options.
# Deterministic output only (no port numbers or addresses that vary).
import array
import os
import select
import selectors
import socket

a, b = socket.socketpair()
a.sendall(b"ping" * 1000)
got = b""
while len(got) < 4000:
    got += b.recv(65536)
print("socketpair:", len(got), got[:8], a.family == socket.AF_UNIX, a.type == socket.SOCK_STREAM)
a.close()
print("peer closed:", b.recv(10))
b.close()

# TCP echo on 127.0.0.1 through a selector loop.
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(4)
srv.setblocking(False)
port = srv.getsockname()[1]
print("listening:", srv.getsockname()[0], port > 0, srv.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM)
cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
cli.setblocking(False)
print("connect_ex in progress:", cli.connect_ex(("127.0.0.1", port)) in (0, 115))
cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
sel = selectors.DefaultSelector()
sel.register(srv, selectors.EVENT_READ, "accept")
sel.register(cli, selectors.EVENT_WRITE, "client")
payload = bytes(range(256)) * 400  # 100 KiB
to_send, echoed, conn, pending = memoryview(payload), bytearray(), None, bytearray()
rounds = 0
while len(echoed) < len(payload) and rounds < 100000:
    rounds += 1
    for key, ev in sel.select(timeout=5):
        if key.data == "accept":
            conn, peer = srv.accept()
            conn.setblocking(False)
            sel.register(conn, selectors.EVENT_READ, "server")
            print("accepted from 127.0.0.1:", peer[0] == "127.0.0.1")
        elif key.data == "server":
            if ev & selectors.EVENT_READ:
                data = conn.recv(65536)
                pending += data
            if pending:
                try:
                    n = conn.send(pending)
                    del pending[:n]
                except BlockingIOError:
                    pass
        elif key.data == "client":
            if ev & selectors.EVENT_WRITE and to_send:
                try:
                    n = cli.send(to_send[:32768])
                    to_send = to_send[n:]
                except BlockingIOError:
                    pass
                if not to_send:
                    sel.modify(cli, selectors.EVENT_READ, "client")
            if ev & selectors.EVENT_READ:
                echoed += cli.recv(65536)
print("tcp echo:", len(echoed), bytes(echoed) == payload)
cli.shutdown(socket.SHUT_WR)
sel.unregister(conn)
conn.setblocking(True)
print("server sees EOF:", conn.recv(10))
for s in (cli, conn, srv):
    s.close()
sel.close()

# UDP on loopback.
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(("127.0.0.1", 0))
for i in range(3):
    u2.sendto(b"datagram %d" % i, u1.getsockname())
msgs = [u1.recvfrom(100)[0] for _ in range(3)]
print("udp:", msgs)
u1.close()
u2.close()

# AF_UNIX stream at a path, and SCM_RIGHTS passing a pipe's write end.
path = "unix.sock"
us = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
us.bind(path)
us.listen(1)
uc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
uc.connect(path)
uconn, _ = us.accept()
r, w = os.pipe()
uc.sendmsg([b"fd follows"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w]))])
fds = array.array("i")
msg, anc, flags, _ = uconn.recvmsg(100, socket.CMSG_SPACE(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
os.write(fds[0], b"through the passed fd")
print("scm_rights:", msg, len(fds), os.read(r, 100))
cred = uconn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
print("peercred pid is ours:", int.from_bytes(cred[:4], "little") == os.getpid())
for x in (uc, uconn, us):
    x.close()
os.unlink(path)

# poll and select on pipes; eventfd.
r2, w2 = os.pipe()
p = select.poll()
p.register(r2, select.POLLIN)
print("poll empty:", p.poll(0))
os.write(w2, b"x")
print("poll ready:", [(fd == r2, ev) for fd, ev in p.poll(100)])
print("select:", [x == r2 for x in select.select([r2], [], [], 0)[0]], select.select([], [w2], [], 0)[1] == [w2])
os.close(w2)
print("poll hup:", [(ev & select.POLLHUP) != 0 for fd, ev in p.poll(0)])
efd = os.eventfd(0)
os.eventfd_write(efd, 5)
os.eventfd_write(efd, 7)
print("eventfd:", os.eventfd_read(efd))
print("getaddrinfo:", sorted({ai[4][0] for ai in socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)}))
print("inet:", socket.inet_aton("10.1.2.3"), socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, "::1")), socket.htons(1))
