/*
 * sim_peer.c - the simulator's scripted peers.
 *
 * The scripted server serves SIM_PEER_ENDPOINT: an FX_SERVER_EPV written in C, implementing the
 * six fixture operations as ../../windows-tests/fx_glue.h specifies. It uses the simulator's
 * public API the way a careful C server does (the server-side pipe page, the pipe state page's
 * server tables): it asks for APC notifications to its own thread (a real handle from OpenThread
 * with THREAD_SET_CONTEXT), registers the handle with RpcAsyncRegisterInfo, subscribes in the
 * manager routine (RpcServerSubscribeForNotification, Binding NULL on the dispatch thread) to its
 * client's cancel and disconnect, by APC to the same thread, pulls and pushes on the pipes the
 * runtime gave it, waits alertably with SleepEx, unsubscribes (waiting for every notification the
 * runtime says it queued), and ends with RpcAsyncCompleteCall or RpcAsyncAbortCall. A cancel
 * made before it subscribed is never notified: right after subscribing it asks, as a Windows
 * server would with RpcServerTestCancel (sim_server_cancel_requested stands in for it).
 *
 * The scripted client (sim_peer_call_start / sim_peer_call_wait) makes one fixture call from a
 * simulator thread, the pipe state page's client tables: APC notifications to its own thread,
 * in-pipe chunks each followed by a wait for RpcSendComplete, the null push, the out pipe drained
 * (to its end, even after an early RpcCallComplete), a cancel or a disconnect at the requested
 * point, the wait for the completion, and RpcAsyncCompleteCall. With interrupt_when_subscribed,
 * its cancel or disconnect waits until the server has subscribed to hear it.
 *
 * Both survive every runtime behaviour of winrpcsim.h (SIM_BEHAVIOUR_*): a wait for a send ends
 * with any notification of the state (one may cover several sends, or come for the request
 * itself; a push before the previous send completed is allowed); a pending pull waits for
 * RpcReceiveComplete, or, when the call plays APC_EVENT_AT_RUN (an APC then passes the latest
 * event issued, not its own), for any notification of the state, after which a pull that is
 * still too early pends again.
 *
 * Neither ever commits a misuse. Both give up on a pipe notification that does not come in
 * time (the pipe state page: "on failure to get a notification", the client cancels and the server
 * aborts): within PEER_DROP_WAIT_MS plus four times the plan's largest delay when the fault
 * plan drops notifications, else within PEER_WAIT_MS (the other side may be a slow Java test).
 * Both also poll RpcAsyncGetCallStatus while they wait, so a dropped RpcCallComplete,
 * RpcClientCancel or RpcClientDisconnect does not strand them. The client waits for its
 * completion without a time limit (a server may take as long as it likes).
 *
 * The scripted client's disconnects: disconnect_after_chunks = k >= 0 disconnects after
 * pushing k in-pipe chunks (k >= in_chunks: after the last one, before the null push); for an
 * operation without an in pipe it disconnects right after the call starts. The fault plan's
 * disconnect_ppm is drawn once per chunk pushed or pulled. A SIM_PEER_CALL with
 * in_chunk_elements 0 pushes no data chunks (a push of 0 elements is the null push).
 *
 * Cancels. A cancel the scripted server sees before it replies (RpcClientCancel, abortive or
 * not) makes it abort with RPC_S_CALL_CANCELLED; this is what fx_glue.h specifies for Sleep,
 * applied to every operation. A disconnect makes it abort with RPC_S_CALL_FAILED (discarded by
 * the runtime, as every server action after a disconnect is).
 */
#include "sim_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PEER_WAIT_MS 60000u       /* the longest wait for one pipe notification */
#define PEER_DROP_WAIT_MS 3000u   /* ... when the fault plan drops notifications */
#define PEER_POLL_MS 50u          /* slices of an alertable wait, between status polls */
#define PEER_COMPLETE_GRACE_MS 1000u /* after a poll saw the final status, how long to wait for
                                       the RpcCallComplete APC before completing anyway */
#define PEER_STREAM_SERVER 1u     /* sim_call_fault_plan streams */
#define PEER_STREAM_CLIENT 2u
#define PEER_MAX_CHUNK_ELEMENTS (1u << 20)
#define PEER_EP_MAX 256
#define PEER_SUBSCRIBE_WAIT_MS 10000u /* interrupt_when_subscribed: the longest wait */

/* How long a peer waits for one pipe notification before it gives up on the call. */
static uint32_t peer_wait_ms(const SIM_FAULT_PLAN *plan)
{
    uint32_t delay = plan->max_delay_ms > 60000u ? 60000u : plan->max_delay_ms;
    return (plan->drop_notification_ppm != 0 ? PEER_DROP_WAIT_MS : PEER_WAIT_MS) + 4u * delay;
}

