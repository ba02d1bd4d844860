/*
 * fx_peer.c - the fixture's own C server: the six operations of ../fixture.idl with the
 * semantics its comments give (an [out] pipe pushed in chunks of at most FX_CHUNK_ELEMENTS), as a
 * WinRpcFixture_SERVER_EPV (fx_peer_epv; the type is the stub library's header that IdlCompiler
 * generates, WinRpcFixture_winrpc.h). On Windows it is winrpc_fixture_peer.dll, whose one export
 * fx_PeerEpv() hands the EPV to Java; Java serves it like any other (RpcServer:
 * RpcServerRegisterIf3 with the generated WinRpcFixture.dll's WinRpcFixture_IfSpec() and a manager
 * type of its own), the Windows counterpart of the simulator's scripted server
 * (simulator/src/sim_peer.c): the Java scenario suite's client tests call it, so that what they
 * check does not depend on the library's own server side.
 *
 * The same file also compiles against the runtime simulator (no _WIN32: it includes
 * winrpcsim.h), and windows-tests/check-mingw.sh runs it there under the simulator's scripted
 * client and misuse oracle (check/peer_on_simulator.c). What differs between the two is in the
 * "platform" section below and nowhere else.
 *
 * How it serves a call (Microsoft's "Server-side Asynchronous Pipe Handling" page, and the
 * server tables of the "Asynchronous Pipe State" page):
 *   - the manager routine subscribes to the client's cancel and disconnect
 *     (RpcServerSubscribeForNotification: without a subscription a server is told of neither),
 *     one Event subscription per kind, each with a manual-reset event of its own, hands the call
 *     to a worker thread of its own and returns at once, as the server-side pipe
 *     page's MyAsyncPipeFunc does;
 *   - the worker chooses APC notification before it touches a pipe, as the server-side pipe page's
 *     ThreadProcPipes does: its own real thread handle (DuplicateHandle of GetCurrentThread()
 *     with THREAD_SET_CONTEXT, which QueueUserAPC needs; the pseudo-handle would name whichever
 *     thread the runtime queues from) in u.APC.hThread, RPC_C_NOTIFY_ON_SEND_COMPLETE when the
 *     call has an [out] pipe (Microsoft documents send-complete notifications for APCs:
 *     "Client-Side Asynchronous Pipe Handling"), then RpcAsyncRegisterInfo ("the server must
 *     specify a thread handle ... and register the asynchronous handle with the run-time
 *     library"). Nothing is notified to a server's state before its first pull or push, so
 *     choosing there is in time;
 *   - it pulls the [in] pipe (a pull that returns RPC_S_ASYNC_CALL_PENDING is retried only after
 *     RpcReceiveComplete), pushes the [out] pipe one chunk of at most FX_CHUNK_ELEMENTS at a
 *     time, each followed by a wait for RpcSendComplete, then the null push and its wait,
 *     unsubscribes both kinds (for a kind with a notification queued it first waits for that
 *     kind's event, which must not be closed before the notification arrives), and ends the
 *     call with RpcAsyncCompleteCall or RpcAsyncAbortCall;
 *   - it waits alertably: WaitForMultipleObjectsEx(bAlertable) on the two subscription events,
 *     during which the runtime's APCs run peer_apc on the worker itself. peer_apc only records
 *     the event in a thread-local word (it never reads the state, which may be gone by the time
 *     a late APC runs), so a wait ends on the notification it waits for, on the client's cancel
 *     or disconnect, or on its deadline. SleepEx would run the APCs too, but would hear the
 *     subscriptions only by polling;
 *   - every wait is bounded by PEER_WAIT_MS, below the 30 s the Java suite waits for anything
 *     (then the call is aborted with RPC_S_CALL_FAILED); Sleep(ms) by PEER_SLEEP_MAX_MS;
 *   - a cancel the server sees before it replies makes it abort with RPC_S_CALL_CANCELLED (for
 *     every operation, as the simulator's scripted server does); a client that went away makes
 *     it abort with RPC_S_CALL_FAILED. It hears both through its subscription events, never
 *     through the state's Event field (the runtime delivers a subscription's notification to the
 *     subscription's target only), and looks for a cancel made before it subscribed with
 *     RpcServerTestCancel (Windows: "Receiving Cancellations"; the simulator has no such export,
 *     so there such a cancel goes unheard), at least every PEER_POLL_MS.
 *
 * Why the subscriptions stay Event while the pipes use APCs: the worker's one alertable wait
 * serves both (the events end it at once, the APCs run inside it); Event subscriptions need
 * no thread handle, so the manager routine can subscribe before the worker exists, leaving no
 * window in which a cancel goes unheard; and the notifications queued when a subscription ends
 * are waited for on that kind's event alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- platform ---------------------------------------------------------------------------- */

