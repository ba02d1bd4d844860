/*
 * test_rpc.c - scenario tests of the simulator's rpcrt4 part (sim_rpc_*.c, sim_peer.c), through
 * the library's exports only: the same surface JNA sees.
 *
 * Every scenario ends with end_clean() (legitimate scenarios: counters back to zero after
 * sim_quiesce, the oracle empty) or end_misuse() (scenarios that commit misuse on purpose: the
 * oracle holds exactly the expected kinds).
 *
 * A server hears its client's cancel or disconnect only through RpcServerSubscribeForNotification:
 * the test's own C server subscribes (APC, or Event for Sleep), and unsubscribes, waiting for
 * what the runtime says it queued, before it completes; MODE_NO_SUBSCRIBE leaves that out.
 */
#include "winrpcsim.h"
#include "test_assert.h"
#include "test_fixture.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define THREAD_SET_CONTEXT 0x0010u
#define SYNCHRONIZE 0x00100000u
#define TEST_EP "test-srv"

/* ---- helpers --------------------------------------------------------------------------------- */

/* A legitimate scenario: nothing left, nothing recorded. */
static void end_clean(void)
{
    tfx_counters_zero();
    tfx_no_misuse();
    sim_reset();
}

/* The oracle holds exactly these kinds, in any order. */
static void expect_misuses(const int *kinds, int n)
{
    int count = sim_misuse_count();
    int ok = count == n;
    int used[64] = {0};
    for (int i = 0; ok && i < count && i < 64; i++) {
        int kind = sim_misuse_get(i, NULL, 0);
        int found = 0;
        for (int j = 0; j < n; j++)
            if (!used[j] && kinds[j] == kind) {
                used[j] = 1;
                found = 1;
                break;
            }
        ok = found;
    }
    if (!ok) {
        fprintf(stderr, "    expected %d misuse(s):", n);
        for (int j = 0; j < n; j++)
            fprintf(stderr, " %d", kinds[j]);
        fprintf(stderr, "\n");
        tfx_dump_misuses();
    }
    CHECK(ok);
    sim_misuse_clear();
}

#define EXPECT_MISUSES(...)                                                                   \
    do {                                                                                      \
        static const int k_[] = {__VA_ARGS__};                                                \
        expect_misuses(k_, (int)(sizeof k_ / sizeof k_[0]));                                  \
    } while (0)

static void end_misuse(void)
{
    tfx_counters_zero();
    tfx_no_misuse();
    sim_reset();
}

static void init_state(RPC_ASYNC_STATE *st)
{
    memset(st, 0, sizeof *st);
    REQUIRE(RpcAsyncInitializeHandle(st, sizeof *st) == RPC_S_OK);
}

static void *bind_to(const char *ep)
{
    void *hb = NULL;
    REQUIRE(tfx_bind(ep, &hb) == RPC_S_OK);
    REQUIRE(hb != NULL);
    return hb;
}

static void unbind(void **hb) { CHECK_EQ(tfx_unbind(hb), RPC_S_OK); }

/* A real handle to the calling thread, usable as an APC target. */
static HANDLE my_thread(void)
{
    HANDLE h = OpenThread(THREAD_SET_CONTEXT | SYNCHRONIZE, 0, GetCurrentThreadId());
    REQUIRE(h != NULL);
    return h;
}

/* Polls RpcAsyncGetCallStatus until it is not pending (NotificationType None). */
static RPC_STATUS poll_status(RPC_ASYNC_STATE *st, unsigned timeout_ms)
{
    uint64_t end = ta_now_ms() + timeout_ms;
    RPC_STATUS s;
    while ((s = RpcAsyncGetCallStatus(st)) == RPC_S_ASYNC_CALL_PENDING && ta_now_ms() < end)
        ta_sleep_ms(2);
    return s;
}

/* Waits until the oracle holds at least n entries. */
static void wait_misuses(int n, unsigned timeout_ms)
{
    uint64_t end = ta_now_ms() + timeout_ms;
    while (sim_misuse_count() < n && ta_now_ms() < end)
        ta_sleep_ms(2);
}

/* ---- a client that takes APC notifications on its own thread ----------------------------- */

typedef struct cli {
    RPC_ASYNC_STATE st;
    HANDLE th;
    uint32_t sends, recvs, completes, calls;
    uint32_t events;
    DWORD tid;            /* the thread the routine ran on */
    int ctx_not_null;
    RPC_ASYNC_EVENT last_event;
    RPC_ASYNC_EVENT field_event; /* pAsync->Event as the routine saw it */
} cli;

static void WINRPC_ENTRY cli_routine(PRPC_ASYNC_STATE p, void *ctx, RPC_ASYNC_EVENT ev)
{
    cli *c = p->UserInfo;
    c->calls++;
    c->events |= 1u << ev;
    c->tid = GetCurrentThreadId();
    c->ctx_not_null |= ctx != NULL;
    c->last_event = ev;
    c->field_event = p->Event;
    if (ev == RpcSendComplete)
        c->sends++;
    else if (ev == RpcReceiveComplete)
        c->recvs++;
    else if (ev == RpcCallComplete)
        c->completes++;
}

static void cli_init(cli *c, uint32_t flags)
{
    memset(c, 0, sizeof *c);
    init_state(&c->st);
    c->th = my_thread();
    c->st.UserInfo = c;
    c->st.Flags = flags;
    c->st.NotificationType = RpcNotificationTypeApc;
    c->st.u.APC.NotificationRoutine = cli_routine;
    c->st.u.APC.hThread = c->th;
}

static void cli_close(cli *c) { CHECK(CloseHandle(c->th)); }

/* Waits alertably until *counter changes from seen; 1 if it did. */
static int cli_wait(cli *c, const uint32_t *counter, uint32_t seen, unsigned timeout_ms)
{
    (void)c;
    uint64_t end = ta_now_ms() + timeout_ms;
    while (*counter == seen) {
        uint64_t now = ta_now_ms();
        if (now >= end)
            return 0;
        SleepEx((DWORD)(end - now), 1);
    }
    return 1;
}

/* Completes the call after its RpcCallComplete. */
static RPC_STATUS cli_complete(cli *c, int32_t *reply)
{
    CHECK(cli_wait(c, &c->completes, 0, 10000));
    return RpcAsyncCompleteCall(&c->st, reply);
}

/* ---- the test's own C server (registered with RpcServerRegisterIf3: tfx_serve) ------------- */

enum { MODE_NORMAL = 0, MODE_GATED, MODE_SERVER_MISUSE, MODE_PIPE_MISUSE, MODE_NO_SUBSCRIBE,
       MODE_SUB_VALIDATE, MODE_LAB };

static _Atomic int g_mode;
static ta_latch g_gate = TA_LATCH_INIT;
static ta_latch g_server_pending = TA_LATCH_INIT; /* MODE_GATED: a server pull was pending */
static _Atomic uint32_t g_srv_events;          /* bits of events the server saw */
static _Atomic int32_t g_srv_status[32];       /* statuses the misuse modes collected */
static _Atomic int32_t g_srv_final;            /* what the server's final call returned */
static _Atomic int g_srv_pull_failure;         /* the status of a pipe failure it saw */
static _Atomic uint32_t g_srv_queued[2];       /* NotificationsQueued: [0] disconnect, [1] cancel */
static _Atomic uint32_t g_srv_received[2];     /* ... and how many of those the server received */
static _Atomic int32_t g_srv_sub_status;       /* what its RpcServerSubscribeForNotification said */
static _Atomic int32_t g_srv_status_subscribed;/* RpcAsyncGetCallStatus right after subscribing */
static _Atomic int32_t g_srv_event_field;      /* the state's Event field at the server's end */
static _Atomic int32_t g_srv_order[8];         /* the first events its APC routine ran, in order */
static _Atomic uint32_t g_srv_norder;

/* The RPC_NOTIFICATIONS bit of a subscription kind index: 0 disconnect, 1 cancel. */
static uint32_t kind_bit(int k)
{
    return k == 1 ? (uint32_t)RpcNotificationCallCancel : (uint32_t)RpcNotificationClientDisconnect;
}

typedef struct srv {
    PRPC_ASYNC_STATE p;
    HANDLE th;
    uint32_t sends, recvs;
    uint32_t received[2]; /* subscription notifications: [0] disconnect, [1] cancel */
    int subscribed;
    int stop; /* cancel or disconnect seen */
} srv;

static void WINRPC_ENTRY srv_routine(PRPC_ASYNC_STATE p, void *ctx, RPC_ASYNC_EVENT ev)
{
    CHECK(ctx == NULL);
    srv *s = p->UserInfo;
    atomic_fetch_or(&g_srv_events, 1u << ev);
    uint32_t i = atomic_fetch_add(&g_srv_norder, 1);
    if (i < 8)
        atomic_store(&g_srv_order[i], (int32_t)ev);
    if (ev == RpcSendComplete)
        s->sends++;
    else if (ev == RpcReceiveComplete)
        s->recvs++;
    else if (ev == RpcClientCancel || ev == RpcClientDisconnect) {
        s->received[ev == RpcClientCancel]++;
        s->stop = 1;
    }
}

/* APC notifications to the server's own thread; then, unless MODE_NO_SUBSCRIBE, a subscription
 * to both kinds, in one call, by APC to the same routine and thread, with the call's handle. */
static void srv_init(srv *s, PRPC_ASYNC_STATE p, int do_register)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    s->th = my_thread();
    p->UserInfo = s;
    p->Flags = WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE;
    p->u.APC.NotificationRoutine = srv_routine;
    p->u.APC.hThread = s->th;
    p->NotificationType = RpcNotificationTypeApc;
    if (do_register)
        CHECK_EQ(RpcAsyncRegisterInfo(p), RPC_S_OK);
    if (atomic_load(&g_mode) == MODE_NO_SUBSCRIBE)
        return;
    RPC_ASYNC_NOTIFICATION_INFO info;
    memset(&info, 0, sizeof info);
    info.APC.NotificationRoutine = srv_routine;
    info.APC.hThread = s->th;
    RPC_STATUS st = RpcServerSubscribeForNotification(
        RpcAsyncGetCallHandle(p),
        (uint32_t)RpcNotificationClientDisconnect | (uint32_t)RpcNotificationCallCancel,
        RpcNotificationTypeApc, &info);
    atomic_store(&g_srv_sub_status, st);
    s->subscribed = st == RPC_S_OK;
    atomic_store(&g_srv_status_subscribed, RpcAsyncGetCallStatus(p));
}

/* Unsubscribes both kinds and waits (alertably) for the notifications the runtime says it
 * queued: they come after the unsubscription too, and the target thread handle must live until
 * then. */
static void srv_unsubscribe(srv *s)
{
    if (!s->subscribed)
        return;
    s->subscribed = 0;
    uint32_t q[2] = {99, 99};
    for (int k = 0; k < 2; k++) {
        CHECK_EQ(RpcServerUnsubscribeForNotification(RpcAsyncGetCallHandle(s->p),
                                                     (RPC_NOTIFICATIONS)kind_bit(k), &q[k]),
                 RPC_S_OK);
        atomic_store(&g_srv_queued[k], q[k]);
    }
    uint64_t end = ta_now_ms() + 10000;
    while ((s->received[0] < q[0] || s->received[1] < q[1]) && ta_now_ms() < end)
        SleepEx(20, 1);
    CHECK_EQ(s->received[0], q[0]);
    CHECK_EQ(s->received[1], q[1]);
    for (int k = 0; k < 2; k++)
        atomic_store(&g_srv_received[k], s->received[k]);
}

/* Waits for *counter to change. A pull's wait ignores cancels and disconnects: the runtime
 * wakes a pending pull when the call fails, and the next pull says so. A push's wait stops on
 * them (a send of a failed call never completes). */
static int srv_wait(srv *s, const uint32_t *counter, uint32_t seen, int honour_stop)
{
    uint64_t end = ta_now_ms() + 10000;
    while (*counter == seen && !(honour_stop && s->stop)) {
        uint64_t now = ta_now_ms();
        if (now >= end)
            return 0;
        SleepEx(50, 1);
    }
    return *counter != seen;
}

/* Pulls all of in into *out (malloc'd); RPC_S_OK or the failure. */
static RPC_STATUS srv_pull_all(srv *s, ASYNC_INTPIPE *in, int32_t **out, uint32_t *n_out)
{
    uint32_t cap = 1024, n = 0;
    int32_t *v = malloc(cap * sizeof *v);
    REQUIRE(v != NULL);
    for (;;) {
        int32_t buf[300];
        uint32_t got = 0;
        uint32_t seen = s->recvs;
        RPC_STATUS st = in->pull(in->state, buf, 300, &got);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            if (atomic_load(&g_mode) == MODE_GATED)
                ta_latch_open(&g_server_pending);
            if (!srv_wait(s, &s->recvs, seen, 0)) {
                free(v);
                return RPC_S_CALL_CANCELLED;
            }
            continue;
        }
        if (st != RPC_S_OK) {
            free(v);
            return st;
        }
        if (got == 0)
            break;
        if (n + got > cap) {
            cap = 2 * (n + got);
            v = realloc(v, cap * sizeof *v);
            REQUIRE(v != NULL);
        }
        memcpy(v + n, buf, got * sizeof *buf);
        n += got;
    }
    *out = v;
    *n_out = n;
    return RPC_S_OK;
}

static RPC_STATUS srv_push_wait(srv *s, ASYNC_INTPIPE *out, int32_t *v, uint32_t n)
{
    uint32_t seen = s->sends;
    RPC_STATUS st = out->push(out->state, v, n);
    if (st != RPC_S_OK)
        return st;
    return srv_wait(s, &s->sends, seen, 1) ? RPC_S_OK : RPC_S_CALL_CANCELLED;
}

