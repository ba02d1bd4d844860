/*
 * test_kernel32_internal.c - tests of the kernel32 part's internal helpers (sim_queue_apc,
 * sim_signal_event, sim_post_completion, sim_schedule, sim_spawn, sim_now_ms) and of the
 * oracle (sim_misuse, sim_count). It includes sim_internal.h, so build.sh links it with the
 * simulator's object files: hidden functions are not exported by the shared library.
 */
#include "sim_internal.h"

#include "test_assert.h"

#include <string.h>

#define SYNCHRONIZE_ 0x00100000u
#define IO_COMPLETION_ WINRPC_WAIT_IO_COMPLETION

/* Polls until sim_counter(which) == want or timeout_ms passes; returns 1 on success. */
static int counter_reaches(int which, int64_t want, unsigned timeout_ms)
{
    uint64_t end = ta_now_ms() + timeout_ms;
    while (sim_counter(which) != want) {
        if (ta_now_ms() > end)
            return 0;
        ta_sleep_ms(1);
    }
    return 1;
}

static void check_no_leaks(void)
{
    CHECK_EQ(sim_counter(SIM_COUNT_HANDLES), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
    CHECK(counter_reaches(SIM_COUNT_THREADS, 0, 5000));
}

/* ---- sim_queue_apc ------------------------------------------------------------------------------ */

typedef struct apc_ctx {
    int ran;
    DWORD tid;
} apc_ctx;

static void ctx_apc(void *p)
{
    apc_ctx *c = p;
    c->ran++;
    c->tid = GetCurrentThreadId();
}

typedef struct target {
    DWORD tid;
    ta_latch ready, go;
    DWORD result;
} target;

static void *target_main(void *arg)
{
    target *t = arg;
    t->tid = GetCurrentThreadId();
    ta_latch_open(&t->ready);
    ta_latch_wait(&t->go);
    t->result = SleepEx(5000, 1);
    return NULL;
}

static void test_queue_apc(void)
{
    sim_misuse_clear();
    target t;
    memset(&t, 0, sizeof t);
    ta_latch l = TA_LATCH_INIT;
    t.ready = l;
    t.go = l;
    pthread_t th = ta_start(target_main, &t);
    ta_latch_wait(&t.ready);

    HANDLE all = OpenThread(SIM_THREAD_ALL_ACCESS, 0, t.tid);
    HANDLE sync = OpenThread(SYNCHRONIZE_, 0, t.tid);
    HANDLE ev = CreateEventW(NULL, 1, 0, NULL);
    HANDLE closed = CreateEventW(NULL, 1, 0, NULL);
    REQUIRE(all != NULL && sync != NULL && ev != NULL && closed != NULL);
    CHECK(CloseHandle(closed));
    apc_ctx c = {0, 0};

    /* Refusals, none of them recorded: the caller decides what is misuse. */
    CHECK_EQ(sim_queue_apc(GetCurrentThread(), ctx_apc, &c), SIM_APC_PSEUDO_HANDLE);
    CHECK_EQ(sim_queue_apc(NULL, ctx_apc, &c), SIM_APC_INVALID_HANDLE);
    CHECK_EQ(sim_queue_apc((HANDLE)(uintptr_t)0x5555554u, ctx_apc, &c), SIM_APC_INVALID_HANDLE);
    CHECK_EQ(sim_queue_apc(SIM_PSEUDO_PROCESS, ctx_apc, &c), SIM_APC_INVALID_HANDLE);
    CHECK_EQ(sim_queue_apc(ev, ctx_apc, &c), SIM_APC_INVALID_HANDLE);
    CHECK_EQ(sim_queue_apc(closed, ctx_apc, &c), SIM_APC_INVALID_HANDLE);
    CHECK_EQ(sim_queue_apc(sync, ctx_apc, &c), SIM_APC_NO_SET_CONTEXT);
    CHECK_EQ(sim_misuse_count(), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);

    /* Accepted: counted until it runs, and it runs on the target's alertable wait. */
    CHECK_EQ(sim_queue_apc(all, ctx_apc, &c), SIM_APC_OK);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 1);
    ta_latch_open(&t.go);
    ta_join(th);
    CHECK_EQ(t.result, IO_COMPLETION_);
    CHECK_EQ(c.ran, 1);
    CHECK_EQ(c.tid, t.tid);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);

    /* The thread has ended. */
    CHECK_EQ(sim_queue_apc(all, ctx_apc, &c), SIM_APC_THREAD_GONE);
    CHECK_EQ(sim_misuse_count(), 0);
    CHECK(CloseHandle(all));
    CHECK(CloseHandle(sync));
    CHECK(CloseHandle(ev));
    check_no_leaks();
}