#if defined(_WIN32)

#include "fx_win.h"

typedef unsigned long fx_count; /* MIDL's element counts */
typedef FX_PIPE_ELEMENT fx_elem; /* MIDL's element type (fx_win.h) */
#define FX_NOTIFY_ON_SEND_COMPLETE RPC_C_NOTIFY_ON_SEND_COMPLETE
#define FX_WAIT_IO_COMPLETION WAIT_IO_COMPLETION
#define FX_THREAD_PROC(name, arg) static DWORD WINAPI name(LPVOID arg)
#define FX_THREAD_RETURN return 0
#define FX_APC_ENTRY RPC_ENTRY
#if defined(_MSC_VER)
#define FX_THREAD_LOCAL __declspec(thread)
#else
#define FX_THREAD_LOCAL _Thread_local
#endif

static uint64_t now_ms(void)
{
    return (uint64_t)GetTickCount64();
}

static void count_apc(volatile long *n)
{
    InterlockedIncrement(n);
}

static uint32_t read_count(volatile long *n)
{
    return (uint32_t)InterlockedCompareExchange(n, 0, 0);
}

/* Receiving Cancellations: RpcServerTestCancel(RpcAsyncGetCallHandle(pAsync)) is RPC_S_OK
 * once the client cancelled the call. */
static int cancel_requested(PRPC_ASYNC_STATE p)
{
    return RpcServerTestCancel(RpcAsyncGetCallHandle(p)) == RPC_S_OK;
}

static int spawn(LPTHREAD_START_ROUTINE fn, void *arg)
{
    HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);
    if (t == NULL)
        return -1;
    CloseHandle(t);
    return 0;
}

#else /* the runtime simulator */

#include "../../simulator/src/winrpcsim.h"
#include "WinRpcFixture_winrpc.h" /* IdlCompiler's, for WinRpcFixture_SERVER_EPV */

#include <pthread.h>
#include <time.h>

typedef uint32_t fx_count;
typedef int32_t fx_elem;
#define FX_NOTIFY_ON_SEND_COMPLETE WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE
#define FX_WAIT_IO_COMPLETION WINRPC_WAIT_IO_COMPLETION
#define THREAD_SET_CONTEXT WINRPC_THREAD_SET_CONTEXT
#define WAIT_OBJECT_0 SIM_WAIT_OBJECT_0
#define WAIT_TIMEOUT SIM_WAIT_TIMEOUT
#define FX_THREAD_PROC(name, arg) static void *name(void *arg)
#define FX_THREAD_RETURN return NULL
#define FX_APC_ENTRY WINRPC_ENTRY
#define FX_THREAD_LOCAL _Thread_local

extern const WinRpcFixture_SERVER_EPV fx_peer_epv;
uint32_t fx_peer_apc_notifications(void);

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void count_apc(volatile long *n)
{
    __atomic_add_fetch(n, 1, __ATOMIC_SEQ_CST);
}

static uint32_t read_count(volatile long *n)
{
    return (uint32_t)__atomic_load_n(n, __ATOMIC_SEQ_CST);
}

