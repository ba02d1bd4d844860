/*
 * test_behaviours.c - the runtime behaviours of winrpcsim.h (sim_set_behaviours, SIM_BEHAVIOUR_*,
 * sim_set_pipe_window), through the library's exports only: each switched on does what
 * winrpcsim.h says, and switched off the simulator does what it did before (the STRICT reading).
 * Last, the scripted peers against each other under each behaviour and all of them at once:
 * they must survive every one (the Java suite runs against them under each).
 *
 * Every scenario ends with end_clean() (counters back to zero after sim_quiesce, the oracle
 * empty) after checking the misuses it expects.
 */
#include "winrpcsim.h"
#include "test_assert.h"
#include "test_fixture.h"

#include <stdatomic.h>
#include <string.h>

#define THREAD_SET_CONTEXT 0x0010u
#define SYNCHRONIZE 0x00100000u
#define TEST_EP "beh-srv"
#define NOTIFY WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE

/* ---- helpers --------------------------------------------------------------------------------- */

/* Nothing left but `handles` open handles and `bindings` binding handles (the test's own, for
 * its next call), nothing recorded; the behaviours back to none. sim_reset forgets the
 * bindings: a test that goes on binds again (end_calls_rebind). */
static void end_calls2(int64_t handles, int64_t bindings)
{
    CHECK(sim_quiesce(10000) == 1);
    for (int i = 0; i < SIM_COUNT__MAX; i++) {
        int64_t want = i == SIM_COUNT_HANDLES ? handles : i == SIM_COUNT_BINDINGS ? bindings : 0;
        if (sim_counter(i) != want)
            fprintf(stderr, "    counter %d = %lld\n", i, (long long)sim_counter(i));
        CHECK_EQ(sim_counter(i), want);
    }
    tfx_no_misuse();
    sim_reset();
    CHECK_EQ(sim_behaviours(), 0);
}

static void end_clean(void) { end_calls2(0, 0); }

static void *bind_to(const char *ep);

/* Between two calls of one test: the test's event and binding stay; the binding is made again
 * after the reset. */
#define end_calls_rebind(hb, ep)                                                              \
    do {                                                                                      \
        end_calls2(1, 1);                                                                     \
        (hb) = bind_to(ep);                                                                   \
    } while (0)

/* The oracle holds exactly these kinds (in any order); then it is cleared. */
static void expect_misuses(const int *kinds, int n)
{
    int count = sim_misuse_count();
    int ok = count == n;
    int used[16] = {0};
    for (int i = 0; ok && i < count && i < 16; i++) {
        int kind = sim_misuse_get(i, NULL, 0);
        int found = 0;
        for (int j = 0; j < n; j++)
            if (!used[j] && kinds[j] == kind) {
                used[j] = found = 1;
                break;
            }
        ok = found;
    }
    if (!ok)
        tfx_dump_misuses();
    CHECK(ok);
    sim_misuse_clear();
}

#define EXPECT_MISUSES(...)                                                                   \
    do {                                                                                      \
        static const int k_[] = {__VA_ARGS__};                                                \
        expect_misuses(k_, (int)(sizeof k_ / sizeof k_[0]));                                  \
    } while (0)

static void init_state(RPC_ASYNC_STATE *st)
{
    memset(st, 0, sizeof *st);
    REQUIRE(RpcAsyncInitializeHandle(st, sizeof *st) == RPC_S_OK);
}

static void *bind_to(const char *ep)
{
    void *hb = NULL;
    REQUIRE(tfx_bind(ep, &hb) == RPC_S_OK);
    return hb;
}

static void unbind(void **hb) { CHECK_EQ(tfx_unbind(hb), RPC_S_OK); }

static HANDLE my_thread(void)
{
    HANDLE h = OpenThread(THREAD_SET_CONTEXT | SYNCHRONIZE, 0, GetCurrentThreadId());
    REQUIRE(h != NULL);
    return h;
}

/* Waits (not alertably) until counter `which` is n; 1 if it got there within 5 s. */
static int wait_counter(int which, int64_t n)
{
    uint64_t end = ta_now_ms() + 5000;
    while (sim_counter(which) != n && ta_now_ms() < end)
        ta_sleep_ms(1);
    return sim_counter(which) == n;
}

/* Waits (not alertably) until *v is n; 1 if it got there within 5 s. */
static int wait_atomic(_Atomic uint32_t *v, uint32_t n)
{
    uint64_t end = ta_now_ms() + 5000;
    while (atomic_load(v) != n && ta_now_ms() < end)
        ta_sleep_ms(1);
    return atomic_load(v) == n;
}

/* ---- a client notified by APC on this thread, recording what each routine saw ----------- */

typedef struct cli {
    RPC_ASYNC_STATE st;
    HANDLE th;
    uint32_t n;                  /* routines run */
    RPC_ASYNC_EVENT arg[16];     /* the Event argument of each */
    RPC_ASYNC_EVENT field[16];   /* pAsync->Event as each saw it */
    uint32_t sends, recvs, completes; /* by argument */
} cli;

static void WINRPC_ENTRY cli_routine(PRPC_ASYNC_STATE p, void *ctx, RPC_ASYNC_EVENT ev)
{
    (void)ctx;
    cli *c = p->UserInfo;
    if (c->n < 16) {
        c->arg[c->n] = ev;
        c->field[c->n] = p->Event;
    }
    c->n++;
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

/* Waits alertably until *counter is no longer seen; 1 if that happened within timeout_ms. */
static int cli_wait(const uint32_t *counter, uint32_t seen, unsigned timeout_ms)
{
    uint64_t end = ta_now_ms() + timeout_ms;
    while (*counter == seen) {
        uint64_t now = ta_now_ms();
        if (now >= end)
            return 0;
        SleepEx((DWORD)(end - now), 1);
    }
    return 1;
}

/* Pulls the out pipe to its end, by APC; returns the elements, checking they count up from
 * start. */
static uint32_t cli_drain(cli *c, ASYNC_INTPIPE *out, int32_t start)
{
    int32_t buf[800];
    uint32_t total = 0;
    for (;;) {
        uint32_t n = 0;
        uint32_t seen = c->recvs;
        RPC_STATUS s = out->pull(out->state, buf, 800, &n);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            REQUIRE(cli_wait(&c->recvs, seen, 5000));
            continue;
        }
        CHECK_EQ(s, RPC_S_OK);
        if (s != RPC_S_OK || n == 0)
            return total;
        for (uint32_t i = 0; i < n; i++)
            CHECK_EQ(buf[i], start + (int32_t)(total + i));
        total += n;
    }
}