/* ---- sim_signal_event, sim_post_completion ------------------------------------------------------ */

static void test_signal_and_post(void)
{
    sim_misuse_clear();
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(ev != NULL && port != NULL);
    HANDLE ev_sync = NULL;
    CHECK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &ev_sync, SYNCHRONIZE_,
                          0, 0));

    CHECK_EQ(sim_signal_event(ev), 1);
    CHECK_EQ(WaitForSingleObject(ev, 0), SIM_WAIT_OBJECT_0);
    CHECK_EQ(sim_signal_event(ev_sync), 0); /* no EVENT_MODIFY_STATE, as SetEvent */
    CHECK_EQ(WaitForSingleObject(ev, 0), SIM_WAIT_TIMEOUT);
    CHECK_EQ(sim_signal_event(port), 0);
    CHECK_EQ(sim_signal_event(NULL), 0);
    CHECK_EQ(sim_signal_event(GetCurrentThread()), 0);

    int ov;
    CHECK_EQ(sim_post_completion(port, 12, 34, &ov), 1);
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED *pov = NULL;
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &pov, 0));
    CHECK_EQ(bytes, 12);
    CHECK_EQ(key, 34);
    CHECK((void *)pov == (void *)&ov);
    CHECK_EQ(sim_post_completion(ev, 1, 2, NULL), 0);
    CHECK_EQ(sim_post_completion(SIM_PSEUDO_PROCESS, 1, 2, NULL), 0);
    CHECK(CloseHandle(port));
    CHECK_EQ(sim_post_completion(port, 1, 2, NULL), 0); /* closed */
    CHECK(CloseHandle(ev));
    CHECK_EQ(sim_signal_event(ev), 0); /* closed */
    CHECK_EQ(sim_signal_event(ev_sync), 0);
    CHECK(CloseHandle(ev_sync));
    CHECK_EQ(sim_misuse_count(), 0); /* the internal forms record nothing */
    check_no_leaks();
}

/* ---- sim_schedule --------------------------------------------------------------------------- */

#define MAXLOG 256
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static int log_n;
static int log_tag[MAXLOG];
static DWORD log_tid[MAXLOG];
static uint64_t log_ms[MAXLOG];

static void log_reset(void)
{
    pthread_mutex_lock(&log_mu);
    log_n = 0;
    pthread_mutex_unlock(&log_mu);
}

static int log_count(void)
{
    pthread_mutex_lock(&log_mu);
    int n = log_n;
    pthread_mutex_unlock(&log_mu);
    return n;
}

static void log_fn(void *p)
{
    pthread_mutex_lock(&log_mu);
    if (log_n < MAXLOG) {
        log_tag[log_n] = (int)(intptr_t)p;
        log_tid[log_n] = GetCurrentThreadId();
        log_ms[log_n] = ta_now_ms();
        log_n++;
    }
    pthread_mutex_unlock(&log_mu);
}

static int wait_log(int n, unsigned timeout_ms)
{
    uint64_t end = ta_now_ms() + timeout_ms;
    while (log_count() < n) {
        if (ta_now_ms() > end)
            return 0;
        ta_sleep_ms(1);
    }
    return 1;
}

/* A scheduled function that calls back into the simulator (it runs with no simulator lock
 * held) and schedules another one. */
typedef struct cb_ctx {
    HANDLE ev;
    HANDLE main_thread;
} cb_ctx;

static void WINRPC_ENTRY main_apc(ULONG_PTR v) { log_fn((void *)(intptr_t)v); }

static void callback_fn(void *p)
{
    cb_ctx *c = p;
    CHECK_EQ(QueueUserAPC(main_apc, c->main_thread, 901), 1);
    CHECK_EQ(sim_schedule(0, log_fn, (void *)(intptr_t)902), 0);
    CHECK(SetEvent(c->ev));
}