/* ---- the scripted server ------------------------------------------------------------------- */

typedef struct srv_ctx {
    PRPC_ASYNC_STATE pAsync;
    HANDLE hThread;
    uint32_t events;   /* bit (1 << RPC_ASYNC_EVENT) per event received */
    uint32_t notes;    /* notifications of the state itself received, whatever their event */
    int cancel;        /* RpcClientCancel received (or the client had cancelled before) */
    int disconnect;    /* RpcClientDisconnect received */
    uint32_t cancels, disconnects; /* subscription notifications received, per kind */
    int subscribed;    /* RpcServerSubscribeForNotification succeeded */
    int call_failed;   /* RpcAsyncGetCallStatus reported the call failed */
    int fault;         /* the fault plan chose a fault reply for this call */
    uint32_t fault_code;
    uint32_t wait_ms;
} srv_ctx;

/* The APC notification routine: runs on the server's own thread, inside its SleepEx. */
static void WINRPC_ENTRY srv_apc(PRPC_ASYNC_STATE pAsync, void *Context, RPC_ASYNC_EVENT Event)
{
    (void)Context;
    srv_ctx *x = pAsync->UserInfo;
    if ((unsigned)Event < 32u)
        x->events |= 1u << Event;
    switch (Event) {
    case RpcSendComplete:
    case RpcReceiveComplete:
    case RpcCallComplete:
        x->notes++;
        break;
    case RpcClientCancel:
        x->cancel = 1;
        x->cancels++;
        break;
    case RpcClientDisconnect:
        x->disconnect = 1;
        x->disconnects++;
        break;
    default: break;
    }
}

static void srv_setup(srv_ctx *x, PRPC_ASYNC_STATE pAsync, uint32_t flags)
{
    SIM_FAULT_PLAN plan;
    sim_rng rng;
    memset(x, 0, sizeof *x);
    x->pAsync = pAsync;
    sim_call_fault_plan(pAsync, PEER_STREAM_SERVER, &plan, &rng);
    x->fault = sim_rng_chance(&rng, plan.fault_reply_ppm);
    x->fault_code = plan.fault_code != 0 ? plan.fault_code : (uint32_t)RPC_S_CALL_FAILED;
    x->wait_ms = peer_wait_ms(&plan);
    /* A real handle to this thread: GetCurrentThread()'s pseudo-handle would name the
     * runtime's thread (docs/reference/abi.md). */
    x->hThread = OpenThread(WINRPC_THREAD_SET_CONTEXT | 0x00100000u /* SYNCHRONIZE */, 0,
                            GetCurrentThreadId());
    pAsync->UserInfo = x;
    pAsync->Flags = flags;
    if (x->hThread != NULL) {
        pAsync->u.APC.NotificationRoutine = srv_apc;
        pAsync->u.APC.hThread = x->hThread;
        pAsync->NotificationType = RpcNotificationTypeApc;
    }
    /* Seed 000: a server that receives by APC registers the handle with the runtime. */
    RpcAsyncRegisterInfo(pAsync);
    /* Without a subscription the server never hears of a cancel or a disconnect. In the manager
     * routine the Binding may be NULL; both kinds in one call (APC, to this thread). */
    if (x->hThread != NULL) {
        RPC_ASYNC_NOTIFICATION_INFO info;
        memset(&info, 0, sizeof info);
        info.APC.NotificationRoutine = srv_apc;
        info.APC.hThread = x->hThread;
        x->subscribed = RpcServerSubscribeForNotification(
                            NULL,
                            (uint32_t)RpcNotificationClientDisconnect |
                                (uint32_t)RpcNotificationCallCancel,
                            RpcNotificationTypeApc, &info) == RPC_S_OK;
    }
    /* A cancel made before the subscription was not notified (a disconnect shows in
     * RpcAsyncGetCallStatus, which srv_interrupted polls). */
    if (sim_server_cancel_requested(pAsync))
        x->cancel = 1;
}

/* Ends the subscription before the call completes (Microsoft: otherwise undefined), then waits
 * alertably for the notifications the runtime queued and this thread has not run yet: they
 * arrive after the unsubscription too, and their target (this thread's handle) must live until
 * they have. */
