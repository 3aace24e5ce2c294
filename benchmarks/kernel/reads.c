/*
 * What the kernel charges for a 4 KiB read of a page-cached file, by system call, with no JVM in the way:
 * the floor under iocp4j's Linux file path (preadv2 with RWF_NOWAIT) and FileChannel's (pread), and what
 * io_uring would give instead. Each way runs for a fixed time on T threads, each with its own descriptor,
 * reading at random 4 KiB-aligned offsets; the ways take turns, round after round, so a slow spell of a
 * shared machine falls on all of them.
 *
 *   reads FILE [THREADS [SECONDS [ROUNDS]]]     FILE is made (256 MiB) if missing, then read once to cache it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<liburing.h>)
#include <liburing.h>
#define HAVE_URING 1
#endif

#define BLOCK 4096
#define FILE_SIZE (256L << 20)
/* io_uring: reads submitted per io_uring_enter, the way a drain of 32 handlers would batch them. */
#define DEPTH 32

enum way { PREAD, PREADV2, PREADV2_NOWAIT, URING_READ, URING_READ_FIXED, WAYS };
static const char *const NAMES[WAYS] = {
    "pread (FileChannel's call)", "preadv2, no flags", "preadv2 RWF_NOWAIT (iocp4j's call)",
    "io_uring READ, 32 per enter", "io_uring READ_FIXED, 32 per enter",
};

static const char *path;
static long blocks;
static double seconds = 2;

struct worker {
    pthread_t thread;
    enum way way;
    uint64_t seed;
    long reads;
    long would_block; /* RWF_NOWAIT's EAGAIN: iocp4j hands these to its device threads */
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

static long next_offset(uint64_t *s) { /* xorshift64: cheap, and no two threads share a sequence */
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (long) (*s % (uint64_t) blocks) * BLOCK;
}

static void fail(const char *what) {
    perror(what);
    exit(1);
}

static void syscall_reads(struct worker *w, int fd, char *buf, double end) {
    struct iovec v = {buf, BLOCK};
    while (now() < end) {
        for (int i = 0; i < 256; i++) {
            long off = next_offset(&w->seed), r;
            if (w->way == PREAD) {
                r = pread(fd, buf, BLOCK, off);
            } else { /* raw, as iocp4j makes it: glibc's wrapper adds two cancellation calls */
                r = syscall(SYS_preadv2, fd, &v, 1, off, 0L, w->way == PREADV2_NOWAIT ? RWF_NOWAIT : 0);
            }
            if (r == BLOCK) {
                w->reads++;
            } else if (r < 0 && errno == EAGAIN) {
                w->would_block++;
            } else {
                fail("read");
            }
        }
    }
}

#ifdef HAVE_URING
static void uring_reads(struct worker *w, int fd, char *buf, double end) {
    struct io_uring ring;
    struct iovec whole = {buf, BLOCK * DEPTH};
    if (io_uring_queue_init(DEPTH * 2, &ring, 0) < 0 || io_uring_register_files(&ring, &fd, 1) < 0
        || io_uring_register_buffers(&ring, &whole, 1) < 0) {
        fail("io_uring setup");
    }
    while (now() < end) {
        for (int k = 0; k < 64; k++) {
            for (int i = 0; i < DEPTH; i++) {
                struct io_uring_sqe *q = io_uring_get_sqe(&ring);
                char *into = buf + i * BLOCK;
                if (w->way == URING_READ) {
                    io_uring_prep_read(q, 0, into, BLOCK, (uint64_t) next_offset(&w->seed));
                } else {
                    io_uring_prep_read_fixed(q, 0, into, BLOCK, (uint64_t) next_offset(&w->seed), 0);
                }
                q->flags |= IOSQE_FIXED_FILE;
            }
            io_uring_submit_and_wait(&ring, DEPTH);
            struct io_uring_cqe *c;
            unsigned head, seen = 0;
            io_uring_for_each_cqe(&ring, head, c) {
                if (c->res != BLOCK) {
                    errno = -c->res;
                    fail("io_uring read");
                }
                seen++;
            }
            io_uring_cq_advance(&ring, seen);
            w->reads += seen;
        }
    }
    io_uring_queue_exit(&ring);
}
#endif

static void *run(void *arg) {
    struct worker *w = arg;
    char *buf;
    if (posix_memalign((void **) &buf, BLOCK, BLOCK * DEPTH) != 0) {
        fail("posix_memalign");
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fail(path);
    }
    double end = now() + seconds;
    if (w->way <= PREADV2_NOWAIT) {
        syscall_reads(w, fd, buf, end);
    } else {
#ifdef HAVE_URING
        uring_reads(w, fd, buf, end);
#endif
    }
    close(fd);
    free(buf);
    return NULL;
}

static void make_and_cache(void) {
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0) {
        fail(path);
    }
    static char chunk[1 << 20];
    if (lseek(fd, 0, SEEK_END) < FILE_SIZE) {
        for (size_t i = 0; i < sizeof chunk; i++) {
            chunk[i] = (char) (i * 2654435761u >> 24);
        }
        for (long at = 0; at < FILE_SIZE; at += (long) sizeof chunk) {
            if (pwrite(fd, chunk, sizeof chunk, at) != (ssize_t) sizeof chunk) {
                fail("write");
            }
        }
    }
    blocks = lseek(fd, 0, SEEK_END) / BLOCK;
    for (long at = 0; at < blocks * BLOCK; at += (long) sizeof chunk) { /* into the page cache */
        if (pread(fd, chunk, sizeof chunk, at) < 0) {
            fail("read");
        }
    }
    close(fd);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: reads FILE [THREADS [SECONDS [ROUNDS]]]\n");
        return 2;
    }
    path = argv[1];
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    seconds = argc > 3 ? atof(argv[3]) : 2;
    int rounds = argc > 4 ? atoi(argv[4]) : 3;
    if (threads < 1 || threads > 64 || seconds <= 0 || rounds < 1) {
        fprintf(stderr, "threads 1-64, seconds > 0, rounds >= 1\n");
        return 2;
    }
    make_and_cache();
    struct worker *ws = calloc((size_t) threads, sizeof *ws);
    printf("random %d B reads of a cached %ld MiB file, %d thread(s), %.1f s a run, K reads/s:\n", BLOCK,
           blocks * BLOCK >> 20, threads, seconds);
    for (int round = 1; round <= rounds; round++) {
        for (int way = 0; way < WAYS; way++) {
#ifndef HAVE_URING
            if (way >= URING_READ) {
                printf("  round %d  %-38s  not built (no liburing.h)\n", round, NAMES[way]);
                continue;
            }
#endif
            double start = now();
            for (int i = 0; i < threads; i++) {
                ws[i] = (struct worker) {.way = (enum way) way, .seed = 0x9E3779B97F4A7C15ull * (uint64_t) (i + 1)};
                if (pthread_create(&ws[i].thread, NULL, run, &ws[i]) != 0) {
                    fail("pthread_create");
                }
            }
            long reads = 0, would_block = 0;
            for (int i = 0; i < threads; i++) {
                pthread_join(ws[i].thread, NULL);
                reads += ws[i].reads;
                would_block += ws[i].would_block;
            }
            printf("  round %d  %-38s %8.0f", round, NAMES[way], (double) reads / (now() - start) / 1e3);
            if (would_block > 0) {
                printf("   (%ld would have blocked)", would_block);
            }
            printf("\n");
            fflush(stdout);
        }
    }
    free(ws);
    return 0;
}