static void test_schedule(void)
{
    log_reset();
    CHECK_EQ(sim_schedule(0, NULL, NULL), -1);

    /* Due-time order; FIFO among the ones due at once. */
    uint64_t t0 = ta_now_ms();
    CHECK_EQ(sim_schedule(60, log_fn, (void *)6), 0);
    CHECK_EQ(sim_schedule(20, log_fn, (void *)3), 0);
    CHECK_EQ(sim_schedule(40, log_fn, (void *)5), 0);
    CHECK_EQ(sim_schedule(20, log_fn, (void *)4), 0);
    CHECK_EQ(sim_schedule(0, log_fn, (void *)1), 0);
    CHECK_EQ(sim_schedule(0, log_fn, (void *)2), 0);
    CHECK(wait_log(6, 5000));
    CHECK_EQ(log_count(), 6);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(log_tag[i], i + 1);
    CHECK(log_ms[5] - t0 >= 59); /* not before its due time */
    CHECK(log_ms[2] - t0 >= 19);
    /* One delivery thread, registered like any thread, not this one. */
    CHECK(log_tid[0] != 0);
    CHECK(log_tid[0] != GetCurrentThreadId());
    for (int i = 1; i < 6; i++)
        CHECK_EQ(log_tid[i], log_tid[0]);

    /* Many at once: FIFO. */
    log_reset();
    for (int i = 0; i < 100; i++)
        CHECK_EQ(sim_schedule(5, log_fn, (void *)(intptr_t)i), 0);
    CHECK(wait_log(100, 5000));
    int ordered = 1;
    for (int i = 1; i < 100; i++)
        if (log_tag[i] <= log_tag[i - 1])
            ordered = 0;
    CHECK(ordered);

    /* A later, earlier-due item overtakes a long one: the delivery thread re-plans. */
    log_reset();
    CHECK_EQ(sim_schedule(300, log_fn, (void *)(intptr_t)2), 0);
    ta_sleep_ms(20);
    t0 = ta_now_ms();
    CHECK_EQ(sim_schedule(0, log_fn, (void *)(intptr_t)1), 0);
    CHECK(wait_log(1, 5000));
    CHECK(log_ms[0] - t0 < 200);
    CHECK(wait_log(2, 5000));
    CHECK_EQ(log_tag[0], 1);
    CHECK_EQ(log_tag[1], 2);

    /* Callbacks into the simulator from the delivery thread. */
    log_reset();
    cb_ctx c;
    c.ev = CreateEventW(NULL, 1, 0, NULL);
    REQUIRE(c.ev != NULL);
    CHECK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                          &c.main_thread, 0, 0, SIM_DUPLICATE_SAME_ACCESS));
    CHECK_EQ(sim_schedule(10, callback_fn, &c), 0);
    CHECK_EQ(WaitForSingleObject(c.ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(SleepEx(5000, 1), IO_COMPLETION_); /* the APC it queued to this thread */
    CHECK(wait_log(2, 5000));
    int saw901 = 0, saw902 = 0;
    for (int i = 0; i < log_count(); i++) {
        if (log_tag[i] == 901) {
            saw901 = 1;
            CHECK_EQ(log_tid[i], GetCurrentThreadId());
        }
        if (log_tag[i] == 902)
            saw902 = 1;
    }
    CHECK(saw901 && saw902);
    CHECK(CloseHandle(c.ev));
    CHECK(CloseHandle(c.main_thread));
    check_no_leaks();
}

/* ---- sim_spawn ---------------------------------------------------------------------------- */

typedef struct spawn_ctx {
    ta_latch started, release;
    DWORD tid;
} spawn_ctx;

static void spawned_fn(void *p)
{
    spawn_ctx *c = p;
    c->tid = GetCurrentThreadId();
    ta_latch_open(&c->started);
    ta_latch_wait(&c->release);
}

static void test_spawn(void)
{
    CHECK_EQ(sim_spawn(NULL, NULL), -1);
    CHECK_EQ(sim_counter(SIM_COUNT_THREADS), 0);

    enum { N = 4 };
    spawn_ctx c[N];
    ta_latch l = TA_LATCH_INIT;
    for (int i = 0; i < N; i++) {
        c[i].started = l;
        c[i].release = l;
        c[i].tid = 0;
        CHECK_EQ(sim_spawn(spawned_fn, &c[i]), 0);
    }
    for (int i = 0; i < N; i++)
        ta_latch_wait(&c[i].started);
    CHECK_EQ(sim_counter(SIM_COUNT_THREADS), N);
    HANDLE h[N];
    for (int i = 0; i < N; i++) {
        CHECK(c[i].tid != 0 && c[i].tid != GetCurrentThreadId());
        for (int j = 0; j < i; j++)
            CHECK(c[i].tid != c[j].tid);
        h[i] = OpenThread(SIM_THREAD_ALL_ACCESS, 0, c[i].tid);
        REQUIRE(h[i] != NULL);
        /* Never run: the thread never waits alertably; dropped when it ends. */
        CHECK_EQ(QueueUserAPC(main_apc, h[i], 7), 1);
    }
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), N);
    CHECK_EQ(WaitForMultipleObjects(N, h, 0, 0), SIM_WAIT_TIMEOUT);
    log_reset();
    for (int i = 0; i < N; i++)
        ta_latch_open(&c[i].release);
    CHECK_EQ(WaitForMultipleObjects(N, h, 1, 5000), SIM_WAIT_OBJECT_0);
    CHECK(counter_reaches(SIM_COUNT_THREADS, 0, 5000));
    /* By the time the thread count is 0 their APCs are gone too. */
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
    CHECK_EQ(log_count(), 0);
    for (int i = 0; i < N; i++)
        CHECK(CloseHandle(h[i]));
    check_no_leaks();
}

