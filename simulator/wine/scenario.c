/*
 * scenario.c - one scenario, compiled twice and compared by compare.sh (not part of CI).
 *
 *   - with the host C compiler against the runtime simulator (../src/winrpcsim.h,
 *     libwinrpcsim.so);
 *   - with mingw-w64 as a Windows program (<windows.h>, <rpc.h>, <rpcasync.h>, -lrpcrt4), run
 *     under Wine.
 *
 * It exercises only what Wine 8.0 implements (see docs/reference/abi.md, "What Wine 8.0
 * implements"): APCs and alertable waits, events, completion ports, and RpcAsyncInitializeHandle.
 * It never calls RpcAsyncRegisterInfo (Wine aborts), GetCallStatus/CancelCall/AbortCall (Wine
 * stubs) or anything else Wine lacks.
 *
 * The transcript (stdout) holds facts only: return values, error codes, orders, "yes"/"no" -
 * never an address, a handle value, a thread id or a duration - so that the two transcripts are
 * equal when the two implementations agree. Every line is printed by the main thread; the
 * worker thread stores what it saw and the main thread prints it after a handshake. Every wait
 * that could hang on a broken implementation is bounded.
 *
 * It is kept out of ../src and ../test: ../build.sh compiles src/sim_*.c into the library and
 * test/test_*.c as the simulator's tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
/* ---- Windows (mingw-w64, run under Wine) ------------------------------------------------- */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <fcntl.h>
#include <io.h>

#define APC_ENTRY NTAPI
#define SCN_PLATFORM "windows"

typedef HANDLE scn_thread;

typedef struct scn_start { void (*fn)(void *); void *arg; } scn_start;

static DWORD WINAPI scn_trampoline(LPVOID p)
{
    scn_start s = *(scn_start *)p;
    HeapFree(GetProcessHeap(), 0, p);
    s.fn(s.arg);
    return 0;
}

static int scn_thread_start(scn_thread *t, void (*fn)(void *), void *arg)
{
    scn_start *s = HeapAlloc(GetProcessHeap(), 0, sizeof *s);
    if (s == NULL)
        return -1;
    s->fn = fn;
    s->arg = arg;
    *t = CreateThread(NULL, 0, scn_trampoline, s, 0, NULL);
    return *t != NULL ? 0 : -1;
}

static void scn_thread_join(scn_thread t)
{
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}

static unsigned long long scn_now_ms(void) { return GetTickCount64(); }

static void scn_stdout_binary(void) { _setmode(_fileno(stdout), _O_BINARY); }

static void scn_platform_epilogue(void) {}

#else
/* ---- the runtime simulator (host C compiler, libwinrpcsim.so) ---------------------------- */
#include "../src/winrpcsim.h"

#include <pthread.h>
#include <time.h>

/* The Windows names the simulator spells differently or does not declare. */
#define APC_ENTRY WINRPC_ENTRY
#define SCN_PLATFORM "simulator"
#define TRUE 1
#define FALSE 0
#define INFINITE SIM_INFINITE
#define WAIT_OBJECT_0 SIM_WAIT_OBJECT_0
#define WAIT_TIMEOUT SIM_WAIT_TIMEOUT
#define WAIT_FAILED SIM_WAIT_FAILED
#define WAIT_IO_COMPLETION WINRPC_WAIT_IO_COMPLETION
#define THREAD_SET_CONTEXT WINRPC_THREAD_SET_CONTEXT
#define SYNCHRONIZE 0x00100000u
#define DUPLICATE_SAME_ACCESS SIM_DUPLICATE_SAME_ACCESS
#define INVALID_HANDLE_VALUE SIM_PSEUDO_PROCESS
typedef uint32_t ULONG;

typedef pthread_t scn_thread;

typedef struct scn_start { void (*fn)(void *); void *arg; } scn_start;

static void *scn_trampoline(void *p)
{
    scn_start s = *(scn_start *)p;
    free(p);
    s.fn(s.arg);
    return NULL;
}

static int scn_thread_start(scn_thread *t, void (*fn)(void *), void *arg)
{
    scn_start *s = malloc(sizeof *s);
    if (s == NULL)
        return -1;
    s->fn = fn;
    s->arg = arg;
    if (pthread_create(t, NULL, scn_trampoline, s) != 0) {
        free(s);
        return -1;
    }
    return 0;
}

static void scn_thread_join(scn_thread t) { pthread_join(t, NULL); }

static unsigned long long scn_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000u + (unsigned long long)ts.tv_nsec / 1000000u;
}

static void scn_stdout_binary(void) {}

/* What the simulator's misuse oracle recorded goes to stderr, not to the transcript. */
static void scn_platform_epilogue(void)
{
    char buf[512];
    int32_t n = sim_misuse_count();
    fprintf(stderr, "simulator misuse oracle: %d record(s)\n", (int)n);
    for (int32_t i = 0; i < n; i++) {
        int32_t kind = sim_misuse_get(i, buf, (int32_t)sizeof buf);
        fprintf(stderr, "  kind %d: %s\n", (int)kind, buf);
    }
}
#endif

/* ---- output ---------------------------------------------------------------------------------- */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

static void section(const char *name) { say("\n== %s", name); }

static const char *yn(int b) { return b ? "yes" : "no"; }

/* A wait result as Windows names it. */
static const char *wait_name(DWORD r)
{
    static char buf[4][32];
    static int k;
    char *b = buf[k++ & 3];
    if (r == WAIT_OBJECT_0)
        return "WAIT_OBJECT_0";
    if (r > WAIT_OBJECT_0 && r < WAIT_OBJECT_0 + 64) {
        snprintf(b, 32, "WAIT_OBJECT_0+%u", (unsigned)(r - WAIT_OBJECT_0));
        return b;
    }
    if (r == WAIT_TIMEOUT)
        return "WAIT_TIMEOUT(0x102)";
    if (r == WAIT_IO_COMPLETION)
        return "WAIT_IO_COMPLETION(0xC0)";
    if (r == WAIT_FAILED)
        return "WAIT_FAILED";
    snprintf(b, 32, "0x%X", (unsigned)r);
    return b;
}

