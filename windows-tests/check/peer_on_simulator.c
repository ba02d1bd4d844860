/*
 * peer_on_simulator.c - runs the fixture DLL's C server (../glue/fx_peer.c, compiled without
 * _WIN32) against the runtime simulator, off Windows: check-mingw.sh builds the simulator
 * (simulator/build.sh), links this program and fx_peer.c against libwinrpcsim.so, and
 * runs it.
 *
 * The server is made as Java makes it on Windows (RpcServer), with rpcrt4's own functions and
 * nothing of the glue but the interface handle: RpcServerUseProtseqEpW on an ncalrpc endpoint
 * of its own, then RpcServerRegisterIf3(fx_IfSpec(), a manager type UUID of its own,
 * &fx_peer_epv, RPC_IF_AUTOLISTEN, ...) and RpcObjectSetType(object UUID, that type), so that
 * the calls reach it only through bindings that carry the object UUID (how several servers of
 * the interface share one process); before every check of the oracle, RpcServerUnregisterIf
 * for that type (waiting for its calls) and RpcObjectSetType back to the nil type. The EPV is fx_peer.c's fx_peer_epv itself: on Windows fx_PeerEpv()
 * returns exactly that, but here fx_PeerEpv() is the simulator's export (its own scripted
 * server), so this program names fx_peer.c's symbol directly.
 *
 * Two clients call it:
 *   - the simulator's scripted client (sim_peer_call_start), for every operation with the same
 *     expectations as the simulator's own scripted server: replies, faults, both kinds of
 *     cancel, pipes both ways and a client that disconnects mid-pipe;
 *   - this program itself, as a Windows client would: a binding made with
 *     RpcStringBindingComposeW (with the object UUID) and RpcBindingFromStringBindingW, MIDL's
 *     client stubs (fx_Add, fx_Fail, fx_Sleep) on it, Event notification, RpcAsyncCancelCall,
 *     RpcBindingFree; and a binding without the object UUID, which reaches no manager of the
 *     interface.
 * After every case the misuse oracle must be empty and every live-resource counter zero
 * (active subscriptions, queued APCs, bindings and registered interfaces included). The
 * server's pipe notifications come as APCs to its worker threads (the oracle records an APC
 * target that is a pseudo-handle or lacks THREAD_SET_CONTEXT), and the pipe cases check that
 * its APC routine received them. What this does not show: anything about real Windows
 * (rpcrt4's notification timing, RpcServerTestCancel, the delivery of a subscription's
 * notifications, MIDL's server stub calling through the registered EPV), which the simulator
 * only models.
 */
#include "../../simulator/src/winrpcsim.h"
#include "WinRpcFixture_winrpc.h" /* IdlCompiler's: WinRpcFixture_SERVER_EPV, fx_peer.c's type */
#include "../../simulator/test/test_assert.h"

#include <string.h>

#define EP "fx-peer-under-test"
#define EP_W u"fx-peer-under-test"
#define OBJ "3f1c9a52-7d4e-4b8a-9e61-c05d2b7a8f13"
#define OBJ_W u"3f1c9a52-7d4e-4b8a-9e61-c05d2b7a8f13"
#define BINDING OBJ "@ncalrpc:[" EP "]"
#define WAIT_MS 30000u

/* The C server's manager type and the object UUID its clients' bindings carry (OBJ). */
static WINRPC_GUID g_type = {0x8b0e4f27u, 0x51d3u, 0x4c6au, {0xa2, 0x19, 0x6e, 0x40, 0x3b, 0xd7, 0x95, 0xc8}};
static WINRPC_GUID g_object = {0x3f1c9a52u, 0x7d4eu, 0x4b8au, {0x9e, 0x61, 0xc0, 0x5d, 0x2b, 0x7a, 0x8f, 0x13}};

extern const WinRpcFixture_SERVER_EPV fx_peer_epv;
uint32_t fx_peer_apc_notifications(void);

/* ---- the server, as Java's RpcServer makes it ---------------------------------------------- */

static int g_serving;

static void serve(void)
{
    REQUIRE(RpcServerUseProtseqEpW((RPC_WSTR)u"ncalrpc", WINRPC_RPC_C_PROTSEQ_MAX_REQS_DEFAULT,
                                   (RPC_WSTR)EP_W, NULL) == RPC_S_OK);
    REQUIRE(RpcServerRegisterIf3(fx_IfSpec(), &g_type, (void *)&fx_peer_epv,
                                 WINRPC_RPC_IF_AUTOLISTEN, WINRPC_RPC_C_LISTEN_MAX_CALLS_DEFAULT,
                                 (uint32_t)-1, NULL, NULL) == RPC_S_OK);
    REQUIRE(RpcObjectSetType(&g_object, &g_type) == RPC_S_OK);
    g_serving = 1;
}

