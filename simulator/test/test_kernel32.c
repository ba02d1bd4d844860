/*
 * test_kernel32.c - scenario tests of the simulator's kernel32 exports, through the shared
 * library exactly as JNA loads it (this file uses only winrpcsim.h, so build.sh links it
 * against libwinrpcsim.so). The internal helpers are tested by test_kernel32_internal.c.
 */
#include "winrpcsim.h"

#include "test_assert.h"

#include <string.h>
#include <unistd.h>

#define SYNCHRONIZE_ 0x00100000u
#define GENERIC_ALL_ 0x10000000u
#define THREAD_SET_CONTEXT_ WINRPC_THREAD_SET_CONTEXT
#define IO_COMPLETION_ WINRPC_WAIT_IO_COMPLETION

/* ---- helpers --------------------------------------------------------------------------------- */

/* A record of APCs run: value and the thread that ran it, in order. */
#define MAXREC 4096
static _Atomic int rec_n;
static uintptr_t rec_val[MAXREC];
static DWORD rec_tid[MAXREC];

static void rec_reset(void) { atomic_store(&rec_n, 0); }

static void WINRPC_ENTRY rec_apc(ULONG_PTR v)
{
    int i = atomic_fetch_add(&rec_n, 1);
    if (i < MAXREC) {
        rec_val[i] = v;
        rec_tid[i] = GetCurrentThreadId();
    }
}

static int32_t last_misuse_kind(void)
{
    int32_t n = sim_misuse_count();
    char buf[256];
    return n > 0 ? sim_misuse_get(n - 1, buf, sizeof buf) : 0;
}

static void check_no_leaks(const char *where)
{
    int64_t h = sim_counter(SIM_COUNT_HANDLES), a = sim_counter(SIM_COUNT_QUEUED_APCS);
    if (h != 0 || a != 0)
        fprintf(stderr, "after %s: %lld handles, %lld queued APCs\n", where, (long long)h,
                (long long)a);
    CHECK_EQ(h, 0);
    CHECK_EQ(a, 0);
}

/* A worker that waits alertably (SleepEx) until a stop APC arrives. */
typedef struct apc_worker {
    DWORD tid;
    ta_latch ready;
    int stop;
    pthread_t t;
} apc_worker;

static void WINRPC_ENTRY stop_apc(ULONG_PTR p) { ((apc_worker *)p)->stop = 1; }

static void *apc_worker_main(void *arg)
{
    apc_worker *w = arg;
    w->tid = GetCurrentThreadId();
    ta_latch_open(&w->ready);
    while (!w->stop) {
        DWORD r = SleepEx(30000, 1);
        CHECK_EQ(r, IO_COMPLETION_);
        if (r != IO_COMPLETION_)
            break;
    }
    return NULL;
}

static void worker_start(apc_worker *w)
{
    memset(w, 0, sizeof *w);
    ta_latch l = TA_LATCH_INIT;
    w->ready = l;
    w->t = ta_start(apc_worker_main, w);
    ta_latch_wait(&w->ready);
}

static void worker_stop(apc_worker *w)
{
    HANDLE h = OpenThread(THREAD_SET_CONTEXT_, 0, w->tid);
    REQUIRE(h != NULL);
    CHECK_EQ(QueueUserAPC(stop_apc, h, (ULONG_PTR)w), 1);
    CHECK(CloseHandle(h));
    ta_join(w->t);
}

/* ---- thread ids -------------------------------------------------------------------------------- */

static void *tid_main(void *arg)
{
    DWORD *out = arg;
    out[0] = GetCurrentThreadId();
    out[1] = GetCurrentThreadId();
    return NULL;
}

static void test_thread_ids(void)
{
    DWORD me = GetCurrentThreadId();
    CHECK(me != 0);
    CHECK_EQ(me, GetCurrentThreadId());
    CHECK_EQ(me % 4, 0); /* Windows thread ids are multiples of 4 */

    /* Threads that run one after another get distinct ids: an exited thread's id is not
     * reused. */
    enum { N = 64 };
    DWORD ids[N][2];
    for (int i = 0; i < N; i++)
        ta_join(ta_start(tid_main, ids[i]));
    for (int i = 0; i < N; i++) {
        CHECK(ids[i][0] != 0);
        CHECK_EQ(ids[i][0], ids[i][1]);
        CHECK(ids[i][0] != me);
        for (int j = 0; j < i; j++)
            CHECK(ids[i][0] != ids[j][0]);
    }
    check_no_leaks("thread ids");
}

/* ---- pseudo-handles ---------------------------------------------------------------------------- */

typedef struct pseudo_ctx {
    HANDLE pseudo_from_main;
    HANDLE dup;
    DWORD tid;
    DWORD r1, r2;
    ta_latch dup_ready, go;
} pseudo_ctx;

static void *pseudo_main(void *arg)
{
    pseudo_ctx *c = arg;
    c->tid = GetCurrentThreadId();
    /* The value main got from GetCurrentThread() means this thread when used here. */
    CHECK_EQ(QueueUserAPC(rec_apc, c->pseudo_from_main, 111), 1);
    c->r1 = SleepEx(0, 1);
    /* Duplicating the pseudo-handle gives a real handle to this thread. */
    CHECK(DuplicateHandle(GetCurrentProcess(), c->pseudo_from_main, GetCurrentProcess(), &c->dup,
                          0, 0, SIM_DUPLICATE_SAME_ACCESS));
    ta_latch_open(&c->dup_ready);
    c->r2 = SleepEx(10000, 1); /* main queues an APC through the duplicate */
    ta_latch_wait(&c->go);
    return NULL;
}

static void *queue_to_handle_main(void *arg)
{
    HANDLE h = arg;
    CHECK_EQ(QueueUserAPC(rec_apc, h, 333), 1);
    return NULL;
}