static void srv_end(srv *s, RPC_STATUS failure, int32_t reply)
{
    srv_unsubscribe(s);
    atomic_store(&g_srv_event_field, (int32_t)s->p->Event);
    RPC_STATUS r;
    if (failure != RPC_S_OK)
        r = RpcAsyncAbortCall(s->p, (uint32_t)failure);
    else
        r = RpcAsyncCompleteCall(s->p, &reply);
    atomic_store(&g_srv_final, r);
    CHECK(CloseHandle(s->th));
}

/* ---- subscriptions: the validation server and the "lab" -------------------------------------- */

static void WINRPC_ENTRY noop_routine(PRPC_ASYNC_STATE p, void *ctx, RPC_ASYNC_EVENT ev)
{
    (void)p;
    (void)ctx;
    (void)ev;
}

static void *volatile g_sub_handle; /* MODE_SUB_VALIDATE: the call handle of the server call */

/* MODE_SUB_VALIDATE (Add, on the dispatch thread): every argument rule of
 * RpcServerSubscribeForNotification and RpcServerUnsubscribeForNotification; statuses go to
 * g_srv_status[i], NotificationsQueued values and counters to the slots named below. */
static void sub_validate(PRPC_ASYNC_STATE p, int32_t reply)
{
    void *h = RpcAsyncGetCallHandle(p);
    g_sub_handle = h;
    HANDLE th = my_thread();
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(ev != NULL && port != NULL);
    RPC_ASYNC_NOTIFICATION_INFO apc, evi, ioc, noroutine;
    memset(&apc, 0, sizeof apc);
    apc.APC.NotificationRoutine = noop_routine;
    apc.APC.hThread = th;
    memset(&evi, 0, sizeof evi);
    evi.hEvent = ev;
    memset(&ioc, 0, sizeof ioc);
    ioc.IOC.hIOPort = port;
    noroutine = apc;
    noroutine.APC.NotificationRoutine = NULL;
    const uint32_t cancel = RpcNotificationCallCancel, disc = RpcNotificationClientDisconnect;
    uint32_t q = 0;
    int i = 0;
#define ST(x) atomic_store(&g_srv_status[i++], (int32_t)(x))
    ST(RpcServerSubscribeForNotification(NULL, cancel, RpcNotificationTypeApc, &apc));     /* 0 */
    ST(RpcServerSubscribeForNotification(h, cancel, RpcNotificationTypeApc, &apc));        /* 1 */
    q = 77;
    ST(RpcServerUnsubscribeForNotification(NULL, RpcNotificationCallCancel, &q));           /* 2 */
    ST(q);                                                                                  /* 3 */
    ST(RpcServerSubscribeForNotification(h, 0, RpcNotificationTypeApc, &apc));             /* 4 */
    ST(RpcServerSubscribeForNotification(h, 4, RpcNotificationTypeApc, &apc));             /* 5 */
    ST(RpcServerSubscribeForNotification(h, cancel | 4, RpcNotificationTypeApc, &apc));    /* 6 */
    ST(RpcServerSubscribeForNotification(h, cancel, RpcNotificationTypeNone, &apc));       /* 7 */
    ST(RpcServerSubscribeForNotification(h, cancel, RpcNotificationTypeHwnd, &apc));       /* 8 */
    ST(RpcServerSubscribeForNotification(h, cancel, (RPC_NOTIFICATION_TYPES)9, &apc));     /* 9 */
    ST(RpcServerSubscribeForNotification(h, cancel | disc, RpcNotificationTypeEvent, &evi)); /* 10 */
    ST(RpcServerSubscribeForNotification(h, cancel, RpcNotificationTypeApc, NULL));        /* 11 */
    ST(RpcServerSubscribeForNotification(h, cancel, RpcNotificationTypeApc, &noroutine));  /* 12 */
    ST(RpcServerSubscribeForNotification((void *)&q, cancel, RpcNotificationTypeApc, &apc)); /* 13 */
    ST(RpcServerSubscribeForNotification(h, cancel | disc, RpcNotificationTypeIoc, &ioc)); /* 14 */
    ST(sim_counter(SIM_COUNT_SUBSCRIPTIONS));                                               /* 15 */
    q = 77;
    ST(RpcServerUnsubscribeForNotification(h, (RPC_NOTIFICATIONS)(cancel | disc), &q));    /* 16 */
    ST(q);                                                                                  /* 17 */
    ST(RpcServerUnsubscribeForNotification(h, RpcNotificationCallNone, &q));               /* 18 */
    ST(RpcServerUnsubscribeForNotification(h, RpcNotificationCallCancel, NULL));           /* 19 */
    ST(RpcServerUnsubscribeForNotification(h, RpcNotificationCallCancel, &q));             /* 20 */
    ST(RpcServerUnsubscribeForNotification(h, RpcNotificationCallCancel, &q));             /* 21 */
    ST(RpcServerUnsubscribeForNotification(h, RpcNotificationClientDisconnect, &q));       /* 22 */
    ST(sim_counter(SIM_COUNT_SUBSCRIPTIONS));                                               /* 23 */
    /* Events: one call per kind (the event may even be shared). */
    ST(RpcServerSubscribeForNotification(h, cancel, RpcNotificationTypeEvent, &evi));      /* 24 */
    ST(RpcServerSubscribeForNotification(h, disc, RpcNotificationTypeEvent, &evi));        /* 25 */
    ST(RpcServerUnsubscribeForNotification(h, RpcNotificationCallCancel, &q));             /* 26 */
    ST(RpcServerUnsubscribeForNotification(h, RpcNotificationClientDisconnect, &q));       /* 27 */
    ST(RpcAsyncCompleteCall(p, &reply));                                                    /* 28 */
    /* After the final completion: no call to subscribe (NULL still names it here). */
    ST(RpcServerSubscribeForNotification(h, cancel, RpcNotificationTypeApc, &apc));        /* 29 */
    ST(RpcServerUnsubscribeForNotification(NULL, RpcNotificationCallCancel, &q));          /* 30 */
#undef ST
    CHECK(CloseHandle(th));
    CHECK(CloseHandle(ev));
    CHECK(CloseHandle(port));
}

/* MODE_LAB (PipeSum): the test sets what to subscribe, drives the client from its own thread,
 * and watches the deliveries; the server reports what it got back. */
typedef struct lab {
    /* set by the test */
    uint32_t kinds;                       /* RpcNotification* bits to subscribe */
    RPC_NOTIFICATION_TYPES type;
    RPC_ASYNC_NOTIFICATION_INFO info[2];  /* [0] disconnect, [1] cancel (one call: info[1]) */
    int one_call;                         /* both kinds in one call (not for Event) */
    int unsubscribe_at_once;              /* negative control: unsubscribe before the client acts */
    int complete_subscribed;              /* misuse: end the call without unsubscribing */
    int use_complete;                     /* end it with RpcAsyncCompleteCall, not Abort */
    /* filled by the server */
    PRPC_ASYNC_STATE p;
    RPC_STATUS sub_status[2];
    RPC_STATUS unsub_status[2];
    uint32_t queued[2];
    int64_t subscriptions;                /* SIM_COUNT_SUBSCRIPTIONS once subscribed */
    RPC_STATUS status_at_end;             /* RpcAsyncGetCallStatus before the abort */
    int32_t event_field;                  /* p->Event before the abort */
    RPC_STATUS final;
    ta_latch subscribed, acted, finished;
} lab;

static lab g_lab;

static void lab_reset(void)
{
    memset(&g_lab, 0, sizeof g_lab);
    pthread_mutex_init(&g_lab.subscribed.mu, NULL);
    pthread_cond_init(&g_lab.subscribed.cv, NULL);
    pthread_mutex_init(&g_lab.acted.mu, NULL);
    pthread_cond_init(&g_lab.acted.cv, NULL);
    pthread_mutex_init(&g_lab.finished.mu, NULL);
    pthread_cond_init(&g_lab.finished.cv, NULL);
    for (int k = 0; k < 2; k++) {
        g_lab.sub_status[k] = g_lab.unsub_status[k] = -1;
        g_lab.queued[k] = 99;
    }
}

static void lab_serve(PRPC_ASYNC_STATE p)
{
    lab *L = &g_lab;
    L->p = p;
    void *h = RpcAsyncGetCallHandle(p);
    for (int k = 0; k < 2; k++) {
        if (L->one_call && k == 0)
            continue;
        uint32_t bits = L->one_call ? L->kinds : (L->kinds & kind_bit(k));
        if (bits == 0)
            continue;
        RPC_ASYNC_NOTIFICATION_INFO copy = L->info[k];
        L->sub_status[k] = RpcServerSubscribeForNotification(h, bits, L->type, &copy);
        memset(&copy, 0xEE, sizeof copy); /* the runtime has its own copy */
    }
    L->subscriptions = sim_counter(SIM_COUNT_SUBSCRIPTIONS);
    if (L->unsubscribe_at_once)
        for (int k = 0; k < 2; k++)
            if (L->kinds & kind_bit(k))
                L->unsub_status[k] = RpcServerUnsubscribeForNotification(
                    h, (RPC_NOTIFICATIONS)kind_bit(k), &L->queued[k]);
    ta_latch_open(&L->subscribed);
    ta_latch_wait(&L->acted);
    if (!L->unsubscribe_at_once && !L->complete_subscribed)
        for (int k = 0; k < 2; k++)
            if (L->kinds & kind_bit(k))
                L->unsub_status[k] = RpcServerUnsubscribeForNotification(
                    h, (RPC_NOTIFICATIONS)kind_bit(k), &L->queued[k]);
    L->status_at_end = RpcAsyncGetCallStatus(p);
    L->event_field = (int32_t)p->Event;
    int32_t reply = 7;
    L->final = L->use_complete ? RpcAsyncCompleteCall(p, &reply)
                               : RpcAsyncAbortCall(p, RPC_S_CALL_CANCELLED);
    ta_latch_open(&L->finished);
}

static void t_Add(PRPC_ASYNC_STATE p, void *hb, int32_t a, int32_t b)
{
    CHECK(hb != NULL);
    if (atomic_load(&g_mode) == MODE_SUB_VALIDATE) {
        sub_validate(p, a + b);
        return;
    }
    if (atomic_load(&g_mode) == MODE_SERVER_MISUSE) {
        /* Cancel is client only; abort twice; complete after the abort; use after. */
        atomic_store(&g_srv_status[0], RpcAsyncCancelCall(p, 1));
        atomic_store(&g_srv_status[5], RpcAsyncAbortCall(p, 0)); /* no fault without a code */
        atomic_store(&g_srv_status[1], RpcAsyncAbortCall(p, 0x4242u));
        atomic_store(&g_srv_status[2], RpcAsyncAbortCall(p, 0x4242u));
        int32_t reply = 1;
        atomic_store(&g_srv_status[3], RpcAsyncCompleteCall(p, &reply));
        atomic_store(&g_srv_status[4], RpcAsyncGetCallStatus(p));
        return;
    }
    int32_t reply = a + b;
    atomic_store(&g_srv_final, RpcAsyncCompleteCall(p, &reply));
}

/* Waits for ms, or for its client's cancel or disconnect, which it hears through two Event
 * subscriptions (Microsoft: with events, one call per kind), each with an event of its own.
 * The state's own notification stays None: Sleep has no pipe. */
static void t_Sleep(PRPC_ASYNC_STATE p, void *hb, uint32_t ms)
{
    (void)hb;
    int subscribe = atomic_load(&g_mode) != MODE_NO_SUBSCRIBE;
    HANDLE ev[2]; /* [0] disconnect, [1] cancel; manual-reset: they stay signalled */
    for (int k = 0; k < 2; k++) {
        ev[k] = CreateEventW(NULL, 1, 0, NULL);
        REQUIRE(ev[k] != NULL);
        RPC_ASYNC_NOTIFICATION_INFO info;
        memset(&info, 0, sizeof info);
        info.hEvent = ev[k];
        if (subscribe)
            CHECK_EQ(RpcServerSubscribeForNotification(NULL /* the dispatch thread */,
                                                       kind_bit(k), RpcNotificationTypeEvent,
                                                       &info),
                     RPC_S_OK);
    }
    /* A client that went away before the subscription shows only in the call's status. */
    RPC_STATUS on = RpcAsyncGetCallStatus(p);
    atomic_store(&g_srv_status_subscribed, on);
    CHECK(on == RPC_S_ASYNC_CALL_PENDING || on == RPC_S_CALL_FAILED ||
          on == RPC_S_CALL_CANCELLED);
    RPC_STATUS failure = RPC_S_OK;
    if (on != RPC_S_ASYNC_CALL_PENDING) {
        failure = on;
    } else {
        DWORD w = WaitForMultipleObjects(2, ev, 0, ms);
        if (w == SIM_WAIT_OBJECT_0)
            failure = RPC_S_CALL_FAILED;
        else if (w == SIM_WAIT_OBJECT_0 + 1)
            failure = RPC_S_CALL_CANCELLED;
    }
    if (subscribe) {
        for (int k = 0; k < 2; k++) {
            uint32_t q = 99;
            CHECK_EQ(RpcServerUnsubscribeForNotification(NULL, (RPC_NOTIFICATIONS)kind_bit(k), &q),
                     RPC_S_OK);
            atomic_store(&g_srv_queued[k], q);
            /* Queued ones may still be on their way: wait for them before closing the event. */
            int got = WaitForSingleObject(ev[k], q > 0 ? 10000 : 0) == SIM_WAIT_OBJECT_0;
            CHECK_EQ((uint32_t)got, q);
            atomic_store(&g_srv_received[k], (uint32_t)got);
            if (got)
                atomic_fetch_or(&g_srv_events, 1u << (k == 1 ? RpcClientCancel : RpcClientDisconnect));
        }
    }
    /* Nothing wrote the state's Event field (the runtime does not, for a subscription). */
    atomic_store(&g_srv_event_field, (int32_t)p->Event);
    RPC_STATUS r;
    int32_t reply = (int32_t)ms;
    if (failure != RPC_S_OK)
        r = RpcAsyncAbortCall(p, (uint32_t)failure);
    else
        r = RpcAsyncCompleteCall(p, &reply);
    atomic_store(&g_srv_final, r);
    for (int k = 0; k < 2; k++)
        CHECK(CloseHandle(ev[k]));
}