/* Waits for RpcCallComplete, then completes. */
static RPC_STATUS cli_complete(cli *c, int32_t *reply)
{
    CHECK(cli_wait(&c->completes, 0, 5000));
    return RpcAsyncCompleteCall(&c->st, reply);
}

/* ---- the test's own C server ------------------------------------------------------------- */

/* Its state is notified by Event (so that the only APCs queued in a test are its client's); it
 * hears a cancel or disconnect by APC subscription to its own thread. */
static _Atomic int g_gated;            /* wait for g_gate before the pipes */
static ta_latch g_gate = TA_LATCH_INIT;
static _Atomic uint32_t g_pulled;      /* PipeSum, PipeEcho: elements pulled so far */
static _Atomic uint32_t g_sent;        /* PipeRange, PipeEcho: pushes whose send completed (the
                                          null push included) */
static _Atomic uint32_t g_chunk;       /* PipeRange: elements per push */
static _Atomic int g_subscribe_late;   /* PipeRange: subscribe after the second push (not waited
                                          for), not at the start */
static _Atomic int32_t g_srv_final;    /* what the server's final call returned */
static _Atomic int32_t g_srv_why;      /* RPC_S_OK, or what it aborted with */

typedef struct srv {
    PRPC_ASYNC_STATE p;
    HANDLE th, ev;
    uint32_t received[2];    /* subscription notifications: [0] disconnect, [1] cancel */
    int subscribed, stop;
} srv;

static void WINRPC_ENTRY sub_routine(PRPC_ASYNC_STATE p, void *ctx, RPC_ASYNC_EVENT ev)
{
    (void)ctx;
    srv *s = p->UserInfo;
    if (ev == RpcClientCancel || ev == RpcClientDisconnect) {
        s->received[ev == RpcClientCancel]++;
        s->stop = 1;
    }
}

static void srv_subscribe(srv *s)
{
    RPC_ASYNC_NOTIFICATION_INFO info;
    memset(&info, 0, sizeof info);
    info.APC.NotificationRoutine = sub_routine;
    info.APC.hThread = s->th;
    s->subscribed = RpcServerSubscribeForNotification(
                        RpcAsyncGetCallHandle(s->p),
                        (uint32_t)RpcNotificationClientDisconnect |
                            (uint32_t)RpcNotificationCallCancel,
                        RpcNotificationTypeApc, &info) == RPC_S_OK;
    CHECK(s->subscribed);
    if (RpcAsyncGetCallStatus(s->p) != RPC_S_ASYNC_CALL_PENDING)
        s->stop = 1; /* the client went away before the subscription */
}

static void srv_init(srv *s, PRPC_ASYNC_STATE p, int subscribe)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    s->th = my_thread();
    s->ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(s->ev != NULL);
    p->UserInfo = s;
    p->Flags = NOTIFY;
    p->u.hEvent = s->ev;
    p->NotificationType = RpcNotificationTypeEvent;
    CHECK_EQ(RpcAsyncRegisterInfo(p), RPC_S_OK);
    if (subscribe)
        srv_subscribe(s);
}

/* Waits for the state's next notification (each send or pull awaited gets one), or (stop_too)
 * for a cancel or disconnect; alertable, for the subscription's APCs. */
static int srv_wait(srv *s, int stop_too)
{
    uint64_t end = ta_now_ms() + 10000;
    while (!(stop_too && s->stop) && ta_now_ms() < end)
        if (WaitForSingleObjectEx(s->ev, 20, 1) == SIM_WAIT_OBJECT_0)
            return 1;
    return 0;
}

/* Unsubscribes, waits for what the runtime queued, then completes or aborts. */
static void srv_end(srv *s, RPC_STATUS failure, int32_t reply)
{
    if (s->subscribed) {
        uint32_t q[2] = {0, 0};
        CHECK_EQ(RpcServerUnsubscribeForNotification(RpcAsyncGetCallHandle(s->p),
                                                     RpcNotificationClientDisconnect, &q[0]),
                 RPC_S_OK);
        CHECK_EQ(RpcServerUnsubscribeForNotification(RpcAsyncGetCallHandle(s->p),
                                                     RpcNotificationCallCancel, &q[1]),
                 RPC_S_OK);
        uint64_t end = ta_now_ms() + 10000;
        while ((s->received[0] < q[0] || s->received[1] < q[1]) && ta_now_ms() < end)
            SleepEx(20, 1);
    }
    if (failure == RPC_S_OK && s->stop)
        failure = s->received[0] ? RPC_S_CALL_FAILED : RPC_S_CALL_CANCELLED;
    atomic_store(&g_srv_why, failure);
    atomic_store(&g_srv_final, failure != RPC_S_OK ? RpcAsyncAbortCall(s->p, (uint32_t)failure)
                                                   : RpcAsyncCompleteCall(s->p, &reply));
    CHECK(CloseHandle(s->th));
    CHECK(CloseHandle(s->ev));
}

/* Pulls in to its end into v (up to cap elements); RPC_S_OK, or the status to abort with. */
static RPC_STATUS srv_pull_all(srv *s, ASYNC_INTPIPE *in, int32_t *v, uint32_t cap,
                               uint32_t *n_out)
{
    uint32_t n = 0;
    for (;;) {
        int32_t buf[300];
        uint32_t got = 0;
        RPC_STATUS st = in->pull(in->state, buf, 300, &got);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            if (!srv_wait(s, 0))
                return RPC_S_CALL_FAILED;
            continue;
        }
        if (st != RPC_S_OK)
            return st;
        if (got == 0)
            break;
        REQUIRE(n + got <= cap);
        memcpy(v + n, buf, got * sizeof *buf);
        n += got;
        atomic_fetch_add(&g_pulled, got);
    }
    *n_out = n;
    return RPC_S_OK;
}