/* Unregisters the C server's manager type, waiting for its calls (WaitForCallsToComplete),
 * and gives the object UUID back the nil type. */
static void unserve(void)
{
    if (g_serving) {
        CHECK_EQ(RpcServerUnregisterIf(fx_IfSpec(), &g_type, 1), RPC_S_OK);
        CHECK_EQ(RpcObjectSetType(&g_object, NULL), RPC_S_OK);
        g_serving = 0;
    }
}

static SIM_PEER_CALL call_of(uint32_t op)
{
    SIM_PEER_CALL c;
    memset(&c, 0, sizeof c);
    c.op = op;
    c.cancel_after_ms = -1;
    c.disconnect_after_chunks = -1;
    return c;
}

static SIM_PEER_RESULT run(const SIM_PEER_CALL *c)
{
    SIM_PEER_RESULT r;
    memset(&r, 0, sizeof r);
    uint32_t id = sim_peer_call_start(BINDING, c);
    REQUIRE(id != 0);
    CHECK_EQ(sim_peer_call_wait(id, 30000, &r), 1);
    return r;
}

/* With the interface unregistered, the oracle is empty and, once the server's threads have
 * closed their events, every counter is zero; then the simulator is reset (which forgets its
 * endpoints and registrations) and the server made again. */
static void clean(void)
{
    CHECK_EQ(sim_quiesce(30000), 1);
    unserve();
    int n = sim_misuse_count();
    for (int i = 0; i < n; i++) {
        char buf[512];
        int kind = sim_misuse_get(i, buf, (int32_t)sizeof buf);
        fprintf(stderr, "misuse %d: %s\n", kind, buf);
    }
    CHECK_EQ(n, 0);
    uint64_t deadline = ta_now_ms() + 5000;
    for (;;) {
        int busy = 0;
        for (int i = 0; i < SIM_COUNT__MAX; i++)
            busy |= sim_counter(i) != 0;
        if (!busy || ta_now_ms() >= deadline)
            break;
        ta_sleep_ms(5);
    }
    for (int i = 0; i < SIM_COUNT__MAX; i++)
        CHECK_EQ(sim_counter(i), 0);
    sim_reset();
    serve();
}

/* ---- a client as on Windows: a real binding, MIDL's client stubs, Event notification ------- */

static void *bind_to_peer(int with_object)
{
    RPC_WSTR string_binding = NULL;
    void *h = NULL;
    REQUIRE(RpcStringBindingComposeW(with_object ? (RPC_WSTR)OBJ_W : NULL, (RPC_WSTR)u"ncalrpc",
                                     NULL, (RPC_WSTR)EP_W, NULL, &string_binding) == RPC_S_OK);
    REQUIRE(RpcBindingFromStringBindingW(string_binding, &h) == RPC_S_OK);
    CHECK_EQ(RpcStringFreeW(&string_binding), RPC_S_OK);
    REQUIRE(h != NULL);
    return h;
}

typedef struct direct_call {
    RPC_ASYNC_STATE st;
    HANDLE done;
} direct_call;

static void direct_begin(direct_call *c)
{
    memset(c, 0, sizeof *c);
    REQUIRE(RpcAsyncInitializeHandle(&c->st, sizeof c->st) == RPC_S_OK);
    c->done = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(c->done != NULL);
    c->st.NotificationType = RpcNotificationTypeEvent;
    c->st.u.hEvent = c->done;
}

/* Waits for RpcCallComplete and completes the call; returns its status. */
static RPC_STATUS direct_end(direct_call *c, int32_t *reply)
{
    CHECK_EQ(WaitForSingleObject(c->done, WAIT_MS), SIM_WAIT_OBJECT_0);
    RPC_STATUS s = RpcAsyncCompleteCall(&c->st, reply);
    CloseHandle(c->done);
    return s;
}

