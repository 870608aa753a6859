/*
 * The floor for EchoBench: an echo server in C on one epoll loop, doing per message only what every
 * server must (one read, one write) and nothing else. Whatever it costs per round trip is the kernel's
 * price on this machine, which no event loop in any language can go below.
 *
 *     gcc -O2 -o epoll_echo epoll_echo.c && ./epoll_echo
 *
 * Binds 127.0.0.1 on a free port, prints "PORT <n>" and serves until its stdin closes (so it dies with
 * the benchmark JVM). A partial write keeps the rest and waits for EPOLLOUT before reading again, as the
 * bundled EchoServer does.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 65536
#define BUFFER (64 * 1024)

struct pending { char *data; size_t length; size_t sent; };

static struct pending unsent[MAX_FDS];
static char buffer[BUFFER];

static void watch(int epoll, int op, int fd, unsigned events) {
    struct epoll_event event = { .events = events, .data.fd = fd };
    epoll_ctl(epoll, op, fd, &event);
}

static void drop(int fd) {
    free(unsent[fd].data);
    memset(&unsent[fd], 0, sizeof unsent[fd]);
    close(fd); /* closing also removes it from the epoll set */
}

static void echo(int epoll, int fd) {
    ssize_t count = read(fd, buffer, sizeof buffer);
    if (count == 0 || (count < 0 && errno != EAGAIN)) { drop(fd); return; }
    if (count < 0) return;
    ssize_t sent = send(fd, buffer, (size_t) count, MSG_NOSIGNAL); /* a closed peer: EPIPE, not a signal */
    if (sent < 0) { if (errno != EAGAIN) { drop(fd); return; } sent = 0; }
    if (sent < count) {
        unsent[fd].length = (size_t) (count - sent);
        unsent[fd].sent = 0;
        unsent[fd].data = malloc(unsent[fd].length);
        memcpy(unsent[fd].data, buffer + sent, unsent[fd].length);
        watch(epoll, EPOLL_CTL_MOD, fd, EPOLLOUT);
    }
}

static void drain(int epoll, int fd) {
    struct pending *rest = &unsent[fd];
    ssize_t sent = send(fd, rest->data + rest->sent, rest->length - rest->sent, MSG_NOSIGNAL);
    if (sent < 0) { if (errno != EAGAIN) drop(fd); return; }
    rest->sent += (size_t) sent;
    if (rest->sent == rest->length) {
        free(rest->data);
        memset(rest, 0, sizeof *rest);
        watch(epoll, EPOLL_CTL_MOD, fd, EPOLLIN);
    }
}

int main(void) {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, (struct sockaddr *) &address, sizeof address) != 0
            || listen(listener, 2048) != 0 || getsockname(listener, (struct sockaddr *) &address, &length) != 0) {
        perror("epoll_echo: cannot listen on 127.0.0.1");
        return 1;
    }
    printf("PORT %d\n", ntohs(address.sin_port));
    fflush(stdout);

    int epoll = epoll_create1(0);
    watch(epoll, EPOLL_CTL_ADD, listener, EPOLLIN);
    watch(epoll, EPOLL_CTL_ADD, STDIN_FILENO, EPOLLIN);
    struct epoll_event events[1024];
    for (;;) {
        int ready = epoll_wait(epoll, events, 1024, -1);
        if (ready < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (int i = 0; i < ready; i++) {
            int fd = events[i].data.fd;
            if (fd == STDIN_FILENO) {
                return 0; /* the benchmark closed our stdin, or wrote to it: either way, stop */
            } else if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    int on = 1;
                    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                    if (client >= MAX_FDS) { close(client); continue; }
                    watch(epoll, EPOLL_CTL_ADD, client, EPOLLIN);
                }
            } else if (unsent[fd].data != NULL) {
                drain(epoll, fd);
            } else {
                echo(epoll, fd);
            }
        }
    }
}