static void test_pseudo_handles(void)
{
    rec_reset();
    HANDLE p = GetCurrentThread();
    CHECK_EQ((uintptr_t)p, (uintptr_t)(intptr_t)-2);
    CHECK_EQ((uintptr_t)GetCurrentProcess(), (uintptr_t)(intptr_t)-1);
    CHECK_EQ(GetCurrentProcessId(), (DWORD)getpid());

    pseudo_ctx c;
    memset(&c, 0, sizeof c);
    ta_latch l = TA_LATCH_INIT;
    c.dup_ready = l;
    c.go = l;
    c.pseudo_from_main = p;
    pthread_t t = ta_start(pseudo_main, &c);
    ta_latch_wait(&c.dup_ready);
    REQUIRE(c.dup != NULL);
    CHECK(c.dup != SIM_PSEUDO_THREAD && c.dup != SIM_PSEUDO_PROCESS);
    CHECK_EQ(QueueUserAPC(rec_apc, c.dup, 222), 1);
    CHECK_EQ(WaitForSingleObject(c.dup, 0), SIM_WAIT_TIMEOUT); /* the thread still runs */
    ta_latch_open(&c.go);
    ta_join(t);
    CHECK_EQ(WaitForSingleObject(c.dup, 5000), SIM_WAIT_OBJECT_0); /* signalled once it ended */
    CHECK_EQ(c.r1, IO_COMPLETION_);
    CHECK_EQ(c.r2, IO_COMPLETION_);
    CHECK_EQ(atomic_load(&rec_n), 2);
    CHECK_EQ(rec_val[0], 111);
    CHECK_EQ(rec_val[1], 222);
    CHECK_EQ(rec_tid[0], c.tid);
    CHECK_EQ(rec_tid[1], c.tid);
    CHECK(c.tid != GetCurrentThreadId());
    CHECK(CloseHandle(c.dup));

    /* The calling thread is never signalled while it runs. */
    CHECK_EQ(WaitForSingleObject(GetCurrentThread(), 0), SIM_WAIT_TIMEOUT);
    /* Closing a pseudo-handle has no effect and succeeds. */
    CHECK(CloseHandle(GetCurrentThread()));
    CHECK(CloseHandle(GetCurrentProcess()));

    /* Main's own real handle, used by another thread, queues to main. */
    rec_reset();
    HANDLE mine = NULL;
    CHECK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &mine, 0,
                          0, SIM_DUPLICATE_SAME_ACCESS));
    REQUIRE(mine != NULL);
    ta_join(ta_start(queue_to_handle_main, mine));
    CHECK_EQ(SleepEx(5000, 1), IO_COMPLETION_);
    CHECK_EQ(atomic_load(&rec_n), 1);
    CHECK_EQ(rec_val[0], 333);
    CHECK_EQ(rec_tid[0], GetCurrentThreadId());
    /* DUPLICATE_CLOSE_SOURCE closes the source. */
    HANDLE moved = NULL;
    CHECK(DuplicateHandle(GetCurrentProcess(), mine, GetCurrentProcess(), &moved, 0, 0,
                          SIM_DUPLICATE_SAME_ACCESS | SIM_DUPLICATE_CLOSE_SOURCE));
    CHECK(moved != NULL && moved != mine);
    CHECK(!CloseHandle(mine));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK(CloseHandle(moved));
    check_no_leaks("pseudo handles");
}

/* ---- access rights ---------------------------------------------------------------------------- */

static void test_open_thread_access(void)
{
    rec_reset();
    sim_misuse_clear();
    apc_worker w;
    worker_start(&w);

    HANDLE all = OpenThread(SIM_THREAD_ALL_ACCESS, 0, w.tid);
    HANDLE sync = OpenThread(SYNCHRONIZE_, 0, w.tid);
    HANDLE ctx = OpenThread(THREAD_SET_CONTEXT_, 0, w.tid);
    HANDLE gen = OpenThread(GENERIC_ALL_, 0, w.tid);
    REQUIRE(all != NULL && sync != NULL && ctx != NULL && gen != NULL);
    CHECK(all != sync && sync != ctx && ctx != gen);

    /* No THREAD_SET_CONTEXT: refused with ERROR_ACCESS_DENIED and recorded. */
    SetLastError(0);
    CHECK_EQ(QueueUserAPC(rec_apc, sync, 1), 0);
    CHECK_EQ(GetLastError(), SIM_ERROR_ACCESS_DENIED);
    CHECK_EQ(last_misuse_kind(), SIM_MISUSE_APC_NO_SET_CONTEXT);
    /* No SYNCHRONIZE: waiting is refused. */
    CHECK_EQ(WaitForSingleObject(ctx, 0), SIM_WAIT_FAILED);
    CHECK_EQ(GetLastError(), SIM_ERROR_ACCESS_DENIED);
    CHECK_EQ(WaitForSingleObject(sync, 0), SIM_WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(all, 0), SIM_WAIT_TIMEOUT);

    /* Duplicates keep or narrow access; they never widen it. */
    HANDLE d_same = NULL, d_narrow = NULL, d_wide = NULL;
    CHECK(DuplicateHandle(GetCurrentProcess(), sync, GetCurrentProcess(), &d_same, 0, 0,
                          SIM_DUPLICATE_SAME_ACCESS));
    CHECK_EQ(QueueUserAPC(rec_apc, d_same, 1), 0);
    CHECK_EQ(GetLastError(), SIM_ERROR_ACCESS_DENIED);
    CHECK(!DuplicateHandle(GetCurrentProcess(), sync, GetCurrentProcess(), &d_wide,
                           THREAD_SET_CONTEXT_, 0, 0));
    CHECK_EQ(GetLastError(), SIM_ERROR_ACCESS_DENIED);
    CHECK(d_wide == NULL);
    CHECK(DuplicateHandle(GetCurrentProcess(), all, GetCurrentProcess(), &d_narrow,
                          THREAD_SET_CONTEXT_, 0, 0));
    CHECK_EQ(WaitForSingleObject(d_narrow, 0), SIM_WAIT_FAILED);
    CHECK_EQ(GetLastError(), SIM_ERROR_ACCESS_DENIED);

    /* These are queued in this order and run on the worker in this order. */
    CHECK_EQ(QueueUserAPC(rec_apc, d_narrow, 2), 1);
    CHECK_EQ(QueueUserAPC(rec_apc, ctx, 3), 1);
    CHECK_EQ(QueueUserAPC(rec_apc, gen, 4), 1); /* GENERIC_ALL maps to THREAD_ALL_ACCESS */
    CHECK_EQ(QueueUserAPC(rec_apc, all, 5), 1);

    /* Unknown thread ids. */
    CHECK(OpenThread(SIM_THREAD_ALL_ACCESS, 0, 0) == NULL);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(OpenThread(SIM_THREAD_ALL_ACCESS, 0, 0xFFFFFFF0u) == NULL);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);

    worker_stop(&w);
    CHECK_EQ(atomic_load(&rec_n), 4);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(rec_val[i], (uintptr_t)(i + 2));
        CHECK_EQ(rec_tid[i], w.tid);
    }
    CHECK_EQ(WaitForSingleObject(all, 5000), SIM_WAIT_OBJECT_0);
    /* An ended thread whose object is still referenced can be opened by id, as on Windows. */
    HANDLE again = OpenThread(SYNCHRONIZE_, 0, w.tid);
    CHECK(again != NULL);
    CHECK_EQ(WaitForSingleObject(again, 0), SIM_WAIT_OBJECT_0);
    HANDLE hs[] = {all, sync, ctx, gen, d_same, d_narrow, again};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++)
        CHECK(CloseHandle(hs[i]));
    /* Once the last handle is gone, the id names nothing. */
    CHECK(OpenThread(SYNCHRONIZE_, 0, w.tid) == NULL);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    sim_misuse_clear();
    check_no_leaks("open thread access");
}

/* ---- APC refusals ------------------------------------------------------------------------------ */

static void *tid_out_main(void *arg)
{
    *(DWORD *)arg = GetCurrentThreadId();
    return NULL;
}

