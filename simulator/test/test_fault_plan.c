/*
 * test_fault_plan.c - the fault plan's deterministic fields (SIM_FAULT_PLAN's *_at fields and
 * send_delay_ms), through the library's exports only: each makes exactly the k-th push,
 * completing pull, notification or send of one side of every call fail, be lost or be late, and
 * nothing else. (test_rpc.c tests the random, ppm fields.)
 *
 * The client side is this thread, notified by an event. The server side is the simulator's
 * scripted server (SIM_PEER_ENDPOINT) where only the client is looked at, else this file's own
 * C server (TEST_EP), which records what each of its pushes and pulls returned, called by the
 * simulator's scripted client.
 */
#include "winrpcsim.h"
#include "test_assert.h"
#include "test_fixture.h"

#include <stdatomic.h>
#include <string.h>

#define TEST_EP "test-fault-plan"
#define WAIT_MS 5000u
#define MAX_OPS 16

/* ---- helpers --------------------------------------------------------------------------------- */

static void end_clean(void)
{
    CHECK(sim_quiesce(10000) == 1);
    for (int32_t i = 0; i < SIM_COUNT__MAX; i++)
        CHECK_EQ(sim_counter(i), 0);
    int n = sim_misuse_count();
    for (int i = 0; i < n && i < 16; i++) {
        char buf[512];
        int kind = sim_misuse_get(i, buf, sizeof buf);
        fprintf(stderr, "    misuse %d: %s\n", kind, buf);
    }
    CHECK_EQ(n, 0);
    sim_reset();
}

static SIM_FAULT_PLAN no_faults(void)
{
    SIM_FAULT_PLAN p;
    memset(&p, 0, sizeof p);
    return p;
}

/* A client call on this thread, notified through an auto-reset event. */
typedef struct client {
    RPC_ASYNC_STATE st;
    HANDLE ev;
    void *hb;
} client;

static void client_open(client *c, const char *ep, uint32_t flags)
{
    memset(c, 0, sizeof *c);
    REQUIRE(RpcAsyncInitializeHandle(&c->st, sizeof c->st) == RPC_S_OK);
    c->ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(c->ev != NULL);
    c->st.Flags = flags;
    c->st.NotificationType = RpcNotificationTypeEvent;
    c->st.u.hEvent = c->ev;
    REQUIRE(tfx_bind(ep, &c->hb) == RPC_S_OK);
}

/* Waits for the call's final status, completes it, and frees what client_open made. */
static RPC_STATUS client_close(client *c, int32_t *reply)
{
    uint64_t end = ta_now_ms() + WAIT_MS;
    while (RpcAsyncGetCallStatus(&c->st) == RPC_S_ASYNC_CALL_PENDING && ta_now_ms() < end)
        ta_sleep_ms(2);
    int32_t r = 0;
    RPC_STATUS s = RpcAsyncCompleteCall(&c->st, &r);
    if (reply != NULL)
        *reply = r;
    CHECK(CloseHandle(c->ev));
    CHECK_EQ(tfx_unbind(&c->hb), RPC_S_OK);
    return s;
}

/* Pushes n one-element chunks (values 1..n), then the null push, until one fails. Each status
 * goes to st[]; returns how many pushes were made. */
static int client_push_all(ASYNC_INTPIPE *in, int n, RPC_STATUS *st)
{
    for (int i = 0; i <= n; i++) {
        int32_t v = i + 1;
        st[i] = i < n ? in->push(in->state, &v, 1) : in->push(in->state, NULL, 0);
        if (st[i] != RPC_S_OK)
            return i + 1;
    }
    return n + 1;
}

/* Pulls one element at a time until the end or a failure, waiting for RpcReceiveComplete after
 * a pending pull. The status of every pull that did not pend goes to st[] (and its element to
 * v[]); returns how many there were. */
static int client_pull_all(client *c, ASYNC_INTPIPE *out, RPC_STATUS *st, int32_t *v)
{
    int n = 0;
    while (n < MAX_OPS) {
        int32_t x = -1;
        uint32_t got = 0;
        RPC_STATUS s = out->pull(out->state, &x, 1, &got);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            REQUIRE(WaitForSingleObject(c->ev, WAIT_MS) == SIM_WAIT_OBJECT_0);
            continue;
        }
        st[n] = s;
        v[n] = got == 1 ? x : -1;
        n++;
        if (s != RPC_S_OK || got == 0)
            break;
    }
    return n;
}