/* Pushes v[0..n) (n == 0: the null push) and waits for its send; RPC_S_OK, or the status to
 * abort with (RPC_S_OK with s->stop set: srv_end says why). */
static RPC_STATUS srv_push(srv *s, int32_t *v, uint32_t n, ASYNC_INTPIPE *out, int wait)
{
    RPC_STATUS st = out->push(out->state, n ? v : NULL, n);
    if (st != RPC_S_OK)
        return st;
    if (!wait)
        return RPC_S_OK;
    if (!srv_wait(s, 1))
        return s->stop ? RPC_S_OK : RPC_S_CALL_FAILED;
    atomic_fetch_add(&g_sent, 1);
    return RPC_S_OK;
}

static void t_Add(PRPC_ASYNC_STATE p, void *hb, int32_t a, int32_t b)
{
    (void)hb;
    int32_t reply = a + b;
    atomic_store(&g_srv_final, RpcAsyncCompleteCall(p, &reply));
}

static void t_Sleep(PRPC_ASYNC_STATE p, void *hb, uint32_t ms)
{
    (void)hb;
    (void)ms;
    atomic_store(&g_srv_final, RpcAsyncAbortCall(p, RPC_S_CALL_FAILED));
}

static void t_Fail(PRPC_ASYNC_STATE p, void *hb, uint32_t code)
{
    (void)hb;
    atomic_store(&g_srv_final, RpcAsyncAbortCall(p, code));
}

static int32_t g_values[8192];

/* Pulls everything (after g_gate when gated), replies the sum. */
static void t_PipeSum(PRPC_ASYNC_STATE p, void *hb, ASYNC_INTPIPE *in)
{
    (void)hb;
    srv s;
    srv_init(&s, p, 1);
    if (atomic_load(&g_gated))
        ta_latch_wait(&g_gate);
    uint32_t n = 0, sum = 0;
    RPC_STATUS failure = srv_pull_all(&s, in, g_values, 8192, &n);
    for (uint32_t i = 0; i < n; i++)
        sum += (uint32_t)g_values[i];
    srv_end(&s, failure, (int32_t)sum);
}

/* Pushes count values from start in chunks of g_chunk, each followed by the wait for its send,
 * then the null push and its wait. */
static void t_PipeRange(PRPC_ASYNC_STATE p, void *hb, int32_t start, int32_t count,
                        ASYNC_INTPIPE *out)
{
    (void)hb;
    srv s;
    int late = atomic_load(&g_subscribe_late);
    srv_init(&s, p, !late);
    uint32_t chunk = atomic_load(&g_chunk);
    REQUIRE(chunk > 0 && count >= 0 && (uint32_t)count <= 8192);
    for (int32_t i = 0; i < count; i++)
        g_values[i] = start + i;
    RPC_STATUS failure = RPC_S_OK;
    uint32_t pushes = 0;
    for (uint32_t i = 0; failure == RPC_S_OK && !s.stop && i < (uint32_t)count; i += chunk) {
        uint32_t k = (uint32_t)count - i < chunk ? (uint32_t)count - i : chunk;
        pushes++;
        /* late: the second push is not waited for before subscribing, so that a scripted
         * client waiting for the subscription finds it held outside the window. */
        int now = late && pushes == 2;
        failure = srv_push(&s, g_values + i, k, out, !now);
        if (now && failure == RPC_S_OK) {
            srv_subscribe(&s);
            if (!srv_wait(&s, 1) && !s.stop)
                failure = RPC_S_CALL_FAILED;
            else if (!s.stop)
                atomic_fetch_add(&g_sent, 1);
        }
    }
    if (failure == RPC_S_OK && !s.stop)
        failure = srv_push(&s, NULL, 0, out, 1);
    srv_end(&s, failure, count);
}

/* Pulls everything; then (after g_gate when gated) pushes each value + a in one push, and the
 * null push; *b = count, reply = sum. */
static void t_PipeEcho(PRPC_ASYNC_STATE p, void *hb, int32_t a, ASYNC_INTPIPE *in,
                       ASYNC_INTPIPE *out, int32_t *b)
{
    (void)hb;
    srv s;
    srv_init(&s, p, 1);
    uint32_t n = 0, sum = 0;
    RPC_STATUS failure = srv_pull_all(&s, in, g_values, 8192, &n);
    for (uint32_t i = 0; i < n; i++) {
        sum += (uint32_t)g_values[i];
        g_values[i] += a;
    }
    if (atomic_load(&g_gated))
        ta_latch_wait(&g_gate);
    if (failure == RPC_S_OK && n > 0)
        failure = srv_push(&s, g_values, n, out, 1);
    if (failure == RPC_S_OK && !s.stop)
        failure = srv_push(&s, NULL, 0, out, 1);
    *b = (int32_t)n;
    srv_end(&s, failure, (int32_t)sum);
}

static const FX_SERVER_EPV g_epv = {t_Add, t_Sleep, t_Fail, t_PipeSum, t_PipeRange, t_PipeEcho};

static void server_start(void)
{
    atomic_store(&g_gated, 0);
    pthread_mutex_lock(&g_gate.mu);
    g_gate.open = 0;
    pthread_mutex_unlock(&g_gate.mu);
    atomic_store(&g_pulled, 0);
    atomic_store(&g_sent, 0);
    atomic_store(&g_chunk, 700);
    atomic_store(&g_subscribe_late, 0);
    atomic_store(&g_srv_final, -1);
    atomic_store(&g_srv_why, -1);
    CHECK_EQ(tfx_serve(TEST_EP, &g_epv), RPC_S_OK);
}

static void server_stop(void) { CHECK_EQ(tfx_stop(), RPC_S_OK); }

static int32_t push_values(ASYNC_INTPIPE *in, int32_t from, uint32_t n)
{
    int32_t buf[1000];
    REQUIRE(n <= 1000);
    int32_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        buf[i] = from + (int32_t)i;
        sum += buf[i];
    }
    CHECK_EQ(in->push(in->state, buf, n), RPC_S_OK);
    return sum;
}