/* ---- the APC record -------------------------------------------------------------------------- */

#define MAXREC 64
static int rec_n;                 /* updated atomically */
static unsigned rec_val[MAXREC];
static DWORD rec_tid[MAXREC];

static void APC_ENTRY rec_apc(ULONG_PTR v)
{
    int i = __atomic_fetch_add(&rec_n, 1, __ATOMIC_SEQ_CST);
    if (i < MAXREC) {
        rec_val[i] = (unsigned)v;
        rec_tid[i] = GetCurrentThreadId();
    }
}

static int rec_count(void) { return __atomic_load_n(&rec_n, __ATOMIC_SEQ_CST); }

static DWORD g_main_tid, g_worker_tid;

static const char *who(DWORD tid)
{
    if (tid == g_worker_tid)
        return "target(worker)";
    if (tid == g_main_tid)
        return "main";
    return "another thread";
}

/* Prints the APCs recorded from index `from` to `to` (exclusive). */
static void print_apcs(int from, int to, DWORD expected_tid)
{
    for (int i = from; i < to && i < MAXREC; i++)
        say("  apc %u ran (position %d) on %s; on the expected thread=%s", rec_val[i],
            i - from + 1, who(rec_tid[i]), yn(rec_tid[i] == expected_tid));
}

/* ---- the worker: a fixed script of phases, each started by `go` and ended by `done` --------- */

static HANDLE g_go, g_done, g_ready;      /* auto-reset */
static HANDLE g_never, g_never2;          /* manual-reset, never signalled */
static HANDLE g_sig;                      /* manual-reset, signalled in phase 4 */
static HANDLE g_port_x, g_port_close;     /* completion ports for phases 7 and 8 */
static HANDLE g_wpseudo, g_wdup;          /* the worker's GetCurrentThread() and its duplicate */
static BOOL g_wdup_ok;
static DWORD g_wdup_err;

typedef struct phase_out {
    DWORD r[4];                           /* results */
    int ran[4];                           /* rec_count() after each step */
    int start;                            /* rec_count() when the phase began */
    unsigned long long ms[4];             /* durations (compared against bounds only) */
    DWORD err[4];
    DWORD bytes;
    ULONG_PTR key;
    void *ov;
    ULONG n;
} phase_out;

#define NPHASES 10
static phase_out g_ph[NPHASES];
static int g_worker_broken;               /* a go wait timed out: the worker stopped */

/* The worker's only wait between phases: non-alertable, bounded. */
static int worker_wait_go(void)
{
    DWORD r = WaitForSingleObject(g_go, 20000);
    if (r != WAIT_OBJECT_0) {
        g_worker_broken = 1;
        return 0;
    }
    return 1;
}

static OVERLAPPED g_ovs[4];

static void worker_main(void *arg)
{
    (void)arg;
    g_worker_tid = GetCurrentThreadId();
    SetEvent(g_ready);
    unsigned long long t0;
    phase_out *p;

    /* Phase 1: APCs 1..3 were queued while the worker sat in the non-alertable wait for go. A
     * non-alertable timed wait does not run them; one alertable SleepEx runs all three. */
    if (!worker_wait_go())
        return;
    p = &g_ph[1];
    p->start = rec_count();
    p->r[0] = WaitForSingleObject(g_never, 100);
    p->ran[0] = rec_count();
    p->r[1] = SleepEx(10000, TRUE);
    p->ran[1] = rec_count();
    p->r[2] = SleepEx(0, TRUE);
    p->ran[2] = rec_count();
    SetEvent(g_done);

    /* Phase 2: an APC queued while the worker is already in WaitForSingleObjectEx(alertable)
     * ends that wait. */
    if (!worker_wait_go())
        return;
    p = &g_ph[2];
    p->start = rec_count();
    t0 = scn_now_ms();
    p->r[0] = WaitForSingleObjectEx(g_never, 10000, TRUE);
    p->ms[0] = scn_now_ms() - t0;
    p->ran[0] = rec_count();
    SetEvent(g_done);

    /* Phase 3: WaitForMultipleObjectsEx, wait-any then wait-all, with APCs queued beforehand. */
    if (!worker_wait_go())
        return;
    p = &g_ph[3];
    p->start = rec_count();
    {
        HANDLE hs[2] = {g_never, g_never2};
        p->r[0] = WaitForMultipleObjectsEx(2, hs, FALSE, 10000, TRUE);
        p->ran[0] = rec_count();
    }
    SetEvent(g_done);
    if (!worker_wait_go())
        return;
    {
        HANDLE hs[2] = {g_never, g_never2};
        p->r[1] = WaitForMultipleObjectsEx(2, hs, TRUE, 10000, TRUE);
        p->ran[1] = rec_count();
    }
    SetEvent(g_done);

    /* Phase 4: an object already signalled and an APC already queued: which one wins. */
    if (!worker_wait_go())
        return;
    p = &g_ph[4];
    p->start = rec_count();
    p->r[0] = WaitForSingleObjectEx(g_sig, 0, TRUE);
    p->ran[0] = rec_count();
    {
        HANDLE hs[2] = {g_never, g_sig};
        p->r[1] = WaitForMultipleObjectsEx(2, hs, FALSE, 0, TRUE);
        p->ran[1] = rec_count();
    }
    p->r[2] = SleepEx(0, TRUE);
    p->ran[2] = rec_count();
    SetEvent(g_done);

    /* Phase 5: the worker's own pseudo-handle, and a real handle duplicated from it. */
    if (!worker_wait_go())
        return;
    g_wpseudo = GetCurrentThread();
    g_wdup = NULL;
    SetLastError(0);
    g_wdup_ok = DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                                &g_wdup, 0, FALSE, DUPLICATE_SAME_ACCESS);
    g_wdup_err = g_wdup_ok ? 0 : GetLastError();
    SetEvent(g_done);

    /* Phase 6: an APC queued by main through the duplicated handle runs here. */
    if (!worker_wait_go())
        return;
    p = &g_ph[6];
    p->start = rec_count();
    p->r[0] = SleepEx(10000, TRUE);
    p->ran[0] = rec_count();
    SetEvent(g_done);

    /* Phase 7: completion port across threads: a blocked GetQueuedCompletionStatus receives
     * main's post; an alertable GetQueuedCompletionStatusEx on an empty port is ended by an
     * APC. */
    if (!worker_wait_go())
        return;
    p = &g_ph[7];
    p->start = rec_count();
    {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        OVERLAPPED *ov = NULL;
        SetLastError(0);
        p->r[0] = (DWORD)GetQueuedCompletionStatus(g_port_x, &bytes, &key, &ov, 10000);
        p->err[0] = GetLastError();
        p->bytes = bytes;
        p->key = key;
        p->ov = ov;
        p->ran[0] = rec_count();
    }
    SetEvent(g_done);
    if (!worker_wait_go())
        return;
    {
        OVERLAPPED_ENTRY e[4];
        ULONG n = 0xDEADu;
        SetLastError(0);
        t0 = scn_now_ms();
        p->r[1] = (DWORD)GetQueuedCompletionStatusEx(g_port_x, e, 4, &n, 10000, TRUE);
        p->ms[1] = scn_now_ms() - t0;
        p->err[1] = GetLastError();
        p->n = n;
        p->ran[1] = rec_count();
    }
    SetEvent(g_done);

    /* Phase 8: the port is closed (its only handle) while this thread waits on it. */
    if (!worker_wait_go())
        return;
    p = &g_ph[8];
    {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        OVERLAPPED *ov = &g_ovs[3];
        SetLastError(0);
        t0 = scn_now_ms();
        p->r[0] = (DWORD)GetQueuedCompletionStatus(g_port_close, &bytes, &key, &ov, 3000);
        p->ms[0] = scn_now_ms() - t0;
        p->err[0] = GetLastError();
        p->ov = ov;
    }
    SetEvent(g_done);

    /* Phase 9: APC 13 is queued while the worker waits (non-alertable) for go; the worker then
     * ends without ever waiting alertably. */
    if (!worker_wait_go())
        return;
    p = &g_ph[9];
    p->start = rec_count();
    SetEvent(g_done);
}