/* The simulator has no RpcServerTestCancel: a server hears a cancel only through its
 * subscription. */
static int cancel_requested(PRPC_ASYNC_STATE p)
{
    (void)p;
    return 0;
}

static int spawn(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg) != 0)
        return -1;
    pthread_detach(t);
    return 0;
}

#endif

#ifndef FX_CHUNK_ELEMENTS
#define FX_CHUNK_ELEMENTS 1024u /* the largest chunk an [out] pipe gets, as the simulator's server */
#endif

/* ---- the calls ----------------------------------------------------------------------------- */

/* Every wait of the C server ends within PEER_WAIT_MS, and Sleep within PEER_SLEEP_MAX_MS: both
 * below the 30 s the Java scenario suite waits for any call (Scenarios.TIMEOUT_S), so that a
 * notification that never comes fails the call on the server before the client's test gives
 * up. FixtureIdlTest checks both against the suite's bound. */
#define PEER_WAIT_MS 20000u        /* the longest wait for one pipe notification */
#define PEER_SLEEP_MAX_MS 20000u   /* Sleep(ms) gives up (RPC_S_CALL_FAILED) after this long;
                                      Sleep(0xFFFFFFFF) waits this long for a cancel */
#define PEER_POLL_MS 20u           /* how often a wait looks for a cancel */

enum { OP_ADD, OP_SLEEP, OP_FAIL, OP_PIPE_SUM, OP_PIPE_RANGE, OP_PIPE_ECHO };

/* What a wait waits for: bits (1 << RPC_ASYNC_EVENT). */
#define FOR_RECEIVE (1u << RpcReceiveComplete)
#define FOR_SEND (1u << RpcSendComplete)

typedef struct peer_call {
    int op;
    PRPC_ASYNC_STATE p;
    int32_t a, b;              /* Add(a, b); PipeRange(start = a, count = b); PipeEcho(a) */
    uint32_t arg;              /* Sleep(ms), Fail(code) */
    ASYNC_INTPIPE *in, *out;
    int32_t *out_b;            /* PipeEcho's [out] b */
    HANDLE thread;             /* the worker's own handle, the APC target (THREAD_SET_CONTEXT) */
    HANDLE sub_ev[2];          /* the subscriptions' events (manual-reset): [0] the client's
                                  disconnect, [1] its cancel */
    int subscribed[2];         /* RpcServerSubscribeForNotification succeeded, per kind */
    int cancelled;             /* the client cancelled */
    int failed;                /* the client went away, a pipe failed, or a notification never came */
} peer_call;

static const RPC_NOTIFICATIONS sub_kind[2] = {RpcNotificationClientDisconnect,
                                              RpcNotificationCallCancel};

/* The pipe notifications the worker's APC routine has recorded and its waits have not yet taken
 * (bits 1 << RPC_ASYNC_EVENT). Thread-local: an APC runs on the thread it was queued to, and
 * only inside that thread's alertable waits, so the worker reads and writes it alone. */
static FX_THREAD_LOCAL unsigned t_notified;

/* Notifications peer_apc has received in all, for check/peer_on_simulator.c. */
static volatile long g_apc_count;

uint32_t fx_peer_apc_notifications(void)
{
    return read_count(&g_apc_count);
}

/* The APC notification routine (RPCNOTIFICATION_ROUTINE; Context is reserved). It records the
 * event and nothing else: it does not read *pAsync, which a late APC could find completed. */
static void FX_APC_ENTRY peer_apc(PRPC_ASYNC_STATE pAsync, void *Context, RPC_ASYNC_EVENT Event)
{
    (void)pAsync;
    (void)Context;
    if ((unsigned)Event < 32u)
        t_notified |= 1u << (unsigned)Event;
    count_apc(&g_apc_count);
}

/* On the worker, before its first pull or push: APC notification to this thread (the server-side
 * pipe page's ThreadProcPipes). 0 if it has no handle of its own to offer. */