static void test_direct_client(void)
{
    void *h = bind_to_peer(1);
    direct_call c;
    int32_t reply = 0;

    direct_begin(&c);
    REQUIRE(fx_Add(&c.st, h, 40, 2) == RPC_S_OK);
    CHECK_EQ(direct_end(&c, &reply), RPC_S_OK);
    CHECK_EQ(reply, 42);

    direct_begin(&c);
    REQUIRE(fx_Fail(&c.st, h, 1234) == RPC_S_OK);
    CHECK_EQ(direct_end(&c, &reply), 1234);

    /* Sleep(INFINITE), cancelled abortively once the server has subscribed to hear it (a cancel
     * before that would go unheard: the simulator has no RpcServerTestCancel): the client's
     * call ends with RPC_S_CALL_CANCELLED, and the server's ends too, before clean() waits for
     * the simulator to be idle. */
    direct_begin(&c);
    REQUIRE(fx_Sleep(&c.st, h, 0xFFFFFFFFu) == RPC_S_OK);
    uint64_t deadline = ta_now_ms() + 10000;
    while (sim_counter(SIM_COUNT_SUBSCRIPTIONS) == 0 && ta_now_ms() < deadline)
        ta_sleep_ms(2);
    CHECK(sim_counter(SIM_COUNT_SUBSCRIPTIONS) > 0);
    CHECK_EQ(RpcAsyncCancelCall(&c.st, 1), RPC_S_OK);
    CHECK_EQ(direct_end(&c, &reply), RPC_S_CALL_CANCELLED);

    CHECK_EQ(RpcBindingFree(&h), RPC_S_OK);
    CHECK(h == NULL);

    /* Without the object UUID the call has the nil type, for which nothing is registered. */
    h = bind_to_peer(0);
    direct_begin(&c);
    RPC_STATUS s = fx_Add(&c.st, h, 1, 2);
    if (s == RPC_S_OK)
        s = direct_end(&c, &reply);
    else
        CloseHandle(c.done);
    CHECK(s != RPC_S_OK);
    CHECK_EQ(RpcBindingFree(&h), RPC_S_OK);
    clean();
}

static void test_add(void)
{
    SIM_PEER_CALL c = call_of(SIM_OP_ADD);
    c.a = 20;
    c.b = 22;
    SIM_PEER_RESULT r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 42);
    c.a = INT32_MAX;
    c.b = 1;
    r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ((uint32_t)r.reply, 0x80000000u); /* wraps */
    clean();
}

static void test_sleep(void)
{
    SIM_PEER_CALL c = call_of(SIM_OP_SLEEP);
    c.ms_or_code = 30;
    uint64_t t0 = ta_now_ms();
    SIM_PEER_RESULT r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 30);
    CHECK(ta_now_ms() - t0 >= 30);
    clean();
}

static void test_fail(void)
{
    SIM_PEER_CALL c = call_of(SIM_OP_FAIL);
    c.ms_or_code = 1234;
    CHECK_EQ(run(&c).status, 1234);
    c.ms_or_code = 0;
    CHECK_EQ(run(&c).status, RPC_S_CALL_FAILED);
    clean();
}

static void test_cancel_sleep(void)
{
    for (int abortive = 0; abortive <= 1; abortive++) {
        SIM_PEER_CALL c = call_of(SIM_OP_SLEEP);
        c.ms_or_code = 0xFFFFFFFFu;
        c.cancel_after_ms = 50;
        c.cancel_abortive = abortive;
        /* A cancel made before the server subscribed would go unheard (the simulator has no
         * RpcServerTestCancel): the client cancels only once the server has subscribed. */
        c.interrupt_when_subscribed = 1;
        CHECK_EQ(run(&c).status, RPC_S_CALL_CANCELLED);
        clean();
    }
}

static void test_pipe_sum(void)
{
    SIM_PEER_CALL c = call_of(SIM_OP_PIPE_SUM);
    c.in_chunks = 7;
    c.in_chunk_elements = 300;
    SIM_PEER_RESULT r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    int32_t n = 7 * 300;
    CHECK_EQ(r.reply, n * (n - 1) / 2);
    /* Chunks larger than the server's buffer arrive in pieces. */
    c.in_chunks = 2;
    c.in_chunk_elements = 5000;
    r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 10000 * 9999 / 2);
    /* An empty pipe. */
    c.in_chunks = 0;
    r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 0);
    clean();
}