static void test_apc_refusals(void)
{
    rec_reset();
    sim_misuse_clear();
    HANDLE ev = CreateEventW(NULL, 1, 0, NULL);
    REQUIRE(ev != NULL);
    HANDLE closed = NULL;
    CHECK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &closed,
                          0, 0, SIM_DUPLICATE_SAME_ACCESS));
    CHECK(CloseHandle(closed));

    struct {
        HANDLE h;
        DWORD err;
    } cases[] = {
        {NULL, SIM_ERROR_INVALID_HANDLE},
        {(HANDLE)(uintptr_t)0x12345678u, SIM_ERROR_INVALID_HANDLE},
        {(HANDLE)(uintptr_t)0x1001u, SIM_ERROR_INVALID_HANDLE}, /* not a multiple of 4 */
        {ev, SIM_ERROR_INVALID_HANDLE},                          /* an event, not a thread */
        {SIM_PSEUDO_PROCESS, SIM_ERROR_INVALID_HANDLE},
        {closed, SIM_ERROR_INVALID_HANDLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        SetLastError(0);
        int32_t before = sim_misuse_count();
        CHECK_EQ(QueueUserAPC(rec_apc, cases[i].h, 1), 0);
        CHECK_EQ(GetLastError(), cases[i].err);
        CHECK_EQ(sim_misuse_count(), before + 1);
        CHECK_EQ(last_misuse_kind(), SIM_MISUSE_INVALID_HANDLE);
    }
    CHECK_EQ(QueueUserAPC(NULL, GetCurrentThread(), 1), 0);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK_EQ(last_misuse_kind(), SIM_MISUSE_BAD_ARGUMENT);

    /* A thread that ended with no handle open to it cannot be opened any more (an ended
     * thread that is still referenced refuses APCs: test_thread_exit_discards_apcs). */
    DWORD tid = 0;
    ta_join(ta_start(tid_out_main, &tid));
    CHECK(tid != 0);
    CHECK(OpenThread(SIM_THREAD_ALL_ACCESS, 0, tid) == NULL);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);

    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
    CHECK_EQ(SleepEx(0, 1), 0); /* nothing was queued to this thread */
    CHECK_EQ(atomic_load(&rec_n), 0);
    CHECK(CloseHandle(ev));
    sim_misuse_clear();
    check_no_leaks("apc refusals");
}

/* An ended thread: its handle is signalled, its pending APCs were discarded (and uncounted),
 * and a new APC is refused with ERROR_GEN_FAILURE. */
typedef struct ending_ctx {
    DWORD tid;
    ta_latch ready, go;
} ending_ctx;

static void *ending_main(void *arg)
{
    ending_ctx *c = arg;
    c->tid = GetCurrentThreadId();
    ta_latch_open(&c->ready);
    ta_latch_wait(&c->go); /* not alertable: APCs stay queued */
    return NULL;
}

static void test_thread_exit_discards_apcs(void)
{
    rec_reset();
    ending_ctx c;
    memset(&c, 0, sizeof c);
    ta_latch l = TA_LATCH_INIT;
    c.ready = l;
    c.go = l;
    pthread_t t = ta_start(ending_main, &c);
    ta_latch_wait(&c.ready);
    HANDLE h = OpenThread(SIM_THREAD_ALL_ACCESS, 0, c.tid);
    REQUIRE(h != NULL);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(QueueUserAPC(rec_apc, h, (ULONG_PTR)i), 1);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 5);
    ta_latch_open(&c.go);
    ta_join(t);
    CHECK_EQ(WaitForSingleObject(h, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
    CHECK_EQ(atomic_load(&rec_n), 0);
    SetLastError(0);
    CHECK_EQ(QueueUserAPC(rec_apc, h, 9), 0);
    CHECK_EQ(GetLastError(), SIM_ERROR_GEN_FAILURE);
    CHECK(CloseHandle(h));
    check_no_leaks("thread exit");
}

/* ---- APCs run only in alertable waits ---------------------------------------------------------- */

static void test_apc_only_alertable(void)
{
    rec_reset();
    HANDLE self = GetCurrentThread();
    HANDLE ev = CreateEventW(NULL, 1, 0, NULL);
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 1);
    REQUIRE(ev != NULL && port != NULL);
    OVERLAPPED_ENTRY ents[4];
    uint32_t n = 99;
    DWORD bytes;
    ULONG_PTR key;
    OVERLAPPED *ov;

    for (int i = 1; i <= 3; i++)
        CHECK_EQ(QueueUserAPC(rec_apc, self, (ULONG_PTR)i), 1);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 3);

    /* Non-alertable waits time out and run nothing. */
    uint64_t t0 = ta_now_ms();
    CHECK_EQ(SleepEx(50, 0), 0);
    CHECK(ta_now_ms() - t0 >= 45);
    Sleep(10);
    t0 = ta_now_ms();
    CHECK_EQ(WaitForSingleObjectEx(ev, 50, 0), SIM_WAIT_TIMEOUT);
    CHECK(ta_now_ms() - t0 >= 45);
    CHECK_EQ(WaitForSingleObject(ev, 10), SIM_WAIT_TIMEOUT);
    CHECK_EQ(WaitForMultipleObjectsEx(1, &ev, 0, 10, 0), SIM_WAIT_TIMEOUT);
    CHECK(!GetQueuedCompletionStatusEx(port, ents, 4, &n, 10, 0));
    CHECK_EQ(GetLastError(), SIM_WAIT_TIMEOUT_ERROR);
    CHECK_EQ(n, 0);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 10));
    CHECK_EQ(GetLastError(), SIM_WAIT_TIMEOUT_ERROR);
    CHECK(ov == NULL);
    CHECK_EQ(atomic_load(&rec_n), 0);

    /* An object already signalled satisfies even an alertable wait first (NT's order); the
     * APCs stay queued. */
    CHECK(SetEvent(ev));
    CHECK_EQ(WaitForSingleObjectEx(ev, 0, 1), SIM_WAIT_OBJECT_0);
    CHECK(ResetEvent(ev));
    CHECK_EQ(atomic_load(&rec_n), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 3);

    /* An alertable wait runs them all, in order, on this thread, and says so. */
    t0 = ta_now_ms();
    CHECK_EQ(SleepEx(5000, 1), IO_COMPLETION_);
    CHECK(ta_now_ms() - t0 < 2000);
    CHECK_EQ(atomic_load(&rec_n), 3);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(rec_val[i], (uintptr_t)(i + 1));
        CHECK_EQ(rec_tid[i], GetCurrentThreadId());
    }
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
    CHECK_EQ(SleepEx(0, 1), 0);

    /* The same through each alertable wait function. */
    rec_reset();
    CHECK_EQ(QueueUserAPC(rec_apc, self, 10), 1);
    CHECK_EQ(QueueUserAPC(rec_apc, self, 11), 1);
    CHECK_EQ(WaitForSingleObjectEx(ev, 5000, 1), IO_COMPLETION_);
    CHECK_EQ(atomic_load(&rec_n), 2);
    CHECK_EQ(QueueUserAPC(rec_apc, self, 12), 1);
    CHECK_EQ(WaitForMultipleObjectsEx(1, &ev, 1, 5000, 1), IO_COMPLETION_);
    CHECK_EQ(atomic_load(&rec_n), 3);
    CHECK_EQ(QueueUserAPC(rec_apc, self, 13), 1);
    n = 99;
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatusEx(port, ents, 4, &n, 5000, 1));
    CHECK_EQ(GetLastError(), IO_COMPLETION_);
    CHECK_EQ(n, 0);
    CHECK_EQ(atomic_load(&rec_n), 4);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(rec_val[i], (uintptr_t)(10 + i));
    CHECK(CloseHandle(ev));
    CHECK(CloseHandle(port));
    check_no_leaks("apc only alertable");
}