static int choose_apc(peer_call *pc)
{
    HANDLE self = NULL;
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &self,
                         THREAD_SET_CONTEXT, 0, 0) ||
        self == NULL)
        return 0;
    pc->thread = self;
    PRPC_ASYNC_STATE p = pc->p;
    p->UserInfo = pc;
    p->Flags = pc->out != NULL ? FX_NOTIFY_ON_SEND_COMPLETE : 0;
    p->u.APC.NotificationRoutine = peer_apc;
    p->u.APC.hThread = self;
    p->NotificationType = RpcNotificationTypeApc;
    /* A refusal is not fatal here: every wait is bounded, so a notification that does not come
     * fails the call within PEER_WAIT_MS. */
    (void)RpcAsyncRegisterInfo(p);
    t_notified = 0;
    return 1;
}

/* What a signalled subscription event says: [0] the client went away, [1] it cancelled. */
static void heard(peer_call *pc, int k)
{
    if (k == 0)
        pc->failed = 1;
    else
        pc->cancelled = 1;
}

/* Something to stop for: a cancel, a disconnect, a failure. */
static int interrupted(peer_call *pc)
{
    if (pc->cancelled || pc->failed)
        return 1;
    if (cancel_requested(pc->p)) {
        pc->cancelled = 1;
        return 1;
    }
    return 0;
}

/* Why the call stops early: the code to abort it with. */
static RPC_STATUS why(const peer_call *pc)
{
    return pc->cancelled && !pc->failed ? RPC_S_CALL_CANCELLED : RPC_S_CALL_FAILED;
}

/* Waits alertably until the APC routine has recorded one of `events` (takes it and returns
 * 1), or until the call is interrupted (the client's cancel or disconnect, which the
 * subscription events say) or `deadline` passes (returns 0; a deadline that passes while a
 * notification was awaited fails the call). events == 0: a sleep that returns 1 when it ran its
 * course. */
static int wait_for(peer_call *pc, unsigned events, uint64_t deadline)
{
    for (;;) {
        if (interrupted(pc))
            return 0;
        if ((t_notified & events) != 0) {
            t_notified &= ~events;
            return 1;
        }
        uint64_t now = now_ms();
        if (now >= deadline) {
            if (events == 0)
                return 1;
            pc->failed = 1; /* the pipe state page: on failure to get a notification, abort */
            return 0;
        }
        uint64_t left = deadline - now;
        DWORD w = WaitForMultipleObjectsEx(2, pc->sub_ev, 0,
                                           left < PEER_POLL_MS ? (DWORD)left : PEER_POLL_MS, 1);
        if (w == WAIT_OBJECT_0 || w == WAIT_OBJECT_0 + 1) {
            heard(pc, (int)(w - WAIT_OBJECT_0));
            return 0;
        }
        if (w != WAIT_TIMEOUT && w != FX_WAIT_IO_COMPLETION) {
            pc->failed = 1;
            return 0;
        }
    }
}

/* Pulls the whole [in] pipe into *values / *n (grown as needed) and its sum into *sum.
 * RPC_S_OK once the end was pulled, else the code to abort with. */
