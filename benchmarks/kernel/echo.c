/*
 * A TCP echo over loopback with no JVM in the way: the floor under `iocp4j bench`'s echo case, with
 * epoll (what NIO's Selector and iocp4j's portable sockets use) and with io_uring. One thread serves every
 * server end, another drives every client end, as the bench's Selector way; each client keeps one message
 * in flight and sends the next when its echo is back. The ways take turns, round after round.
 *
 *   echo [CONNECTIONS [MESSAGE_BYTES [SECONDS [ROUNDS]]]]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<liburing.h>)
#include <liburing.h>
#define HAVE_URING 1
#endif

#define MAX_CONNECTIONS 1024
#define BUFFER 4096

enum way { EPOLL, URING, URING_DEFER, WAYS };
static const char *const NAMES[WAYS] = {
    "epoll, read/write", "io_uring recv/send", "io_uring, single issuer, deferred task run",
};

static int connections = 64, message = 64;
static int server_fds[MAX_CONNECTIONS], client_fds[MAX_CONNECTIONS];
static atomic_int stop;
static atomic_long trips; /* echoes back at a client */
static enum way running;
/* The argument that makes a side the client's. */
static int CLIENT;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

static void fail(const char *what) {
    perror(what);
    exit(1);
}

/* Server ends echo what they read; client ends count a trip and send again. */
static void *epoll_side(void *arg) {
    int client = arg != NULL;
    int *fds = client ? client_fds : server_fds;
    int ep = epoll_create1(0);
    char *buf = calloc(1, BUFFER);
    struct epoll_event events[MAX_CONNECTIONS];
    for (int i = 0; i < connections; i++) {
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (unsigned) i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e) < 0) {
            fail("epoll_ctl");
        }
        if (client && write(fds[i], buf, (size_t) message) != message) {
            fail("write");
        }
    }
    long done = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        int n = epoll_wait(ep, events, connections, 100);
        for (int k = 0; k < n; k++) {
            int fd = fds[events[k].data.u32];
            ssize_t r = read(fd, buf, BUFFER);
            if (r <= 0) {
                continue;
            }
            if (client && ++done % 64 == 0) {
                atomic_fetch_add_explicit(&trips, 64, memory_order_relaxed);
            }
            if (write(fd, buf, (size_t) r) != r) {
                fail("write");
            }
        }
    }
    close(ep);
    free(buf);
    return NULL;
}

#ifdef HAVE_URING
enum { RECV = 1, SEND = 2 };

static void queue(struct io_uring *ring, int kind, int i, char *buf, unsigned length) {
    struct io_uring_sqe *q = io_uring_get_sqe(ring);
    if (kind == RECV) {
        io_uring_prep_recv(q, i, buf, BUFFER, 0);
    } else {
        io_uring_prep_send(q, i, buf, length, 0);
    }
    q->flags |= IOSQE_FIXED_FILE;
    q->user_data = (uint64_t) kind << 32 | (unsigned) i;
}

static void *uring_side(void *arg) {
    int client = arg != NULL;
    int *fds = client ? client_fds : server_fds;
    struct io_uring ring;
    unsigned flags = running == URING_DEFER ? IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN : 0;
    int r = io_uring_queue_init((unsigned) connections * 4, &ring, flags);
    if (r < 0) {
        errno = -r;
        fail("io_uring_queue_init");
    }
    if (io_uring_register_files(&ring, fds, (unsigned) connections) < 0) {
        fail("io_uring_register_files");
    }
    char *bufs = calloc((size_t) connections, BUFFER);
    for (int i = 0; i < connections; i++) {
        if (client) {
            queue(&ring, SEND, i, bufs + i * BUFFER, (unsigned) message);
        }
        queue(&ring, RECV, i, bufs + i * BUFFER, 0);
    }
    long done = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        struct __kernel_timespec wait = {.tv_nsec = 100000000};
        struct io_uring_cqe *c;
        io_uring_submit_and_wait_timeout(&ring, &c, 1, &wait, NULL);
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, c) {
            seen++;
            int i = (int) (c->user_data & 0xffffffff);
            if ((c->user_data >> 32) != RECV || c->res <= 0) {
                continue; /* a send's completion, or a receive cut short by the end of the run */
            }
            if (client && ++done % 64 == 0) {
                atomic_fetch_add_explicit(&trips, 64, memory_order_relaxed);
            }
            queue(&ring, SEND, i, bufs + i * BUFFER, (unsigned) c->res);
            queue(&ring, RECV, i, bufs + i * BUFFER, 0);
        }
        io_uring_cq_advance(&ring, seen);
    }
    io_uring_queue_exit(&ring);
    free(bufs);
    return NULL;
}
#endif