static void test_apc_runs_on_target_only(void)
{
    rec_reset();
    apc_worker w;
    worker_start(&w);
    HANDLE h = OpenThread(THREAD_SET_CONTEXT_, 0, w.tid);
    REQUIRE(h != NULL);
    CHECK_EQ(QueueUserAPC(rec_apc, h, 7), 1);
    /* This thread's alertable wait has nothing to run. */
    CHECK_EQ(SleepEx(30, 1), 0);
    worker_stop(&w);
    CHECK_EQ(atomic_load(&rec_n), 1);
    CHECK_EQ(rec_val[0], 7);
    CHECK_EQ(rec_tid[0], w.tid);
    CHECK(rec_tid[0] != GetCurrentThreadId());
    CHECK(CloseHandle(h));
    check_no_leaks("apc on target");
}

/* An APC that queues the next one to its own thread: all run within one wait. */
static void WINRPC_ENTRY chain_apc(ULONG_PTR v)
{
    rec_apc(v);
    if (v < 100)
        CHECK_EQ(QueueUserAPC(chain_apc, GetCurrentThread(), v + 1), 1);
}

static void test_apc_drain_and_requeue(void)
{
    rec_reset();
    CHECK_EQ(QueueUserAPC(chain_apc, GetCurrentThread(), 1), 1);
    CHECK_EQ(QueueUserAPC(rec_apc, GetCurrentThread(), 1000), 1);
    CHECK_EQ(SleepEx(0, 1), IO_COMPLETION_);
    /* FIFO: 1 runs and queues 2 behind 1000. */
    CHECK_EQ(atomic_load(&rec_n), 101);
    CHECK_EQ(rec_val[0], 1);
    CHECK_EQ(rec_val[1], 1000);
    for (int i = 2; i < 101; i++)
        CHECK_EQ(rec_val[i], (uintptr_t)i);
    CHECK_EQ(SleepEx(0, 1), 0);
    check_no_leaks("apc drain");
}

/* ---- an APC queued while a thread waits alertably wakes it -------------------------------------- */

typedef struct wake_ctx {
    int mode; /* 0 SleepEx, 1 WaitForSingleObjectEx, 2 WaitForMultipleObjectsEx (all),
                 3 GetQueuedCompletionStatusEx, 4 WaitForSingleObjectEx non-alertable */
    HANDLE ev, ev2, port;
    DWORD tid;
    DWORD result, err;
    uint64_t elapsed;
    int ran_during_wait;
    ta_latch ready;
} wake_ctx;

static void *wake_main(void *arg)
{
    wake_ctx *c = arg;
    c->tid = GetCurrentThreadId();
    ta_latch_open(&c->ready);
    uint64_t t0 = ta_now_ms();
    HANDLE two[2] = {c->ev, c->ev2};
    OVERLAPPED_ENTRY e[2];
    uint32_t n = 0;
    switch (c->mode) {
    case 0:
        c->result = SleepEx(SIM_INFINITE, 1);
        break;
    case 1:
        c->result = WaitForSingleObjectEx(c->ev, 10000, 1);
        break;
    case 2:
        c->result = WaitForMultipleObjectsEx(2, two, 1, 10000, 1);
        break;
    case 3:
        c->result = (DWORD)GetQueuedCompletionStatusEx(c->port, e, 2, &n, 10000, 1);
        c->err = GetLastError();
        break;
    case 4:
        c->result = WaitForSingleObjectEx(c->ev, 300, 0);
        c->ran_during_wait = atomic_load(&rec_n);
        CHECK_EQ(SleepEx(0, 1), IO_COMPLETION_); /* now it runs */
        break;
    default:
        break;
    }
    c->elapsed = ta_now_ms() - t0;
    return NULL;
}

static void test_apc_wakes_alertable_wait(void)
{
    for (int mode = 0; mode <= 4; mode++) {
        rec_reset();
        wake_ctx c;
        memset(&c, 0, sizeof c);
        ta_latch l = TA_LATCH_INIT;
        c.ready = l;
        c.mode = mode;
        c.ev = CreateEventW(NULL, 1, 0, NULL);
        c.ev2 = CreateEventW(NULL, 0, 0, NULL);
        c.port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
        REQUIRE(c.ev != NULL && c.ev2 != NULL && c.port != NULL);
        pthread_t t = ta_start(wake_main, &c);
        ta_latch_wait(&c.ready);
        ta_sleep_ms(50); /* let it block */
        HANDLE h = OpenThread(THREAD_SET_CONTEXT_, 0, c.tid);
        REQUIRE(h != NULL);
        CHECK_EQ(QueueUserAPC(rec_apc, h, 40 + (ULONG_PTR)mode), 1);
        ta_join(t);
        if (mode == 3) {
            CHECK_EQ(c.result, 0);
            CHECK_EQ(c.err, IO_COMPLETION_);
        } else if (mode == 4) {
            CHECK_EQ(c.result, SIM_WAIT_TIMEOUT);
            CHECK_EQ(c.ran_during_wait, 0);
            CHECK(c.elapsed >= 290);
        } else {
            CHECK_EQ(c.result, IO_COMPLETION_);
        }
        if (mode != 4)
            CHECK(c.elapsed < 5000);
        CHECK_EQ(atomic_load(&rec_n), 1);
        CHECK_EQ(rec_val[0], 40 + (uintptr_t)mode);
        CHECK_EQ(rec_tid[0], c.tid);
        CHECK(CloseHandle(h));
        CHECK(CloseHandle(c.ev));
        CHECK(CloseHandle(c.ev2));
        CHECK(CloseHandle(c.port));
    }
    check_no_leaks("apc wakes wait");
}

/* ---- events ---------------------------------------------------------------------------------- */

typedef struct ev_waiter {
    HANDLE ev;
    DWORD result;
    _Atomic int *released;
} ev_waiter;

static void *ev_wait_main(void *arg)
{
    ev_waiter *w = arg;
    w->result = WaitForSingleObject(w->ev, 10000);
    atomic_fetch_add(w->released, 1);
    return NULL;
}