/* ---- the controls --------------------------------------------------------------------------- */

static void test_controls(void)
{
    CHECK_EQ(sim_behaviours(), 0);
    CHECK_EQ(SIM_BEHAVIOURS_ALL, 0x3f);
    sim_set_behaviours(SIM_BEHAVIOURS_ALL | 0x100u); /* unknown bits are ignored */
    CHECK_EQ(sim_behaviours(), SIM_BEHAVIOURS_ALL);
    sim_set_behaviours(SIM_BEHAVIOUR_BACK_PRESSURE);
    CHECK_EQ(sim_behaviours(), SIM_BEHAVIOUR_BACK_PRESSURE);
    CHECK_EQ(sim_pipe_window(), SIM_PIPE_WINDOW_DEFAULT);
    CHECK_EQ(SIM_PIPE_WINDOW_DEFAULT, 2 * FX_CHUNK_ELEMENTS);
    sim_set_pipe_window(100);
    CHECK_EQ(sim_pipe_window(), 100);
    sim_set_pipe_window(0);
    CHECK_EQ(sim_pipe_window(), SIM_PIPE_WINDOW_DEFAULT);
    sim_set_pipe_window(100);
    sim_reset();
    CHECK_EQ(sim_behaviours(), 0);
    CHECK_EQ(sim_pipe_window(), SIM_PIPE_WINDOW_DEFAULT);
    end_clean();
}

/* ---- APC_EVENT_AT_RUN ------------------------------------------------------------------------ */

/* Two notifications (RpcSendComplete, then RpcCallComplete) are queued as APCs before the
 * client's first alertable wait. */
static void apc_event_at_run(int on)
{
    sim_set_behaviours(on ? SIM_BEHAVIOUR_APC_EVENT_AT_RUN : 0);
    server_start();
    void *hb = bind_to(TEST_EP);
    cli c;
    cli_init(&c, NOTIFY);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, hb, &in), RPC_S_OK);
    int32_t sum = push_values(&in, 1, 10);
    CHECK(wait_counter(SIM_COUNT_QUEUED_APCS, 1)); /* its RpcSendComplete */
    c.st.Flags = 0;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK(wait_counter(SIM_COUNT_QUEUED_APCS, 2)); /* RpcCallComplete */
    CHECK_EQ(c.n, 0);
    CHECK_EQ(SleepEx(5000, 1), WINRPC_WAIT_IO_COMPLETION); /* runs both */
    CHECK_EQ(c.n, 2);
    RPC_ASYNC_EVENT first = on ? RpcCallComplete : RpcSendComplete;
    CHECK_EQ(c.arg[0], first);
    CHECK_EQ(c.field[0], first);
    CHECK_EQ(c.arg[1], RpcCallComplete);
    CHECK_EQ(c.field[1], RpcCallComplete);
    int32_t reply = 0;
    CHECK_EQ(RpcAsyncCompleteCall(&c.st, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    cli_close(&c);
    unbind(&hb);
    server_stop();
    end_clean();
}

static void test_apc_event_at_run(void)
{
    apc_event_at_run(1);
    apc_event_at_run(0);
}

/* A pull pends; an RpcSendComplete (not its RpcReceiveComplete) runs. Under APC_EVENT_AT_RUN the
 * receiver cannot tell which notification that was, so pulling again then pends again; pulling
 * again with no notification run since is still a misuse. Off, it is a misuse either way. */
static void apc_event_at_run_pull_again(int on)
{
    sim_set_behaviours(on ? SIM_BEHAVIOUR_APC_EVENT_AT_RUN : 0);
    server_start();
    atomic_store(&g_gated, 1);
    void *hb = bind_to(TEST_EP);
    cli c;
    cli_init(&c, NOTIFY);
    ASYNC_INTPIPE in, out;
    int32_t b = 0;
    CHECK_EQ(fx_PipeEcho(&c.st, hb, 1, &in, &out, &b), RPC_S_OK);
    int32_t sum = push_values(&in, 0, 10);
    c.st.Flags = 0;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK(wait_counter(SIM_COUNT_QUEUED_APCS, 1)); /* the push's RpcSendComplete, not run */
    int32_t buf[100];
    uint32_t n = 0;
    CHECK_EQ(out.pull(out.state, buf, 100, &n), RPC_S_ASYNC_CALL_PENDING); /* gated */
    CHECK_EQ(out.pull(out.state, buf, 100, &n), RPC_X_PIPE_DISCIPLINE_ERROR);
    EXPECT_MISUSES(SIM_MISUSE_PIPE_DISCIPLINE);
    CHECK_EQ(SleepEx(5000, 1), WINRPC_WAIT_IO_COMPLETION);
    CHECK_EQ(c.n, 1);
    CHECK_EQ(c.arg[0], RpcSendComplete);
    if (on) {
        CHECK_EQ(out.pull(out.state, buf, 100, &n), RPC_S_ASYNC_CALL_PENDING);
        CHECK_EQ(sim_misuse_count(), 0);
        /* ... once per notification run */
        CHECK_EQ(out.pull(out.state, buf, 100, &n), RPC_X_PIPE_DISCIPLINE_ERROR);
    } else {
        CHECK_EQ(out.pull(out.state, buf, 100, &n), RPC_X_PIPE_DISCIPLINE_ERROR);
    }
    EXPECT_MISUSES(SIM_MISUSE_PIPE_DISCIPLINE);
    ta_latch_open(&g_gate);
    CHECK(cli_wait(&c.recvs, 0, 5000));
    uint32_t total = 0;
    for (;;) {
        uint32_t seen = c.n;
        RPC_STATUS st = out.pull(out.state, buf, 100, &n);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            CHECK(cli_wait(&c.n, seen, 5000));
            continue;
        }
        CHECK_EQ(st, RPC_S_OK);
        if (st != RPC_S_OK || n == 0)
            break;
        for (uint32_t i = 0; i < n; i++)
            CHECK_EQ(buf[i], (int32_t)(total + i) + 1);
        total += n;
    }
    CHECK_EQ(total, 10);
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    CHECK_EQ(b, 10);
    cli_close(&c);
    unbind(&hb);
    server_stop();
    end_clean();
}