static void connect_all(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof a;
    if (listener < 0 || bind(listener, (struct sockaddr *) &a, sizeof a) < 0 || listen(listener, 1024) < 0
        || getsockname(listener, (struct sockaddr *) &a, &length) < 0) {
        fail("listen");
    }
    for (int i = 0; i < connections; i++) {
        client_fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (client_fds[i] < 0 || connect(client_fds[i], (struct sockaddr *) &a, sizeof a) < 0) {
            fail("connect");
        }
        server_fds[i] = accept(listener, NULL, NULL);
        if (server_fds[i] < 0) {
            fail("accept");
        }
        int one = 1;
        setsockopt(client_fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(server_fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    close(listener);
}

static void close_all(void) {
    for (int i = 0; i < connections; i++) {
        close(client_fds[i]);
        close(server_fds[i]);
    }
}

int main(int argc, char **argv) {
    connections = argc > 1 ? atoi(argv[1]) : 64;
    message = argc > 2 ? atoi(argv[2]) : 64;
    double seconds = argc > 3 ? atof(argv[3]) : 2;
    int rounds = argc > 4 ? atoi(argv[4]) : 3;
    if (connections < 1 || connections > MAX_CONNECTIONS || message < 1 || message > BUFFER || seconds <= 0
        || rounds < 1) {
        fprintf(stderr, "usage: echo [CONNECTIONS 1-%d [MESSAGE_BYTES 1-%d [SECONDS [ROUNDS]]]]\n",
                MAX_CONNECTIONS, BUFFER);
        return 2;
    }
    printf("TCP echo over loopback, %d connection(s), %d B messages, %.1f s a run after 0.5 s of warm-up,"
           " K round trips/s:\n", connections, message, seconds);
    for (int round = 1; round <= rounds; round++) {
        for (int way = 0; way < WAYS; way++) {
#ifndef HAVE_URING
            if (way != EPOLL) {
                printf("  round %d  %-44s  not built (no liburing.h)\n", round, NAMES[way]);
                continue;
            }
            void *(*side)(void *) = epoll_side;
#else
            void *(*side)(void *) = way == EPOLL ? epoll_side : uring_side;
#endif
            running = (enum way) way;
            /* Fresh connections per run. Blocking sockets do for epoll's read and write: a read follows
             * readiness, and one message in flight per connection always fits the send buffer. */
            connect_all();
            atomic_store(&stop, 0);
            pthread_t server, client;
            if (pthread_create(&server, NULL, side, NULL) != 0 || pthread_create(&client, NULL, side, &CLIENT) != 0) {
                fail("pthread_create");
            }
            usleep(500000);
            long before = atomic_load(&trips);
            double start = now();
            usleep((useconds_t) (seconds * 1e6));
            long counted = atomic_load(&trips) - before;
            double took = now() - start;
            atomic_store(&stop, 1);
            pthread_join(server, NULL);
            pthread_join(client, NULL);
            close_all();
            printf("  round %d  %-44s %8.1f\n", round, NAMES[way], (double) counted / took / 1e3);
            fflush(stdout);
        }
    }
    return 0;
}