static void t_Fail(PRPC_ASYNC_STATE p, void *hb, uint32_t code)
{
    (void)hb;
    atomic_store(&g_srv_final, RpcAsyncAbortCall(p, code));
}

static void t_PipeSum(PRPC_ASYNC_STATE p, void *hb, ASYNC_INTPIPE *in)
{
    (void)hb;
    (void)in;
    if (atomic_load(&g_mode) == MODE_LAB) {
        lab_serve(p);
        return;
    }
    srv s;
    srv_init(&s, p, 1);
    int32_t *v = NULL;
    uint32_t n = 0;
    RPC_STATUS st = srv_pull_all(&s, in, &v, &n);
    if (st != RPC_S_OK) {
        atomic_store(&g_srv_pull_failure, st);
        /* The pipe can fail before the notification saying why has run: give it time (none
         * comes to a server that did not subscribe). */
        uint64_t end = ta_now_ms() + (s.subscribed ? 5000 : 0);
        while (!s.stop && ta_now_ms() < end)
            SleepEx(20, 1);
    }
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += (uint32_t)v[i];
    free(v);
    srv_end(&s, st, (int32_t)sum);
}

static void t_PipeRange(PRPC_ASYNC_STATE p, void *hb, int32_t start, int32_t count,
                        ASYNC_INTPIPE *out)
{
    (void)hb;
    srv s;
    srv_init(&s, p, 0); /* NotificationType Apc without RegisterInfo */
    if (atomic_load(&g_mode) == MODE_GATED)
        ta_latch_wait(&g_gate);
    RPC_STATUS st = RPC_S_OK;
    int32_t buf[700];
    for (int32_t i = 0; st == RPC_S_OK && i < count; i += 700) {
        uint32_t k = (uint32_t)(count - i < 700 ? count - i : 700);
        for (uint32_t j = 0; j < k; j++)
            buf[j] = start + i + (int32_t)j;
        st = srv_push_wait(&s, out, buf, k);
    }
    if (st == RPC_S_OK)
        st = srv_push_wait(&s, out, NULL, 0);
    srv_end(&s, st, count);
}

static void t_PipeEcho(PRPC_ASYNC_STATE p, void *hb, int32_t a, ASYNC_INTPIPE *in,
                       ASYNC_INTPIPE *out, int32_t *b)
{
    (void)hb;
    srv s;
    srv_init(&s, p, 1);
    int misuse = atomic_load(&g_mode) == MODE_PIPE_MISUSE;
    int32_t one = 1, r = 0;
    uint32_t cnt = 0;
    if (misuse) {
        atomic_store(&g_srv_status[0], out->push(out->state, &one, 1)); /* before in's end */
        atomic_store(&g_srv_status[1], out->pull(out->state, &r, 1, &cnt)); /* wrong way */
        atomic_store(&g_srv_status[2], RpcAsyncCompleteCall(p, &r)); /* pipes unfinished */
        atomic_store(&g_srv_status[3], in->push(in->state, &one, 1)); /* wrong way */
    }
    int32_t *v = NULL;
    uint32_t n = 0;
    RPC_STATUS st = srv_pull_all(&s, in, &v, &n);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        sum += (uint32_t)v[i];
        v[i] += a;
    }
    if (misuse)
        atomic_store(&g_srv_status[4], in->pull(in->state, &r, 1, &cnt)); /* after the end */
    for (uint32_t i = 0; st == RPC_S_OK && i < n; i += 500)
        st = srv_push_wait(&s, out, v + i, n - i < 500 ? n - i : 500);
    if (st == RPC_S_OK)
        st = srv_push_wait(&s, out, NULL, 0);
    if (misuse)
        atomic_store(&g_srv_status[5], out->push(out->state, &one, 1)); /* after the null push */
    free(v);
    *b = (int32_t)n;
    srv_end(&s, st, (int32_t)sum);
}

static const FX_SERVER_EPV g_test_epv = {t_Add, t_Sleep, t_Fail, t_PipeSum, t_PipeRange,
                                         t_PipeEcho};

static void server_reset(int mode)
{
    atomic_store(&g_mode, mode);
    atomic_store(&g_srv_events, 0);
    atomic_store(&g_srv_final, -1);
    atomic_store(&g_srv_pull_failure, 0);
    for (int i = 0; i < 32; i++)
        atomic_store(&g_srv_status[i], -1);
    for (int k = 0; k < 2; k++) {
        atomic_store(&g_srv_queued[k], 99);
        atomic_store(&g_srv_received[k], 99);
    }
    atomic_store(&g_srv_sub_status, -1);
    atomic_store(&g_srv_status_subscribed, -1);
    atomic_store(&g_srv_event_field, -1);
    atomic_store(&g_srv_norder, 0);
    for (int i = 0; i < 8; i++)
        atomic_store(&g_srv_order[i], -1);
}

static void latch_reset(ta_latch *l)
{
    pthread_mutex_lock(&l->mu);
    l->open = 0;
    pthread_mutex_unlock(&l->mu);
}

static SIM_PEER_CALL peer_call(uint32_t op)
{
    SIM_PEER_CALL c;
    memset(&c, 0, sizeof c);
    c.op = op;
    c.cancel_after_ms = -1;
    c.disconnect_after_chunks = -1;
    return c;
}

static SIM_PEER_RESULT run_peer(const char *ep, const SIM_PEER_CALL *c)
{
    SIM_PEER_RESULT r;
    memset(&r, 0, sizeof r);
    uint32_t id = sim_peer_call_start(ep, c);
    REQUIRE(id != 0);
    CHECK_EQ(sim_peer_call_wait(id, 20000, &r), 1);
    return r;
}

/* ---- scenarios --------------------------------------------------------------------------- */

static void test_initialize_handle(void)
{
    RPC_ASYNC_STATE st, before;
    memset(&st, 0xAB, sizeof st);
    before = st;
    CHECK_EQ(RpcAsyncInitializeHandle(&st, sizeof st - 1), RPC_S_INVALID_ARG);
    CHECK(memcmp(&st, &before, sizeof st) == 0); /* nothing written */
    CHECK_EQ(RpcAsyncInitializeHandle(&st, sizeof st + 8), RPC_S_INVALID_ARG);
    EXPECT_MISUSES(SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT);

    /* The caller's fields keep whatever they held. */
    st.UserInfo = (void *)0x1234;
    st.Event = RpcClientCancel;
    st.NotificationType = RpcNotificationTypeIoc;
    st.u.IOC.hIOPort = (void *)0x5678;
    st.u.IOC.dwNumberOfBytesTransferred = 99;
    CHECK_EQ(RpcAsyncInitializeHandle(&st, sizeof st), RPC_S_OK);
    CHECK_EQ(st.Size, sizeof(RPC_ASYNC_STATE));
    CHECK_EQ(st.Signature, 0x43595341u);
    CHECK_EQ(st.Lock, 0);
    CHECK_EQ(st.Flags, 0);
    CHECK(st.StubInfo == NULL);
    CHECK(st.RuntimeInfo == NULL);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(st.Reserved[i], 0);
    CHECK(st.UserInfo == (void *)0x1234);
    CHECK_EQ(st.Event, RpcClientCancel);
    CHECK_EQ(st.NotificationType, RpcNotificationTypeIoc);
    CHECK(st.u.IOC.hIOPort == (void *)0x5678);
    CHECK_EQ(st.u.IOC.dwNumberOfBytesTransferred, 99);

    /* Initialised, never used: Windows answers RPC_S_INVALID_BINDING. Re-initialising and
     * registering are fine. */
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_BINDING);
    CHECK_EQ(RpcAsyncInitializeHandle(&st, sizeof st), RPC_S_OK);
    CHECK_EQ(RpcAsyncRegisterInfo(&st), RPC_S_OK);
    CHECK_EQ(sim_misuse_count(), 0);

    /* A state never initialised. */
    RPC_ASYNC_STATE raw;
    memset(&raw, 0, sizeof raw);
    CHECK_EQ(RpcAsyncGetCallStatus(&raw), RPC_S_INVALID_ASYNC_HANDLE);
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    CHECK_EQ(fx_Add(&raw, hb, 1, 2), RPC_S_INVALID_ASYNC_HANDLE);
    /* No call on an initialised state: nothing to complete or cancel. */
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ(RpcAsyncCancelCall(&st, 1), RPC_S_INVALID_ASYNC_HANDLE);
    EXPECT_MISUSES(SIM_MISUSE_UNINITIALIZED_STATE, SIM_MISUSE_UNINITIALIZED_STATE,
                   SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT);
    unbind(&hb);
    end_misuse();
}

static void test_bindings_and_endpoints(void)
{
    RPC_ASYNC_STATE st;
    uint16_t wp[256], we[256];
    /* A binding names a server without reaching it: a call on it finds nobody. */
    void *hb = NULL;
    CHECK_EQ(tfx_bind("nobody-listens", &hb), RPC_S_OK);
    init_state(&st);
    CHECK_EQ(fx_Add(&st, hb, 1, 2), RPC_S_SERVER_UNAVAILABLE);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_BINDING); /* still unused */
    unbind(&hb);
    /* The simulator's own server has its endpoint (another process's). */
    CHECK_EQ(RpcServerUseProtseqEpW(tfx_w("ncalrpc", wp), 10, tfx_w(SIM_PEER_ENDPOINT, we), NULL),
             RPC_S_DUPLICATE_ENDPOINT);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_ALREADY_REGISTERED);
    hb = bind_to(TEST_EP);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    CHECK_EQ(tfx_stop(), RPC_S_UNKNOWN_IF);
    /* The binding outlives the server; a call through it finds nobody listening. */
    init_state(&st);
    CHECK_EQ(fx_Add(&st, hb, 1, 2), RPC_S_SERVER_UNAVAILABLE);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_BINDING); /* still unused */
    unbind(&hb);
    CHECK(hb == NULL);
    /* A freed binding is not a binding. */
    void *stale = (void *)&st;
    CHECK_EQ(fx_Add(&st, stale, 1, 2), RPC_S_INVALID_BINDING);
    CHECK_EQ(tfx_unbind(&stale), RPC_S_INVALID_BINDING);
    EXPECT_MISUSES(SIM_MISUSE_INVALID_HANDLE, SIM_MISUSE_INVALID_HANDLE);
    end_misuse();
}

static void test_completion_semantics(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    RPC_ASYNC_STATE st;
    init_state(&st); /* NotificationType None: the caller polls */
    sim_set_reply_delay(150);
    CHECK_EQ(fx_Add(&st, hb, 2, 3), RPC_S_OK);
    /* The runtime took the state. */
    CHECK(st.StubInfo != NULL);
    CHECK(st.RuntimeInfo != NULL);
    CHECK(st.Lock != 0);
    int32_t reply = -1;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_ASYNC_CALL_PENDING); /* not final */
    CHECK_EQ(reply, -1);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_ASYNC_CALL_PENDING);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_OK);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_OK); /* still not completed */
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 5);
    CHECK_EQ(st.Lock, 0);
    CHECK_EQ(sim_misuse_count(), 0);

    /* After the final completion. */
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ(RpcAsyncCancelCall(&st, 0), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ(fx_Add(&st, hb, 1, 1), RPC_S_INVALID_ASYNC_HANDLE); /* not initialised again */
    EXPECT_MISUSES(SIM_MISUSE_SECOND_COMPLETION, SIM_MISUSE_USE_AFTER_COMPLETION,
                   SIM_MISUSE_USE_AFTER_COMPLETION, SIM_MISUSE_USE_AFTER_COMPLETION);

    /* Initialised again, the state makes a new call; a second call on a busy state is
     * refused. */
    sim_set_reply_delay(50);
    CHECK_EQ(RpcAsyncInitializeHandle(&st, sizeof st), RPC_S_OK);
    CHECK_EQ(fx_Add(&st, hb, 40, 2), RPC_S_OK);
    CHECK_EQ(fx_Add(&st, hb, 1, 1), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ(RpcAsyncInitializeHandle(&st, sizeof st), RPC_S_CALL_IN_PROGRESS);
    EXPECT_MISUSES(SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_OK);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 42);
    unbind(&hb);
    end_clean();
}

static void test_event_notification(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    sim_set_reply_delay(30);
    CHECK_EQ(fx_Add(&st, hb, 7, 8), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcCallComplete); /* written before the event was signalled */
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 15);
    CHECK_EQ(WaitForSingleObject(ev, 100), SIM_WAIT_TIMEOUT); /* exactly one notification */
    CHECK(CloseHandle(ev));
    unbind(&hb);
    end_clean();
}

static void test_ioc_notification(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(port != NULL);
    OVERLAPPED ovl;
    memset(&ovl, 0, sizeof ovl);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.NotificationType = RpcNotificationTypeIoc;
    st.u.IOC.hIOPort = port;
    st.u.IOC.dwNumberOfBytesTransferred = 77;
    st.u.IOC.dwCompletionKey = 0xC0FFEE;
    st.u.IOC.lpOverlapped = &ovl;
    CHECK_EQ(fx_Add(&st, hb, 100, -1), RPC_S_OK);
    OVERLAPPED_ENTRY e[4];
    uint32_t n = 0;
    CHECK(GetQueuedCompletionStatusEx(port, e, 4, &n, 5000, 0));
    CHECK_EQ(n, 1);
    CHECK_EQ(e[0].lpCompletionKey, 0xC0FFEE);
    CHECK(e[0].lpOverlapped == &ovl);
    CHECK_EQ(e[0].dwNumberOfBytesTransferred, 77);
    CHECK_EQ(st.Event, RpcCallComplete);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 99);
    CHECK(CloseHandle(port));
    unbind(&hb);
    end_clean();
}