static void test_apc_event_at_run_pull_again(void)
{
    apc_event_at_run_pull_again(1);
    apc_event_at_run_pull_again(0);
}

/* ---- INITIAL_SEND_COMPLETE -------------------------------------------------------------------- */

static void initial_send_complete_apc(int on)
{
    sim_set_behaviours(on ? SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE : 0);
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    cli c;
    cli_init(&c, NOTIFY);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, hb, &in), RPC_S_OK);
    if (on) {
        CHECK_EQ(SleepEx(5000, 1), WINRPC_WAIT_IO_COMPLETION);
        CHECK_EQ(c.n, 1);
        CHECK_EQ(c.arg[0], RpcSendComplete);
        CHECK_EQ(c.field[0], RpcSendComplete);
    }
    CHECK_EQ(SleepEx(150, 1), 0); /* (no more) before a push */
    CHECK_EQ(c.sends, on ? 1u : 0u);
    int32_t sum = 0;
    for (int k = 0; k < 3; k++) {
        uint32_t seen = c.sends;
        sum += push_values(&in, k * 100, 100);
        CHECK(cli_wait(&c.sends, seen, 5000));
    }
    uint32_t seen = c.sends;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK(cli_wait(&c.sends, seen, 5000));
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    CHECK_EQ(c.sends, on ? 5u : 4u); /* one per push, the null push's too, and the request's */
    cli_close(&c);
    unbind(&hb);
    end_clean();
}

static void test_initial_send_complete(void)
{
    initial_send_complete_apc(1);
    initial_send_complete_apc(0);

    sim_set_behaviours(SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE);
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    /* Not without RPC_C_NOTIFY_ON_SEND_COMPLETE. */
    cli c;
    cli_init(&c, 0);
    ASYNC_INTPIPE in, out;
    CHECK_EQ(fx_PipeSum(&c.st, hb, &in), RPC_S_OK);
    CHECK_EQ(SleepEx(150, 1), 0);
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    int32_t reply = -1;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 0);
    CHECK_EQ(c.sends, 0);
    cli_close(&c);

    /* Not without an [in] pipe. */
    cli_init(&c, NOTIFY);
    CHECK_EQ(fx_PipeRange(&c.st, hb, 5, 1500, &out), RPC_S_OK);
    CHECK_EQ(cli_drain(&c, &out, 5), 1500);
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 1500);
    CHECK_EQ(c.sends, 0);
    cli_close(&c);

    /* With an event too: signalled with Event RpcSendComplete before any push. */
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    RPC_ASYNC_STATE st;
    init_state(&st);
    st.Flags = NOTIFY;
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    CHECK_EQ(fx_PipeSum(&st, hb, &in), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcSendComplete);
    st.Flags = 0;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcCallComplete);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK(CloseHandle(ev));
    unbind(&hb);
    end_clean();
}

/* ---- COLLAPSE_SEND_COMPLETES ------------------------------------------------------------------- */

/* Three pushes; the first one's RpcSendComplete APC is queued and not run when the next two
 * sends complete. */
static void collapse(int on)
{
    sim_set_behaviours(on ? SIM_BEHAVIOUR_COLLAPSE_SEND_COMPLETES : 0);
    server_start();
    void *hb = bind_to(TEST_EP);
    cli c;
    cli_init(&c, NOTIFY);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, hb, &in), RPC_S_OK);
    int32_t sum = push_values(&in, 0, 100);
    CHECK(wait_counter(SIM_COUNT_QUEUED_APCS, 1));
    for (int k = 1; k < 3; k++) {
        sum += push_values(&in, k * 100, 100);
        if (on) {
            /* Its send completed (the server pulled it) and issued nothing. */
            CHECK(wait_atomic(&g_pulled, (uint32_t)(k + 1) * 100));
            CHECK_EQ(sim_counter(SIM_COUNT_PENDING_NOTIFICATIONS), 0);
            CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 1);
        } else {
            CHECK(wait_counter(SIM_COUNT_QUEUED_APCS, k + 1));
        }
    }
    CHECK_EQ(c.n, 0);
    CHECK_EQ(SleepEx(5000, 1), WINRPC_WAIT_IO_COMPLETION);
    CHECK_EQ(c.sends, on ? 1u : 3u);
    /* Once it ran, a send is notified again. */
    uint32_t seen = c.sends;
    sum += push_values(&in, 300, 100);
    CHECK(cli_wait(&c.sends, seen, 5000));
    CHECK_EQ(c.sends, seen + 1);
    c.st.Flags = 0;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    CHECK_EQ(atomic_load(&g_pulled), 400);
    cli_close(&c);
    unbind(&hb);
    server_stop();
    end_clean();
}

static void test_collapse_send_completes(void)
{
    collapse(1);
    collapse(0);
}

/* ---- CALL_COMPLETE_BEFORE_DRAIN ---------------------------------------------------------------- */

static RPC_ASYNC_STATE *event_state(RPC_ASYNC_STATE *st, HANDLE ev)
{
    init_state(st);
    st->NotificationType = RpcNotificationTypeEvent;
    st->u.hEvent = ev;
    return st;
}

/* Pulls with an event (pending: wait for it); returns what the pull returned. */
static RPC_STATUS ev_pull(RPC_ASYNC_STATE *st, HANDLE ev, ASYNC_INTPIPE *out, int32_t *buf,
                          uint32_t esize, uint32_t *n)
{
    RPC_STATUS s;
    while ((s = out->pull(out->state, buf, esize, n)) == RPC_S_ASYNC_CALL_PENDING) {
        REQUIRE(WaitForSingleObject(ev, 5000) == SIM_WAIT_OBJECT_0);
        CHECK_EQ(st->Event, RpcReceiveComplete);
    }
    return s;
}