static void srv_unsubscribe(srv_ctx *x)
{
    if (!x->subscribed)
        return;
    x->subscribed = 0;
    uint32_t cancels = 0, disconnects = 0;
    RpcServerUnsubscribeForNotification(NULL, RpcNotificationCallCancel, &cancels);
    RpcServerUnsubscribeForNotification(NULL, RpcNotificationClientDisconnect, &disconnects);
    uint64_t deadline = sim_now_ms() + x->wait_ms;
    while ((x->cancels < cancels || x->disconnects < disconnects) && sim_now_ms() < deadline)
        SleepEx(PEER_POLL_MS, 1);
}

/* Something the server should stop for: a cancel, a disconnect, a failed call. */
static int srv_interrupted(srv_ctx *x)
{
    if (x->cancel || x->disconnect || x->call_failed)
        return 1;
    RPC_STATUS st = RpcAsyncGetCallStatus(x->pAsync);
    if (st != RPC_S_ASYNC_CALL_PENDING) {
        x->call_failed = 1;
        return 1;
    }
    return 0;
}

/* Waits alertably until *counter differs from seen (returns 1), or the server is interrupted,
 * or timeout_ms pass (returns 0). timeout_ms SIM_INFINITE waits for ever. */
static int srv_wait(srv_ctx *x, const uint32_t *counter, uint32_t seen, uint32_t timeout_ms)
{
    uint64_t deadline = timeout_ms == SIM_INFINITE ? UINT64_MAX : sim_now_ms() + timeout_ms;
    for (;;) {
        if (counter != NULL && *counter != seen)
            return 1;
        if (srv_interrupted(x))
            return 0;
        uint64_t now = sim_now_ms();
        if (now >= deadline)
            return counter == NULL; /* a plain sleep that ran its course */
        uint64_t left = deadline - now;
        SleepEx(left < PEER_POLL_MS ? (DWORD)left : PEER_POLL_MS, 1);
    }
}

/* Sleeps ms alertably; 1 if the whole time passed, 0 if interrupted. */
static int srv_sleep(srv_ctx *x, uint32_t ms) { return ms == 0 || srv_wait(x, NULL, 0, ms); }

/* Why the server stops early: the status to abort with. */
static RPC_STATUS srv_why(srv_ctx *x)
{
    if (x->cancel && !x->disconnect)
        return RPC_S_CALL_CANCELLED;
    return RPC_S_CALL_FAILED;
}

/* Ends the call: a reply, or an abort (cancel, disconnect, failure, planned fault, Fail). */
static void srv_finish(srv_ctx *x, RPC_STATUS failure, int32_t reply, int fail_op,
                       uint32_t fail_code)
{
    if (failure == RPC_S_OK && !srv_sleep(x, sim_reply_delay_get()))
        failure = srv_why(x);
    srv_unsubscribe(x); /* a cancel it still brings counts */
    if (failure == RPC_S_OK && (x->cancel || x->disconnect))
        failure = srv_why(x);
    if (failure != RPC_S_OK)
        RpcAsyncAbortCall(x->pAsync, (uint32_t)failure);
    else if (fail_op)
        RpcAsyncAbortCall(x->pAsync, fail_code != 0 ? fail_code : (uint32_t)RPC_S_CALL_FAILED);
    else if (x->fault)
        RpcAsyncAbortCall(x->pAsync, x->fault_code);
    else
        RpcAsyncCompleteCall(x->pAsync, &reply);
    if (x->hThread != NULL)
        CloseHandle(x->hThread);
}

/* Pulls the whole in pipe, handing each chunk to sink. RPC_S_OK once the end was pulled, else
 * the status to abort with. */
static RPC_STATUS srv_pull_all(srv_ctx *x, ASYNC_INTPIPE *in,
                               int (*sink)(void *ctx, const int32_t *v, uint32_t n), void *ctx)
{
    int32_t *buf = malloc(FX_CHUNK_ELEMENTS * sizeof *buf);
    if (buf == NULL)
        return RPC_S_CALL_FAILED;
    RPC_STATUS result = RPC_S_OK;
    for (;;) {
        uint32_t n = 0;
        uint32_t seen = x->notes;
        RPC_STATUS st = in->pull(in->state, buf, FX_CHUNK_ELEMENTS, &n);
        if (st == RPC_S_OK) {
            if (n == 0)
                break;
            if (!sink(ctx, buf, n)) {
                result = RPC_S_CALL_FAILED;
                break;
            }
        } else if (st == RPC_S_ASYNC_CALL_PENDING) {
            /* Wait for RpcReceiveComplete before pulling again. Any notification of the state
             * will do: its event is a hint (under APC_EVENT_AT_RUN an APC carries the latest
             * event issued, not its own), and a pull too early only pends again. */
            if (!srv_wait(x, &x->notes, seen, x->wait_ms)) {
                result = srv_why(x);
                break;
            }
        } else {
            result = RPC_S_CALL_FAILED;
            break;
        }
    }
    free(buf);
    return result;
}