static void test_apc_only_in_alertable_wait(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    cli c;
    cli_init(&c, 0);
    CHECK_EQ(fx_Add(&c.st, hb, 20, 22), RPC_S_OK);
    CHECK_EQ(poll_status(&c.st, 5000), RPC_S_OK);
    /* The reply is there; the APC waits for an alertable wait. */
    Sleep(100);
    CHECK_EQ(SleepEx(100, 0), 0);
    CHECK_EQ(WaitForSingleObject(c.th, 50), SIM_WAIT_TIMEOUT);
    CHECK_EQ(c.calls, 0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 1);
    CHECK_EQ(SleepEx(5000, 1), WINRPC_WAIT_IO_COMPLETION);
    CHECK_EQ(c.calls, 1);
    CHECK_EQ(c.tid, GetCurrentThreadId());
    CHECK_EQ(c.last_event, RpcCallComplete);
    CHECK_EQ(c.field_event, RpcCallComplete);
    CHECK_EQ(c.ctx_not_null, 0);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&c.st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 42);
    cli_close(&c);
    unbind(&hb);
    end_clean();
}

/* The APC runs on the thread named in u.APC.hThread, in its alertable wait, and nowhere
 * else: not on the thread that made the call, even while that one waits alertably. */
typedef struct apc_helper {
    ta_latch ready;
    HANDLE self;
    DWORD tid;
    cli *c;
} apc_helper;

static void *apc_helper_main(void *arg)
{
    apc_helper *h = arg;
    h->tid = GetCurrentThreadId();
    h->self = OpenThread(THREAD_SET_CONTEXT | SYNCHRONIZE, 0, h->tid);
    ta_latch_open(&h->ready);
    uint64_t end = ta_now_ms() + 10000;
    while (h->c->completes == 0 && ta_now_ms() < end)
        SleepEx(100, 1);
    return NULL;
}

static void test_apc_runs_on_its_target_thread(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    cli c;
    cli_init(&c, 0);
    apc_helper h;
    memset(&h, 0, sizeof h);
    pthread_mutex_init(&h.ready.mu, NULL);
    pthread_cond_init(&h.ready.cv, NULL);
    h.c = &c;
    pthread_t t = ta_start(apc_helper_main, &h);
    ta_latch_wait(&h.ready);
    REQUIRE(h.self != NULL);
    c.st.u.APC.hThread = h.self;
    CHECK_EQ(fx_Add(&c.st, hb, 1, 1), RPC_S_OK);
    CHECK_EQ(SleepEx(300, 1), 0); /* the caller's alertable wait runs nothing */
    ta_join(t);
    CHECK_EQ(c.completes, 1);
    CHECK_EQ(c.tid, h.tid);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&c.st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 2);
    CHECK(CloseHandle(h.self));
    pthread_mutex_destroy(&h.ready.mu);
    pthread_cond_destroy(&h.ready.cv);
    cli_close(&c);
    unbind(&hb);
    end_clean();
}

/* One call whose notification goes to a bad target; the misuse is recorded and the call is
 * then completed by polling. */
static void bad_target_call(RPC_NOTIFICATION_TYPES type, PFN_RPCNOTIFICATION_ROUTINE routine,
                            HANDLE target, int expected_kind)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.NotificationType = type;
    st.u.APC.NotificationRoutine = routine;
    st.u.APC.hThread = target;
    CHECK_EQ(fx_Add(&st, hb, 1, 1), RPC_S_OK);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_OK);
    wait_misuses(1, 5000);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 2);
    unbind(&hb);
    int kinds[1] = {expected_kind};
    expect_misuses(kinds, 1);
}

static void test_apc_bad_targets(void)
{
    bad_target_call(RpcNotificationTypeApc, cli_routine, GetCurrentThread(),
                    SIM_MISUSE_APC_PSEUDO_HANDLE);
    HANDLE weak = OpenThread(SYNCHRONIZE, 0, GetCurrentThreadId());
    REQUIRE(weak != NULL);
    bad_target_call(RpcNotificationTypeApc, cli_routine, weak, SIM_MISUSE_APC_NO_SET_CONTEXT);
    CHECK(CloseHandle(weak));
    bad_target_call(RpcNotificationTypeApc, cli_routine, (HANDLE)(uintptr_t)0x7ff3 /* never a handle value */,
                    SIM_MISUSE_INVALID_HANDLE);
    HANDLE th = my_thread();
    bad_target_call(RpcNotificationTypeApc, NULL, th, SIM_MISUSE_BAD_ARGUMENT);
    bad_target_call(RpcNotificationTypeHwnd, NULL, NULL, SIM_MISUSE_UNSUPPORTED_NOTIFICATION);
    bad_target_call(RpcNotificationTypeCallback, NULL, NULL, SIM_MISUSE_UNSUPPORTED_NOTIFICATION);
    CHECK(CloseHandle(th));
    end_misuse();
}

static void test_routine_gone(void)
{
    long pagesz = sysconf(_SC_PAGESIZE);
    HANDLE th = my_thread();
    void *hb = bind_to(SIM_PEER_ENDPOINT);

    /* 1. The routine's memory is unmapped after the call started. The "routine" is never
     * executed: the simulator checks it first. */
    void *page = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    REQUIRE(page != MAP_FAILED);
    memset(page, 0xC3, (size_t)pagesz);
    PFN_RPCNOTIFICATION_ROUTINE fake;
    memcpy(&fake, &page, sizeof fake);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.NotificationType = RpcNotificationTypeApc;
    st.u.APC.NotificationRoutine = fake;
    st.u.APC.hThread = th;
    CHECK_EQ(RpcAsyncRegisterInfo(&st), RPC_S_OK);
    sim_set_reply_delay(50);
    CHECK_EQ(fx_Add(&st, hb, 1, 2), RPC_S_OK);
    CHECK_EQ(munmap(page, (size_t)pagesz), 0);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_OK);
    uint64_t end = ta_now_ms() + 5000;
    while (sim_misuse_count() == 0 && ta_now_ms() < end)
        SleepEx(10, 1); /* let the APC run (it must not call the routine) */
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    EXPECT_MISUSES(SIM_MISUSE_ROUTINE_GONE);

    /* 2. The routine's bytes change (another function now lives there). */
    unsigned char *code = malloc(64);
    REQUIRE(code != NULL);
    memset(code, 0x90, 64);
    memcpy(&fake, &code, sizeof fake);
    init_state(&st);
    st.NotificationType = RpcNotificationTypeApc;
    st.u.APC.NotificationRoutine = fake;
    st.u.APC.hThread = th;
    CHECK_EQ(fx_Add(&st, hb, 1, 2), RPC_S_OK); /* the snapshot is taken at call start */
    memset(code, 0xCC, 64);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_OK);
    end = ta_now_ms() + 5000;
    while (sim_misuse_count() == 0 && ta_now_ms() < end)
        SleepEx(10, 1);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    EXPECT_MISUSES(SIM_MISUSE_ROUTINE_GONE);
    free(code);
    CHECK(CloseHandle(th));
    unbind(&hb);
    end_misuse();
}

static void test_runtime_fields(void)
{
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.Lock = 7;
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_BINDING);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_BINDING); /* recorded once */
    EXPECT_MISUSES(SIM_MISUSE_RUNTIME_FIELD_WRITTEN);
    st.Signature = 0;
    st.Size = 1;
    CHECK_EQ(RpcAsyncRegisterInfo(&st), RPC_S_OK);
    EXPECT_MISUSES(SIM_MISUSE_RUNTIME_FIELD_WRITTEN, SIM_MISUSE_RUNTIME_FIELD_WRITTEN);

    /* The runtime's own writes behind the caller's back are not misuse. */
    init_state(&st);
    CHECK_EQ(sim_scribble_runtime_fields(&st, 42), RPC_S_OK);
    CHECK(st.Lock != 0);
    CHECK(st.StubInfo != NULL);
    CHECK(st.RuntimeInfo != NULL);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_BINDING);
    CHECK_EQ(sim_misuse_count(), 0);

    /* A caller that writes back a stale copy of the whole structure (what a JNA Structure
     * with auto-write would do) is caught at its next call. */
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    init_state(&st);
    RPC_ASYNC_STATE stale = st;
    sim_set_reply_delay(50);
    CHECK_EQ(fx_Add(&st, hb, 3, 4), RPC_S_OK);
    st = stale; /* Lock and StubInfo back to their values before the call */
    CHECK_EQ(poll_status(&st, 5000), RPC_S_OK);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 7);
    EXPECT_MISUSES(SIM_MISUSE_RUNTIME_FIELD_WRITTEN, SIM_MISUSE_RUNTIME_FIELD_WRITTEN);
    unbind(&hb);
    end_misuse();
}

static void test_cancel_abortive(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    CHECK_EQ(fx_Sleep(&st, hb, SIM_INFINITE), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 100), SIM_WAIT_TIMEOUT);
    uint64_t t0 = ta_now_ms();
    CHECK_EQ(RpcAsyncCancelCall(&st, 1), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0); /* at once */
    CHECK(ta_now_ms() - t0 < 2000);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_CALL_CANCELLED);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_CALL_CANCELLED);

    /* Cancel after the call has finished (reply there, not completed): the reply stands. */
    init_state(&st);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    CHECK_EQ(fx_Add(&st, hb, 5, 6), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(RpcAsyncCancelCall(&st, 1), RPC_S_OK);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 11);
    CHECK(CloseHandle(ev));
    unbind(&hb);
    end_clean();
}

static void test_cancel_nonabortive(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    cli c;
    cli_init(&c, 0);
    CHECK_EQ(fx_Sleep(&c.st, hb, SIM_INFINITE), RPC_S_OK);
    ta_sleep_ms(50);
    CHECK_EQ(RpcAsyncCancelCall(&c.st, 0), RPC_S_OK);
    /* The server decides: the scripted server aborts with RPC_S_CALL_CANCELLED. */
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_CALL_CANCELLED);
    cli_close(&c);

    /* A server that finishes first wins: Sleep(30) cancelled after its reply arrived. */
    cli_init(&c, 0);
    CHECK_EQ(fx_Sleep(&c.st, hb, 30), RPC_S_OK);
    CHECK_EQ(poll_status(&c.st, 5000), RPC_S_OK);
    CHECK_EQ(RpcAsyncCancelCall(&c.st, 0), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 30);
    cli_close(&c);
    unbind(&hb);
    end_clean();
}

static void test_fail_is_a_fault(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    RPC_ASYNC_STATE st;
    init_state(&st);
    CHECK_EQ(fx_Fail(&st, hb, 0x12345678u), RPC_S_OK);
    CHECK_EQ(poll_status(&st, 5000), 0x12345678);
    int32_t reply = -7;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), 0x12345678);
    CHECK_EQ(reply, -7); /* [out] values only on RPC_S_OK */
    unbind(&hb);

    /* The same through the test's own server. */
    server_reset(MODE_NORMAL);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    hb = bind_to(TEST_EP);
    init_state(&st);
    CHECK_EQ(fx_Fail(&st, hb, 1818u), RPC_S_OK);
    CHECK_EQ(poll_status(&st, 5000), 1818);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_CALL_CANCELLED);
    unbind(&hb);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    CHECK_EQ(atomic_load(&g_srv_final), RPC_S_OK);
    end_clean();
}

static void test_server_and_client_misuse(void)
{
    server_reset(MODE_SERVER_MISUSE);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    void *hb = bind_to(TEST_EP);
    RPC_ASYNC_STATE st;
    init_state(&st);
    CHECK_EQ(fx_Add(&st, hb, 1, 2), RPC_S_OK);
    CHECK_EQ(RpcAsyncAbortCall(&st, 5), RPC_S_INVALID_ASYNC_HANDLE); /* client: cancel, not abort */
    CHECK_EQ(poll_status(&st, 5000), 0x4242);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), 0x4242);
    unbind(&hb);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    CHECK_EQ(atomic_load(&g_srv_status[0]), RPC_S_INVALID_ASYNC_HANDLE); /* cancel on server */
    CHECK_EQ(atomic_load(&g_srv_status[1]), RPC_S_OK);                   /* the abort */
    CHECK_EQ(atomic_load(&g_srv_status[2]), RPC_S_INVALID_ASYNC_HANDLE); /* abort twice */
    CHECK_EQ(atomic_load(&g_srv_status[3]), RPC_S_INVALID_ASYNC_HANDLE); /* complete after */
    CHECK_EQ(atomic_load(&g_srv_status[4]), RPC_S_INVALID_ASYNC_HANDLE); /* use after */
    CHECK_EQ(atomic_load(&g_srv_status[5]), RPC_S_INVALID_ARG);          /* abort with 0 */
    EXPECT_MISUSES(SIM_MISUSE_ABORT_ON_CLIENT, SIM_MISUSE_CANCEL_ON_SERVER, SIM_MISUSE_BAD_ARGUMENT,
                   SIM_MISUSE_ABORT_TWICE, SIM_MISUSE_SECOND_COMPLETION,
                   SIM_MISUSE_USE_AFTER_COMPLETION);
    end_misuse();
}

static void test_get_call_status_phases(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    RPC_ASYNC_STATE st;
    init_state(&st);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_BINDING); /* initialised */
    sim_set_reply_delay(100);
    CHECK_EQ(fx_Fail(&st, hb, 0x77u), RPC_S_OK);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_ASYNC_CALL_PENDING); /* in progress */
    CHECK_EQ(poll_status(&st, 5000), 0x77);                         /* reply there */
    CHECK_EQ(RpcAsyncGetCallStatus(&st), 0x77);
    int32_t reply;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), 0x77);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_INVALID_ASYNC_HANDLE); /* finished */
    EXPECT_MISUSES(SIM_MISUSE_USE_AFTER_COMPLETION);
    unbind(&hb);
    end_misuse();
}