static void test_call_complete_before_drain(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    RPC_ASYNC_STATE st;
    ASYNC_INTPIPE out;
    int32_t buf[1500];
    uint32_t n = 0;
    int32_t reply = -1;

    /* On: RpcCallComplete with the whole pipe unpulled (the call keeps the behaviour it started
     * with). Completing now is refused; the data and the end still come. */
    sim_set_behaviours(SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN);
    CHECK_EQ(fx_PipeRange(event_state(&st, ev), hb, 10, 2500, &out), RPC_S_OK);
    sim_set_behaviours(0);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcCallComplete);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_OK);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_X_PIPE_DISCIPLINE_ERROR);
    CHECK_EQ(reply, -1);
    EXPECT_MISUSES(SIM_MISUSE_PIPE_DISCIPLINE);
    uint32_t total = 0;
    for (;;) {
        CHECK_EQ(ev_pull(&st, ev, &out, buf, 1500, &n), RPC_S_OK);
        if (n == 0)
            break;
        for (uint32_t i = 0; i < n; i++)
            CHECK_EQ(buf[i], 10 + (int32_t)(total + i));
        total += n;
    }
    CHECK_EQ(total, 2500);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, 2500);
    CHECK_EQ(WaitForSingleObject(ev, 100), SIM_WAIT_TIMEOUT); /* one RpcCallComplete */
    end_calls_rebind(hb, SIM_PEER_ENDPOINT); /* the event stays; the binding is made again */

    /* On: a cancel after it gives up on the rest: the pipe fails, the call is cancelled. */
    sim_set_behaviours(SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN);
    CHECK_EQ(fx_PipeRange(event_state(&st, ev), hb, 0, 3000, &out), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcCallComplete);
    CHECK_EQ(ev_pull(&st, ev, &out, buf, 1500, &n), RPC_S_OK);
    CHECK(n > 0);
    CHECK_EQ(RpcAsyncCancelCall(&st, 0), RPC_S_OK);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_CALL_CANCELLED);
    CHECK_EQ(out.pull(out.state, buf, 1500, &n), RPC_S_CALL_CANCELLED);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_CALL_CANCELLED);
    CHECK_EQ(WaitForSingleObject(ev, 100), SIM_WAIT_TIMEOUT);
    end_calls_rebind(hb, SIM_PEER_ENDPOINT); /* the event stays; the binding is made again */

    /* On: a pull that fails after it (the fault plan's second client pull) fails the call. */
    sim_set_behaviours(SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN);
    SIM_FAULT_PLAN plan;
    memset(&plan, 0, sizeof plan);
    plan.client_pull_fail_at = 2;
    sim_set_fault_plan(&plan);
    CHECK_EQ(fx_PipeRange(event_state(&st, ev), hb, 0, 3000, &out), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(ev_pull(&st, ev, &out, buf, 1500, &n), RPC_S_OK);
    CHECK_EQ(ev_pull(&st, ev, &out, buf, 1500, &n), RPC_S_CALL_FAILED);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_CALL_FAILED);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_CALL_FAILED);
    end_calls_rebind(hb, SIM_PEER_ENDPOINT); /* the event stays; the binding is made again */

    /* Off: no RpcCallComplete while the data is unpulled, though the server has finished. */
    CHECK_EQ(fx_PipeRange(event_state(&st, ev), hb, 0, 2500, &out), RPC_S_OK);
    CHECK(wait_counter(SIM_COUNT_ASYNC_STATES, 1));
    CHECK_EQ(WaitForSingleObject(ev, 150), SIM_WAIT_TIMEOUT);
    CHECK_EQ(RpcAsyncGetCallStatus(&st), RPC_S_ASYNC_CALL_PENDING);
    total = 0;
    for (;;) {
        CHECK_EQ(ev_pull(&st, ev, &out, buf, 1500, &n), RPC_S_OK);
        if (n == 0)
            break;
        total += n;
    }
    CHECK_EQ(total, 2500);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcCallComplete);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK(CloseHandle(ev));
    unbind(&hb);
    end_clean();
}

/* ---- BACK_PRESSURE ---------------------------------------------------------------------------- */

/* The server pushes `count` elements in chunks of `chunk`, each followed by the wait for its
 * send; the client pulls one chunk at a time. With a window of `window` elements, `per` chunks
 * (at least one) are let in at a time: after the client pulled p chunks, p + per have been
 * let in, their sends complete, and the next one waits outside. */
static void back_pressure_out(uint32_t window, uint32_t chunk, uint32_t count)
{
    sim_set_behaviours(SIM_BEHAVIOUR_BACK_PRESSURE);
    sim_set_pipe_window(window);
    server_start();
    atomic_store(&g_chunk, chunk);
    void *hb = bind_to(TEST_EP);
    cli c;
    cli_init(&c, 0);
    ASYNC_INTPIPE out;
    CHECK_EQ(fx_PipeRange(&c.st, hb, 0, (int32_t)count, &out), RPC_S_OK);
    uint32_t pushes = (count + chunk - 1) / chunk;
    uint32_t per = window / chunk > 0 ? window / chunk : 1;
    int32_t buf[2048];
    uint32_t n = 0, total = 0;
    for (uint32_t pulled = 0;; pulled++) {
        uint32_t in = pulled + per < pushes ? pulled + per : pushes;
        uint32_t sent = in + (in == pushes); /* the null push takes no room */
        CHECK(wait_atomic(&g_sent, sent));
        if (in < pushes) {
            ta_sleep_ms(60);
            CHECK_EQ(atomic_load(&g_sent), sent); /* the next one waits */
        }
        if (pulled == pushes)
            break;
        if (pulled == 0 && per == 1) {
            /* Pulling part of a chunk makes too little room. */
            CHECK_EQ(out.pull(out.state, buf, chunk / 4, &n), RPC_S_OK);
            CHECK_EQ(n, chunk / 4);
            for (uint32_t i = 0; i < n; i++)
                CHECK_EQ(buf[i], (int32_t)(total + i));
            total += n;
            ta_sleep_ms(60);
            CHECK_EQ(atomic_load(&g_sent), sent);
        }
        /* The rest of that chunk (one pull takes from one chunk at most). */
        CHECK_EQ(out.pull(out.state, buf, 2048, &n), RPC_S_OK);
        CHECK(n > 0);
        for (uint32_t i = 0; i < n; i++)
            CHECK_EQ(buf[i], (int32_t)(total + i));
        total += n;
    }
    CHECK_EQ(total, count);
    CHECK_EQ(out.pull(out.state, buf, 2048, &n), RPC_S_OK);
    CHECK_EQ(n, 0);
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, (int32_t)count);
    cli_close(&c);
    unbind(&hb);
    server_stop();
    end_clean();
}