static RPC_STATUS pull_all(peer_call *pc, fx_elem **values, uint32_t *n, uint32_t *sum)
{
    uint32_t cap = 0;
    RPC_STATUS result = RPC_S_OK;
    fx_elem *buf = malloc(FX_CHUNK_ELEMENTS * sizeof *buf);
    if (buf == NULL)
        return RPC_S_CALL_FAILED;
    for (;;) {
        fx_count got = 0;
        RPC_STATUS st = pc->in->pull(pc->in->state, buf, FX_CHUNK_ELEMENTS, &got);
        if (st == RPC_S_OK) {
            if (got == 0)
                break; /* the end of the pipe */
            if (got > FX_CHUNK_ELEMENTS) {
                pc->failed = 1;
                result = RPC_S_CALL_FAILED;
                break;
            }
            for (uint32_t i = 0; i < (uint32_t)got; i++)
                *sum += (uint32_t)buf[i]; /* 32-bit wrap-around */
            if (values != NULL) {
                if (*n + (uint32_t)got > cap) {
                    uint32_t ncap = cap != 0 ? cap : 4096u;
                    while (ncap < *n + (uint32_t)got)
                        ncap *= 2;
                    fx_elem *nv = realloc(*values, (size_t)ncap * sizeof *nv);
                    if (nv == NULL) {
                        result = RPC_S_CALL_FAILED;
                        break;
                    }
                    *values = nv;
                    cap = ncap;
                }
                memcpy(*values + *n, buf, (size_t)got * sizeof *buf);
            }
            *n += (uint32_t)got;
        } else if (st == RPC_S_ASYNC_CALL_PENDING) {
            /* Wait for RpcReceiveComplete before pulling again. (One recorded earlier and not
             * for this pull costs one more pull, which comes back pending again.) */
            if (!wait_for(pc, FOR_RECEIVE, now_ms() + PEER_WAIT_MS)) {
                result = why(pc);
                break;
            }
        } else {
            pc->failed = 1;
            result = RPC_S_CALL_FAILED;
            break;
        }
    }
    free(buf);
    return result;
}

/* Pushes n elements (n == 0: the null push) and waits for its RpcSendComplete. */
static RPC_STATUS push(peer_call *pc, fx_elem *values, uint32_t n)
{
    /* No APC runs outside the worker's alertable waits, so a send completion recorded now is
     * an earlier push's: this push's own comes later. */
    t_notified &= ~FOR_SEND;
    RPC_STATUS st = pc->out->push(pc->out->state, values, (fx_count)n);
    if (st != RPC_S_OK) {
        pc->failed = 1;
        return RPC_S_CALL_FAILED;
    }
    if (!wait_for(pc, FOR_SEND, now_ms() + PEER_WAIT_MS))
        return why(pc);
    return RPC_S_OK;
}

/* Pushes values[0..n) in chunks of at most FX_CHUNK_ELEMENTS, then the null push. */
static RPC_STATUS push_all(peer_call *pc, fx_elem *values, uint32_t n)
{
    for (uint32_t i = 0; i < n; i += FX_CHUNK_ELEMENTS) {
        uint32_t k = n - i < FX_CHUNK_ELEMENTS ? n - i : FX_CHUNK_ELEMENTS;
        RPC_STATUS st = push(pc, values + i, k);
        if (st != RPC_S_OK)
            return st;
    }
    return push(pc, NULL, 0);
}

/* Ends the subscriptions, before the call completes (Microsoft: otherwise undefined). A
 * notification the runtime queued may still be on its way: its event must stay open until it
 * has arrived, so for a kind with one queued this waits (up to PEER_WAIT_MS) for its event. */
static void unsubscribe(peer_call *pc)
{
    for (int k = 0; k < 2; k++) {
        if (!pc->subscribed[k])
            continue;
        pc->subscribed[k] = 0;
        fx_count queued = 0;
        if (RpcServerUnsubscribeForNotification(RpcAsyncGetCallHandle(pc->p), sub_kind[k],
                                                &queued) != RPC_S_OK)
            continue;
        if (WaitForSingleObject(pc->sub_ev[k], queued > 0 ? PEER_WAIT_MS : 0) == WAIT_OBJECT_0)
            heard(pc, k);
    }
}

static void free_call(peer_call *pc)
{
    if (pc->thread != NULL)
        CloseHandle(pc->thread);
    CloseHandle(pc->sub_ev[0]);
    CloseHandle(pc->sub_ev[1]);
    free(pc);
}