/* Milliseconds until the event is signalled, or -1 after timeout_ms. */
static int64_t wait_event_ms(HANDLE ev, uint32_t timeout_ms)
{
    uint64_t t0 = ta_now_ms();
    if (WaitForSingleObject(ev, timeout_ms) != SIM_WAIT_OBJECT_0)
        return -1;
    return (int64_t)(ta_now_ms() - t0);
}

/* ---- the test's C server: it records what its pushes and pulls returned ------------------- */

static struct {
    _Atomic int n;                    /* operations recorded */
    _Atomic int32_t status[MAX_OPS];  /* what each push, or each pull that did not pend, returned */
    _Atomic int32_t value[MAX_OPS];   /* a pull: the element it returned (-1: none) */
    _Atomic int64_t sent_ms[MAX_OPS]; /* a push: ms until its RpcSendComplete, -1 if none came */
    _Atomic int32_t final;            /* what its RpcAsyncCompleteCall or RpcAsyncAbortCall said */
    _Atomic uint32_t send_wait_ms;    /* how long it waits for each RpcSendComplete */
    _Atomic int gated;                /* PipeSum pulls only once the gate is open */
} g_srv;

static ta_latch g_gate = TA_LATCH_INIT;

static void srv_reset(uint32_t send_wait_ms)
{
    atomic_store(&g_srv.n, 0);
    for (int i = 0; i < MAX_OPS; i++) {
        atomic_store(&g_srv.status[i], -1);
        atomic_store(&g_srv.value[i], -1);
        atomic_store(&g_srv.sent_ms[i], -1);
    }
    atomic_store(&g_srv.final, -1);
    atomic_store(&g_srv.send_wait_ms, send_wait_ms);
    atomic_store(&g_srv.gated, 0);
    pthread_mutex_lock(&g_gate.mu);
    g_gate.open = 0;
    pthread_mutex_unlock(&g_gate.mu);
}

/* Event notifications, every send notified; registered, so that nothing is held. */
static HANDLE srv_open(PRPC_ASYNC_STATE p)
{
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(ev != NULL);
    p->Flags = WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE;
    p->NotificationType = RpcNotificationTypeEvent;
    p->u.hEvent = ev;
    CHECK_EQ(RpcAsyncRegisterInfo(p), RPC_S_OK);
    return ev;
}

static void srv_close(PRPC_ASYNC_STATE p, HANDLE ev, RPC_STATUS failure, int32_t reply)
{
    atomic_store(&g_srv.final, failure != RPC_S_OK ? RpcAsyncAbortCall(p, (uint32_t)failure)
                                                   : RpcAsyncCompleteCall(p, &reply));
    CHECK(CloseHandle(ev));
}

static void srv_record(RPC_STATUS s, int32_t value, int64_t sent_ms)
{
    int i = atomic_fetch_add(&g_srv.n, 1);
    REQUIRE(i < MAX_OPS);
    atomic_store(&g_srv.status[i], s);
    atomic_store(&g_srv.value[i], value);
    atomic_store(&g_srv.sent_ms[i], sent_ms);
}

static void t_Add(PRPC_ASYNC_STATE p, void *hb, int32_t a, int32_t b)
{
    (void)hb;
    int32_t r = a + b;
    atomic_store(&g_srv.final, RpcAsyncCompleteCall(p, &r));
}

static void t_Sleep(PRPC_ASYNC_STATE p, void *hb, uint32_t ms)
{
    (void)hb;
    (void)ms;
    atomic_store(&g_srv.final, RpcAsyncAbortCall(p, 1));
}

static void t_Fail(PRPC_ASYNC_STATE p, void *hb, uint32_t code)
{
    (void)hb;
    atomic_store(&g_srv.final, RpcAsyncAbortCall(p, code));
}

/* Pulls one element at a time to the end, or until a pull fails; gated, it starts only once
 * g_gate is open. */