static void test_events(void)
{
    /* Manual reset. */
    HANDLE m = CreateEventW(NULL, 1, 0, NULL);
    REQUIRE(m != NULL);
    CHECK_EQ(WaitForSingleObject(m, 0), SIM_WAIT_TIMEOUT);
    CHECK(SetEvent(m));
    CHECK_EQ(WaitForSingleObject(m, 0), SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(m, 0), SIM_WAIT_OBJECT_0);
    CHECK(ResetEvent(m));
    CHECK_EQ(WaitForSingleObject(m, 20), SIM_WAIT_TIMEOUT);
    HANDLE m1 = CreateEventW(NULL, 1, 1, NULL);
    CHECK_EQ(WaitForSingleObject(m1, 0), SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(m1, 0), SIM_WAIT_OBJECT_0);

    /* Auto reset: a successful wait resets it; sets do not accumulate. */
    HANDLE a = CreateEventW(NULL, 0, 1, NULL);
    REQUIRE(a != NULL);
    CHECK_EQ(WaitForSingleObject(a, 0), SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(a, 0), SIM_WAIT_TIMEOUT);
    CHECK(SetEvent(a));
    CHECK(SetEvent(a));
    CHECK_EQ(WaitForSingleObject(a, 0), SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(a, 0), SIM_WAIT_TIMEOUT);

    /* Auto reset with two waiters: one SetEvent releases exactly one. */
    _Atomic int released = 0;
    ev_waiter w[3];
    pthread_t t[3];
    for (int i = 0; i < 2; i++) {
        w[i].ev = a;
        w[i].released = &released;
        w[i].result = 99;
        t[i] = ta_start(ev_wait_main, &w[i]);
    }
    ta_sleep_ms(50);
    CHECK_EQ(atomic_load(&released), 0);
    CHECK(SetEvent(a));
    ta_sleep_ms(100);
    CHECK_EQ(atomic_load(&released), 1);
    CHECK(SetEvent(a));
    ta_join(t[0]);
    ta_join(t[1]);
    CHECK_EQ(atomic_load(&released), 2);
    CHECK_EQ(w[0].result, SIM_WAIT_OBJECT_0);
    CHECK_EQ(w[1].result, SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(a, 0), SIM_WAIT_TIMEOUT); /* both sets were consumed */

    /* Manual reset with three waiters: one SetEvent releases all. */
    atomic_store(&released, 0);
    CHECK(ResetEvent(m));
    for (int i = 0; i < 3; i++) {
        w[i].ev = m;
        w[i].released = &released;
        t[i] = ta_start(ev_wait_main, &w[i]);
    }
    ta_sleep_ms(50);
    CHECK_EQ(atomic_load(&released), 0);
    CHECK(SetEvent(m));
    for (int i = 0; i < 3; i++) {
        ta_join(t[i]);
        CHECK_EQ(w[i].result, SIM_WAIT_OBJECT_0);
    }
    CHECK_EQ(WaitForSingleObject(m, 0), SIM_WAIT_OBJECT_0);

    /* Two handles to one event (DuplicateHandle) act on the same object. */
    HANDLE m2 = NULL;
    CHECK(DuplicateHandle(GetCurrentProcess(), m, GetCurrentProcess(), &m2, 0, 0,
                          SIM_DUPLICATE_SAME_ACCESS));
    CHECK(ResetEvent(m2));
    CHECK_EQ(WaitForSingleObject(m, 0), SIM_WAIT_TIMEOUT);
    CHECK(CloseHandle(m));
    CHECK(SetEvent(m2)); /* still open through the duplicate */
    CHECK_EQ(WaitForSingleObject(m2, 0), SIM_WAIT_OBJECT_0);

    CHECK(CloseHandle(m1));
    CHECK(CloseHandle(m2));
    CHECK(CloseHandle(a));
    check_no_leaks("events");
}

/* ---- WaitForMultipleObjects ----------------------------------------------------------------- */

typedef struct multi_ctx {
    HANDLE hs[3];
    DWORD n;
    BOOL all;
    DWORD timeout; /* 0 means 10 s */
    DWORD result;
} multi_ctx;

static void *multi_main(void *arg)
{
    multi_ctx *c = arg;
    c->result = WaitForMultipleObjects(c->n, c->hs, c->all, c->timeout ? c->timeout : 10000);
    return NULL;
}

static void test_wait_multiple(void)
{
    sim_misuse_clear();
    HANDLE e1 = CreateEventW(NULL, 0, 0, NULL); /* auto */
    HANDLE e2 = CreateEventW(NULL, 0, 0, NULL); /* auto */
    HANDLE m = CreateEventW(NULL, 1, 0, NULL);  /* manual */
    REQUIRE(e1 != NULL && e2 != NULL && m != NULL);
    HANDLE two[2] = {e1, e2};

    /* Wait-any: the signalled index; the lowest when several are. */
    CHECK_EQ(WaitForMultipleObjects(2, two, 0, 0), SIM_WAIT_TIMEOUT);
    CHECK(SetEvent(e2));
    CHECK_EQ(WaitForMultipleObjects(2, two, 0, 0), SIM_WAIT_OBJECT_0 + 1);
    CHECK(SetEvent(e1));
    CHECK(SetEvent(e2));
    CHECK_EQ(WaitForMultipleObjects(2, two, 0, 0), SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForMultipleObjects(2, two, 0, 0), SIM_WAIT_OBJECT_0 + 1);
    CHECK_EQ(WaitForMultipleObjects(2, two, 0, 0), SIM_WAIT_TIMEOUT);

    /* Wait-all: nothing is consumed until all are signalled. */
    CHECK(SetEvent(e1));
    CHECK_EQ(WaitForMultipleObjects(2, two, 1, 20), SIM_WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(e1, 0), SIM_WAIT_OBJECT_0); /* e1 was still set */
    CHECK(SetEvent(e1));
    CHECK(SetEvent(e2));
    CHECK_EQ(WaitForMultipleObjects(2, two, 1, 0), SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(e1, 0), SIM_WAIT_TIMEOUT); /* both consumed */
    CHECK_EQ(WaitForSingleObject(e2, 0), SIM_WAIT_TIMEOUT);

    /* A blocked wait-all is released only by the last object. */
    multi_ctx c;
    memset(&c, 0, sizeof c);
    c.hs[0] = e1;
    c.hs[1] = m;
    c.n = 2;
    c.all = 1;
    c.result = 99;
    pthread_t t = ta_start(multi_main, &c);
    ta_sleep_ms(30);
    CHECK(SetEvent(m));
    ta_sleep_ms(50);
    CHECK_EQ(c.result, 99); /* m alone does not release the wait-all */
    CHECK(SetEvent(e1));
    ta_join(t);
    CHECK_EQ(c.result, SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(e1, 0), SIM_WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(m, 0), SIM_WAIT_OBJECT_0);
    CHECK(ResetEvent(m));

    /* A thread handle in a wait-any: released when the thread ends. */
    c.n = 2;
    c.all = 0;
    c.result = 99;
    apc_worker w;
    worker_start(&w);
    HANDLE th = OpenThread(SYNCHRONIZE_, 0, w.tid);
    REQUIRE(th != NULL);
    c.hs[0] = e1;
    c.hs[1] = th;
    t = ta_start(multi_main, &c);
    ta_sleep_ms(30);
    worker_stop(&w);
    ta_join(t);
    CHECK_EQ(c.result, SIM_WAIT_OBJECT_0 + 1);
    CHECK(CloseHandle(th));

    /* Argument errors. */
    HANDLE many[65];
    for (int i = 0; i < 65; i++)
        many[i] = m;
    CHECK_EQ(WaitForMultipleObjects(0, two, 0, 0), SIM_WAIT_FAILED);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK_EQ(WaitForMultipleObjects(65, many, 0, 0), SIM_WAIT_FAILED);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK_EQ(WaitForMultipleObjects(2, NULL, 0, 0), SIM_WAIT_FAILED);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK_EQ(WaitForMultipleObjects(2, many, 0, 0), SIM_WAIT_FAILED); /* same handle twice */
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    HANDLE mdup = NULL;
    CHECK(DuplicateHandle(GetCurrentProcess(), m, GetCurrentProcess(), &mdup, 0, 0,
                          SIM_DUPLICATE_SAME_ACCESS));
    HANDLE same_obj[2] = {m, mdup};
    CHECK(SetEvent(m));
    CHECK_EQ(WaitForMultipleObjects(2, same_obj, 0, 0), SIM_WAIT_OBJECT_0); /* any: allowed */
    CHECK_EQ(WaitForMultipleObjects(2, same_obj, 1, 0), SIM_WAIT_FAILED);   /* all: refused */
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(CloseHandle(mdup));
    HANDLE bad[2] = {e1, (HANDLE)(uintptr_t)0x7777770u};
    CHECK_EQ(WaitForMultipleObjects(2, bad, 0, 0), SIM_WAIT_FAILED);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK_EQ(last_misuse_kind(), SIM_MISUSE_INVALID_HANDLE);

    CHECK(CloseHandle(e1));
    CHECK(CloseHandle(e2));
    CHECK(CloseHandle(m));
    sim_misuse_clear();
    check_no_leaks("wait multiple");
}