/* Interrupts a call whose server waits for a send held outside the window. how: 0 abortive
 * cancel, 1 non-abortive cancel, 2 the scripted client's disconnect. */
static void back_pressure_interrupted(int how)
{
    sim_set_behaviours(SIM_BEHAVIOUR_BACK_PRESSURE);
    sim_set_pipe_window(1000);
    server_start();
    atomic_store(&g_chunk, 700);
    if (how == 2) {
        atomic_store(&g_subscribe_late, 1);
        SIM_PEER_CALL pc;
        memset(&pc, 0, sizeof pc);
        pc.op = SIM_OP_PIPE_RANGE;
        pc.a = 0;
        pc.b = 2800;
        pc.cancel_after_ms = -1;
        pc.disconnect_after_chunks = 0; /* no in pipe: right after the call starts ... */
        pc.interrupt_when_subscribed = 1; /* ... once the server subscribed */
        uint32_t id = sim_peer_call_start(TEST_EP, &pc);
        REQUIRE(id != 0);
        SIM_PEER_RESULT r;
        memset(&r, 0, sizeof r);
        CHECK_EQ(sim_peer_call_wait(id, 20000, &r), 1);
        CHECK_EQ(r.status, RPC_S_CALL_FAILED);
        server_stop();
        CHECK_EQ(atomic_load(&g_sent), 1);
        CHECK_EQ(atomic_load(&g_srv_why), RPC_S_CALL_FAILED);
        CHECK_EQ(atomic_load(&g_srv_final), RPC_S_OK);
        end_clean();
        return;
    }
    void *hb = bind_to(TEST_EP);
    cli c;
    cli_init(&c, 0);
    ASYNC_INTPIPE out;
    CHECK_EQ(fx_PipeRange(&c.st, hb, 0, 2800, &out), RPC_S_OK);
    CHECK(wait_atomic(&g_sent, 1));
    CHECK(wait_counter(SIM_COUNT_PIPE_BUFFERS, 2)); /* one let in, one held */
    CHECK_EQ(RpcAsyncCancelCall(&c.st, how == 0), RPC_S_OK);
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_CALL_CANCELLED);
    cli_close(&c);
    unbind(&hb);
    server_stop();
    CHECK_EQ(atomic_load(&g_sent), 1);
    CHECK_EQ(atomic_load(&g_srv_why), RPC_S_CALL_CANCELLED);
    end_clean();
}

static void test_back_pressure(void)
{
    back_pressure_out(1000, 700, 2800); /* one chunk at a time fits */
    back_pressure_out(1000, 400, 2000); /* two at a time */
    back_pressure_out(500, 700, 1400);  /* a chunk larger than the window comes in alone */

    /* The default window: two of the fixture's chunks. */
    sim_set_behaviours(SIM_BEHAVIOUR_BACK_PRESSURE);
    server_start();
    atomic_store(&g_chunk, FX_CHUNK_ELEMENTS);
    void *hb = bind_to(TEST_EP);
    cli c;
    cli_init(&c, 0);
    ASYNC_INTPIPE out;
    CHECK_EQ(fx_PipeRange(&c.st, hb, 0, 4 * FX_CHUNK_ELEMENTS, &out), RPC_S_OK);
    CHECK(wait_atomic(&g_sent, 2));
    ta_sleep_ms(100);
    CHECK_EQ(atomic_load(&g_sent), 2);
    CHECK_EQ(cli_drain(&c, &out, 0), 4 * FX_CHUNK_ELEMENTS);
    int32_t reply = 0;
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    cli_close(&c);
    unbind(&hb);
    server_stop();
    end_clean();

    /* Off: every send completes with nothing pulled. */
    server_start();
    hb = bind_to(TEST_EP);
    cli_init(&c, 0);
    CHECK_EQ(fx_PipeRange(&c.st, hb, 0, 2800, &out), RPC_S_OK);
    CHECK(wait_atomic(&g_sent, 5));
    CHECK_EQ(cli_drain(&c, &out, 0), 2800);
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    cli_close(&c);
    unbind(&hb);
    server_stop();
    end_clean();

    /* The in pipe: the client's second send completes only once the server pulls. */
    sim_set_behaviours(SIM_BEHAVIOUR_BACK_PRESSURE);
    sim_set_pipe_window(1000);
    server_start();
    atomic_store(&g_gated, 1);
    hb = bind_to(TEST_EP);
    cli_init(&c, NOTIFY);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, hb, &in), RPC_S_OK);
    int32_t sum = push_values(&in, 0, 700);
    CHECK(cli_wait(&c.sends, 0, 5000));
    sum += push_values(&in, 700, 700);
    CHECK_EQ(SleepEx(150, 1), 0);
    CHECK_EQ(c.sends, 1);
    ta_latch_open(&g_gate);
    CHECK(cli_wait(&c.sends, 1, 5000));
    c.st.Flags = 0;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    cli_close(&c);
    unbind(&hb);
    server_stop();
    end_clean();

    back_pressure_interrupted(0);
    back_pressure_interrupted(1);
    back_pressure_interrupted(2);
}

/* ---- SEND_COMPLETE_APC_ONLY ------------------------------------------------------------------- */