static void t_PipeSum(PRPC_ASYNC_STATE p, void *hb, ASYNC_INTPIPE *in)
{
    (void)hb;
    HANDLE ev = srv_open(p);
    if (atomic_load(&g_srv.gated))
        ta_latch_wait(&g_gate);
    RPC_STATUS s = RPC_S_OK;
    int32_t sum = 0;
    for (;;) {
        int32_t x = -1;
        uint32_t got = 0;
        s = in->pull(in->state, &x, 1, &got);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            REQUIRE(WaitForSingleObject(ev, WAIT_MS) == SIM_WAIT_OBJECT_0);
            continue;
        }
        srv_record(s, got == 1 ? x : -1, -1);
        if (s != RPC_S_OK || got == 0)
            break;
        sum += x;
    }
    srv_close(p, ev, s, sum);
}

/* Pushes count one-element chunks (start, start + 1, ...), then the null push, waiting up to
 * g_srv.send_wait_ms for the RpcSendComplete of each; stops at the first push that fails. */
static void t_PipeRange(PRPC_ASYNC_STATE p, void *hb, int32_t start, int32_t count,
                        ASYNC_INTPIPE *out)
{
    (void)hb;
    HANDLE ev = srv_open(p);
    RPC_STATUS s = RPC_S_OK;
    for (int32_t i = 0; i <= count && s == RPC_S_OK; i++) {
        int32_t x = start + i;
        s = i < count ? out->push(out->state, &x, 1) : out->push(out->state, NULL, 0);
        int64_t ms = -1;
        if (s == RPC_S_OK)
            ms = wait_event_ms(ev, atomic_load(&g_srv.send_wait_ms));
        srv_record(s, -1, ms);
    }
    srv_close(p, ev, s, count);
}

static void t_PipeEcho(PRPC_ASYNC_STATE p, void *hb, int32_t a, ASYNC_INTPIPE *in,
                       ASYNC_INTPIPE *out, int32_t *b)
{
    (void)hb;
    (void)a;
    (void)in;
    (void)out;
    (void)b;
    atomic_store(&g_srv.final, RpcAsyncAbortCall(p, 1)); /* not used here */
}

static const FX_SERVER_EPV g_epv = {t_Add, t_Sleep, t_Fail, t_PipeSum, t_PipeRange, t_PipeEcho};

/* The scripted client calls the test's server; returns its result once the server has ended. */
static SIM_PEER_RESULT scripted_client(uint32_t op, int32_t a, int32_t b, uint32_t in_chunks)
{
    SIM_PEER_CALL c;
    memset(&c, 0, sizeof c);
    c.op = op;
    c.a = a;
    c.b = b;
    c.in_chunks = in_chunks;
    c.in_chunk_elements = 1;
    c.cancel_after_ms = -1;
    c.disconnect_after_chunks = -1;
    SIM_PEER_RESULT r;
    memset(&r, 0, sizeof r);
    uint32_t id = sim_peer_call_start(TEST_EP, &c);
    REQUIRE(id != 0);
    CHECK_EQ(sim_peer_call_wait(id, 20000, &r), 1);
    CHECK(sim_quiesce(10000) == 1); /* the manager routine has returned */
    return r;
}

/* ---- pushes ----------------------------------------------------------------------------------- */

/* client_push_fail_at = 3: in every call, the client's third push fails, and the call with it;
 * the two before it go through. The server's pushes are not the client's. */