/* ---- completion ports -------------------------------------------------------------------------- */

typedef struct port_ctx {
    HANDLE port;
    BOOL ok;
    DWORD err;
    uint32_t n;
    OVERLAPPED_ENTRY e[8];
    OVERLAPPED *ov;
    DWORD bytes;
    ULONG_PTR key;
    int use_gqcs;
} port_ctx;

static void *port_wait_main(void *arg)
{
    port_ctx *c = arg;
    if (c->use_gqcs) {
        c->ov = (OVERLAPPED *)(uintptr_t)1;
        c->ok = GetQueuedCompletionStatus(c->port, &c->bytes, &c->key, &c->ov, 10000);
    } else {
        c->ok = GetQueuedCompletionStatusEx(c->port, c->e, 8, &c->n, 10000, 0);
    }
    c->err = c->ok ? 0 : GetLastError();
    return NULL;
}

static void test_completion_ports(void)
{
    sim_misuse_clear();
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(port != NULL);
    OVERLAPPED ovs[100];
    OVERLAPPED_ENTRY ents[100];
    uint32_t n = 0;
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED *ov = NULL;

    /* FIFO with bytes, key and overlapped as posted. */
    for (int i = 0; i < 3; i++)
        CHECK(PostQueuedCompletionStatus(port, (DWORD)(100 + i), (ULONG_PTR)(7 + i), &ovs[i]));
    for (int i = 0; i < 3; i++) {
        CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
        CHECK_EQ(bytes, 100 + i);
        CHECK_EQ(key, 7 + i);
        CHECK(ov == &ovs[i]);
    }
    /* Timeout: FALSE, WAIT_TIMEOUT, *lpOverlapped NULL. */
    uint64_t t0 = ta_now_ms();
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &ov, 30));
    CHECK_EQ(GetLastError(), SIM_WAIT_TIMEOUT_ERROR);
    CHECK(ov == NULL);
    CHECK(ta_now_ms() - t0 >= 25);
    n = 77;
    CHECK(!GetQueuedCompletionStatusEx(port, ents, 10, &n, 0, 0));
    CHECK_EQ(GetLastError(), SIM_WAIT_TIMEOUT_ERROR);
    CHECK_EQ(n, 0);

    /* A batch of 64 removed by one call, in order, Internal 0. */
    for (int i = 0; i < 64; i++)
        CHECK(PostQueuedCompletionStatus(port, (DWORD)i, (ULONG_PTR)(1000 + i), &ovs[i]));
    memset(ents, 0xAB, sizeof ents);
    CHECK(GetQueuedCompletionStatusEx(port, ents, 64, &n, 0, 0));
    CHECK_EQ(n, 64);
    for (int i = 0; i < 64; i++) {
        CHECK_EQ(ents[i].dwNumberOfBytesTransferred, i);
        CHECK_EQ(ents[i].lpCompletionKey, 1000 + i);
        CHECK(ents[i].lpOverlapped == &ovs[i]);
        CHECK_EQ(ents[i].Internal, 0);
    }
    /* More queued than asked for: the rest stays. */
    for (int i = 0; i < 100; i++)
        CHECK(PostQueuedCompletionStatus(port, (DWORD)i, 0, NULL));
    CHECK(GetQueuedCompletionStatusEx(port, ents, 64, &n, 0, 0));
    CHECK_EQ(n, 64);
    CHECK(GetQueuedCompletionStatusEx(port, ents, 64, &n, 0, 0));
    CHECK_EQ(n, 36);
    CHECK_EQ(ents[0].dwNumberOfBytesTransferred, 64);
    CHECK_EQ(ents[35].dwNumberOfBytesTransferred, 99);
    CHECK(ents[0].lpOverlapped == NULL);

    /* A blocked remover is woken by a post from another thread; it gets the entry. */
    port_ctx c;
    memset(&c, 0, sizeof c);
    c.port = port;
    pthread_t t = ta_start(port_wait_main, &c);
    ta_sleep_ms(30);
    CHECK(PostQueuedCompletionStatus(port, 5, 6, &ovs[7]));
    ta_join(t);
    CHECK(c.ok);
    CHECK_EQ(c.n, 1);
    CHECK_EQ(c.e[0].dwNumberOfBytesTransferred, 5);
    CHECK_EQ(c.e[0].lpCompletionKey, 6);
    CHECK(c.e[0].lpOverlapped == &ovs[7]);

    /* Closing the port wakes its waiters with ERROR_ABANDONED_WAIT_0. */
    port_ctx w1, w2;
    memset(&w1, 0, sizeof w1);
    memset(&w2, 0, sizeof w2);
    w1.port = w2.port = port;
    w2.use_gqcs = 1;
    pthread_t t1 = ta_start(port_wait_main, &w1);
    pthread_t t2 = ta_start(port_wait_main, &w2);
    ta_sleep_ms(50);
    CHECK(CloseHandle(port));
    ta_join(t1);
    ta_join(t2);
    CHECK(!w1.ok);
    CHECK_EQ(w1.err, SIM_ERROR_ABANDONED_WAIT_0);
    CHECK_EQ(w1.n, 0);
    CHECK(!w2.ok);
    CHECK_EQ(w2.err, SIM_ERROR_ABANDONED_WAIT_0);
    CHECK(w2.ov == NULL);

    /* Completions still queued when the port closes are freed (valgrind/ASan check this). */
    HANDLE p2 = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 4);
    REQUIRE(p2 != NULL);
    for (int i = 0; i < 10; i++)
        CHECK(PostQueuedCompletionStatus(p2, 1, 2, NULL));
    CHECK(CloseHandle(p2));
    CHECK(!PostQueuedCompletionStatus(p2, 1, 2, NULL));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);

    /* What the simulator does not do, or Windows refuses. */
    HANDLE ev = CreateEventW(NULL, 1, 0, NULL);
    CHECK(CreateIoCompletionPort(ev, NULL, 1, 0) == NULL); /* associating a handle */
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    HANDLE p3 = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(p3 != NULL);
    CHECK(CreateIoCompletionPort(SIM_PSEUDO_PROCESS, p3, 1, 0) == NULL);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(!GetQueuedCompletionStatusEx(p3, ents, 0, &n, 0, 0));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(!GetQueuedCompletionStatusEx(p3, NULL, 4, &n, 0, 0));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(!GetQueuedCompletionStatus(p3, NULL, &key, &ov, 0));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(!GetQueuedCompletionStatusEx(ev, ents, 4, &n, 0, 0)); /* an event, not a port */
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK(!PostQueuedCompletionStatus(ev, 0, 0, NULL));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK(!SetEvent(p3)); /* a port, not an event */
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK_EQ(WaitForSingleObject(p3, 0), SIM_WAIT_FAILED); /* STRICT: ports are not waitable */
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK(CloseHandle(ev));
    CHECK(CloseHandle(p3));
    sim_misuse_clear();
    check_no_leaks("completion ports");
}