/* Runs one worker phase: go, then wait (bounded) for done. */
static int phase(int n)
{
    if (g_worker_broken) {
        say("phase %d: the worker stopped (a handshake timed out)", n);
        return 0;
    }
    SetEvent(g_go);
    DWORD r = WaitForSingleObject(g_done, 30000);
    if (r != WAIT_OBJECT_0) {
        say("phase %d: no handshake from the worker: %s", n, wait_name(r));
        return 0;
    }
    return 1;
}

/* ---- sections -------------------------------------------------------------------------------- */

static HANDLE h_ctx, h_sync;
static scn_thread g_worker;

static HANDLE ev(BOOL manual, BOOL initial) { return CreateEventW(NULL, manual, initial, NULL); }

static void queue(HANDLE h, unsigned v, const char *how)
{
    SetLastError(0);
    DWORD r = QueueUserAPC(rec_apc, h, (ULONG_PTR)v);
    if (r != 0)
        say("QueueUserAPC(apc %u, %s) succeeded=yes", v, how);
    else
        say("QueueUserAPC(apc %u, %s) succeeded=no GetLastError=%u", v, how,
            (unsigned)GetLastError());
}

static int sec_threads(void)
{
    section("threads and thread handles");
    g_main_tid = GetCurrentThreadId();
    say("main GetCurrentThreadId nonzero=%s multiple-of-4=%s", yn(g_main_tid != 0),
        yn(g_main_tid % 4 == 0));
    say("GetCurrentThread() == (HANDLE)-2: %s", yn(GetCurrentThread() == (HANDLE)(intptr_t)-2));
    say("GetCurrentProcess() == (HANDLE)-1: %s", yn(GetCurrentProcess() == (HANDLE)(intptr_t)-1));

    if (scn_thread_start(&g_worker, worker_main, NULL) != 0) {
        say("cannot start the worker thread");
        return 0;
    }
    DWORD r = WaitForSingleObject(g_ready, 10000);
    say("worker started: %s", wait_name(r));
    if (r != WAIT_OBJECT_0)
        return 0;
    say("worker thread id nonzero=%s multiple-of-4=%s differs-from-main=%s",
        yn(g_worker_tid != 0), yn(g_worker_tid % 4 == 0), yn(g_worker_tid != g_main_tid));

    SetLastError(0);
    HANDLE h0 = OpenThread(THREAD_SET_CONTEXT, FALSE, 0);
    say("OpenThread(THREAD_SET_CONTEXT, thread id 0) -> NULL=%s GetLastError=%u",
        yn(h0 == NULL), (unsigned)GetLastError());

    h_ctx = OpenThread(THREAD_SET_CONTEXT | SYNCHRONIZE, FALSE, g_worker_tid);
    say("OpenThread(THREAD_SET_CONTEXT|SYNCHRONIZE, worker) -> a handle=%s not-a-pseudo-handle=%s",
        yn(h_ctx != NULL), yn(h_ctx != GetCurrentThread() && h_ctx != GetCurrentProcess()));
    h_sync = OpenThread(SYNCHRONIZE, FALSE, g_worker_tid);
    say("OpenThread(SYNCHRONIZE, worker) -> a handle=%s", yn(h_sync != NULL));
    if (h_ctx == NULL || h_sync == NULL)
        return 0;
    say("WaitForSingleObject(worker thread handle, 0) while it runs: %s",
        wait_name(WaitForSingleObject(h_sync, 0)));
    return 1;
}