static void test_client_push_fail_at(void)
{
    SIM_FAULT_PLAN plan = no_faults();
    plan.client_push_fail_at = 3;
    sim_set_fault_plan(&plan);
    for (int call = 0; call < 2; call++) { /* counted per call */
        client c;
        client_open(&c, SIM_PEER_ENDPOINT, 0);
        ASYNC_INTPIPE in;
        CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
        RPC_STATUS st[8];
        CHECK_EQ(client_push_all(&in, 5, st), 3);
        CHECK_EQ(st[0], RPC_S_OK);
        CHECK_EQ(st[1], RPC_S_OK);
        CHECK_EQ(st[2], RPC_S_CALL_FAILED);
        int32_t one = 1;
        CHECK_EQ(in.push(in.state, &one, 1), RPC_S_CALL_FAILED); /* the call has failed */
        CHECK_EQ(client_close(&c, NULL), RPC_S_CALL_FAILED);
    }

    /* Fewer pushes than k: nothing fails. The null push counts: the third of two chunks. */
    client c;
    client_open(&c, SIM_PEER_ENDPOINT, 0);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
    RPC_STATUS st[8];
    CHECK_EQ(client_push_all(&in, 1, st), 2);
    CHECK_EQ(st[0], RPC_S_OK);
    CHECK_EQ(st[1], RPC_S_OK);
    int32_t reply = 0;
    CHECK_EQ(client_close(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 1);
    client_open(&c, SIM_PEER_ENDPOINT, 0);
    CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
    CHECK_EQ(client_push_all(&in, 2, st), 3);
    CHECK_EQ(st[2], RPC_S_CALL_FAILED);
    CHECK_EQ(client_close(&c, NULL), RPC_S_CALL_FAILED);

    /* The server's pushes: all of them go through. */
    srv_reset(WAIT_MS);
    CHECK_EQ(tfx_serve(TEST_EP, &g_epv), RPC_S_OK);
    SIM_PEER_RESULT r = scripted_client(SIM_OP_PIPE_RANGE, 10, 5, 0);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.out_elements, 5);
    CHECK_EQ(atomic_load(&g_srv.n), 6);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(atomic_load(&g_srv.status[i]), RPC_S_OK);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    end_clean();
}

/* server_push_fail_at = 2: the server's second push fails; the first went through; the client
 * gets the failure. The client's pushes are not the server's. */
static void test_server_push_fail_at(void)
{
    SIM_FAULT_PLAN plan = no_faults();
    plan.server_push_fail_at = 2;
    sim_set_fault_plan(&plan);
    CHECK_EQ(tfx_serve(TEST_EP, &g_epv), RPC_S_OK);
    srv_reset(WAIT_MS);
    SIM_PEER_RESULT r = scripted_client(SIM_OP_PIPE_RANGE, 0, 4, 0);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK(r.out_elements <= 1);
    CHECK_EQ(atomic_load(&g_srv.n), 2);
    CHECK_EQ(atomic_load(&g_srv.status[0]), RPC_S_OK);
    CHECK(atomic_load(&g_srv.sent_ms[0]) >= 0);
    CHECK_EQ(atomic_load(&g_srv.status[1]), RPC_S_CALL_FAILED);
    CHECK_EQ(atomic_load(&g_srv.final), RPC_S_OK); /* its abort */

    /* The null push of a pipe with one chunk is the second push too. */
    srv_reset(WAIT_MS);
    r = scripted_client(SIM_OP_PIPE_RANGE, 0, 1, 0);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK_EQ(atomic_load(&g_srv.n), 2);
    CHECK_EQ(atomic_load(&g_srv.status[0]), RPC_S_OK);
    CHECK_EQ(atomic_load(&g_srv.status[1]), RPC_S_CALL_FAILED);
    CHECK_EQ(tfx_stop(), RPC_S_OK);

    /* The client's pushes: all of them go through. */
    client c;
    client_open(&c, SIM_PEER_ENDPOINT, 0);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
    RPC_STATUS st[8];
    CHECK_EQ(client_push_all(&in, 4, st), 5);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(st[i], RPC_S_OK);
    int32_t reply = 0;
    CHECK_EQ(client_close(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 1 + 2 + 3 + 4);
    end_clean();
}

/* ---- pulls ------------------------------------------------------------------------------------ */

/* client_pull_fail_at = 3: the client's third completing pull fails (pulls that pend do not
 * count); the two before it returned their elements. The server's pulls are not the client's. */
static void test_client_pull_fail_at(void)
{
    SIM_FAULT_PLAN plan = no_faults();
    plan.client_pull_fail_at = 3;
    sim_set_fault_plan(&plan);
    for (int call = 0; call < 2; call++) {
        client c;
        client_open(&c, SIM_PEER_ENDPOINT, 0);
        ASYNC_INTPIPE out;
        CHECK_EQ(fx_PipeRange(&c.st, c.hb, 100, 6, &out), RPC_S_OK);
        RPC_STATUS st[MAX_OPS];
        int32_t v[MAX_OPS];
        CHECK_EQ(client_pull_all(&c, &out, st, v), 3);
        CHECK_EQ(st[0], RPC_S_OK);
        CHECK_EQ(v[0], 100);
        CHECK_EQ(st[1], RPC_S_OK);
        CHECK_EQ(v[1], 101);
        CHECK_EQ(st[2], RPC_S_CALL_FAILED);
        CHECK_EQ(client_close(&c, NULL), RPC_S_CALL_FAILED);
    }

    /* The pull that returns the end counts: the third of two elements. */
    client c;
    client_open(&c, SIM_PEER_ENDPOINT, 0);
    ASYNC_INTPIPE out;
    CHECK_EQ(fx_PipeRange(&c.st, c.hb, 7, 2, &out), RPC_S_OK);
    RPC_STATUS st[MAX_OPS];
    int32_t v[MAX_OPS];
    CHECK_EQ(client_pull_all(&c, &out, st, v), 3);
    CHECK_EQ(v[0], 7);
    CHECK_EQ(v[1], 8);
    CHECK_EQ(st[2], RPC_S_CALL_FAILED);
    CHECK_EQ(client_close(&c, NULL), RPC_S_CALL_FAILED);

    /* The server's pulls: all of them complete. */
    srv_reset(WAIT_MS);
    CHECK_EQ(tfx_serve(TEST_EP, &g_epv), RPC_S_OK);
    SIM_PEER_RESULT r = scripted_client(SIM_OP_PIPE_SUM, 0, 0, 4);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 0 + 1 + 2 + 3);
    CHECK_EQ(atomic_load(&g_srv.n), 5);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(atomic_load(&g_srv.status[i]), RPC_S_OK);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    end_clean();
}