/* ---- invalid handles everywhere ---------------------------------------------------------------- */

static void test_invalid_handles(void)
{
    sim_misuse_clear();
    HANDLE ev = CreateEventW(NULL, 1, 0, NULL);
    REQUIRE(ev != NULL);
    HANDLE closed = CreateEventW(NULL, 1, 0, NULL);
    REQUIRE(closed != NULL);
    CHECK(CloseHandle(closed));
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(port != NULL);

    HANDLE bad[] = {NULL, (HANDLE)(uintptr_t)0x12345678u, (HANDLE)(uintptr_t)0xFFFFFFF0u,
                    (HANDLE)(uintptr_t)0x1002u, closed, (HANDLE)&ev};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        HANDLE h = bad[i];
        DWORD bytes;
        ULONG_PTR key;
        OVERLAPPED *ov;
        OVERLAPPED_ENTRY e;
        uint32_t n;
        HANDLE out = NULL;
        int32_t before = sim_misuse_count();

        CHECK(!CloseHandle(h));
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK(!SetEvent(h));
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK(!ResetEvent(h));
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK_EQ(WaitForSingleObject(h, 0), SIM_WAIT_FAILED);
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK_EQ(WaitForSingleObjectEx(h, 10, 1), SIM_WAIT_FAILED);
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK(!PostQueuedCompletionStatus(h, 0, 0, NULL));
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK(!GetQueuedCompletionStatus(h, &bytes, &key, &ov, 10));
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK(ov == NULL);
        CHECK(!GetQueuedCompletionStatusEx(h, &e, 1, &n, 10, 1));
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK(!DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &out, 0, 0,
                               SIM_DUPLICATE_SAME_ACCESS));
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        CHECK(out == NULL);
        CHECK_EQ(QueueUserAPC(rec_apc, h, 0), 0);
        CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
        /* Each of the 10 calls was recorded as an invalid handle. */
        CHECK_EQ(sim_misuse_count(), before + 10);
        for (int32_t k = before; k < before + 10; k++)
            CHECK_EQ(sim_misuse_get(k, NULL, 0), SIM_MISUSE_INVALID_HANDLE);
    }
    /* The misuse detail names the function. */
    char buf[256];
    int32_t n = sim_misuse_count();
    CHECK_EQ(sim_misuse_get(n - 1, buf, sizeof buf), SIM_MISUSE_INVALID_HANDLE);
    CHECK(strstr(buf, "QueueUserAPC") != NULL);

    /* DuplicateHandle: process handles other than GetCurrentProcess(), bad options. */
    HANDLE out = NULL;
    CHECK(!DuplicateHandle(ev, ev, GetCurrentProcess(), &out, 0, 0, SIM_DUPLICATE_SAME_ACCESS));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK(!DuplicateHandle(GetCurrentProcess(), ev, NULL, &out, 0, 0, SIM_DUPLICATE_SAME_ACCESS));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK(!DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), NULL, 0, 0,
                           SIM_DUPLICATE_SAME_ACCESS));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(!DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &out, 0, 0, 0x80));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(out == NULL);
    /* DUPLICATE_CLOSE_SOURCE closes the source even when the duplicate fails. */
    HANDLE victim = CreateEventW(NULL, 1, 0, NULL);
    CHECK(!DuplicateHandle(GetCurrentProcess(), victim, GetCurrentProcess(), NULL, 0, 0,
                           SIM_DUPLICATE_CLOSE_SOURCE | SIM_DUPLICATE_SAME_ACCESS));
    CHECK(!CloseHandle(victim));

    /* A closed handle value is not handed out again soon. */
    HANDLE later[200];
    for (int i = 0; i < 200; i++) {
        later[i] = CreateEventW(NULL, 0, 0, NULL);
        CHECK(later[i] != NULL && later[i] != closed && later[i] != victim);
        CHECK((uintptr_t)later[i] % 4 == 0);
        CHECK(later[i] != SIM_PSEUDO_PROCESS && later[i] != SIM_PSEUDO_THREAD);
    }
    CHECK_EQ(sim_counter(SIM_COUNT_HANDLES), 202);
    for (int i = 0; i < 200; i++)
        CHECK(CloseHandle(later[i]));
    CHECK(CloseHandle(ev));
    CHECK(CloseHandle(port));
    sim_misuse_clear();
    check_no_leaks("invalid handles");
}

/* Closing a handle while another thread waits on it is undefined on Windows: the simulator
 * survives it (the object lives on until the wait ends) and records it. */
static void test_close_under_wait(void)
{
    /* The close must come while the other thread waits; a thread that starts late finds the
     * handle closed already (WAIT_FAILED), and the scenario is tried again with a longer head
     * start. One of the tries must have closed under the wait. */
    int under_wait = 0;
    for (uint32_t head_start = 50; head_start <= 800 && !under_wait; head_start *= 2) {
        sim_misuse_clear();
        HANDLE ev = CreateEventW(NULL, 1, 0, NULL);
        REQUIRE(ev != NULL);
        multi_ctx c;
        memset(&c, 0, sizeof c);
        c.hs[0] = ev;
        c.n = 1;
        c.timeout = 300 + head_start;
        c.result = 99;
        pthread_t t = ta_start(multi_main, &c);
        ta_sleep_ms(head_start);
        CHECK(CloseHandle(ev));
        CHECK_EQ(sim_counter(SIM_COUNT_HANDLES), 0);
        int kind = last_misuse_kind();
        ta_join(t);
        if (c.result == SIM_WAIT_TIMEOUT) {
            /* Closed under the wait: recorded, and nothing can signal it now: the wait ends by
             * its timeout. */
            CHECK_EQ(kind, SIM_MISUSE_INVALID_HANDLE);
            under_wait = 1;
        } else {
            CHECK_EQ(c.result, SIM_WAIT_FAILED); /* the waiter came after the close */
        }
        sim_misuse_clear();
    }
    CHECK(under_wait);
    check_no_leaks("close under wait");
}

/* ---- throughput -------------------------------------------------------------------------------- */

#define STRESS_APCS 200000
#define STRESS_POSTS 100000

static _Atomic long stress_apc_count;
static void WINRPC_ENTRY count_apc(ULONG_PTR v)
{
    (void)v;
    atomic_fetch_add(&stress_apc_count, 1);
}

typedef struct stress_ctx {
    HANDLE target;
    HANDLE port;
    int count;
    long sum;
    DWORD tid;
    ta_latch ready;
} stress_ctx;