static void sec_apc_refused(void)
{
    section("QueueUserAPC without THREAD_SET_CONTEXT");
    queue(h_sync, 99, "handle opened with SYNCHRONIZE only");
    SetLastError(0);
    DWORD r = QueueUserAPC(rec_apc, NULL, 98);
    say("QueueUserAPC(apc 98, NULL handle) succeeded=%s GetLastError=%u", yn(r != 0),
        (unsigned)(r != 0 ? 0 : GetLastError()));
}

static void sec_apc_fifo(void)
{
    section("APCs queued to a thread in a non-alertable wait");
    int before = rec_count();
    queue(h_ctx, 1, "worker, THREAD_SET_CONTEXT");
    queue(h_ctx, 2, "worker, THREAD_SET_CONTEXT");
    queue(h_ctx, 3, "worker, THREAD_SET_CONTEXT");
    Sleep(200);
    say("APCs run while the worker sat 200 ms in a non-alertable WaitForSingleObject: %d",
        rec_count() - before);
    if (!phase(1))
        return;
    phase_out *p = &g_ph[1];
    say("worker WaitForSingleObject(unsignalled event, 100 ms): %s; APCs run during it: %d",
        wait_name(p->r[0]), p->ran[0] - p->start);
    say("worker SleepEx(10000, alertable): %s; APCs run in that one wait: %d",
        wait_name(p->r[1]), p->ran[1] - p->ran[0]);
    print_apcs(p->ran[0], p->ran[1], g_worker_tid);
    say("worker SleepEx(0, alertable) with nothing queued: %s; APCs run: %d",
        p->r[2] == 0 ? "0" : wait_name(p->r[2]), p->ran[2] - p->ran[1]);
}

static void sec_apc_wakes_wait(void)
{
    section("an APC ends an alertable wait in progress");
    /* The worker enters WaitForSingleObjectEx(alertable) after go; the APC comes 200 ms later.
     * (Had the worker been slower to start waiting, the result would be the same.) */
    if (g_worker_broken)
        return;
    SetEvent(g_go);
    Sleep(200);
    queue(h_ctx, 4, "worker, THREAD_SET_CONTEXT");
    DWORD r = WaitForSingleObject(g_done, 30000);
    if (r != WAIT_OBJECT_0) {
        say("phase 2: no handshake: %s", wait_name(r));
        return;
    }
    phase_out *p = &g_ph[2];
    say("worker WaitForSingleObjectEx(unsignalled event, 10000 ms, alertable): %s; "
        "ended well before its timeout=%s; APCs run: %d",
        wait_name(p->r[0]), yn(p->ms[0] < 5000), p->ran[0] - p->start);
    print_apcs(p->start, p->ran[0], g_worker_tid);
}

static void sec_apc_multiple(void)
{
    section("WaitForMultipleObjectsEx, alertable");
    queue(h_ctx, 5, "worker, THREAD_SET_CONTEXT");
    queue(h_ctx, 6, "worker, THREAD_SET_CONTEXT");
    if (!phase(3))
        return;
    phase_out *p = &g_ph[3];
    say("worker WaitForMultipleObjectsEx(2 unsignalled, wait-any, 10000 ms, alertable): %s; "
        "APCs run: %d",
        wait_name(p->r[0]), p->ran[0] - p->start);
    print_apcs(p->start, p->ran[0], g_worker_tid);
    queue(h_ctx, 7, "worker, THREAD_SET_CONTEXT");
    if (!phase(3))
        return;
    say("worker WaitForMultipleObjectsEx(2 unsignalled, wait-all, 10000 ms, alertable): %s; "
        "APCs run: %d",
        wait_name(p->r[1]), p->ran[1] - p->ran[0]);
    print_apcs(p->ran[0], p->ran[1], g_worker_tid);
}

static void sec_apc_vs_signalled(void)
{
    section("a signalled object and a queued APC at once");
    queue(h_ctx, 8, "worker, THREAD_SET_CONTEXT");
    SetEvent(g_sig);
    if (!phase(4))
        return;
    phase_out *p = &g_ph[4];
    say("worker WaitForSingleObjectEx(signalled event, 0 ms, alertable): %s; APCs run: %d",
        wait_name(p->r[0]), p->ran[0] - p->start);
    say("worker WaitForMultipleObjectsEx({unsignalled, signalled}, wait-any, 0 ms, alertable): "
        "%s; APCs run: %d",
        wait_name(p->r[1]), p->ran[1] - p->ran[0]);
    say("worker SleepEx(0, alertable) afterwards: %s; APCs run: %d", wait_name(p->r[2]),
        p->ran[2] - p->ran[1]);
    print_apcs(p->ran[1], p->ran[2], g_worker_tid);
    ResetEvent(g_sig);
}

static void sec_pseudo(void)
{
    section("the GetCurrentThread() pseudo-handle");
    int b = rec_count();
    queue(GetCurrentThread(), 10, "main's GetCurrentThread()");
    DWORD r = SleepEx(0, TRUE);
    say("main SleepEx(0, alertable): %s; APCs run: %d", wait_name(r), rec_count() - b);
    print_apcs(b, rec_count(), g_main_tid);

    if (!phase(5))
        return;
    say("worker's GetCurrentThread() is the same value as main's: %s",
        yn(g_wpseudo == GetCurrentThread()));
    say("worker DuplicateHandle(GetCurrentThread(), DUPLICATE_SAME_ACCESS) succeeded=%s "
        "GetLastError=%u real-handle=%s",
        yn(g_wdup_ok), (unsigned)g_wdup_err,
        yn(g_wdup_ok && g_wdup != GetCurrentThread() && g_wdup != GetCurrentProcess()));

    /* The worker's pseudo-handle, used by main, means main. */
    b = rec_count();
    queue(g_wpseudo, 9, "the worker's GetCurrentThread() value, used by main");
    r = SleepEx(0, TRUE);
    say("main SleepEx(0, alertable): %s; APCs run: %d", wait_name(r), rec_count() - b);
    print_apcs(b, rec_count(), g_main_tid);

    /* The duplicated handle means the worker, whoever uses it. */
    if (!g_wdup_ok)
        return;
    b = rec_count();
    queue(g_wdup, 11, "the worker's duplicated handle, used by main");
    r = SleepEx(0, TRUE);
    say("main SleepEx(0, alertable): %s; APCs run on main: %d",
        r == 0 ? "0" : wait_name(r), rec_count() - b);
    if (!phase(6))
        return;
    phase_out *p = &g_ph[6];
    say("worker SleepEx(10000, alertable): %s; APCs run: %d", wait_name(p->r[0]),
        p->ran[0] - p->start);
    print_apcs(p->start, p->ran[0], g_worker_tid);
    say("CloseHandle(duplicated handle) succeeded=%s", yn(CloseHandle(g_wdup)));
    SetLastError(0);
    BOOL c = CloseHandle(GetCurrentThread());
    say("CloseHandle(GetCurrentThread()) succeeded=%s GetLastError=%u", yn(c),
        (unsigned)(c ? 0 : GetLastError()));
}

