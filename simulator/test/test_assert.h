/*
 * test_assert.h - the tiny assertion framework of the simulator's C tests.
 *
 * CHECK* records a failure (file:line, the expression and the values) and carries on; REQUIRE
 * does the same and then exits at once, for a failure that would make the rest meaningless
 * (a NULL handle, a thread that could not start). Checks may run on any thread. A test program
 * calls ta_run() for each case and returns ta_exit_code() from main: non-zero if any check
 * failed anywhere.
 */
#ifndef TEST_ASSERT_H
#define TEST_ASSERT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Atomic int ta_failures;

static void ta_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    fflush(stderr);
    atomic_fetch_add(&ta_failures, 1);
}

static void ta_fail_eq(const char *file, int line, const char *a, const char *b,
                       unsigned long long va, unsigned long long vb)
{
    fprintf(stderr, "%s:%d: check failed: %s == %s (0x%llx vs 0x%llx, %lld vs %lld)\n", file,
            line, a, b, va, vb, (long long)va, (long long)vb);
    fflush(stderr);
    atomic_fetch_add(&ta_failures, 1);
}

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond))                                                                          \
            ta_fail(__FILE__, __LINE__, #cond);                                               \
    } while (0)

/* Compares as unsigned 64-bit values (handles, DWORDs, counters, pointers cast to uintptr_t). */
#define CHECK_EQ(a, b)                                                                        \
    do {                                                                                      \
        unsigned long long ta_a_ = (unsigned long long)(a);                                   \
        unsigned long long ta_b_ = (unsigned long long)(b);                                   \
        if (ta_a_ != ta_b_)                                                                   \
            ta_fail_eq(__FILE__, __LINE__, #a, #b, ta_a_, ta_b_);                             \
    } while (0)

#define REQUIRE(cond)                                                                         \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            ta_fail(__FILE__, __LINE__, #cond);                                               \
            fprintf(stderr, "giving up: a required condition failed\n");                      \
            exit(2);                                                                          \
        }                                                                                     \
    } while (0)

static void ta_run(const char *name, void (*fn)(void))
{
    int before = atomic_load(&ta_failures);
    fn();
    int after = atomic_load(&ta_failures);
    printf("%-44s %s\n", name, after == before ? "ok" : "FAILED");
    fflush(stdout);
}

#define TA_RUN(fn) ta_run(#fn, fn)

static int ta_exit_code(void)
{
    int n = atomic_load(&ta_failures);
    if (n != 0)
        printf("%d check(s) failed\n", n);
    return n == 0 ? 0 : 1;
}

/* The helpers below are static inline: a test that uses none of them is not warned about them. */

/* Monotonic milliseconds, independent of the simulator's clock. */
static inline uint64_t ta_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline void ta_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static inline pthread_t ta_start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, fn, arg) == 0);
    return t;
}

static inline void ta_join(pthread_t t) { REQUIRE(pthread_join(t, NULL) == 0); }

/* A one-shot latch on plain pthreads, so that tests coordinate threads without relying on the
 * simulator objects under test. */
typedef struct ta_latch {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;
} ta_latch;

#define TA_LATCH_INIT {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0}

static inline void ta_latch_open(ta_latch *l)
{
    pthread_mutex_lock(&l->mu);
    l->open = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

static inline void ta_latch_wait(ta_latch *l)
{
    pthread_mutex_lock(&l->mu);
    while (!l->open)
        pthread_cond_wait(&l->cv, &l->mu);
    pthread_mutex_unlock(&l->mu);
}

#endif /* TEST_ASSERT_H */