/* PipeSum, client side, APC notifications with send-complete flow control. */
static void test_client_pipe_sum(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    cli c;
    cli_init(&c, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    ASYNC_INTPIPE in;
    memset(&in, 0, sizeof in);
    CHECK_EQ(fx_PipeSum(&c.st, hb, &in), RPC_S_OK);
    REQUIRE(in.push != NULL && in.pull != NULL && in.alloc != NULL && in.state != NULL);
    /* The runtime's alloc hands out a buffer the caller owns until the call ends. */
    int32_t *buf = NULL;
    uint32_t bcount = 0;
    CHECK_EQ(in.alloc(in.state, 1000 * sizeof(int32_t), &buf, &bcount), RPC_S_OK);
    REQUIRE(buf != NULL);
    CHECK_EQ(bcount, 1000 * sizeof(int32_t)); /* bytes, not elements */
    int32_t v = 0;
    for (int chunk = 0; chunk < 5; chunk++) {
        for (int i = 0; i < 1000; i++)
            buf[i] = v++;
        uint32_t seen = c.sends;
        CHECK_EQ(in.push(in.state, buf, 1000), RPC_S_OK);
        CHECK(cli_wait(&c, &c.sends, seen, 5000));
    }
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK); /* the null push ends the pipe */
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 4999 * 5000 / 2);
    CHECK(c.events & (1u << RpcSendComplete));
    cli_close(&c);
    unbind(&hb);
    end_clean();
}

/* PipeRange, client side, Event notifications, pulling with RPC_S_ASYNC_CALL_PENDING. */
static void test_client_pipe_range(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    ASYNC_INTPIPE out;
    memset(&out, 0, sizeof out);
    CHECK_EQ(fx_PipeRange(&st, hb, 10, 2500, &out), RPC_S_OK);
    int64_t sum = 0;
    uint32_t total = 0, pendings = 0;
    int32_t buf[600];
    for (;;) {
        uint32_t n = 99;
        RPC_STATUS s = out.pull(out.state, buf, 600, &n);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            CHECK_EQ(n, 0);
            pendings++;
            REQUIRE(WaitForSingleObject(ev, 5000) == SIM_WAIT_OBJECT_0);
            CHECK_EQ(st.Event, RpcReceiveComplete);
            continue;
        }
        CHECK_EQ(s, RPC_S_OK);
        REQUIRE(s == RPC_S_OK);
        if (n == 0)
            break;
        CHECK(n <= 600);
        for (uint32_t i = 0; i < n; i++) {
            CHECK_EQ(buf[i], 10 + (int32_t)total + (int32_t)i);
            sum += buf[i];
        }
        total += n;
    }
    (void)pendings; /* usually > 0, but that depends on scheduling */
    CHECK_EQ(total, 2500);
    CHECK_EQ(sum, (int64_t)2500 * 10 + (int64_t)2499 * 2500 / 2);
    /* The reply follows the data. */
    int32_t reply = 0;
    RPC_STATUS s;
    while ((s = RpcAsyncCompleteCall(&st, &reply)) == RPC_S_ASYNC_CALL_PENDING)
        REQUIRE(WaitForSingleObject(ev, 5000) == SIM_WAIT_OBJECT_0);
    CHECK_EQ(s, RPC_S_OK);
    CHECK_EQ(reply, 2500);
    CHECK(CloseHandle(ev));
    unbind(&hb);
    end_clean();
}

/* PipeEcho, client side, I/O completion port notifications. */
static void test_client_pipe_echo(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(port != NULL);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.Flags = WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE;
    st.NotificationType = RpcNotificationTypeIoc;
    st.u.IOC.hIOPort = port;
    st.u.IOC.dwCompletionKey = 5;
    ASYNC_INTPIPE in, out;
    int32_t b = -1;
    CHECK_EQ(fx_PipeEcho(&st, hb, 1000, &in, &out, &b), RPC_S_OK);
    int32_t buf[1500];
    int32_t v = 0;
    OVERLAPPED_ENTRY e;
    uint32_t got;
    for (int chunk = 0; chunk < 3; chunk++) {
        for (int i = 0; i < 1500; i++)
            buf[i] = v++;
        CHECK_EQ(in.push(in.state, buf, 1500), RPC_S_OK);
        REQUIRE(GetQueuedCompletionStatusEx(port, &e, 1, &got, 5000, 0));
        CHECK_EQ(st.Event, RpcSendComplete);
    }
    /* As the server-side pipe page does: no send-complete for the null push, so that from now
     * on the only notifications are RpcReceiveComplete (each after a pending pull) and, once the
     * out pipe is drained, RpcCallComplete; st.Event then names the packet just dequeued. */
    st.Flags = 0;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    int64_t sum = 0;
    uint32_t total = 0;
    for (;;) {
        uint32_t n = 0;
        RPC_STATUS s = out.pull(out.state, buf, 1500, &n);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            REQUIRE(GetQueuedCompletionStatusEx(port, &e, 1, &got, 5000, 0));
            CHECK_EQ(st.Event, RpcReceiveComplete);
            continue;
        }
        CHECK_EQ(s, RPC_S_OK);
        REQUIRE(s == RPC_S_OK);
        if (n == 0)
            break;
        for (uint32_t i = 0; i < n; i++) {
            CHECK_EQ(buf[i], (int32_t)total + (int32_t)i + 1000);
            sum += buf[i];
        }
        total += n;
    }
    CHECK_EQ(total, 4500);
    CHECK_EQ(sum, (int64_t)4499 * 4500 / 2 + 4500 * 1000);
    int32_t reply = 0;
    REQUIRE(GetQueuedCompletionStatusEx(port, &e, 1, &got, 5000, 0));
    CHECK_EQ(st.Event, RpcCallComplete);
    RPC_STATUS s = RpcAsyncCompleteCall(&st, &reply);
    CHECK_EQ(s, RPC_S_OK);
    CHECK_EQ(reply, 4499 * 4500 / 2);
    CHECK_EQ(b, 4500);
    CHECK_EQ(GetQueuedCompletionStatusEx(port, &e, 1, &got, 50, 0), 0); /* nothing more */
    CHECK(CloseHandle(port));
    unbind(&hb);
    end_clean();
}

/* Pipe discipline on the client side. */
static void test_client_pipe_misuse(void)
{
    server_reset(MODE_GATED);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    void *hb = bind_to(TEST_EP);
    cli c;
    cli_init(&c, 0);
    ASYNC_INTPIPE out;
    CHECK_EQ(fx_PipeRange(&c.st, hb, 0, 100, &out), RPC_S_OK);
    int32_t buf[200];
    uint32_t n = 0;
    CHECK_EQ(out.pull(out.state, buf, 200, &n), RPC_S_ASYNC_CALL_PENDING); /* gated */
    CHECK_EQ(out.pull(out.state, buf, 200, &n), RPC_X_PIPE_DISCIPLINE_ERROR); /* too early */
    CHECK_EQ(out.push(out.state, buf, 1), RPC_X_PIPE_DISCIPLINE_ERROR);       /* wrong way */
    CHECK_EQ(out.pull(out.state, NULL, 200, &n), RPC_S_INVALID_ARG);
    ta_latch_open(&g_gate);
    CHECK(cli_wait(&c, &c.recvs, 0, 5000));
    uint32_t total = 0;
    RPC_STATUS s;
    for (;;) {
        uint32_t seen = c.recvs;
        s = out.pull(out.state, buf, 200, &n);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            CHECK(cli_wait(&c, &c.recvs, seen, 5000));
            continue;
        }
        CHECK_EQ(s, RPC_S_OK);
        REQUIRE(s == RPC_S_OK);
        if (n == 0)
            break;
        total += n;
    }
    CHECK_EQ(total, 100);
    CHECK_EQ(out.pull(out.state, buf, 200, &n), RPC_X_PIPE_EMPTY); /* after the end */
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 100);
    CHECK_EQ(out.pull(out.state, buf, 200, &n), RPC_S_INVALID_ASYNC_HANDLE); /* call over */
    cli_close(&c);

    /* In-out: the out pipe waits for the in pipe's null push; no push after it. */
    server_reset(MODE_NORMAL);
    cli_init(&c, 0);
    ASYNC_INTPIPE in;
    int32_t b = 0;
    CHECK_EQ(fx_PipeEcho(&c.st, hb, 1, &in, &out, &b), RPC_S_OK);
    CHECK_EQ(out.pull(out.state, buf, 200, &n), RPC_X_WRONG_PIPE_ORDER);
    CHECK_EQ(in.pull(in.state, buf, 200, &n), RPC_X_PIPE_DISCIPLINE_ERROR); /* wrong way */
    buf[0] = 41;
    CHECK_EQ(in.push(in.state, buf, 1), RPC_S_OK);
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK_EQ(in.push(in.state, buf, 1), RPC_X_PIPE_CLOSED);
    total = 0;
    for (;;) {
        uint32_t seen = c.recvs;
        s = out.pull(out.state, buf, 200, &n);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            CHECK(cli_wait(&c, &c.recvs, seen, 5000));
            continue;
        }
        CHECK_EQ(s, RPC_S_OK);
        REQUIRE(s == RPC_S_OK);
        if (n == 0)
            break;
        CHECK_EQ(buf[0], 42);
        total += n;
    }
    CHECK_EQ(total, 1);
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 41);
    CHECK_EQ(b, 1);
    cli_close(&c);
    unbind(&hb);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    EXPECT_MISUSES(SIM_MISUSE_PIPE_DISCIPLINE, SIM_MISUSE_PIPE_DISCIPLINE,
                   SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_PIPE_DISCIPLINE,
                   SIM_MISUSE_USE_AFTER_COMPLETION, SIM_MISUSE_PIPE_DISCIPLINE,
                   SIM_MISUSE_PIPE_DISCIPLINE, SIM_MISUSE_PIPE_DISCIPLINE);
    end_misuse();
}

/* Every operation of the scripted client against the scripted server. */
static void test_peer_against_peer(void)
{
    SIM_PEER_CALL c = peer_call(SIM_OP_ADD);
    c.a = 40;
    c.b = 2;
    SIM_PEER_RESULT r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 42);
    CHECK(r.events_seen & (1u << RpcCallComplete));

    c = peer_call(SIM_OP_SLEEP);
    c.ms_or_code = 20;
    r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 20);

    c = peer_call(SIM_OP_FAIL);
    c.ms_or_code = 0xBAD;
    r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, 0xBAD);

    c = peer_call(SIM_OP_PIPE_SUM);
    c.in_chunks = 3;
    c.in_chunk_elements = 2000;
    r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 5999 * 6000 / 2);
    CHECK(r.events_seen & (1u << RpcSendComplete));

    c = peer_call(SIM_OP_PIPE_RANGE);
    c.a = -5;
    c.b = 3000;
    r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 3000);
    CHECK_EQ(r.out_elements, 3000);
    CHECK_EQ(r.out_sum, (int64_t)3000 * -5 + (int64_t)2999 * 3000 / 2);

    c = peer_call(SIM_OP_PIPE_ECHO);
    c.a = 3;
    c.in_chunks = 4;
    c.in_chunk_elements = 10;
    r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 39 * 40 / 2);
    CHECK_EQ(r.out_b, 40);
    CHECK_EQ(r.out_elements, 40);
    CHECK_EQ(r.out_sum, 39 * 40 / 2 + 40 * 3);

    /* Empty pipes: the null push / null pull alone (chunks of 0 elements are no chunks). */
    c = peer_call(SIM_OP_PIPE_ECHO);
    c.in_chunks = 3;
    r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 0);
    CHECK_EQ(r.out_b, 0);
    CHECK_EQ(r.out_elements, 0);
    end_clean();
}

/* Every pipe kind on the server side: the test's C server against the scripted client. */
static void test_server_pipes(void)
{
    server_reset(MODE_NORMAL);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);

    SIM_PEER_CALL c = peer_call(SIM_OP_PIPE_SUM);
    c.in_chunks = 4;
    c.in_chunk_elements = 100;
    SIM_PEER_RESULT r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 399 * 400 / 2);
    CHECK(r.events_seen & (1u << RpcSendComplete));
    CHECK(r.events_seen & (1u << RpcCallComplete));

    c = peer_call(SIM_OP_PIPE_RANGE);
    c.a = 7;
    c.b = 1500;
    r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 1500);
    CHECK_EQ(r.out_elements, 1500);
    CHECK_EQ(r.out_sum, (int64_t)1500 * 7 + (int64_t)1499 * 1500 / 2);

    c = peer_call(SIM_OP_PIPE_ECHO);
    c.a = -1;
    c.in_chunks = 3;
    c.in_chunk_elements = 400;
    r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 1199 * 1200 / 2);
    CHECK_EQ(r.out_b, 1200);
    CHECK_EQ(r.out_elements, 1200);
    CHECK_EQ(r.out_sum, (int64_t)1199 * 1200 / 2 - 1200);

    c = peer_call(SIM_OP_ADD);
    c.a = 1;
    c.b = 2;
    r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 3);
    CHECK(atomic_load(&g_srv_events) & (1u << RpcSendComplete));

    /* A server pull that finds nothing returns RPC_S_ASYNC_CALL_PENDING and is followed by
     * RpcReceiveComplete: this client pushes only once the server's pull is pending. */
    server_reset(MODE_GATED);
    latch_reset(&g_server_pending);
    void *hb = bind_to(TEST_EP);
    cli cl;
    cli_init(&cl, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&cl.st, hb, &in), RPC_S_OK);
    ta_latch_wait(&g_server_pending);
    int32_t v[2] = {5, 6};
    CHECK_EQ(in.push(in.state, v, 2), RPC_S_OK);
    CHECK(cli_wait(&cl, &cl.sends, 0, 5000));
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&cl, &reply), RPC_S_OK);
    CHECK_EQ(reply, 11);
    cli_close(&cl);
    unbind(&hb);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    CHECK(atomic_load(&g_srv_events) & (1u << RpcReceiveComplete));
    end_clean();
}