static void sec_events(void)
{
    section("events");
    HANDLE m = ev(TRUE, FALSE);
    HANDLE a = ev(FALSE, TRUE);
    say("CreateEventW(manual, unsignalled), CreateEventW(auto, signalled) -> handles=%s",
        yn(m != NULL && a != NULL));
    say("manual: wait 0 ms before SetEvent: %s", wait_name(WaitForSingleObject(m, 0)));
    say("manual: SetEvent succeeded=%s", yn(SetEvent(m)));
    say("manual: wait 0 ms: %s", wait_name(WaitForSingleObject(m, 0)));
    say("manual: wait 0 ms again (stays signalled): %s", wait_name(WaitForSingleObject(m, 0)));
    say("manual: ResetEvent succeeded=%s", yn(ResetEvent(m)));
    say("manual: wait 0 ms after ResetEvent: %s", wait_name(WaitForSingleObject(m, 0)));
    say("auto (initially signalled): wait 0 ms: %s", wait_name(WaitForSingleObject(a, 0)));
    say("auto: wait 0 ms again (reset by the first wait): %s",
        wait_name(WaitForSingleObject(a, 0)));
    SetEvent(a);
    SetEvent(a);
    say("auto: SetEvent twice, then wait 0 ms: %s", wait_name(WaitForSingleObject(a, 0)));
    say("auto: and again (an event does not count): %s", wait_name(WaitForSingleObject(a, 0)));

    unsigned long long t0 = scn_now_ms();
    DWORD r = WaitForSingleObject(m, 100);
    unsigned long long el = scn_now_ms() - t0;
    say("WaitForSingleObject(unsignalled, 100 ms): %s; waited at least 80 ms=%s", wait_name(r),
        yn(el >= 80));

    HANDLE m2 = ev(TRUE, FALSE), a2 = ev(FALSE, FALSE);
    {
        HANDLE hs[3] = {m, a, m2};
        SetEvent(a);
        SetEvent(m2);
        say("WaitForMultipleObjects({unsignalled, auto signalled, manual signalled}, any, 0): %s",
            wait_name(WaitForMultipleObjects(3, hs, FALSE, 0)));
        say("the same again (the auto event was consumed): %s",
            wait_name(WaitForMultipleObjects(3, hs, FALSE, 0)));
        ResetEvent(m2);
        t0 = scn_now_ms();
        r = WaitForMultipleObjects(3, hs, FALSE, 100);
        el = scn_now_ms() - t0;
        say("WaitForMultipleObjects(none signalled, any, 100 ms): %s; waited at least 80 ms=%s",
            wait_name(r), yn(el >= 80));
    }
    {
        HANDLE hs[3] = {m2, a, a2};
        SetEvent(m2);
        SetEvent(a);
        say("WaitForMultipleObjects({manual set, auto set, auto unset}, all, 0): %s",
            wait_name(WaitForMultipleObjects(3, hs, TRUE, 0)));
        say("  the auto event that was set is still set (wait-all consumed nothing): %s",
            yn(WaitForSingleObject(a, 0) == WAIT_OBJECT_0));
        SetEvent(a);
        SetEvent(a2);
        say("WaitForMultipleObjects(all three set, all, 0): %s",
            wait_name(WaitForMultipleObjects(3, hs, TRUE, 0)));
        say("  afterwards manual still set=%s auto #1 still set=%s auto #2 still set=%s",
            yn(WaitForSingleObject(m2, 0) == WAIT_OBJECT_0),
            yn(WaitForSingleObject(a, 0) == WAIT_OBJECT_0),
            yn(WaitForSingleObject(a2, 0) == WAIT_OBJECT_0));
        ResetEvent(m2);
        t0 = scn_now_ms();
        SetEvent(a);
        r = WaitForMultipleObjects(3, hs, TRUE, 100);
        el = scn_now_ms() - t0;
        say("WaitForMultipleObjects(one of three set, all, 100 ms): %s; waited at least 80 ms=%s",
            wait_name(r), yn(el >= 80));
        ResetEvent(a);
    }
    SetLastError(0);
    r = WaitForMultipleObjects(0, &m, FALSE, 0);
    say("WaitForMultipleObjects(nCount 0): %s GetLastError=%u", wait_name(r),
        (unsigned)GetLastError());
    say("CloseHandle on the four events succeeded=%s",
        yn(CloseHandle(m) && CloseHandle(a) && CloseHandle(m2) && CloseHandle(a2)));
    SetLastError(0);
    r = WaitForSingleObject(a2, 0);
    say("WaitForSingleObject(a handle just closed, 0): %s GetLastError=%u", wait_name(r),
        (unsigned)GetLastError());
}

static const char *ov_name(void *ov)
{
    static char buf[4][16];
    static int k;
    if (ov == NULL)
        return "NULL";
    for (int i = 0; i < 4; i++)
        if (ov == (void *)&g_ovs[i]) {
            char *b = buf[k++ & 3];
            snprintf(b, 16, "&ov[%d]", i);
            return b;
        }
    return "other";
}