/* Pushes n elements (n == 0: the null push) and waits for RpcSendComplete (any notification
 * of the state: its event is a hint, and one notification may cover several sends). */
static RPC_STATUS srv_push(srv_ctx *x, ASYNC_INTPIPE *out, int32_t *buf, uint32_t n)
{
    uint32_t seen = x->notes;
    RPC_STATUS st = out->push(out->state, buf, n);
    if (st != RPC_S_OK)
        return RPC_S_CALL_FAILED;
    if (!srv_wait(x, &x->notes, seen, x->wait_ms))
        return srv_why(x);
    return RPC_S_OK;
}

/* Pushes values[0..n) in chunks of FX_CHUNK_ELEMENTS, then the null push. */
static RPC_STATUS srv_push_all(srv_ctx *x, ASYNC_INTPIPE *out, int32_t *values, uint32_t n)
{
    for (uint32_t i = 0; i < n; i += FX_CHUNK_ELEMENTS) {
        uint32_t k = n - i < FX_CHUNK_ELEMENTS ? n - i : FX_CHUNK_ELEMENTS;
        RPC_STATUS st = srv_push(x, out, values + i, k);
        if (st != RPC_S_OK)
            return st;
    }
    return srv_push(x, out, NULL, 0);
}

static void peer_Add(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a, int32_t b)
{
    (void)hBinding;
    srv_ctx x;
    srv_setup(&x, pAsync, 0);
    srv_finish(&x, RPC_S_OK, (int32_t)((uint32_t)a + (uint32_t)b), 0, 0);
}

static void peer_Sleep(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t ms)
{
    (void)hBinding;
    srv_ctx x;
    srv_setup(&x, pAsync, 0);
    /* ms == 0xFFFFFFFF waits until cancelled (or the client goes away). */
    RPC_STATUS failure = srv_sleep(&x, ms) ? RPC_S_OK : srv_why(&x);
    srv_finish(&x, failure, (int32_t)ms, 0, 0);
}

static void peer_Fail(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t code)
{
    (void)hBinding;
    srv_ctx x;
    srv_setup(&x, pAsync, 0);
    /* STRICT: Fail(0) aborts with RPC_S_CALL_FAILED, since RpcAsyncAbortCall needs a nonzero
     * code to fault the client. */
    srv_finish(&x, RPC_S_OK, 0, 1, code);
}

static int sum_sink(void *ctx, const int32_t *v, uint32_t n)
{
    uint32_t *sum = ctx;
    for (uint32_t i = 0; i < n; i++)
        *sum += (uint32_t)v[i]; /* 32-bit wrap-around */
    return 1;
}