/* ---- clock ------------------------------------------------------------------------------------ */

static void test_now_ms(void)
{
    uint64_t a = sim_now_ms();
    ta_sleep_ms(20);
    uint64_t b = sim_now_ms();
    CHECK(b >= a + 19);
    CHECK(b < a + 5000);
}

/* ---- oracle -------------------------------------------------------------------------------- */

static void *misuse_flood_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "flood %d", i);
    return NULL;
}

static void test_oracle(void)
{
    char buf[64];

    CHECK_EQ(sim_counter(-1), (uint64_t)(int64_t)-1);
    CHECK_EQ(sim_counter(SIM_COUNT__MAX), (uint64_t)(int64_t)-1);
    sim_count(-1, 5);             /* ignored */
    sim_count(SIM_COUNT__MAX, 5); /* ignored */
    int64_t before = sim_counter(SIM_COUNT_PIPE_BUFFERS);
    sim_count(SIM_COUNT_PIPE_BUFFERS, 5);
    CHECK_EQ(sim_counter(SIM_COUNT_PIPE_BUFFERS), before + 5);
    sim_count(SIM_COUNT_PIPE_BUFFERS, -5);
    CHECK_EQ(sim_counter(SIM_COUNT_PIPE_BUFFERS), before);

    sim_misuse_clear();
    CHECK_EQ(sim_misuse_count(), 0);
    sim_misuse(SIM_MISUSE_ABORT_TWICE, "state %d at %s", 7, "here");
    CHECK_EQ(sim_misuse_count(), 1);
    memset(buf, 'z', sizeof buf);
    CHECK_EQ(sim_misuse_get(0, buf, sizeof buf), SIM_MISUSE_ABORT_TWICE);
    CHECK(strcmp(buf, "state 7 at here") == 0);
    CHECK_EQ(sim_misuse_get(0, buf, 6), SIM_MISUSE_ABORT_TWICE); /* truncated, terminated */
    CHECK(strcmp(buf, "state") == 0);
    buf[0] = 'q';
    CHECK_EQ(sim_misuse_get(0, buf, 0), SIM_MISUSE_ABORT_TWICE); /* writes nothing */
    CHECK_EQ(buf[0], 'q');
    CHECK_EQ(sim_misuse_get(0, NULL, 10), SIM_MISUSE_ABORT_TWICE);
    CHECK_EQ(sim_misuse_get(1, buf, sizeof buf), 0);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(sim_misuse_get(-1, buf, sizeof buf), 0);

    /* Kept: the first 4096; counted: all, from several threads at once. */
    sim_misuse_clear();
    pthread_t t[5];
    for (int i = 0; i < 5; i++)
        t[i] = ta_start(misuse_flood_main, NULL);
    for (int i = 0; i < 5; i++)
        ta_join(t[i]);
    CHECK_EQ(sim_misuse_count(), 5000);
    CHECK_EQ(sim_misuse_get(4095, buf, sizeof buf), SIM_MISUSE_BAD_ARGUMENT);
    CHECK(strncmp(buf, "flood ", 6) == 0);
    CHECK_EQ(sim_misuse_get(4096, buf, sizeof buf), 0);
    sim_misuse_clear();
    CHECK_EQ(sim_misuse_count(), 0);
    CHECK_EQ(sim_misuse_get(0, buf, sizeof buf), 0);
}

int main(void)
{
    TA_RUN(test_queue_apc);
    TA_RUN(test_signal_and_post);
    TA_RUN(test_schedule);
    TA_RUN(test_spawn);
    TA_RUN(test_now_ms);
    TA_RUN(test_oracle);
    CHECK_EQ(sim_counter(SIM_COUNT_HANDLES), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_THREADS), 0);
    return ta_exit_code();
}