static void test_send_complete_apc_only(void)
{
    void *hb = bind_to(SIM_PEER_ENDPOINT);
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    RPC_ASYNC_STATE st;
    ASYNC_INTPIPE in;
    int32_t reply = 0;

    /* On, Event: no RpcSendComplete at all (not even INITIAL_SEND_COMPLETE's). */
    sim_set_behaviours(SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY |
                       SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE);
    event_state(&st, ev)->Flags = NOTIFY;
    CHECK_EQ(fx_PipeSum(&st, hb, &in), RPC_S_OK);
    int32_t sum = push_values(&in, 0, 500);
    CHECK_EQ(WaitForSingleObject(ev, 150), SIM_WAIT_TIMEOUT);
    sum += push_values(&in, 500, 500);
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcCallComplete);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    CHECK_EQ(WaitForSingleObject(ev, 100), SIM_WAIT_TIMEOUT);
    end_calls_rebind(hb, SIM_PEER_ENDPOINT); /* the event stays; the binding is made again */

    /* On, I/O completion port: the same. */
    sim_set_behaviours(SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY);
    HANDLE port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 0);
    REQUIRE(port != NULL);
    init_state(&st);
    st.Flags = NOTIFY;
    st.NotificationType = RpcNotificationTypeIoc;
    st.u.IOC.hIOPort = port;
    st.u.IOC.dwCompletionKey = 9;
    CHECK_EQ(fx_PipeSum(&st, hb, &in), RPC_S_OK);
    sum = push_values(&in, 0, 300);
    OVERLAPPED_ENTRY e;
    uint32_t got = 0;
    CHECK_EQ(GetQueuedCompletionStatusEx(port, &e, 1, &got, 150, 0), 0);
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK(GetQueuedCompletionStatusEx(port, &e, 1, &got, 5000, 0));
    CHECK_EQ(got, 1);
    CHECK_EQ(st.Event, RpcCallComplete);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    CHECK(CloseHandle(port));
    end_calls_rebind(hb, SIM_PEER_ENDPOINT); /* the event stays; the binding is made again */

    /* On, APC: still notified. */
    sim_set_behaviours(SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY);
    cli c;
    cli_init(&c, NOTIFY);
    CHECK_EQ(fx_PipeSum(&c.st, hb, &in), RPC_S_OK);
    sum = push_values(&in, 0, 300);
    CHECK(cli_wait(&c.sends, 0, 5000));
    c.st.Flags = 0;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    cli_close(&c);
    end_calls_rebind(hb, SIM_PEER_ENDPOINT); /* the event stays; the binding is made again */

    /* Off, Event: notified, Event RpcSendComplete. */
    CHECK_EQ(fx_PipeSum(event_state(&st, ev), hb, &in), RPC_S_OK);
    st.Flags = NOTIFY;
    sum = push_values(&in, 0, 300);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcSendComplete);
    st.Flags = 0;
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK_EQ(WaitForSingleObject(ev, 5000), SIM_WAIT_OBJECT_0);
    CHECK_EQ(st.Event, RpcCallComplete);
    CHECK_EQ(RpcAsyncCompleteCall(&st, &reply), RPC_S_OK);
    CHECK_EQ(reply, sum);
    CHECK(CloseHandle(ev));
    unbind(&hb);
    end_clean();
}

/* ---- the scripted peers survive every behaviour ------------------------------------------- */

static SIM_PEER_RESULT run_peer(const SIM_PEER_CALL *c)
{
    SIM_PEER_RESULT r;
    memset(&r, 0, sizeof r);
    uint32_t id = sim_peer_call_start(SIM_PEER_ENDPOINT, c);
    REQUIRE(id != 0);
    CHECK_EQ(sim_peer_call_wait(id, 30000, &r), 1);
    return r;
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

static void peers_under(uint32_t mask)
{
    sim_set_behaviours(mask);
    SIM_PEER_CALL c = peer_call(SIM_OP_ADD);
    c.a = 40;
    c.b = 2;
    SIM_PEER_RESULT r = run_peer(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 42);

    c = peer_call(SIM_OP_PIPE_SUM);
    c.in_chunks = 5;
    c.in_chunk_elements = 1500; /* larger than a chunk, and than the window with two */
    r = run_peer(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 7499 * 7500 / 2);

    c = peer_call(SIM_OP_PIPE_RANGE);
    c.a = 3;
    c.b = 5000;
    r = run_peer(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 5000);
    CHECK_EQ(r.out_elements, 5000);
    CHECK_EQ(r.out_sum, (int64_t)5000 * 3 + (int64_t)4999 * 5000 / 2);

    c = peer_call(SIM_OP_PIPE_ECHO);
    c.a = 1;
    c.in_chunks = 4;
    c.in_chunk_elements = 900;
    r = run_peer(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 3599 * 3600 / 2);
    CHECK_EQ(r.out_b, 3600);
    CHECK_EQ(r.out_elements, 3600);
    CHECK_EQ(r.out_sum, (int64_t)3599 * 3600 / 2 + 3600);

    /* The server fails while the client is still sending (its first pull fails): the client
     * stops, never pulls its out pipe, and completes with the failure. */
    SIM_FAULT_PLAN plan;
    memset(&plan, 0, sizeof plan);
    plan.server_pull_fail_at = 1;
    sim_set_fault_plan(&plan);
    c = peer_call(SIM_OP_PIPE_ECHO);
    c.in_chunks = 3;
    c.in_chunk_elements = 100;
    r = run_peer(&c);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK_EQ(r.out_elements, 0);
    sim_set_fault_plan(NULL);

    /* A cancel in the middle of the out pipe. */
    c = peer_call(SIM_OP_PIPE_ECHO);
    c.in_chunks = 2;
    c.in_chunk_elements = 10;
    c.cancel_after_ms = 0;
    c.cancel_abortive = 1;
    r = run_peer(&c);
    CHECK(r.status == RPC_S_CALL_CANCELLED || r.status == RPC_S_OK);
    if (sim_misuse_count() != 0)
        fprintf(stderr, "    under behaviours 0x%x:\n", (unsigned)mask);
    end_clean();
}

static void test_peers_under_every_behaviour(void)
{
    peers_under(0);
    for (uint32_t b = 1; b <= SIM_BEHAVIOURS_ALL; b <<= 1)
        peers_under(b);
    peers_under(SIM_BEHAVIOURS_ALL);
}

int main(void)
{
    TA_RUN(test_controls);
    TA_RUN(test_apc_event_at_run);
    TA_RUN(test_apc_event_at_run_pull_again);
    TA_RUN(test_initial_send_complete);
    TA_RUN(test_collapse_send_completes);
    TA_RUN(test_call_complete_before_drain);
    TA_RUN(test_back_pressure);
    TA_RUN(test_send_complete_apc_only);
    TA_RUN(test_peers_under_every_behaviour);
    return ta_exit_code();
}
