/* Sockets between a parent and its child: an AF_UNIX socketpair echo with an
 * fd passed back by SCM_RIGHTS, datagrams through sendmmsg/recvmmsg, a
 * named AF_UNIX stream socket, and TCP over IPv4 and IPv6 loopback. */
//! dynamic: yes
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void tcp_test(int family) {
    int ls = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET) {
        struct sockaddr_in *a = (void *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sl = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (void *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        sl = sizeof *a;
    }
    if (bind(ls, (void *)&ss, sl) || listen(ls, 4)) {
        perror("bind/listen");
        return;
    }
    socklen_t gl = sizeof ss;
    getsockname(ls, (void *)&ss, &gl);
    printf("tcp%d: bound len %d same %d\n", family == AF_INET ? 4 : 6, gl, gl == sl);
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(family, SOCK_STREAM, 0);
        if (connect(c, (void *)&ss, gl)) {
            perror("connect");
            _exit(1);
        }
        int nd = 1;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nd, sizeof nd);
        const char *msg = "ping over tcp";
        send(c, msg, strlen(msg), 0);
        char buf[64];
        ssize_t n = recv(c, buf, sizeof buf, MSG_WAITALL);
        printf("child got %zd: %.*s\n", n, (int)n, buf);
        fflush(stdout);
        _exit(0);
    }
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    int s = accept4(ls, (void *)&peer, &pl, SOCK_CLOEXEC);
    printf("accepted family ok %d\n", peer.ss_family == family);
    char buf[64];
    ssize_t n = recv(s, buf, 13, MSG_WAITALL);
    for (ssize_t i = 0; i < n; i++)
        buf[i] = (char)(buf[i] - 32 * (buf[i] >= 'a' && buf[i] <= 'z'));
    send(s, buf, (size_t)n, 0);
    shutdown(s, SHUT_WR);
    int st;
    waitpid(pid, &st, 0);
    int rcv = 0;
    socklen_t ol = sizeof rcv;
    getsockopt(s, SOL_SOCKET, SO_TYPE, &rcv, &ol);
    printf("so_type %d len %d, child status %d\n", rcv, ol, WEXITSTATUS(st));
    close(s);
    close(ls);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
        perror("socketpair");
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        char buf[64];
        ssize_t n = read(sv[1], buf, sizeof buf);
        for (ssize_t i = 0; i < n; i++)
            buf[i] ^= 0x20;
        write(sv[1], buf, (size_t)n);
        read(sv[1], buf, 1); /* wait for the parent to read the echo */
        /* pass an fd back with SCM_RIGHTS */
        int pfd[2];
        pipe(pfd);
        write(pfd[1], "via passed fd", 13);
        close(pfd[1]);
        struct msghdr m = {0};
        char c = 'F';
        struct iovec iov = {&c, 1};
        union {
            struct cmsghdr h;
            char b[CMSG_SPACE(sizeof(int))];
        } u;
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = u.b;
        m.msg_controllen = sizeof u.b;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &pfd[0], sizeof(int));
        if (sendmsg(sv[1], &m, 0) != 1)
            perror("sendmsg");
        _exit(0);
    }
    close(sv[1]);
    write(sv[0], "Hello", 5);
    char buf[64];
    ssize_t n = read(sv[0], buf, sizeof buf);
    printf("unix echo: %.*s\n", (int)n, buf);
    write(sv[0], "k", 1);
    struct msghdr m = {0};
    char c = 0;
    struct iovec iov = {&c, 1};
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } u;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.b;
    m.msg_controllen = sizeof u.b;
    n = recvmsg(sv[0], &m, 0);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    printf("recvmsg %zd byte %c cmsg %d type %d\n", n, c, cm != NULL, cm ? cm->cmsg_type : -1);
    if (cm) {
        int fd;
        memcpy(&fd, CMSG_DATA(cm), sizeof fd);
        n = read(fd, buf, sizeof buf);
        printf("passed fd says: %.*s\n", (int)n, buf);
    }
    int st;
    waitpid(pid, &st, 0);
    /* datagram sendmmsg/recvmmsg over a unix socketpair */
    int dv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, dv);
    struct mmsghdr mm[3];
    struct iovec iv[3];
    char *msgs[3] = {"one", "two!", "three"};
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        iv[i].iov_base = msgs[i];
        iv[i].iov_len = strlen(msgs[i]);
        mm[i].msg_hdr.msg_iov = &iv[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    printf("sendmmsg %d\n", sendmmsg(dv[0], mm, 3, 0));
    char rb[3][16];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        iv[i].iov_base = rb[i];
        iv[i].iov_len = 16;
        mm[i].msg_hdr.msg_iov = &iv[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    int k = recvmmsg(dv[1], mm, 3, MSG_DONTWAIT, NULL);
    printf("recvmmsg %d:", k);
    for (int i = 0; i < k; i++)
        printf(" %.*s(%u)", (int)mm[i].msg_len, rb[i], mm[i].msg_len);
    printf("\n");
    /* unix stream with a path */
    char path[] = "/tmp/lvsockXXXXXX";
    int tfd = mkstemp(path);
    close(tfd);
    unlink(path);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, path);
    bind(ls, (void *)&sa, sizeof sa);
    listen(ls, 1);
    if (fork() == 0) {
        int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
        connect(c2, (void *)&sa, sizeof sa);
        sendto(c2, "named", 5, 0, NULL, 0);
        _exit(0);
    }
    int a2 = accept(ls, NULL, NULL);
    n = recvfrom(a2, buf, sizeof buf, MSG_WAITALL, NULL, NULL);
    printf("named unix: %.*s\n", (int)n, buf);
    wait(NULL);
    unlink(path);
    tcp_test(AF_INET);
    tcp_test(AF_INET6);
    return 0;
}