static void print_entries(const OVERLAPPED_ENTRY *e, ULONG n)
{
    for (ULONG i = 0; i < n && i < 8; i++)
        say("  entry %u: bytes=%u key=%u overlapped=%s Internal=0x%X", (unsigned)i,
            (unsigned)e[i].dwNumberOfBytesTransferred, (unsigned)e[i].lpCompletionKey,
            ov_name(e[i].lpOverlapped), (unsigned)e[i].Internal);
}

static void sec_ports(void)
{
    section("completion ports");
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    say("CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1) -> a handle=%s",
        yn(port != NULL));
    if (port == NULL)
        return;

    DWORD bytes = 7;
    ULONG_PTR key = 7;
    OVERLAPPED *ov = &g_ovs[3];
    SetLastError(0);
    BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0);
    say("GetQueuedCompletionStatus(empty, 0 ms) -> %s GetLastError=%u *lpOverlapped=%s",
        ok ? "TRUE" : "FALSE", (unsigned)GetLastError(), ov_name(ov));
    ov = &g_ovs[3];
    SetLastError(0);
    unsigned long long t0 = scn_now_ms();
    ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 100);
    unsigned long long el = scn_now_ms() - t0;
    say("GetQueuedCompletionStatus(empty, 100 ms) -> %s GetLastError=%u *lpOverlapped=%s "
        "waited at least 80 ms=%s",
        ok ? "TRUE" : "FALSE", (unsigned)GetLastError(), ov_name(ov), yn(el >= 80));

    say("PostQueuedCompletionStatus(10, key 100, &ov[0]) succeeded=%s",
        yn(PostQueuedCompletionStatus(port, 10, 100, &g_ovs[0])));
    say("PostQueuedCompletionStatus(20, key 200, &ov[1]) succeeded=%s",
        yn(PostQueuedCompletionStatus(port, 20, 200, &g_ovs[1])));
    say("PostQueuedCompletionStatus(0, key 300, NULL) succeeded=%s",
        yn(PostQueuedCompletionStatus(port, 0, 300, NULL)));
    ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0);
    say("GetQueuedCompletionStatus -> %s bytes=%u key=%u overlapped=%s", ok ? "TRUE" : "FALSE",
        (unsigned)bytes, (unsigned)key, ov_name(ov));
    OVERLAPPED_ENTRY e[8];
    ULONG n = 0xDEADu;
    memset(e, 0xA5, sizeof e);
    ok = GetQueuedCompletionStatusEx(port, e, 8, &n, 0, FALSE);
    say("GetQueuedCompletionStatusEx(count 8, 0 ms) -> %s removed=%u", ok ? "TRUE" : "FALSE",
        (unsigned)n);
    if (ok)
        print_entries(e, n);

    for (unsigned i = 1; i <= 5; i++)
        PostQueuedCompletionStatus(port, i, 1000 + i, NULL);
    say("posted 5 completions (bytes 1..5, keys 1001..1005)");
    n = 0xDEADu;
    ok = GetQueuedCompletionStatusEx(port, e, 2, &n, 0, FALSE);
    say("GetQueuedCompletionStatusEx(count 2, 0 ms) -> %s removed=%u", ok ? "TRUE" : "FALSE",
        (unsigned)n);
    if (ok)
        print_entries(e, n);
    n = 0xDEADu;
    ok = GetQueuedCompletionStatusEx(port, e, 8, &n, 0, FALSE);
    say("GetQueuedCompletionStatusEx(count 8, 0 ms) -> %s removed=%u", ok ? "TRUE" : "FALSE",
        (unsigned)n);
    if (ok)
        print_entries(e, n);

    n = 0xDEADu;
    SetLastError(0);
    ok = GetQueuedCompletionStatusEx(port, e, 8, &n, 0, FALSE);
    DWORD err = GetLastError();
    say("GetQueuedCompletionStatusEx(empty, 0 ms) -> %s GetLastError=%u removed=%s",
        ok ? "TRUE" : "FALSE", (unsigned)err,
        n == 0 ? "0" : n == 0xDEADu ? "unchanged" : n == 1 ? "1" : "other");
    n = 0xDEADu;
    SetLastError(0);
    t0 = scn_now_ms();
    ok = GetQueuedCompletionStatusEx(port, e, 8, &n, 100, FALSE);
    el = scn_now_ms() - t0;
    err = GetLastError();
    say("GetQueuedCompletionStatusEx(empty, 100 ms) -> %s GetLastError=%u removed=%s "
        "waited at least 80 ms=%s",
        ok ? "TRUE" : "FALSE", (unsigned)err,
        n == 0 ? "0" : n == 0xDEADu ? "unchanged" : n == 1 ? "1" : "other", yn(el >= 80));

    /* An APC queued to this thread, the port empty, an alertable remove. */
    DWORD r;
    int b = rec_count();
    queue(GetCurrentThread(), 20, "main's GetCurrentThread()");
    n = 0xDEADu;
    SetLastError(0);
    ok = GetQueuedCompletionStatusEx(port, e, 8, &n, 1000, TRUE);
    err = GetLastError();
    say("GetQueuedCompletionStatusEx(empty, 1000 ms, alertable) with an APC queued -> %s "
        "GetLastError=%u removed=%s; APCs run: %d",
        ok ? "TRUE" : "FALSE", (unsigned)err,
        n == 0 ? "0" : n == 0xDEADu ? "unchanged" : n == 1 ? "1" : "other", rec_count() - b);
    print_apcs(b, rec_count(), g_main_tid);

    /* An APC queued and a completion queued: the completion wins, the APC stays. */
    b = rec_count();
    queue(GetCurrentThread(), 21, "main's GetCurrentThread()");
    PostQueuedCompletionStatus(port, 42, 4200, &g_ovs[2]);
    n = 0xDEADu;
    ok = GetQueuedCompletionStatusEx(port, e, 8, &n, 1000, TRUE);
    say("GetQueuedCompletionStatusEx(one queued, alertable) with an APC queued -> %s removed=%u; "
        "APCs run: %d",
        ok ? "TRUE" : "FALSE", (unsigned)n, rec_count() - b);
    if (ok)
        print_entries(e, n);
    r = SleepEx(0, TRUE);
    say("main SleepEx(0, alertable) afterwards: %s; APCs run: %d", wait_name(r),
        rec_count() - b);
    print_apcs(b, rec_count(), g_main_tid);

    /* The same on a port this thread has never removed a completion from (a thread becomes
     * associated with the port it last removed a completion from). */
    HANDLE port3 = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    b = rec_count();
    queue(GetCurrentThread(), 22, "main's GetCurrentThread()");
    PostQueuedCompletionStatus(port3, 43, 4300, &g_ovs[2]);
    n = 0xDEADu;
    SetLastError(0);
    ok = GetQueuedCompletionStatusEx(port3, e, 8, &n, 0, TRUE);
    err = GetLastError();
    say("GetQueuedCompletionStatusEx(a new port with one queued, 0 ms, alertable) with an APC "
        "queued -> %s GetLastError=%u removed=%s; APCs run: %d",
        ok ? "TRUE" : "FALSE", (unsigned)(ok ? 0 : err),
        ok ? (n == 1 ? "1" : "other") : "(not looked at)", rec_count() - b);
    if (ok)
        print_entries(e, n);
    r = SleepEx(0, TRUE);
    say("main SleepEx(0, alertable) afterwards: %s; APCs run: %d", r == 0 ? "0" : wait_name(r),
        rec_count() - b);
    print_apcs(b, rec_count(), g_main_tid);
    n = 0xDEADu;
    ok = GetQueuedCompletionStatusEx(port3, e, 8, &n, 0, FALSE);
    say("GetQueuedCompletionStatusEx(that port, 0 ms) -> %s removed=%s", ok ? "TRUE" : "FALSE",
        ok ? (n == 1 ? "1" : "other") : "(not looked at)");
    if (ok)
        print_entries(e, n);
    CloseHandle(port3);

    SetLastError(0);
    n = 0xDEADu;
    ok = GetQueuedCompletionStatusEx(port, e, 0, &n, 0, FALSE);
    say("GetQueuedCompletionStatusEx(count 0) -> %s GetLastError=%u", ok ? "TRUE" : "FALSE",
        (unsigned)(ok ? 0 : GetLastError()));
    say("CloseHandle(port) succeeded=%s", yn(CloseHandle(port)));
}