/* Ends the call, exactly once: the reply, or an abort. */
static void finish(peer_call *pc, RPC_STATUS failure, int32_t reply)
{
    unsubscribe(pc); /* a cancel or a disconnect it still brings counts */
    if (failure == RPC_S_OK && interrupted(pc))
        failure = why(pc);
    if (failure != RPC_S_OK)
        RpcAsyncAbortCall(pc->p, (uint32_t)failure);
    else if (pc->op == OP_FAIL)
        /* RpcAsyncAbortCall needs a nonzero code to fault the client. */
        RpcAsyncAbortCall(pc->p, pc->arg != 0 ? pc->arg : (uint32_t)RPC_S_CALL_FAILED);
    else
        RpcAsyncCompleteCall(pc->p, &reply);
    /* The call is over: nothing more is notified to it. An APC already queued (a completion
     * the worker stopped waiting for) runs here, harmlessly, rather than never. */
    SleepEx(0, 1);
    free_call(pc);
}

static void serve(peer_call *pc)
{
    RPC_STATUS st = RPC_S_OK;
    int32_t reply = 0;
    if (!choose_apc(pc)) {
        finish(pc, RPC_S_CALL_FAILED, 0);
        return;
    }
    switch (pc->op) {
    case OP_ADD:
        reply = (int32_t)((uint32_t)pc->a + (uint32_t)pc->b);
        break;
    case OP_SLEEP: {
        /* Sleep(ms) replies after ms; ms == 0xFFFFFFFF waits until cancelled. Either waits at
         * most PEER_SLEEP_MAX_MS, then fails. */
        int bounded = pc->arg <= PEER_SLEEP_MAX_MS;
        uint32_t ms = bounded ? pc->arg : PEER_SLEEP_MAX_MS;
        if (!wait_for(pc, 0, now_ms() + ms))
            st = why(pc);
        else if (!bounded)
            st = RPC_S_CALL_FAILED; /* nobody cancelled it within the bound */
        reply = (int32_t)pc->arg;
        break;
    }
    case OP_FAIL:
        break;
    case OP_PIPE_SUM: {
        uint32_t n = 0, sum = 0;
        st = pull_all(pc, NULL, &n, &sum);
        reply = (int32_t)sum;
        break;
    }
    case OP_PIPE_RANGE: {
        uint32_t total = pc->b > 0 ? (uint32_t)pc->b : 0u;
        fx_elem *buf = malloc(FX_CHUNK_ELEMENTS * sizeof *buf);
        if (buf == NULL)
            st = RPC_S_CALL_FAILED;
        for (uint32_t i = 0; st == RPC_S_OK && i < total; i += FX_CHUNK_ELEMENTS) {
            uint32_t k = total - i < FX_CHUNK_ELEMENTS ? total - i : FX_CHUNK_ELEMENTS;
            for (uint32_t j = 0; j < k; j++)
                buf[j] = (fx_elem)((uint32_t)pc->a + i + j);
            st = push(pc, buf, k);
        }
        if (st == RPC_S_OK)
            st = push(pc, NULL, 0);
        free(buf);
        reply = pc->b;
        break;
    }
    default: { /* OP_PIPE_ECHO: the server-side pipe page's MyAsyncPipeFunc */
        fx_elem *values = NULL;
        uint32_t n = 0, sum = 0;
        st = pull_all(pc, &values, &n, &sum);
        if (st == RPC_S_OK) {
            for (uint32_t i = 0; i < n; i++)
                values[i] = (fx_elem)((uint32_t)values[i] + (uint32_t)pc->a);
            st = push_all(pc, values, n);
        }
        if (st == RPC_S_OK)
            *pc->out_b = (int32_t)n; /* set before the reply, never after */
        free(values);
        reply = (int32_t)sum;
        break;
    }
    }
    finish(pc, st, reply);
}

FX_THREAD_PROC(peer_thread, arg)
{
    serve((peer_call *)arg);
    FX_THREAD_RETURN;
}

/* The manager routine's part: subscribes to the client's cancel and disconnect and hands the
 * call to its own worker, which chooses the notification (choose_apc). A call that cannot get
 * there is aborted (the pipe state page: D, "To fail gracefully": A). */