static void *apc_consumer_main(void *arg)
{
    stress_ctx *c = arg;
    c->tid = GetCurrentThreadId();
    ta_latch_open(&c->ready);
    while (atomic_load(&stress_apc_count) < c->count)
        CHECK_EQ(SleepEx(10000, 1), IO_COMPLETION_);
    return NULL;
}

static void *producer_main(void *arg)
{
    stress_ctx *c = arg;
    for (int i = 0; i < c->count; i++)
        if (!PostQueuedCompletionStatus(c->port, (DWORD)i, 1, NULL)) {
            CHECK(0);
            break;
        }
    return NULL;
}

static void test_throughput(void)
{
    /* APCs: one producer (this thread), one consumer in alertable waits. */
    atomic_store(&stress_apc_count, 0);
    stress_ctx c;
    memset(&c, 0, sizeof c);
    ta_latch l = TA_LATCH_INIT;
    c.ready = l;
    c.count = STRESS_APCS;
    pthread_t t = ta_start(apc_consumer_main, &c);
    ta_latch_wait(&c.ready);
    HANDLE h = OpenThread(THREAD_SET_CONTEXT_, 0, c.tid);
    REQUIRE(h != NULL);
    uint64_t t0 = ta_now_ms();
    for (int i = 0; i < STRESS_APCS; i++)
        if (QueueUserAPC(count_apc, h, 0) != 1) {
            CHECK(0);
            break;
        }
    ta_join(t);
    uint64_t ms = ta_now_ms() - t0;
    CHECK_EQ(atomic_load(&stress_apc_count), STRESS_APCS);
    printf("  %d APCs across threads in %llu ms\n", STRESS_APCS, (unsigned long long)ms);
    CHECK(CloseHandle(h));

    /* Completions: two producers, one consumer removing batches of up to 64. */
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(port != NULL);
    stress_ctx p1, p2;
    memset(&p1, 0, sizeof p1);
    memset(&p2, 0, sizeof p2);
    p1.port = p2.port = port;
    p1.count = p2.count = STRESS_POSTS;
    t0 = ta_now_ms();
    pthread_t a = ta_start(producer_main, &p1);
    pthread_t b = ta_start(producer_main, &p2);
    long got = 0, sum = 0, calls = 0;
    OVERLAPPED_ENTRY e[64];
    while (got < 2L * STRESS_POSTS) {
        uint32_t n = 0;
        if (!GetQueuedCompletionStatusEx(port, e, 64, &n, 10000, 0)) {
            CHECK(0);
            break;
        }
        calls++;
        for (uint32_t i = 0; i < n; i++)
            sum += (long)e[i].dwNumberOfBytesTransferred;
        got += n;
    }
    ta_join(a);
    ta_join(b);
    ms = ta_now_ms() - t0;
    CHECK_EQ(got, 2L * STRESS_POSTS);
    CHECK_EQ(sum, 2L * ((long)STRESS_POSTS * (STRESS_POSTS - 1) / 2));
    printf("  %ld completions in %llu ms, %ld GetQueuedCompletionStatusEx calls\n", got,
           (unsigned long long)ms, calls);
    CHECK(CloseHandle(port));
    check_no_leaks("throughput");
}

/* VirtualAllocEx / VirtualProtect / FlushInstructionCache / VirtualFreeEx: a region written, made
 * executable, run (where this host's code for "return 42" is known) and released; the refusals. */
static void test_virtual_memory(void)
{
    sim_misuse_clear();
    unsigned char *p = VirtualAllocEx(GetCurrentProcess(), NULL, 100, 0x3000u, 0x04u);
    REQUIRE(p != NULL);
    CHECK_EQ((uintptr_t)p % 4096u, 0); /* a page of its own */
#if defined(__x86_64__) || defined(__i386__)
    static const unsigned char ret42[] = {0xB8, 42, 0, 0, 0, 0xC3}; /* mov eax, 42; ret */
#elif defined(__aarch64__)
    static const unsigned char ret42[] = {0x40, 0x05, 0x80, 0x52, 0xC0, 0x03, 0x5F, 0xD6}; /* mov w0, #42; ret */
#else
    static const unsigned char ret42[] = {0};
#endif
    memcpy(p, ret42, sizeof ret42);
    DWORD old = 0;
    CHECK(VirtualProtect(p, 100, 0x20u, &old)); /* PAGE_EXECUTE_READ */
    CHECK_EQ(old, 0x04u);
    CHECK(FlushInstructionCache(GetCurrentProcess(), p, sizeof ret42));
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
    int (*fn)(void);
    void *code = p;
    memcpy(&fn, &code, sizeof fn);
    CHECK_EQ(fn(), 42);
#endif
    CHECK_EQ(sim_misuse_count(), 0);
    /* refused, recorded, nothing changed */
    CHECK(!VirtualProtect(p, 100, 0x20u, NULL));
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    CHECK(!VirtualProtect(p + 1, 1, 0x04u, &old));
    CHECK(!VirtualFreeEx(GetCurrentProcess(), p, 100, 0x8000u)); /* MEM_RELEASE wants size 0 */
    CHECK(VirtualAllocEx((HANDLE)(uintptr_t)0x1234u, NULL, 100, 0x3000u, 0x04u) == NULL);
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_HANDLE);
    CHECK(VirtualAllocEx(GetCurrentProcess(), NULL, 100, 0x1000u, 0x04u) == NULL); /* commit only */
    CHECK(VirtualAllocEx(GetCurrentProcess(), NULL, 100, 0x3000u, 0x80u) == NULL); /* write-copy */
    CHECK_EQ(sim_misuse_count(), 6);
    CHECK_EQ(last_misuse_kind(), SIM_MISUSE_BAD_ARGUMENT);
    CHECK(VirtualFreeEx(GetCurrentProcess(), p, 0, 0x8000u));
    CHECK(!VirtualFreeEx(GetCurrentProcess(), p, 0, 0x8000u)); /* released already */
    CHECK_EQ(GetLastError(), SIM_ERROR_INVALID_PARAMETER);
    sim_misuse_clear();
}

int main(void)
{
    TA_RUN(test_thread_ids);
    TA_RUN(test_pseudo_handles);
    TA_RUN(test_open_thread_access);
    TA_RUN(test_apc_refusals);
    TA_RUN(test_thread_exit_discards_apcs);
    TA_RUN(test_apc_only_alertable);
    TA_RUN(test_apc_runs_on_target_only);
    TA_RUN(test_apc_drain_and_requeue);
    TA_RUN(test_apc_wakes_alertable_wait);
    TA_RUN(test_events);
    TA_RUN(test_wait_multiple);
    TA_RUN(test_completion_ports);
    TA_RUN(test_invalid_handles);
    TA_RUN(test_close_under_wait);
    TA_RUN(test_throughput);
    TA_RUN(test_virtual_memory);
    /* Every counter of this part is back to zero. */
    CHECK_EQ(sim_counter(SIM_COUNT_HANDLES), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_THREADS), 0);
    CHECK_EQ(sim_counter(-1), (uint64_t)(int64_t)-1);
    return ta_exit_code();
}