/* Pipe discipline on the server side. */
static void test_server_pipe_misuse(void)
{
    server_reset(MODE_PIPE_MISUSE);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    SIM_PEER_CALL c = peer_call(SIM_OP_PIPE_ECHO);
    c.a = 1;
    c.in_chunks = 2;
    c.in_chunk_elements = 5;
    SIM_PEER_RESULT r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 45);
    CHECK_EQ(r.out_b, 10);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    CHECK_EQ(atomic_load(&g_srv_status[0]), RPC_X_WRONG_PIPE_ORDER);
    CHECK_EQ(atomic_load(&g_srv_status[1]), RPC_X_PIPE_DISCIPLINE_ERROR);
    CHECK_EQ(atomic_load(&g_srv_status[2]), RPC_X_PIPE_DISCIPLINE_ERROR);
    CHECK_EQ(atomic_load(&g_srv_status[3]), RPC_X_PIPE_DISCIPLINE_ERROR);
    CHECK_EQ(atomic_load(&g_srv_status[4]), RPC_X_PIPE_EMPTY);
    CHECK_EQ(atomic_load(&g_srv_status[5]), RPC_X_PIPE_CLOSED);
    EXPECT_MISUSES(SIM_MISUSE_PIPE_DISCIPLINE, SIM_MISUSE_PIPE_DISCIPLINE,
                   SIM_MISUSE_PIPE_DISCIPLINE, SIM_MISUSE_PIPE_DISCIPLINE,
                   SIM_MISUSE_PIPE_DISCIPLINE, SIM_MISUSE_PIPE_DISCIPLINE);
    end_misuse();
}

/* A client's cancel and disconnect, as a subscribed server sees them. The scripted client waits
 * (interrupt_when_subscribed) until the server has subscribed, so that it is told for sure. */
static void test_server_sees_cancel_and_disconnect(void)
{
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    for (int abortive = 0; abortive < 2; abortive++) {
        server_reset(MODE_NORMAL);
        SIM_PEER_CALL c = peer_call(SIM_OP_SLEEP);
        c.ms_or_code = SIM_INFINITE;
        c.cancel_after_ms = 50;
        c.cancel_abortive = abortive;
        c.interrupt_when_subscribed = 1;
        SIM_PEER_RESULT r = run_peer(TEST_EP, &c);
        CHECK_EQ(r.status, RPC_S_CALL_CANCELLED);
        CHECK(sim_quiesce(10000) == 1);
        CHECK(atomic_load(&g_srv_events) & (1u << RpcClientCancel));
        CHECK_EQ(atomic_load(&g_srv_queued[1]), 1);   /* one cancel queued ... */
        CHECK_EQ(atomic_load(&g_srv_received[1]), 1); /* ... and received */
        CHECK_EQ(atomic_load(&g_srv_queued[0]), 0);
        CHECK_EQ(atomic_load(&g_srv_event_field), 0); /* the state's Event field not written */
        CHECK_EQ(atomic_load(&g_srv_final), RPC_S_OK); /* the abort is accepted */
    }

    server_reset(MODE_NORMAL);
    SIM_PEER_CALL c = peer_call(SIM_OP_PIPE_SUM);
    c.in_chunks = 5;
    c.in_chunk_elements = 10;
    c.disconnect_after_chunks = 2;
    c.interrupt_when_subscribed = 1;
    SIM_PEER_RESULT r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK(sim_quiesce(10000) == 1);
    CHECK_EQ(atomic_load(&g_srv_sub_status), RPC_S_OK);
    CHECK(atomic_load(&g_srv_events) & (1u << RpcClientDisconnect));
    CHECK_EQ(atomic_load(&g_srv_queued[0]), 1);
    CHECK_EQ(atomic_load(&g_srv_received[0]), 1);
    CHECK_EQ(atomic_load(&g_srv_queued[1]), 0);
    /* Event holds the last RpcReceiveComplete (APC) or nothing: never the disconnect. */
    CHECK(atomic_load(&g_srv_event_field) != RpcClientDisconnect);
    CHECK_EQ(atomic_load(&g_srv_pull_failure), RPC_S_CALL_FAILED); /* woken, then failed */
    CHECK_EQ(atomic_load(&g_srv_final), RPC_S_OK);

    server_reset(MODE_NORMAL);
    c = peer_call(SIM_OP_SLEEP);
    c.ms_or_code = SIM_INFINITE;
    c.disconnect_after_chunks = 0;
    c.interrupt_when_subscribed = 1;
    r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK(sim_quiesce(10000) == 1);
    CHECK(atomic_load(&g_srv_events) & (1u << RpcClientDisconnect));
    CHECK_EQ(atomic_load(&g_srv_queued[0]), 1);
    CHECK_EQ(atomic_load(&g_srv_event_field), 0);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    end_clean();
}

/* Negative control: the same client actions against a server that never subscribes. It is told
 * nothing; the call's own consequences stay (a disconnected call fails, the pending pull is
 * woken and fails), and a non-abortive cancel is simply never heard: the server finishes its
 * Sleep and the client gets its reply. */
static void test_unsubscribed_server_is_not_told(void)
{
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    server_reset(MODE_NO_SUBSCRIBE);
    SIM_PEER_CALL c = peer_call(SIM_OP_SLEEP);
    c.ms_or_code = 300;
    c.cancel_after_ms = 50;
    c.cancel_abortive = 0;
    SIM_PEER_RESULT r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_OK); /* not told: the server replied after its 300 ms */
    CHECK_EQ(r.reply, 300);
    CHECK(sim_quiesce(10000) == 1);
    CHECK_EQ(atomic_load(&g_srv_events), 0);
    CHECK_EQ(atomic_load(&g_srv_final), RPC_S_OK);

    server_reset(MODE_NO_SUBSCRIBE);
    c = peer_call(SIM_OP_PIPE_SUM);
    c.in_chunks = 5;
    c.in_chunk_elements = 10;
    c.disconnect_after_chunks = 2;
    r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK(sim_quiesce(10000) == 1);
    CHECK_EQ(atomic_load(&g_srv_events) & ((1u << RpcClientDisconnect) | (1u << RpcClientCancel)),
             0);
    CHECK_EQ(atomic_load(&g_srv_pull_failure), RPC_S_CALL_FAILED); /* the pipe still fails */
    CHECK_EQ(atomic_load(&g_srv_final), RPC_S_OK);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    end_clean();
}

/* The order a subscribed server hears things in: an abortive cancel while its pull is pending
 * reaches it (RpcClientCancel, by its subscription's APC) before the RpcReceiveComplete that
 * wakes the pull (by its state's APC), both on its own thread. */
static void test_cancel_is_heard_before_the_pull_is_woken(void)
{
    server_reset(MODE_GATED);
    latch_reset(&g_server_pending);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    void *hb = bind_to(TEST_EP);
    RPC_ASYNC_STATE st;
    init_state(&st);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&st, hb, &in), RPC_S_OK);
    ta_latch_wait(&g_server_pending); /* subscribed in srv_init, now pulling: pending */
    CHECK_EQ(RpcAsyncCancelCall(&st, 1), RPC_S_OK);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_CALL_CANCELLED);
    int32_t reply;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_CALL_CANCELLED);
    unbind(&hb);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    CHECK_EQ(atomic_load(&g_srv_order[0]), RpcClientCancel);
    CHECK_EQ(atomic_load(&g_srv_order[1]), RpcReceiveComplete);
    CHECK_EQ(atomic_load(&g_srv_norder), 2);
    CHECK_EQ(atomic_load(&g_srv_pull_failure), RPC_S_CALL_CANCELLED);
    CHECK_EQ(atomic_load(&g_srv_queued[1]), 1);
    CHECK_EQ(atomic_load(&g_srv_final), RPC_S_OK);
    end_clean();
}


/* Every argument rule of the two functions, on the manager routine's thread and off it. */
static void test_subscribe_validation(void)
{
    server_reset(MODE_SUB_VALIDATE);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    void *hb = bind_to(TEST_EP);
    HANDLE th = my_thread();
    RPC_ASYNC_NOTIFICATION_INFO apc;
    memset(&apc, 0, sizeof apc);
    apc.APC.NotificationRoutine = noop_routine;
    apc.APC.hThread = th;
    const uint32_t cancel = RpcNotificationCallCancel;
    /* Off a manager routine's thread a NULL Binding names no call. */
    CHECK_EQ(RpcServerSubscribeForNotification(NULL, cancel, RpcNotificationTypeApc, &apc),
             RPC_S_NO_CALL_ACTIVE);
    uint32_t q = 5;
    CHECK_EQ(RpcServerUnsubscribeForNotification(NULL, RpcNotificationCallCancel, &q),
             RPC_S_NO_CALL_ACTIVE);
    CHECK_EQ(q, 0);
    RPC_ASYNC_STATE st;
    init_state(&st);
    CHECK_EQ(fx_Add(&st, hb, 20, 22), RPC_S_OK);
    /* A client's call handle does not name a server call. */
    CHECK(RpcAsyncGetCallHandle(&st) != NULL);
    CHECK_EQ(RpcServerSubscribeForNotification(RpcAsyncGetCallHandle(&st), cancel,
                                               RpcNotificationTypeApc, &apc),
             RPC_S_INVALID_BINDING);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_OK);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 42);
    unbind(&hb);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    /* The server call's own handle, after its final completion. */
    CHECK(g_sub_handle != NULL);
    CHECK_EQ(RpcServerSubscribeForNotification(g_sub_handle, cancel, RpcNotificationTypeApc, &apc),
             RPC_S_NO_CALL_ACTIVE);

    static const int32_t want[] = {
        RPC_S_OK,              /* 0: NULL Binding on the dispatch thread */
        RPC_S_INVALID_ARG,     /* 1: the same kind again (STRICT) */
        RPC_S_OK, 0,           /* 2, 3: unsubscribed, nothing queued */
        RPC_S_CANNOT_SUPPORT,  /* 4: Notification 0 */
        RPC_S_CANNOT_SUPPORT,  /* 5: an unknown bit */
        RPC_S_CANNOT_SUPPORT,  /* 6: a known and an unknown bit */
        RPC_S_INVALID_ARG,     /* 7: RpcNotificationTypeNone */
        RPC_S_CANNOT_SUPPORT,  /* 8: Hwnd (STRICT) */
        RPC_S_INVALID_ARG,     /* 9: not a type */
        RPC_S_CANNOT_SUPPORT,  /* 10: Event for both kinds in one call (STRICT) */
        RPC_S_INVALID_ARG,     /* 11: NotificationInfo NULL */
        RPC_S_INVALID_ARG,     /* 12: APC without a routine (STRICT) */
        RPC_S_INVALID_BINDING, /* 13: not a call handle */
        RPC_S_OK, 2,           /* 14, 15: both kinds, IOC, one call; two subscriptions */
        RPC_S_CANNOT_SUPPORT, 0, /* 16, 17: unsubscribe both at once; NotificationsQueued 0 */
        RPC_S_CANNOT_SUPPORT,  /* 18: unsubscribe RpcNotificationCallNone */
        RPC_S_INVALID_ARG,     /* 19: NotificationsQueued NULL */
        RPC_S_OK,              /* 20 */
        RPC_S_INVALID_ARG,     /* 21: not subscribed any more (STRICT) */
        RPC_S_OK, 0,           /* 22, 23: no subscription left */
        RPC_S_OK, RPC_S_OK, RPC_S_OK, RPC_S_OK, /* 24-27: Event, one call per kind */
        RPC_S_OK,              /* 28: the completion */
        RPC_S_NO_CALL_ACTIVE,  /* 29: after it */
        RPC_S_NO_CALL_ACTIVE   /* 30: after it, NULL on the dispatch thread */
    };
    for (int i = 0; i < (int)(sizeof want / sizeof want[0]); i++) {
        if (atomic_load(&g_srv_status[i]) != want[i])
            fprintf(stderr, "    slot %d\n", i);
        CHECK_EQ(atomic_load(&g_srv_status[i]), want[i]);
    }
    EXPECT_MISUSES(SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_INVALID_HANDLE,
                   SIM_MISUSE_USE_AFTER_COMPLETION,
                   /* the server's */
                   SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT,
                   SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT,
                   SIM_MISUSE_UNSUPPORTED_NOTIFICATION, SIM_MISUSE_BAD_ARGUMENT,
                   SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT,
                   SIM_MISUSE_INVALID_HANDLE, SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT,
                   SIM_MISUSE_BAD_ARGUMENT, SIM_MISUSE_BAD_ARGUMENT,
                   SIM_MISUSE_USE_AFTER_COMPLETION, SIM_MISUSE_USE_AFTER_COMPLETION);
    CHECK(CloseHandle(th));
    end_misuse();
}

/* ---- the lab: the test's thread is the client, the server subscribes as told ------------ */

enum { ACT_CANCEL, ACT_ABORTIVE_CANCEL, ACT_DISCONNECT };

typedef struct apc_seen {
    PRPC_ASYNC_STATE p;
    int ctx_not_null;
    RPC_ASYNC_EVENT ev;
    DWORD tid;
} apc_seen;

static apc_seen g_seen[4];
static int g_nseen;

static void WINRPC_ENTRY lab_routine(PRPC_ASYNC_STATE p, void *ctx, RPC_ASYNC_EVENT ev)
{
    if (g_nseen < 4) {
        g_seen[g_nseen].p = p;
        g_seen[g_nseen].ctx_not_null = ctx != NULL;
        g_seen[g_nseen].ev = ev;
        g_seen[g_nseen].tid = GetCurrentThreadId();
    }
    g_nseen++;
}

/* Waits (not alertably) until n APCs are queued in the simulator. */
static void wait_queued_apcs(int64_t n)
{
    uint64_t end = ta_now_ms() + 5000;
    while (sim_counter(SIM_COUNT_QUEUED_APCS) < n && ta_now_ms() < end)
        ta_sleep_ms(1);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), n);
}