static void dispatch(PRPC_ASYNC_STATE pAsync, peer_call proto)
{
    peer_call *pc = malloc(sizeof *pc);
    HANDLE sub0 = CreateEventW(NULL, 1, 0, NULL);
    HANDLE sub1 = CreateEventW(NULL, 1, 0, NULL);
    if (pc == NULL || sub0 == NULL || sub1 == NULL) {
        if (sub0 != NULL)
            CloseHandle(sub0);
        if (sub1 != NULL)
            CloseHandle(sub1);
        free(pc);
        RpcAsyncAbortCall(pAsync, (uint32_t)RPC_S_CALL_FAILED);
        return;
    }
    *pc = proto;
    pc->p = pAsync;
    pc->thread = NULL;
    pc->sub_ev[0] = sub0;
    pc->sub_ev[1] = sub1;
    /* Events need one subscription per kind (Microsoft); the runtime copies the info. */
    for (int k = 0; k < 2; k++) {
        RPC_ASYNC_NOTIFICATION_INFO info;
        memset(&info, 0, sizeof info);
        info.hEvent = pc->sub_ev[k];
        pc->subscribed[k] = RpcServerSubscribeForNotification(RpcAsyncGetCallHandle(pAsync),
                                                              (DWORD)sub_kind[k],
                                                              RpcNotificationTypeEvent,
                                                              &info) == RPC_S_OK;
    }
    if (spawn(peer_thread, pc) != 0) {
        unsubscribe(pc);
        RpcAsyncAbortCall(pAsync, (uint32_t)RPC_S_CALL_FAILED);
        free_call(pc);
    }
}

static peer_call proto_of(int op)
{
    peer_call pc;
    memset(&pc, 0, sizeof pc);
    pc.op = op;
    return pc;
}

static void peer_Add(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a, int32_t b)
{
    (void)hBinding;
    peer_call pc = proto_of(OP_ADD);
    pc.a = a;
    pc.b = b;
    dispatch(pAsync, pc);
}

static void peer_Sleep(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t ms)
{
    (void)hBinding;
    peer_call pc = proto_of(OP_SLEEP);
    pc.arg = ms;
    dispatch(pAsync, pc);
}

static void peer_Fail(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t code)
{
    (void)hBinding;
    peer_call pc = proto_of(OP_FAIL);
    pc.arg = code;
    dispatch(pAsync, pc);
}

static void peer_PipeSum(PRPC_ASYNC_STATE pAsync, void *hBinding, ASYNC_INTPIPE *inpipe)
{
    (void)hBinding;
    peer_call pc = proto_of(OP_PIPE_SUM);
    pc.in = inpipe;
    dispatch(pAsync, pc);
}

static void peer_PipeRange(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t start, int32_t count,
                           ASYNC_INTPIPE *outpipe)
{
    (void)hBinding;
    peer_call pc = proto_of(OP_PIPE_RANGE);
    pc.a = start;
    pc.b = count;
    pc.out = outpipe;
    dispatch(pAsync, pc);
}

static void peer_PipeEcho(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a,
                          ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int32_t *b)
{
    (void)hBinding;
    peer_call pc = proto_of(OP_PIPE_ECHO);
    pc.a = a;
    pc.in = inpipe;
    pc.out = outpipe;
    pc.out_b = b;
    dispatch(pAsync, pc);
}

const WinRpcFixture_SERVER_EPV fx_peer_epv = {peer_Add, peer_Sleep, peer_Fail,
                                              peer_PipeSum, peer_PipeRange, peer_PipeEcho};

#if defined(_WIN32)
/* winrpc_fixture_peer.dll's one export (fx_peer.def). On the simulator fx_PeerEpv() is the
 * simulator's own scripted server, so check/peer_on_simulator.c names fx_peer_epv directly. */
const WinRpcFixture_SERVER_EPV *WINRPC_ENTRY fx_PeerEpv(void)
{
    return &fx_peer_epv;
}
#endif