/* server_pull_fail_at = 4: the server's fourth completing pull fails; the three before it
 * returned their elements. The client's pulls are not the server's. */
static void test_server_pull_fail_at(void)
{
    SIM_FAULT_PLAN plan = no_faults();
    plan.server_pull_fail_at = 4;
    sim_set_fault_plan(&plan);
    CHECK_EQ(tfx_serve(TEST_EP, &g_epv), RPC_S_OK);
    srv_reset(WAIT_MS);
    SIM_PEER_RESULT r = scripted_client(SIM_OP_PIPE_SUM, 0, 0, 6);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK_EQ(atomic_load(&g_srv.n), 4);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(atomic_load(&g_srv.status[i]), RPC_S_OK);
        CHECK_EQ(atomic_load(&g_srv.value[i]), i);
    }
    CHECK_EQ(atomic_load(&g_srv.status[3]), RPC_S_CALL_FAILED);
    CHECK_EQ(atomic_load(&g_srv.final), RPC_S_OK); /* its abort */

    /* Three chunks: the pull of the end is the fourth. */
    srv_reset(WAIT_MS);
    r = scripted_client(SIM_OP_PIPE_SUM, 0, 0, 3);
    CHECK_EQ(r.status, RPC_S_CALL_FAILED);
    CHECK_EQ(atomic_load(&g_srv.n), 4);
    CHECK_EQ(atomic_load(&g_srv.status[2]), RPC_S_OK);
    CHECK_EQ(atomic_load(&g_srv.status[3]), RPC_S_CALL_FAILED);
    CHECK_EQ(tfx_stop(), RPC_S_OK);

    /* The client's pulls: all of them complete. */
    client c;
    client_open(&c, SIM_PEER_ENDPOINT, 0);
    ASYNC_INTPIPE out;
    CHECK_EQ(fx_PipeRange(&c.st, c.hb, 0, 6, &out), RPC_S_OK);
    RPC_STATUS st[MAX_OPS];
    int32_t v[MAX_OPS];
    CHECK_EQ(client_pull_all(&c, &out, st, v), 7);
    for (int i = 0; i < 7; i++)
        CHECK_EQ(st[i], RPC_S_OK);
    CHECK_EQ(v[5], 5);
    CHECK_EQ(v[6], -1); /* the end */
    CHECK_EQ(client_close(&c, NULL), RPC_S_OK);
    end_clean();
}