/* One lab call, g_lab configured by the caller: PipeSum from this thread (which polls), the
 * action once the server has subscribed, then observe(ctx) while the server waits, then
 * after(ctx) once the server has ended its call. Returns the client's final status. */
static RPC_STATUS lab_call(int act, void (*observe)(void *), void (*after)(void *), void *ctx)
{
    server_reset(MODE_LAB);
    g_nseen = 0;
    if (act == ACT_DISCONNECT) {
        /* The client's push fails, which is the runtime losing the client: the server hears
         * RpcClientDisconnect (when subscribed). */
        SIM_FAULT_PLAN plan;
        memset(&plan, 0, sizeof plan);
        plan.seed = 11;
        plan.push_fail_ppm = 1000000;
        sim_set_fault_plan(&plan);
    }
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    void *hb = bind_to(TEST_EP);
    RPC_ASYNC_STATE st;
    init_state(&st);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&st, hb, &in), RPC_S_OK);
    ta_latch_wait(&g_lab.subscribed);
    int32_t v = 1;
    switch (act) {
    case ACT_CANCEL: CHECK_EQ(RpcAsyncCancelCall(&st, 0), RPC_S_OK); break;
    case ACT_ABORTIVE_CANCEL: CHECK_EQ(RpcAsyncCancelCall(&st, 1), RPC_S_OK); break;
    default: CHECK_EQ(in.push(in.state, &v, 1), RPC_S_CALL_FAILED); break;
    }
    if (observe != NULL)
        observe(ctx);
    ta_latch_open(&g_lab.acted);
    ta_latch_wait(&g_lab.finished);
    if (after != NULL)
        after(ctx);
    RPC_STATUS s = poll_status(&st, 5000);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), s);
    unbind(&hb);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    sim_set_fault_plan(NULL);
    return s;
}

static void apc_not_run_yet(void *ctx)
{
    (void)ctx;
    wait_queued_apcs(1); /* delivered: queued to this thread, which is not waiting alertably */
    CHECK_EQ(g_nseen, 0);
}

/* The APC queued before the unsubscription (and the server's final abort) runs after both. */
static void apc_runs_after_the_call(void *ctx)
{
    CHECK_EQ(g_nseen, 0);
    CHECK_EQ(SleepEx(5000, 1), WINRPC_WAIT_IO_COMPLETION);
    CHECK_EQ(g_nseen, 1);
    CHECK(g_seen[0].p == g_lab.p); /* the server call's state */
    CHECK_EQ(g_seen[0].ctx_not_null, 0);
    CHECK_EQ(g_seen[0].ev, (RPC_ASYNC_EVENT)(intptr_t)ctx);
    CHECK_EQ(g_seen[0].tid, GetCurrentThreadId());
}

/* APC: both kinds in one call, a non-abortive cancel; the routine runs with the server's state,
 * a NULL Context and RpcClientCancel, after the server unsubscribed and ended its call. */
static void test_subscription_by_apc(void)
{
    HANDLE th = my_thread();
    lab_reset();
    g_lab.kinds = (uint32_t)RpcNotificationClientDisconnect | (uint32_t)RpcNotificationCallCancel;
    g_lab.type = RpcNotificationTypeApc;
    g_lab.one_call = 1;
    g_lab.info[1].APC.NotificationRoutine = lab_routine;
    g_lab.info[1].APC.hThread = th;
    CHECK_EQ(lab_call(ACT_CANCEL, apc_not_run_yet, apc_runs_after_the_call,
                      (void *)(intptr_t)RpcClientCancel),
             RPC_S_CALL_CANCELLED); /* the server's abort code */
    CHECK_EQ(g_lab.sub_status[1], RPC_S_OK);
    CHECK_EQ(g_lab.subscriptions, 2);
    CHECK_EQ(g_lab.unsub_status[0], RPC_S_OK);
    CHECK_EQ(g_lab.unsub_status[1], RPC_S_OK);
    CHECK_EQ(g_lab.queued[1], 1);
    CHECK_EQ(g_lab.queued[0], 0);
    CHECK_EQ(g_lab.status_at_end, RPC_S_ASYNC_CALL_PENDING); /* a non-abortive cancel asks */
    CHECK_EQ(g_lab.event_field, 0); /* STRICT: the state's Event is not written */
    CHECK_EQ(g_lab.final, RPC_S_OK);

    /* The same for a disconnect: RpcClientDisconnect. */
    lab_reset();
    g_lab.kinds = (uint32_t)RpcNotificationClientDisconnect | (uint32_t)RpcNotificationCallCancel;
    g_lab.type = RpcNotificationTypeApc;
    g_lab.one_call = 1;
    g_lab.info[1].APC.NotificationRoutine = lab_routine;
    g_lab.info[1].APC.hThread = th;
    CHECK_EQ(lab_call(ACT_DISCONNECT, apc_not_run_yet, apc_runs_after_the_call,
                      (void *)(intptr_t)RpcClientDisconnect),
             RPC_S_CALL_FAILED);
    CHECK_EQ(g_lab.queued[0], 1);
    CHECK_EQ(g_lab.queued[1], 0);
    CHECK_EQ(g_lab.status_at_end, RPC_S_CALL_FAILED);
    CHECK_EQ(g_lab.event_field, 0);
    CHECK(CloseHandle(th));
    end_clean();
}

typedef struct ioc_ctx {
    HANDLE port;
    OVERLAPPED *ovl;
    uint32_t bytes;
    ULONG_PTR key;
} ioc_ctx;

/* Exactly one packet, with the subscription's own byte count, key and OVERLAPPED. */
static void one_ioc_packet(void *ctx)
{
    ioc_ctx *x = ctx;
    OVERLAPPED_ENTRY e[4];
    uint32_t n = 0;
    CHECK(GetQueuedCompletionStatusEx(x->port, e, 4, &n, 5000, 0));
    CHECK_EQ(n, 1);
    CHECK_EQ(e[0].dwNumberOfBytesTransferred, x->bytes);
    CHECK_EQ(e[0].lpCompletionKey, x->key);
    CHECK(e[0].lpOverlapped == x->ovl);
    CHECK_EQ(GetQueuedCompletionStatusEx(x->port, e, 4, &n, 50, 0), 0);
}

/* IOC: the packet carries the subscription's exact dwNumberOfBytesTransferred, dwCompletionKey
 * and lpOverlapped (the caller's copy was scribbled over right after subscribing); two
 * subscriptions with keys of their own tell the kinds apart. */
static void test_subscription_by_ioc(void)
{
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(port != NULL);
    OVERLAPPED ovl[2];
    memset(ovl, 0, sizeof ovl);
    lab_reset();
    g_lab.kinds = (uint32_t)RpcNotificationClientDisconnect | (uint32_t)RpcNotificationCallCancel;
    g_lab.type = RpcNotificationTypeIoc;
    g_lab.one_call = 1;
    g_lab.info[1].IOC.hIOPort = port;
    g_lab.info[1].IOC.dwNumberOfBytesTransferred = 0xABCD;
    g_lab.info[1].IOC.dwCompletionKey = 0xC0FFEE;
    g_lab.info[1].IOC.lpOverlapped = &ovl[1];
    ioc_ctx x = {port, &ovl[1], 0xABCD, 0xC0FFEE};
    CHECK_EQ(lab_call(ACT_DISCONNECT, one_ioc_packet, NULL, &x), RPC_S_CALL_FAILED);
    CHECK_EQ(g_lab.queued[0], 1);
    CHECK_EQ(g_lab.queued[1], 0);
    CHECK_EQ(g_lab.event_field, 0);

    lab_reset();
    g_lab.kinds = (uint32_t)RpcNotificationClientDisconnect | (uint32_t)RpcNotificationCallCancel;
    g_lab.type = RpcNotificationTypeIoc;
    g_lab.one_call = 0;
    for (int k = 0; k < 2; k++) {
        g_lab.info[k].IOC.hIOPort = port;
        g_lab.info[k].IOC.dwNumberOfBytesTransferred = 100u + (uint32_t)k;
        g_lab.info[k].IOC.dwCompletionKey = k ? 0xCA2Cu : 0xD15Cu;
        g_lab.info[k].IOC.lpOverlapped = &ovl[k];
    }
    ioc_ctx y = {port, &ovl[1], 101, 0xCA2C};
    CHECK_EQ(lab_call(ACT_ABORTIVE_CANCEL, one_ioc_packet, NULL, &y), RPC_S_CALL_CANCELLED);
    CHECK_EQ(g_lab.sub_status[0], RPC_S_OK);
    CHECK_EQ(g_lab.sub_status[1], RPC_S_OK);
    CHECK_EQ(g_lab.queued[1], 1);
    CHECK_EQ(g_lab.queued[0], 0);
    CHECK_EQ(g_lab.status_at_end, RPC_S_CALL_CANCELLED);
    CHECK_EQ(g_lab.event_field, 0);
    CHECK(CloseHandle(port));
    end_clean();
}

typedef struct ev_ctx {
    HANDLE ev[2]; /* [0] disconnect, [1] cancel */
    int which;
} ev_ctx;