static void peer_PipeSum(PRPC_ASYNC_STATE pAsync, void *hBinding, ASYNC_INTPIPE *inpipe)
{
    (void)hBinding;
    srv_ctx x;
    srv_setup(&x, pAsync, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    uint32_t sum = 0;
    RPC_STATUS st = srv_pull_all(&x, inpipe, sum_sink, &sum);
    srv_finish(&x, st, (int32_t)sum, 0, 0);
}

static void peer_PipeRange(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t start, int32_t count,
                           ASYNC_INTPIPE *outpipe)
{
    (void)hBinding;
    srv_ctx x;
    srv_setup(&x, pAsync, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    RPC_STATUS st = RPC_S_OK;
    int32_t *buf = malloc(FX_CHUNK_ELEMENTS * sizeof *buf);
    uint32_t total = count > 0 ? (uint32_t)count : 0;
    if (buf == NULL)
        st = RPC_S_CALL_FAILED;
    for (uint32_t i = 0; st == RPC_S_OK && i < total; i += FX_CHUNK_ELEMENTS) {
        uint32_t k = total - i < FX_CHUNK_ELEMENTS ? total - i : FX_CHUNK_ELEMENTS;
        for (uint32_t j = 0; j < k; j++)
            buf[j] = (int32_t)((uint32_t)start + i + j);
        st = srv_push(&x, outpipe, buf, k);
    }
    if (st == RPC_S_OK)
        st = srv_push(&x, outpipe, NULL, 0);
    free(buf);
    srv_finish(&x, st, count, 0, 0);
}

typedef struct echo_acc {
    int32_t *v;
    uint32_t n, cap;
    uint32_t sum;
} echo_acc;

static int echo_sink(void *ctx, const int32_t *v, uint32_t n)
{
    echo_acc *acc = ctx;
    if (acc->n + n > acc->cap) {
        uint32_t cap = acc->cap ? acc->cap : 4096;
        while (cap < acc->n + n)
            cap *= 2;
        int32_t *nv = realloc(acc->v, (size_t)cap * sizeof *nv);
        if (nv == NULL)
            return 0;
        acc->v = nv;
        acc->cap = cap;
    }
    memcpy(acc->v + acc->n, v, (size_t)n * sizeof *v);
    acc->n += n;
    for (uint32_t i = 0; i < n; i++)
        acc->sum += (uint32_t)v[i];
    return 1;
}

/* Seed 000's MyAsyncPipeFunc: pull all of in, push x + a for each, *b = count, reply = sum. */
static void peer_PipeEcho(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a,
                          ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int32_t *b)
{
    (void)hBinding;
    srv_ctx x;
    srv_setup(&x, pAsync, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    echo_acc acc;
    memset(&acc, 0, sizeof acc);
    RPC_STATUS st = srv_pull_all(&x, inpipe, echo_sink, &acc);
    if (st == RPC_S_OK) {
        for (uint32_t i = 0; i < acc.n; i++)
            acc.v[i] = (int32_t)((uint32_t)acc.v[i] + (uint32_t)a);
        st = srv_push_all(&x, outpipe, acc.v, acc.n);
    }
    if (st == RPC_S_OK)
        *b = (int32_t)acc.n;
    free(acc.v);
    srv_finish(&x, st, (int32_t)acc.sum, 0, 0);
}

static const FX_SERVER_EPV g_peer_epv = {peer_Add, peer_Sleep, peer_Fail,
                                         peer_PipeSum, peer_PipeRange, peer_PipeEcho};

SIM_HIDDEN const FX_SERVER_EPV *sim_peer_server_epv(void) { return &g_peer_epv; }

SIM_EXPORT const FX_SERVER_EPV *WINRPC_ENTRY fx_PeerEpv(void) { return &g_peer_epv; }

/* A binding handle from sim_peer_call_start's target: a string binding ("ncalrpc:[ep]",
 * "uuid@ncalrpc:[ep]"), or a bare name, which means ncalrpc:[name]. ASCII only. */
static RPC_STATUS peer_bind(const char *target, void **hb)
{
    char sb[PEER_EP_MAX + 16];
    if (strchr(target, ':') != NULL)
        snprintf(sb, sizeof sb, "%s", target);
    else
        snprintf(sb, sizeof sb, "ncalrpc:[%s]", target);
    uint16_t w[sizeof sb];
    size_t n = strlen(sb);
    for (size_t i = 0; i <= n; i++)
        w[i] = (unsigned char)sb[i];
    return RpcBindingFromStringBindingW(w, hb);
}

/* ---- the scripted client ------------------------------------------------------------------- */

typedef struct peer_call {
    struct peer_call *next;
    uint32_t id;
    SIM_PEER_CALL call;
    char endpoint[PEER_EP_MAX];
    int done;
    SIM_PEER_RESULT result;
} peer_call;

static pthread_mutex_t p_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t p_cv = PTHREAD_COND_INITIALIZER;
static peer_call *p_list;
static uint32_t p_next_id;

typedef struct cli_ctx {
    RPC_ASYNC_STATE *st;
    HANDLE hThread;
    uint32_t events;
    uint32_t notes;           /* notifications received, whatever their event */
    int complete;             /* RpcCallComplete received */
    uint64_t cancel_at;       /* UINT64_MAX: no cancel planned */
    int cancel_abortive;
    int cancelled;            /* RpcAsyncCancelCall was called */
    int abort_cancelled;      /* ... abortively */
    int gave_up;              /* stopped the pipes: cancelled, disconnected, or failed */
    int await_subscription;   /* SIM_PEER_CALL.interrupt_when_subscribed */
    uint32_t wait_ms;
    uint32_t recvs;           /* RpcReceiveComplete received (as the event says) */
} cli_ctx;

static void WINRPC_ENTRY cli_apc(PRPC_ASYNC_STATE pAsync, void *Context, RPC_ASYNC_EVENT Event)
{
    (void)Context;
    cli_ctx *x = pAsync->UserInfo;
    if ((unsigned)Event < 32u)
        x->events |= 1u << Event;
    x->notes++;
    if (Event == RpcCallComplete)
        x->complete = 1;
    else if (Event == RpcReceiveComplete)
        x->recvs++;
}

/* With interrupt_when_subscribed: waits alertably until the server side of the call has
 * subscribed to the kind (an RpcNotification* bit), has finished, or PEER_SUBSCRIBE_WAIT_MS
 * have passed. */
static void cli_await_subscription(cli_ctx *x, int kind)
{
    if (!x->await_subscription)
        return;
    uint64_t deadline = sim_now_ms() + PEER_SUBSCRIBE_WAIT_MS;
    for (;;) {
        int subs = sim_server_subscriptions(x->st);
        if (subs < 0 || (subs & kind) != 0 || sim_now_ms() >= deadline)
            return;
        SleepEx(1, 1);
    }
}

/* Makes the planned cancel once its time has come (the pipe state page: "To fail: go to Can"). */
static void cli_cancel_due(cli_ctx *x)
{
    if (x->cancelled || sim_now_ms() < x->cancel_at)
        return;
    cli_await_subscription(x, RpcNotificationCallCancel);
    x->cancelled = 1;
    x->abort_cancelled = x->cancel_abortive != 0;
    x->gave_up = 1;
    RpcAsyncCancelCall(x->st, x->cancel_abortive != 0);
}

/* Gives up on the call's pipes after a notification did not come: an abortive cancel. */
static void cli_give_up(cli_ctx *x)
{
    x->gave_up = 1;
    if (!x->abort_cancelled) {
        x->cancelled = 1;
        x->abort_cancelled = 1;
        RpcAsyncCancelCall(x->st, 1);
    }
}

/* Waits alertably until *counter differs from seen (1), or the call completes (with
 * stop_on_complete), a planned cancel happens, or the wait times out (0; on a timeout the
 * client gives up). */
static int cli_wait(cli_ctx *x, const uint32_t *counter, uint32_t seen, int stop_on_complete)
{
    uint64_t deadline = sim_now_ms() + x->wait_ms;
    for (;;) {
        if (*counter != seen)
            return 1;
        cli_cancel_due(x);
        if ((stop_on_complete && x->complete) || x->gave_up)
            return 0;
        uint64_t now = sim_now_ms();
        if (now >= deadline) {
            cli_give_up(x);
            return 0;
        }
        uint64_t until = deadline;
        if (x->cancel_at < until)
            until = x->cancel_at > now ? x->cancel_at : now;
        uint64_t left = until - now;
        SleepEx(left < PEER_POLL_MS ? (DWORD)left : PEER_POLL_MS, 1);
    }
}

/* Seed 002's WComp: waits for RpcCallComplete; polls RpcAsyncGetCallStatus in case the
 * notification was dropped. No timeout: a server may take as long as it likes. */
static void cli_wait_complete(cli_ctx *x)
{
    uint64_t grace_until = 0;
    for (;;) {
        cli_cancel_due(x);
        if (x->complete)
            return;
        uint64_t now = sim_now_ms();
        if (RpcAsyncGetCallStatus(x->st) != RPC_S_ASYNC_CALL_PENDING) {
            if (grace_until == 0)
                grace_until = now + PEER_COMPLETE_GRACE_MS;
            else if (now >= grace_until)
                return;
        }
        uint64_t left = PEER_POLL_MS;
        if (x->cancel_at > now && x->cancel_at - now < left)
            left = x->cancel_at - now;
        SleepEx((DWORD)left, 1);
    }
}

static void cli_disconnect(cli_ctx *x)
{
    x->gave_up = 1;
    cli_await_subscription(x, RpcNotificationClientDisconnect);
    sim_client_disconnect(x->st);
}

static void client_main(void *ctx)
{
    peer_call *pc = ctx;
    const SIM_PEER_CALL *call = &pc->call;
    SIM_PEER_RESULT res;
    memset(&res, 0, sizeof res);
    RPC_ASYNC_STATE st;
    memset(&st, 0, sizeof st);
    cli_ctx x;
    memset(&x, 0, sizeof x);
    x.st = &st;
    x.cancel_at = UINT64_MAX;
    void *hb = NULL;
    ASYNC_INTPIPE in, out;
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    int32_t out_b = 0;
    int32_t *buf = NULL;
    int has_in = call->op == SIM_OP_PIPE_SUM || call->op == SIM_OP_PIPE_ECHO;
    int has_out = call->op == SIM_OP_PIPE_RANGE || call->op == SIM_OP_PIPE_ECHO;
    int in_ended = !has_in; /* the null push was made: the out pipe may be pulled */

    x.hThread = OpenThread(WINRPC_THREAD_SET_CONTEXT | 0x00100000u /* SYNCHRONIZE */, 0,
                           GetCurrentThreadId());
    RPC_STATUS s = RpcAsyncInitializeHandle(&st, sizeof st);
    if (s != RPC_S_OK) {
        res.status = s;
        goto done;
    }
    st.UserInfo = &x;
    st.Flags = WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE;
    if (x.hThread != NULL) {
        st.u.APC.NotificationRoutine = cli_apc;
        st.u.APC.hThread = x.hThread;
        st.NotificationType = RpcNotificationTypeApc;
    }
    s = peer_bind(pc->endpoint, &hb);
    if (s != RPC_S_OK) {
        res.status = s;
        goto done;
    }
    buf = malloc(FX_CHUNK_ELEMENTS * sizeof *buf > call->in_chunk_elements * sizeof *buf
                     ? FX_CHUNK_ELEMENTS * sizeof *buf
                     : call->in_chunk_elements * sizeof *buf);
    if (buf == NULL) {
        res.status = RPC_S_CALL_FAILED;
        goto done;
    }

    uint64_t start = sim_now_ms();
    switch (call->op) {
    case SIM_OP_ADD: s = fx_Add(&st, hb, call->a, call->b); break;
    case SIM_OP_SLEEP: s = fx_Sleep(&st, hb, call->ms_or_code); break;
    case SIM_OP_FAIL: s = fx_Fail(&st, hb, call->ms_or_code); break;
    case SIM_OP_PIPE_SUM: s = fx_PipeSum(&st, hb, &in); break;
    case SIM_OP_PIPE_RANGE: s = fx_PipeRange(&st, hb, call->a, call->b, &out); break;
    default: s = fx_PipeEcho(&st, hb, call->a, &in, &out, &out_b); break;
    }
    if (s != RPC_S_OK) {
        res.status = s; /* the pipe state page: on exception go to End */
        goto done;
    }
    SIM_FAULT_PLAN plan;
    sim_rng rng;
    sim_call_fault_plan(&st, PEER_STREAM_CLIENT, &plan, &rng);
    x.wait_ms = peer_wait_ms(&plan);
    if (call->cancel_after_ms >= 0)
        x.cancel_at = start + (uint64_t)call->cancel_after_ms;
    x.cancel_abortive = call->cancel_abortive;
    x.await_subscription = call->interrupt_when_subscribed != 0;

    /* The in pipe: chunks of values 0, 1, 2, ..., each followed by the wait for its send. */
    if (has_in) {
        int32_t value = 0;
        uint32_t chunks = call->in_chunk_elements != 0 ? call->in_chunks : 0;
        for (uint32_t i = 0; i < chunks && !x.gave_up; i++) {
            if (call->disconnect_after_chunks >= 0 && (uint32_t)call->disconnect_after_chunks == i) {
                cli_disconnect(&x);
                break;
            }
            cli_cancel_due(&x);
            if (x.gave_up || x.complete)
                break;
            for (uint32_t j = 0; j < call->in_chunk_elements; j++)
                buf[j] = value++;
            /* Any notification counts as the send's: its event is a hint (APC_EVENT_AT_RUN),
             * one notification may cover several sends (COLLAPSE_SEND_COMPLETES), and one may
             * come for the request itself (INITIAL_SEND_COMPLETE); pushing again before a
             * send completed is allowed. */
            uint32_t seen = x.notes;
            if (in.push(in.state, buf, call->in_chunk_elements) != RPC_S_OK) {
                /* the pipe state page: on failure go to End (here: complete the call) */
                x.gave_up = 1;
                break;
            }
            if (sim_rng_chance(&rng, plan.disconnect_ppm)) {
                cli_disconnect(&x);
                break;
            }
            if (!cli_wait(&x, &x.notes, seen, 1))
                break;
        }
        if (!x.gave_up && !x.complete && call->disconnect_after_chunks >= 0 &&
            (uint32_t)call->disconnect_after_chunks >= chunks)
            cli_disconnect(&x);
        cli_cancel_due(&x);
        if (!x.gave_up && !x.complete) {
            if (in.push(in.state, NULL, 0) != RPC_S_OK)
                x.gave_up = 1;
            else
                in_ended = 1;
        }
    } else if (call->disconnect_after_chunks >= 0) {
        cli_disconnect(&x);
    }

    /* The out pipe, to its end, even after RpcCallComplete: under CALL_COMPLETE_BEFORE_DRAIN a
     * successful call completes before its data is pulled, and completing before the end would
     * lose it; after a failure the next pull fails. A pending pull waits for RpcReceiveComplete;
     * under APC_EVENT_AT_RUN, where an APC passes the latest event issued rather than its own,
     * for any notification (the runtime lets a pull after one pend again). Not before the in
     * pipe's null push: a call that ended while the client was still sending is not pulled. */
    const uint32_t *pull_counter =
        (sim_call_behaviours(&st) & SIM_BEHAVIOUR_APC_EVENT_AT_RUN) != 0 ? &x.notes : &x.recvs;
    if (has_out && in_ended) {
        while (!x.gave_up) {
            cli_cancel_due(&x);
            if (x.gave_up)
                break;
            uint32_t n = 0;
            uint32_t seen = *pull_counter;
            s = out.pull(out.state, buf, FX_CHUNK_ELEMENTS, &n);
            if (s == RPC_S_OK && n == 0)
                break; /* the end */
            if (s == RPC_S_OK) {
                res.out_elements += n;
                for (uint32_t j = 0; j < n; j++)
                    res.out_sum += buf[j];
                if (sim_rng_chance(&rng, plan.disconnect_ppm))
                    cli_disconnect(&x);
            } else if (s == RPC_S_ASYNC_CALL_PENDING) {
                if (!cli_wait(&x, pull_counter, seen, 0))
                    break;
            } else {
                x.gave_up = 1;
            }
        }
    }

    /* Seed 002: WComp, then Comp. */
    for (;;) {
        cli_wait_complete(&x);
        int32_t reply = 0;
        s = RpcAsyncCompleteCall(&st, &reply);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            x.complete = 0;
            continue;
        }
        res.status = s;
        if (s == RPC_S_OK) {
            res.reply = reply;
            res.out_b = out_b;
        }
        break;
    }

done:
    res.events_seen = x.events;
    free(buf);
    if (hb != NULL)
        RpcBindingFree(&hb);
    if (x.hThread != NULL)
        CloseHandle(x.hThread);
    pthread_mutex_lock(&p_mu);
    pc->result = res;
    pc->done = 1;
    pthread_cond_broadcast(&p_cv);
    pthread_mutex_unlock(&p_mu);
}

SIM_EXPORT uint32_t sim_peer_call_start(const char *endpoint /* or a string binding */,
                                         const SIM_PEER_CALL *call)
{
    if (endpoint == NULL || call == NULL || call->op > SIM_OP_PIPE_ECHO ||
        strlen(endpoint) >= PEER_EP_MAX || call->in_chunk_elements > PEER_MAX_CHUNK_ELEMENTS)
        return 0;
    peer_call *pc = calloc(1, sizeof *pc);
    if (pc == NULL)
        return 0;
    pc->call = *call;
    memcpy(pc->endpoint, endpoint, strlen(endpoint) + 1);
    pthread_mutex_lock(&p_mu);
    if (++p_next_id == 0)
        p_next_id = 1;
    pc->id = p_next_id;
    pc->next = p_list;
    p_list = pc;
    pthread_mutex_unlock(&p_mu);
    if (sim_spawn(client_main, pc) != 0) {
        pthread_mutex_lock(&p_mu);
        for (peer_call **pp = &p_list; *pp != NULL; pp = &(*pp)->next)
            if (*pp == pc) {
                *pp = pc->next;
                break;
            }
        pthread_mutex_unlock(&p_mu);
        free(pc);
        return 0;
    }
    return pc->id;
}

/* Waits for the call; on success fills *result and forgets the call (a second wait for the
 * same id returns 0). */
SIM_EXPORT int32_t sim_peer_call_wait(uint32_t id, uint32_t timeout_ms, SIM_PEER_RESULT *result)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(timeout_ms / 1000u);
    until.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p_mu);
    peer_call *pc = NULL;
    for (;;) {
        peer_call **pp;
        for (pp = &p_list; *pp != NULL && (*pp)->id != id; pp = &(*pp)->next) {
        }
        pc = *pp;
        if (pc == NULL)
            break;
        if (pc->done) {
            *pp = pc->next;
            break;
        }
        if (timeout_ms != SIM_INFINITE &&
            pthread_cond_timedwait(&p_cv, &p_mu, &until) == ETIMEDOUT) {
            pc = NULL;
            /* one more look: it may have finished right at the deadline */
            for (pp = &p_list; *pp != NULL && (*pp)->id != id; pp = &(*pp)->next) {
            }
            if (*pp != NULL && (*pp)->done) {
                pc = *pp;
                *pp = pc->next;
            }
            break;
        }
        if (timeout_ms == SIM_INFINITE)
            pthread_cond_wait(&p_cv, &p_mu);
    }
    pthread_mutex_unlock(&p_mu);
    if (pc == NULL)
        return 0;
    if (result != NULL)
        *result = pc->result;
    free(pc);
    return 1;
}