static void sec_ports_threads(void)
{
    section("completion ports across threads");
    g_port_x = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    g_port_close = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    say("two ports created=%s", yn(g_port_x != NULL && g_port_close != NULL));
    if (g_port_x == NULL || g_port_close == NULL || g_worker_broken)
        return;

    SetEvent(g_go);
    Sleep(200);
    say("PostQueuedCompletionStatus(77, key 7700, &ov[1]) while the worker waits succeeded=%s",
        yn(PostQueuedCompletionStatus(g_port_x, 77, 7700, &g_ovs[1])));
    if (WaitForSingleObject(g_done, 30000) != WAIT_OBJECT_0) {
        say("phase 7: no handshake");
        return;
    }
    phase_out *p = &g_ph[7];
    say("worker GetQueuedCompletionStatus(10000 ms) -> %s bytes=%u key=%u overlapped=%s",
        p->r[0] ? "TRUE" : "FALSE", (unsigned)p->bytes, (unsigned)p->key, ov_name(p->ov));

    SetEvent(g_go);
    Sleep(200);
    queue(h_ctx, 12, "worker, THREAD_SET_CONTEXT");
    if (WaitForSingleObject(g_done, 30000) != WAIT_OBJECT_0) {
        say("phase 7b: no handshake");
        return;
    }
    say("worker GetQueuedCompletionStatusEx(empty, 10000 ms, alertable), APC queued during the "
        "wait -> %s GetLastError=%u removed=%s ended well before its timeout=%s; APCs run: %d",
        p->r[1] ? "TRUE" : "FALSE", (unsigned)p->err[1],
        p->n == 0 ? "0" : p->n == 0xDEADu ? "unchanged" : p->n == 1 ? "1" : "other",
        yn(p->ms[1] < 5000), p->ran[1] - p->ran[0]);
    print_apcs(p->ran[0], p->ran[1], g_worker_tid);

    SetEvent(g_go);
    Sleep(200);
    say("CloseHandle(the port the worker waits on) succeeded=%s", yn(CloseHandle(g_port_close)));
    if (WaitForSingleObject(g_done, 30000) != WAIT_OBJECT_0) {
        say("phase 8: no handshake");
        return;
    }
    p = &g_ph[8];
    say("worker GetQueuedCompletionStatus(3000 ms) on the port closed under it -> %s "
        "GetLastError=%u *lpOverlapped=%s ended well before its timeout=%s",
        p->r[0] ? "TRUE" : "FALSE", (unsigned)p->err[0], ov_name(p->ov), yn(p->ms[0] < 2500));
    CloseHandle(g_port_x);
}

static void sec_thread_end(void)
{
    section("the APC target thread ends");
    int b = rec_count();
    queue(h_ctx, 13, "worker, THREAD_SET_CONTEXT");
    phase(9);
    scn_thread_join(g_worker);
    say("worker ended; WaitForSingleObject(its handle, 5000 ms): %s",
        wait_name(WaitForSingleObject(h_sync, 5000)));
    say("APCs run (apc 13 was never given an alertable wait): %d", rec_count() - b);
    queue(h_ctx, 14, "ended worker, THREAD_SET_CONTEXT");
    DWORD r = SleepEx(0, TRUE);
    say("main SleepEx(0, alertable): %s; APCs run: %d", r == 0 ? "0" : wait_name(r),
        rec_count() - b);
    say("CloseHandle(both worker handles) succeeded=%s", yn(CloseHandle(h_ctx) && CloseHandle(h_sync)));
}