/* ---- notifications ---------------------------------------------------------------------------- */

/* client_drop_notification_at = 2: of a client's three RpcSendComplete, the second is lost. */
static void test_client_drop_notification_at(void)
{
    SIM_FAULT_PLAN plan = no_faults();
    plan.client_drop_notification_at = 2;
    sim_set_fault_plan(&plan);
    client c;
    client_open(&c, SIM_PEER_ENDPOINT, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
    int32_t x = 5;
    CHECK_EQ(in.push(in.state, &x, 1), RPC_S_OK);
    CHECK(wait_event_ms(c.ev, WAIT_MS) >= 0);
    CHECK_EQ(in.push(in.state, &x, 1), RPC_S_OK);
    CHECK_EQ(wait_event_ms(c.ev, 300), -1); /* lost */
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK(wait_event_ms(c.ev, WAIT_MS) >= 0);
    int32_t reply = 0;
    CHECK_EQ(client_close(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 10);

    /* A plain call's only notification, RpcCallComplete, is the first: the second is never
     * lost. */
    client_open(&c, SIM_PEER_ENDPOINT, 0);
    CHECK_EQ(fx_Add(&c.st, c.hb, 2, 3), RPC_S_OK);
    CHECK(wait_event_ms(c.ev, WAIT_MS) >= 0);
    CHECK_EQ(client_close(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 5);
    plan.client_drop_notification_at = 1;
    sim_set_fault_plan(&plan);
    client_open(&c, SIM_PEER_ENDPOINT, 0);
    CHECK_EQ(fx_Add(&c.st, c.hb, 2, 3), RPC_S_OK);
    CHECK_EQ(wait_event_ms(c.ev, 300), -1); /* lost: the caller polls */
    CHECK_EQ(client_close(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 5);
    end_clean();
}

/* server_drop_notification_at = 2: of the server's RpcSendComplete, the second is lost; the
 * client's notifications are not the server's. */
static void test_server_drop_notification_at(void)
{
    SIM_FAULT_PLAN plan = no_faults();
    plan.server_drop_notification_at = 2;
    sim_set_fault_plan(&plan);
    CHECK_EQ(tfx_serve(TEST_EP, &g_epv), RPC_S_OK);
    srv_reset(300);
    SIM_PEER_RESULT r = scripted_client(SIM_OP_PIPE_RANGE, 0, 3, 0);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.out_elements, 3);
    CHECK_EQ(atomic_load(&g_srv.n), 4);
    CHECK(atomic_load(&g_srv.sent_ms[0]) >= 0);
    CHECK_EQ(atomic_load(&g_srv.sent_ms[1]), -1); /* lost */
    CHECK(atomic_load(&g_srv.sent_ms[2]) >= 0);
    CHECK(atomic_load(&g_srv.sent_ms[3]) >= 0);

    /* The client's three RpcSendComplete all arrive. (The server pulls only once everything has
     * arrived, so that it needs no notification, which the plan could take from it.) */
    srv_reset(WAIT_MS);
    atomic_store(&g_srv.gated, 1);
    client c;
    client_open(&c, TEST_EP, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
    int32_t x = 5;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(in.push(in.state, i < 2 ? &x : NULL, i < 2 ? 1u : 0u), RPC_S_OK);
        CHECK(wait_event_ms(c.ev, WAIT_MS) >= 0);
    }
    ta_latch_open(&g_gate);
    int32_t reply = 0;
    CHECK_EQ(client_close(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 10);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    end_clean();
}

/* ---- sends ------------------------------------------------------------------------------------ */

/* client_send_delay_at = 2, send_delay_ms = 600: the client's second push arrives, and its send
 * completes, 600 ms late; its first does not wait, nor does the server's second. */
static void test_client_send_delay_at(void)
{
    SIM_FAULT_PLAN plan = no_faults();
    plan.client_send_delay_at = 2;
    plan.send_delay_ms = 600;
    sim_set_fault_plan(&plan);
    client c;
    client_open(&c, SIM_PEER_ENDPOINT, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
    int32_t x = 5;
    CHECK_EQ(in.push(in.state, &x, 1), RPC_S_OK);
    int64_t first = wait_event_ms(c.ev, WAIT_MS);
    CHECK_EQ(in.push(in.state, &x, 1), RPC_S_OK);
    int64_t second = wait_event_ms(c.ev, WAIT_MS);
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    CHECK(wait_event_ms(c.ev, WAIT_MS) >= 0);
    CHECK(first >= 0 && first < 400);
    CHECK(second >= 590);
    CHECK_EQ(client_close(&c, NULL), RPC_S_OK);

    CHECK_EQ(tfx_serve(TEST_EP, &g_epv), RPC_S_OK);
    srv_reset(WAIT_MS);
    SIM_PEER_RESULT r = scripted_client(SIM_OP_PIPE_RANGE, 0, 1, 0);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(atomic_load(&g_srv.n), 2);
    second = atomic_load(&g_srv.sent_ms[1]);
    CHECK(second >= 0 && second < 400);
    CHECK_EQ(tfx_stop(), RPC_S_OK);
    end_clean();
}

/* server_send_delay_at = 1, send_delay_ms = 600: the server's first push is 600 ms late, its
 * second is not, nor is the client's first. */
static void test_server_send_delay_at(void)
{
    SIM_FAULT_PLAN plan = no_faults();
    plan.server_send_delay_at = 1;
    plan.send_delay_ms = 600;
    sim_set_fault_plan(&plan);
    CHECK_EQ(tfx_serve(TEST_EP, &g_epv), RPC_S_OK);
    srv_reset(WAIT_MS);
    SIM_PEER_RESULT r = scripted_client(SIM_OP_PIPE_RANGE, 0, 1, 0);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(atomic_load(&g_srv.n), 2);
    CHECK(atomic_load(&g_srv.sent_ms[0]) >= 590);
    int64_t second = atomic_load(&g_srv.sent_ms[1]);
    CHECK(second >= 0 && second < 400);
    CHECK_EQ(tfx_stop(), RPC_S_OK);

    client c;
    client_open(&c, SIM_PEER_ENDPOINT, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE);
    ASYNC_INTPIPE in;
    CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    int64_t first = wait_event_ms(c.ev, WAIT_MS);
    CHECK(first >= 0 && first < 400);
    CHECK_EQ(client_close(&c, NULL), RPC_S_OK);
    end_clean();
}

/* The deterministic fields do not move what a seed draws: the same seed fails the same push
 * with or without a count that never comes. */
static void test_counts_leave_the_draws_alone(void)
{
    int failed_at[2];
    for (int run = 0; run < 2; run++) {
        SIM_FAULT_PLAN plan = no_faults();
        plan.seed = 0xC0FFEEu;
        plan.push_fail_ppm = 150000;
        plan.client_push_fail_at = run == 0 ? 0 : 1000;
        plan.client_send_delay_at = run == 0 ? 0 : 1000;
        plan.send_delay_ms = 1;
        sim_set_fault_plan(&plan);
        client c;
        client_open(&c, SIM_PEER_ENDPOINT, 0);
        ASYNC_INTPIPE in;
        CHECK_EQ(fx_PipeSum(&c.st, c.hb, &in), RPC_S_OK);
        RPC_STATUS st[40];
        failed_at[run] = client_push_all(&in, 30, st);
        client_close(&c, NULL);
    }
    CHECK(failed_at[0] <= 30); /* this seed fails a push */
    CHECK_EQ(failed_at[0], failed_at[1]);
    end_clean();
}

int main(void)
{
    TA_RUN(test_client_push_fail_at);
    TA_RUN(test_server_push_fail_at);
    TA_RUN(test_client_pull_fail_at);
    TA_RUN(test_server_pull_fail_at);
    TA_RUN(test_client_drop_notification_at);
    TA_RUN(test_server_drop_notification_at);
    TA_RUN(test_client_send_delay_at);
    TA_RUN(test_server_send_delay_at);
    TA_RUN(test_counts_leave_the_draws_alone);
    return ta_exit_code();
}