static void one_event(void *ctx)
{
    ev_ctx *x = ctx;
    CHECK_EQ(WaitForSingleObject(x->ev[x->which], 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(x->ev[!x->which], 50), SIM_WAIT_TIMEOUT);
}

/* Event: one subscription per kind, each with its own event; only the cancel's is signalled. */
static void test_subscription_by_event(void)
{
    ev_ctx x;
    for (int k = 0; k < 2; k++) {
        x.ev[k] = CreateEventW(NULL, 0, 0, NULL);
        REQUIRE(x.ev[k] != NULL);
    }
    for (int act = ACT_CANCEL; act <= ACT_DISCONNECT; act++) {
        lab_reset();
        g_lab.kinds = (uint32_t)RpcNotificationClientDisconnect | (uint32_t)RpcNotificationCallCancel;
        g_lab.type = RpcNotificationTypeEvent;
        g_lab.info[0].hEvent = x.ev[0];
        g_lab.info[1].hEvent = x.ev[1];
        x.which = act == ACT_DISCONNECT ? 0 : 1;
        RPC_STATUS s = lab_call(act, one_event, NULL, &x);
        CHECK_EQ(s, act == ACT_DISCONNECT ? RPC_S_CALL_FAILED : RPC_S_CALL_CANCELLED);
        CHECK_EQ(g_lab.sub_status[0], RPC_S_OK);
        CHECK_EQ(g_lab.sub_status[1], RPC_S_OK);
        CHECK_EQ(g_lab.queued[x.which], 1);
        CHECK_EQ(g_lab.queued[!x.which], 0);
        CHECK_EQ(g_lab.event_field, 0);
    }
    for (int k = 0; k < 2; k++)
        CHECK(CloseHandle(x.ev[k]));
    end_clean();
}

static void nothing_arrives(void *ctx)
{
    (void)ctx;
    uint64_t end = ta_now_ms() + 5000;
    while (sim_counter(SIM_COUNT_PENDING_NOTIFICATIONS) != 0 && ta_now_ms() < end)
        ta_sleep_ms(1);
    CHECK_EQ(sim_counter(SIM_COUNT_PENDING_NOTIFICATIONS), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
    CHECK_EQ(SleepEx(200, 1), 0); /* no APC */
    CHECK_EQ(g_nseen, 0);
}

/* Negative controls: a kind that is not subscribed, a subscription ended before the client
 * acts, and no subscription at all: nothing is told; the call's consequences stay. */
static void test_unsubscribed_kinds_are_not_told(void)
{
    HANDLE th = my_thread();
    lab_reset(); /* cancel only; the client disconnects */
    g_lab.kinds = RpcNotificationCallCancel;
    g_lab.type = RpcNotificationTypeApc;
    g_lab.info[1].APC.NotificationRoutine = lab_routine;
    g_lab.info[1].APC.hThread = th;
    CHECK_EQ(lab_call(ACT_DISCONNECT, NULL, nothing_arrives, NULL), RPC_S_CALL_FAILED);
    CHECK_EQ(g_lab.queued[1], 0);
    CHECK_EQ(g_lab.status_at_end, RPC_S_CALL_FAILED);

    lab_reset(); /* disconnect only; the client cancels */
    g_lab.kinds = RpcNotificationClientDisconnect;
    g_lab.type = RpcNotificationTypeApc;
    g_lab.info[0].APC.NotificationRoutine = lab_routine;
    g_lab.info[0].APC.hThread = th;
    CHECK_EQ(lab_call(ACT_ABORTIVE_CANCEL, NULL, nothing_arrives, NULL), RPC_S_CALL_CANCELLED);
    CHECK_EQ(g_lab.queued[0], 0);
    CHECK_EQ(g_lab.status_at_end, RPC_S_CALL_CANCELLED);

    lab_reset(); /* both, but unsubscribed before the cancel */
    g_lab.kinds = (uint32_t)RpcNotificationClientDisconnect | (uint32_t)RpcNotificationCallCancel;
    g_lab.type = RpcNotificationTypeApc;
    g_lab.one_call = 1;
    g_lab.unsubscribe_at_once = 1;
    g_lab.info[1].APC.NotificationRoutine = lab_routine;
    g_lab.info[1].APC.hThread = th;
    CHECK_EQ(lab_call(ACT_CANCEL, NULL, nothing_arrives, NULL), RPC_S_CALL_CANCELLED);
    CHECK_EQ(g_lab.unsub_status[0], RPC_S_OK);
    CHECK_EQ(g_lab.unsub_status[1], RPC_S_OK);
    CHECK_EQ(g_lab.queued[0], 0);
    CHECK_EQ(g_lab.queued[1], 0);
    CHECK_EQ(g_lab.status_at_end, RPC_S_ASYNC_CALL_PENDING);

    lab_reset(); /* no subscription */
    CHECK_EQ(lab_call(ACT_CANCEL, NULL, nothing_arrives, NULL), RPC_S_CALL_CANCELLED);
    CHECK_EQ(g_lab.subscriptions, 0);
    CHECK_EQ(g_lab.status_at_end, RPC_S_ASYNC_CALL_PENDING);
    CHECK(CloseHandle(th));
    end_clean();
}

static void wait_one_misuse(void *ctx)
{
    (void)ctx;
    wait_misuses(1, 5000);
}

/* A subscription's target is checked when its notification is delivered, as a state's is: the
 * notification is lost and the misuse recorded. */
static void test_subscription_bad_targets(void)
{
    lab_reset(); /* APC to GetCurrentThread()'s pseudo-handle */
    g_lab.kinds = RpcNotificationCallCancel;
    g_lab.type = RpcNotificationTypeApc;
    g_lab.info[1].APC.NotificationRoutine = lab_routine;
    g_lab.info[1].APC.hThread = GetCurrentThread();
    CHECK_EQ(lab_call(ACT_ABORTIVE_CANCEL, wait_one_misuse, NULL, NULL), RPC_S_CALL_CANCELLED);
    CHECK_EQ(g_lab.queued[1], 1); /* queued, then lost */
    EXPECT_MISUSES(SIM_MISUSE_APC_PSEUDO_HANDLE);

    lab_reset(); /* an event handle that is not one */
    g_lab.kinds = RpcNotificationClientDisconnect;
    g_lab.type = RpcNotificationTypeEvent;
    g_lab.info[0].hEvent = (HANDLE)(uintptr_t)0x7ff3;
    CHECK_EQ(lab_call(ACT_DISCONNECT, wait_one_misuse, NULL, NULL), RPC_S_CALL_FAILED);
    CHECK_EQ(g_lab.queued[0], 1);
    EXPECT_MISUSES(SIM_MISUSE_INVALID_HANDLE);
    CHECK_EQ(g_nseen, 0);
    end_misuse();
}

static void subscriptions_ended(void *ctx)
{
    CHECK_EQ(sim_counter(SIM_COUNT_SUBSCRIPTIONS), 0);
    apc_runs_after_the_call(ctx);
}

/* A server that ends its call while still subscribed: SIM_MISUSE_SUBSCRIBED_AT_COMPLETION, for
 * RpcAsyncAbortCall and for RpcAsyncCompleteCall; the call ends all the same, its
 * subscriptions with it, and what was queued before is still delivered. */
static void test_completing_while_subscribed(void)
{
    HANDLE th = my_thread();
    for (int complete = 0; complete < 2; complete++) {
        lab_reset();
        g_lab.kinds = (uint32_t)RpcNotificationClientDisconnect | (uint32_t)RpcNotificationCallCancel;
        g_lab.type = RpcNotificationTypeApc;
        g_lab.one_call = 1;
        g_lab.complete_subscribed = 1;
        g_lab.use_complete = complete;
        g_lab.info[1].APC.NotificationRoutine = lab_routine;
        g_lab.info[1].APC.hThread = th;
        /* After an abortive cancel the server may complete without finishing its pipe. */
        CHECK_EQ(lab_call(ACT_ABORTIVE_CANCEL, apc_not_run_yet, subscriptions_ended,
                          (void *)(intptr_t)RpcClientCancel),
                 RPC_S_CALL_CANCELLED);
        CHECK_EQ(g_lab.final, RPC_S_OK);
        EXPECT_MISUSES(SIM_MISUSE_SUBSCRIBED_AT_COMPLETION);
    }
    CHECK(CloseHandle(th));
    end_misuse();
}

/* An abortive cancel in the middle of an in pipe: the server's pending pull is woken, the
 * client's later pushes fail, the call completes with RPC_S_CALL_CANCELLED. */
static void test_cancel_fails_pipes(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    cli c;
    cli_init(&c, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    ASYNC_INTPIPE in, out;
    int32_t b = 0;
    CHECK_EQ(fx_PipeEcho(&c.st, hb, 0, &in, &out, &b), RPC_S_OK);
    int32_t one = 1;
    CHECK_EQ(in.push(in.state, &one, 1), RPC_S_OK);
    CHECK(cli_wait(&c, &c.sends, 0, 5000));
    CHECK_EQ(RpcAsyncCancelCall(&c.st, 1), RPC_S_OK);
    CHECK_EQ(in.push(in.state, &one, 1), RPC_S_CALL_CANCELLED); /* later pipe operations fail */
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_CALL_CANCELLED);
    cli_close(&c);
    unbind(&hb);
    end_clean();
}

static void test_fault_push_and_pull(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    SIM_FAULT_PLAN plan;
    memset(&plan, 0, sizeof plan);
    plan.seed = 1;
    plan.push_fail_ppm = 1000000;
    sim_set_fault_plan(&plan);
    RPC_ASYNC_STATE st;
    init_state(&st);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&st, hb, &in), RPC_S_OK);
    int32_t v[3] = {1, 2, 3};
    CHECK_EQ(in.push(in.state, v, 3), RPC_S_CALL_FAILED);
    CHECK_EQ(in.push(in.state, v, 3), RPC_S_CALL_FAILED); /* the call has failed */
    CHECK_EQ(poll_status(&st, 5000), RPC_S_CALL_FAILED);
    int32_t reply;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_CALL_FAILED);
    CHECK(sim_quiesce(10000) == 1);
    CHECK_EQ(sim_misuse_count(), 0);

    plan.push_fail_ppm = 0;
    plan.pull_fail_ppm = 1000000;
    sim_set_fault_plan(&plan);
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    init_state(&st);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    ASYNC_INTPIPE out;
    CHECK_EQ(fx_PipeRange(&st, hb, 0, 10, &out), RPC_S_OK);
    RPC_STATUS s;
    uint32_t n;
    while ((s = out.pull(out.state, v, 3, &n)) == RPC_S_ASYNC_CALL_PENDING)
        REQUIRE(WaitForSingleObject(ev, 5000) == SIM_WAIT_OBJECT_0);
    CHECK_EQ(s, RPC_S_CALL_FAILED);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_CALL_FAILED);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_CALL_FAILED);
    CHECK(CloseHandle(ev));
    unbind(&hb);
    end_clean();
}

static void test_fault_drop_and_reply(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    SIM_FAULT_PLAN plan;
    memset(&plan, 0, sizeof plan);
    plan.seed = 2;
    plan.drop_notification_ppm = 1000000;
    sim_set_fault_plan(&plan);
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    CHECK_EQ(fx_Add(&st, hb, 2, 2), RPC_S_OK);
    CHECK_EQ(poll_status(&st, 5000), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 200), SIM_WAIT_TIMEOUT); /* dropped */
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 4);

    plan.drop_notification_ppm = 0;
    plan.fault_reply_ppm = 1000000;
    plan.fault_code = 0x5150;
    sim_set_fault_plan(&plan);
    init_state(&st);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    CHECK_EQ(fx_Add(&st, hb, 2, 2), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), 0x5150);
    CHECK(CloseHandle(ev));
    unbind(&hb);
    end_clean();
}

static void test_fault_disconnect_and_delays(void)
{
    SIM_FAULT_PLAN plan;
    memset(&plan, 0, sizeof plan);
    plan.seed = 3;
    plan.disconnect_ppm = 1000000;
    sim_set_fault_plan(&plan);
    server_reset(MODE_NORMAL);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    SIM_PEER_CALL c = peer_call(SIM_OP_PIPE_SUM);
    c.in_chunks = 3;
    c.in_chunk_elements = 10;
    c.interrupt_when_subscribed = 1; /* the first push's disconnect waits for the subscription */
    SIM_PEER_RESULT r = run_peer(TEST_EP, &c);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK(sim_quiesce(10000) == 1);
    CHECK(atomic_load(&g_srv_events) & (1u << RpcClientDisconnect));
    CHECK_EQ(tfx_stop(), RPC_S_OK);

    /* Random delays on every send, receive and reply change nothing but the timing. */
    plan.disconnect_ppm = 0;
    plan.max_delay_ms = 15;
    sim_set_fault_plan(&plan);
    c = peer_call(SIM_OP_PIPE_ECHO);
    c.a = 2;
    c.in_chunks = 6;
    c.in_chunk_elements = 50;
    r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 299 * 300 / 2);
    CHECK_EQ(r.out_sum, 299 * 300 / 2 + 600);
    c = peer_call(SIM_OP_PIPE_RANGE);
    c.a = 0;
    c.b = 5000;
    r = run_peer(SIM_PEER_ENDPOINT, &c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.out_elements, 5000);
    end_clean();
}

/* The index of the first push that fails in a 20-chunk PipeSum (-1: none), and the final
 * status. */
static int push_fail_index(void *hb, RPC_STATUS *final)
{
    RPC_ASYNC_STATE st;
    init_state(&st);
    ASYNC_INTPIPE in;
    REQUIRE(fx_PipeSum(&st, hb, &in) == RPC_S_OK);
    int32_t v[4] = {1, 2, 3, 4};
    int failed_at = -1;
    for (int i = 0; i < 20 && failed_at < 0; i++)
        if (in.push(in.state, v, 4) != RPC_S_OK)
            failed_at = i;
    if (failed_at < 0 && in.push(in.state, NULL, 0) != RPC_S_OK)
        failed_at = 20;
    poll_status(&st, 10000);
    int32_t reply;
    *final = RpcAsyncCompleteCall(&st, &reply);
    return failed_at;
}

static void test_fault_replay(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    SIM_FAULT_PLAN plan;
    memset(&plan, 0, sizeof plan);
    plan.push_fail_ppm = 100000;
    plan.fault_reply_ppm = 500000;
    plan.fault_code = 0x4D;
    int idx[2][6];
    RPC_STATUS fin[2][6];
    int32_t peer[2][8];
    for (int run = 0; run < 2; run++) {
        plan.seed = 0xFEEDu;
        sim_set_fault_plan(&plan); /* the call sequence starts again */
        for (int i = 0; i < 6; i++)
            idx[run][i] = push_fail_index(hb, &fin[run][i]);
        for (int i = 0; i < 8; i++) {
            SIM_PEER_CALL c = peer_call(SIM_OP_ADD);
            c.a = i;
            c.b = 1;
            SIM_PEER_RESULT r = run_peer(SIM_PEER_ENDPOINT, &c);
            peer[run][i] = r.status == RPC_S_OK ? r.reply : r.status;
        }
    }
    int failures = 0, faults = 0;
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(idx[0][i], idx[1][i]);
        CHECK_EQ(fin[0][i], fin[1][i]);
        failures += idx[0][i] >= 0;
    }
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(peer[0][i], peer[1][i]);
        CHECK(peer[0][i] == i + 1 || peer[0][i] == 0x4D);
        faults += peer[0][i] == 0x4D;
    }
    /* With p = 0.1 per push over 21 pushes and p = 0.5 per reply, the seed exercises both. */
    CHECK(failures > 0);
    CHECK(faults > 0 && faults < 8);
    unbind(&hb);
    end_clean();
}

/* A server stopped before a dispatched call reached it, and one with calls in flight. */
static void test_server_stop(void)
{
    server_reset(MODE_GATED);
    latch_reset(&g_gate);
    CHECK_EQ(tfx_serve(TEST_EP, &g_test_epv), RPC_S_OK);
    SIM_PEER_CALL c = peer_call(SIM_OP_PIPE_RANGE);
    c.b = 10;
    uint32_t id = sim_peer_call_start(TEST_EP, &c);
    REQUIRE(id != 0);
    ta_sleep_ms(50);
    ta_latch_open(&g_gate); /* the server runs to its end while Stop waits */
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    SIM_PEER_RESULT r;
    CHECK_EQ(sim_peer_call_wait(id, 10000, &r), 1);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.out_elements, 10);
    CHECK_EQ(sim_peer_call_wait(id, 10, &r), 0); /* already collected */
    end_clean();
}

int main(void)
{
    TA_RUN(test_initialize_handle);
    TA_RUN(test_bindings_and_endpoints);
    TA_RUN(test_completion_semantics);
    TA_RUN(test_event_notification);
    TA_RUN(test_ioc_notification);
    TA_RUN(test_apc_only_in_alertable_wait);
    TA_RUN(test_apc_runs_on_its_target_thread);
    TA_RUN(test_apc_bad_targets);
    TA_RUN(test_routine_gone);
    TA_RUN(test_runtime_fields);
    TA_RUN(test_cancel_abortive);
    TA_RUN(test_cancel_nonabortive);
    TA_RUN(test_fail_is_a_fault);
    TA_RUN(test_server_and_client_misuse);
    TA_RUN(test_get_call_status_phases);
    TA_RUN(test_client_pipe_sum);
    TA_RUN(test_client_pipe_range);
    TA_RUN(test_client_pipe_echo);
    TA_RUN(test_client_pipe_misuse);
    TA_RUN(test_peer_against_peer);
    TA_RUN(test_server_pipes);
    TA_RUN(test_server_pipe_misuse);
    TA_RUN(test_server_sees_cancel_and_disconnect);
    TA_RUN(test_unsubscribed_server_is_not_told);
    TA_RUN(test_cancel_is_heard_before_the_pull_is_woken);
    TA_RUN(test_subscribe_validation);
    TA_RUN(test_subscription_by_apc);
    TA_RUN(test_subscription_by_ioc);
    TA_RUN(test_subscription_by_event);
    TA_RUN(test_unsubscribed_kinds_are_not_told);
    TA_RUN(test_subscription_bad_targets);
    TA_RUN(test_completing_while_subscribed);
    TA_RUN(test_cancel_fails_pipes);
    TA_RUN(test_fault_push_and_pull);
    TA_RUN(test_fault_drop_and_reply);
    TA_RUN(test_fault_disconnect_and_delays);
    TA_RUN(test_fault_replay);
    TA_RUN(test_server_stop);
    return ta_exit_code();
}