/* ---- RpcAsyncInitializeHandle ------------------------------------------------------------- */

typedef struct field { const char *name; size_t off, size; } field;
#define FIELD(f) {#f, offsetof(RPC_ASYNC_STATE, f), sizeof(((RPC_ASYNC_STATE *)0)->f)}
static const field k_fields[] = {
    FIELD(Size), FIELD(Signature), FIELD(Lock), FIELD(Flags), FIELD(StubInfo),
    FIELD(UserInfo), FIELD(RuntimeInfo), FIELD(Event), FIELD(NotificationType), FIELD(u),
    FIELD(Reserved),
};

static void fill(RPC_ASYNC_STATE *s, unsigned char b) { memset(s, b, sizeof *s); }

static void print_fields(const RPC_ASYNC_STATE *before, const RPC_ASYNC_STATE *after)
{
    const unsigned char *b = (const unsigned char *)before, *a = (const unsigned char *)after;
    for (size_t i = 0; i < sizeof k_fields / sizeof k_fields[0]; i++) {
        const field *f = &k_fields[i];
        if (memcmp(b + f->off, a + f->off, f->size) == 0) {
            say("  %-16s (offset %2u, %2u bytes) left alone", f->name, (unsigned)f->off,
                (unsigned)f->size);
            continue;
        }
        int zero = 1;
        for (size_t k = 0; k < f->size; k++)
            if (a[f->off + k] != 0)
                zero = 0;
        if (f->size <= 8) {
            unsigned long long v = 0;
            for (size_t k = 0; k < f->size; k++)
                v |= (unsigned long long)a[f->off + k] << (8 * k);
            say("  %-16s (offset %2u, %2u bytes) written: 0x%llX", f->name, (unsigned)f->off,
                (unsigned)f->size, v);
        } else {
            say("  %-16s (offset %2u, %2u bytes) written: %s", f->name, (unsigned)f->off,
                (unsigned)f->size, zero ? "all zero" : "not all zero");
        }
    }
    /* Bytes outside every field (padding): none on x64, but say so. */
    size_t covered = 0;
    for (size_t i = 0; i < sizeof k_fields / sizeof k_fields[0]; i++)
        covered += k_fields[i].size;
    say("  sizeof=%u, bytes not in a field=%u", (unsigned)sizeof(RPC_ASYNC_STATE),
        (unsigned)(sizeof(RPC_ASYNC_STATE) - covered));
}

static void sec_rpc(void)
{
    section("RpcAsyncInitializeHandle");
    RPC_ASYNC_STATE s, snap;
    say("sizeof(RPC_ASYNC_STATE)=%u", (unsigned)sizeof(RPC_ASYNC_STATE));

    unsigned bad[] = {0, (unsigned)sizeof s - 1, (unsigned)sizeof s + 1, 68u, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fill(&s, 0xA5);
        snap = s;
        RPC_STATUS st = RpcAsyncInitializeHandle(&s, bad[i]);
        say("RpcAsyncInitializeHandle(Size %u) -> %ld; state untouched=%s", bad[i], (long)st,
            yn(memcmp(&s, &snap, sizeof s) == 0));
    }

    fill(&s, 0xA5);
    snap = s;
    RPC_STATUS st = RpcAsyncInitializeHandle(&s, (unsigned)sizeof s);
    say("RpcAsyncInitializeHandle(Size sizeof) on a state filled with 0xA5 -> %ld", (long)st);
    print_fields(&snap, &s);

    /* Fields set by the caller before initialisation (the order the documentation shows is
     * "initialise, then set", but a caller may set them first). */
    fill(&s, 0x00);
    s.UserInfo = &snap;
    s.NotificationType = RpcNotificationTypeApc;
    s.u.APC.hThread = (HANDLE)(intptr_t)0x1234;
    s.Flags = 1; /* RPC_C_NOTIFY_ON_SEND_COMPLETE */
    snap = s;
    st = RpcAsyncInitializeHandle(&s, (unsigned)sizeof s);
    say("RpcAsyncInitializeHandle on a zeroed state with UserInfo, NotificationType=Apc, "
        "u.APC.hThread and Flags=1 set first -> %ld",
        (long)st);
    say("  UserInfo kept=%s NotificationType kept=%s u.APC.hThread kept=%s Flags kept=%s",
        yn(s.UserInfo == &snap), yn(s.NotificationType == RpcNotificationTypeApc),
        yn(s.u.APC.hThread == (HANDLE)(intptr_t)0x1234), yn(s.Flags == 1));

    /* A second initialisation of the same (unused) state. */
    snap = s;
    st = RpcAsyncInitializeHandle(&s, (unsigned)sizeof s);
    say("RpcAsyncInitializeHandle again on the same unused state -> %ld; changed=%s", (long)st,
        yn(memcmp(&s, &snap, sizeof s) != 0));
}

int main(void)
{
    scn_stdout_binary();
    say("winrpc-async wine comparison scenario");
    g_go = ev(FALSE, FALSE);
    g_done = ev(FALSE, FALSE);
    g_ready = ev(FALSE, FALSE);
    g_never = ev(TRUE, FALSE);
    g_never2 = ev(TRUE, FALSE);
    g_sig = ev(TRUE, FALSE);
    if (!g_go || !g_done || !g_ready || !g_never || !g_never2 || !g_sig) {
        say("cannot create the coordination events");
        return 1;
    }
    if (sec_threads()) {
        sec_apc_refused();
        sec_apc_fifo();
        sec_apc_wakes_wait();
        sec_apc_multiple();
        sec_apc_vs_signalled();
        sec_pseudo();
        sec_ports_threads();
        sec_thread_end();
    }
    sec_events();
    sec_ports();
    sec_rpc();
    say("\nAPCs run in all: %d", rec_count());
    say("end");
    fprintf(stderr, "platform: %s\n", SCN_PLATFORM);
    scn_platform_epilogue();
    return 0;
}
