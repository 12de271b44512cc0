/* Waiting on pipes that a child writes to: poll, ppoll with a timeout,
 * select, pselect, epoll, and an eventfd shared with the child. */
//! dynamic: yes
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A child that writes msg to fd after a short pause, then exits. */
static pid_t writer(int fd, const char *msg) {
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        write(fd, msg, strlen(msg));
        _exit(0);
    }
    return pid;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2];
    char buf[64];
    pipe(p);
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    printf("poll before data: %d\n", poll(&pf, 1, 0));
    pid_t pid = writer(p[1], "poll data");
    int r = poll(&pf, 1, 10000);
    ssize_t n = read(p[0], buf, sizeof buf);
    printf("poll: %d revents POLLIN %d read %.*s\n", r, (pf.revents & POLLIN) != 0, (int)n, buf);
    waitpid(pid, NULL, 0);

    struct timespec ts = {0, 1000 * 1000};
    printf("ppoll timeout: %d\n", ppoll(&pf, 1, &ts, NULL));

    pid = writer(p[1], "select data");
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = {10, 0};
    r = select(p[0] + 1, &rd, NULL, NULL, &tv);
    n = read(p[0], buf, sizeof buf);
    printf("select: %d set %d read %.*s\n", r, FD_ISSET(p[0], &rd), (int)n, buf);
    waitpid(pid, NULL, 0);

    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    ts.tv_nsec = 1000 * 1000;
    sigset_t none;
    sigemptyset(&none);
    printf("pselect timeout: %d\n", pselect(p[0] + 1, &rd, NULL, NULL, &ts, &none));

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234567890ull};
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    pid = writer(p[1], "epoll data");
    struct epoll_event out[4];
    r = epoll_wait(ep, out, 4, 10000);
    n = read(p[0], buf, sizeof buf);
    printf("epoll: %d data %#llx read %.*s\n", r, (unsigned long long)out[0].data.u64, (int)n, buf);
    waitpid(pid, NULL, 0);
    printf("epoll timeout: %d\n", epoll_wait(ep, out, 4, 1));

    int efd = eventfd(0, 0);
    pid = fork();
    if (pid == 0) {
        uint64_t one = 5;
        write(efd, &one, sizeof one);
        _exit(0);
    }
    uint64_t v = 0;
    read(efd, &v, sizeof v);
    printf("eventfd from child: %llu\n", (unsigned long long)v);
    waitpid(pid, NULL, 0);
    return 0;
}