static void test_pipe_range(void)
{
    SIM_PEER_CALL c = call_of(SIM_OP_PIPE_RANGE);
    c.a = 5;
    c.b = 3000;
    uint32_t apcs = fx_peer_apc_notifications();
    SIM_PEER_RESULT r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    /* Three chunks and the null push, each followed by a wait for its RpcSendComplete, which
     * came as an APC. */
    CHECK(fx_peer_apc_notifications() - apcs >= 4);
    CHECK_EQ(r.reply, 3000);
    CHECK_EQ(r.out_elements, 3000);
    int64_t expected = 0;
    for (int i = 0; i < 3000; i++)
        expected += 5 + i;
    CHECK_EQ(r.out_sum, expected);
    CHECK((r.events_seen & (1u << RpcReceiveComplete)) != 0 || r.out_elements == 3000);
    c.b = 0;
    r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.reply, 0);
    CHECK_EQ(r.out_elements, 0);
    clean();
}

static void test_pipe_echo(void)
{
    SIM_PEER_CALL c = call_of(SIM_OP_PIPE_ECHO);
    c.a = 100;
    c.in_chunks = 3;
    c.in_chunk_elements = 10;
    SIM_PEER_RESULT r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.out_b, 30);
    CHECK_EQ(r.out_elements, 30);
    CHECK_EQ(r.reply, 29 * 30 / 2);
    CHECK_EQ(r.out_sum, 29 * 30 / 2 + 100 * 30);
    clean();
}

static void test_slow_and_delayed(void)
{
    /* Every reply, send and receive delayed: pulls come back pending, sends complete late. */
    SIM_FAULT_PLAN slow;
    memset(&slow, 0, sizeof slow);
    slow.seed = 7;
    slow.max_delay_ms = 4;
    sim_set_fault_plan(&slow);
    SIM_PEER_CALL c = call_of(SIM_OP_PIPE_ECHO);
    c.a = -1;
    c.in_chunks = 20;
    c.in_chunk_elements = 100;
    uint32_t apcs = fx_peer_apc_notifications();
    SIM_PEER_RESULT r = run(&c);
    /* Pulls that came back pending waited for RpcReceiveComplete, pushes for RpcSendComplete:
     * as APCs, at least one per push (two chunks and the null push). */
    CHECK(fx_peer_apc_notifications() - apcs >= 3);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.out_b, 2000);
    CHECK_EQ(r.out_elements, 2000);
    CHECK_EQ(r.reply, 2000 * 1999 / 2);
    CHECK_EQ(r.out_sum, 2000 * 1999 / 2 - 2000);
    c = call_of(SIM_OP_PIPE_RANGE);
    c.a = 1;
    c.b = 4000;
    r = run(&c);
    CHECK_EQ(r.status, RPC_S_OK);
    CHECK_EQ(r.out_elements, 4000);
    clean();
}

static void test_cancel_mid_pipe(void)
{
    SIM_FAULT_PLAN slow;
    memset(&slow, 0, sizeof slow);
    slow.seed = 11;
    slow.max_delay_ms = 5;
    sim_set_fault_plan(&slow);
    SIM_PEER_CALL c = call_of(SIM_OP_PIPE_SUM);
    c.in_chunks = 200;
    c.in_chunk_elements = 10;
    c.cancel_after_ms = 30;
    c.cancel_abortive = 1;
    CHECK_EQ(run(&c).status, RPC_S_CALL_CANCELLED);
    clean();
}

static void test_disconnect_mid_pipe(void)
{
    SIM_FAULT_PLAN slow;
    memset(&slow, 0, sizeof slow);
    slow.seed = 3;
    slow.max_delay_ms = 4;
    sim_set_fault_plan(&slow);
    SIM_PEER_CALL c = call_of(SIM_OP_PIPE_SUM);
    c.in_chunks = 50;
    c.in_chunk_elements = 10;
    c.disconnect_after_chunks = 20;
    SIM_PEER_RESULT r = run(&c);
    CHECK(r.status != RPC_S_OK);
    clean();
}

int main(void)
{
    sim_reset();
    serve();
    TA_RUN(test_direct_client);
    TA_RUN(test_add);
    TA_RUN(test_sleep);
    TA_RUN(test_fail);
    TA_RUN(test_cancel_sleep);
    TA_RUN(test_pipe_sum);
    TA_RUN(test_pipe_range);
    TA_RUN(test_pipe_echo);
    TA_RUN(test_slow_and_delayed);
    TA_RUN(test_cancel_mid_pipe);
    TA_RUN(test_disconnect_mid_pipe);
    CHECK_EQ(sim_quiesce(30000), 1);
    unserve();
    CHECK_EQ(sim_misuse_count(), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_INTERFACES), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_OBJECT_TYPES), 0);
    return ta_exit_code();
}
