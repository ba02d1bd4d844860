/*
 * peer_on_simulator.c - runs the fixture DLL's C server (../glue/fx_peer.c, compiled without
 * _WIN32) against the runtime simulator, off Windows: check-mingw.sh builds the simulator
 * (simulator/build.sh), links this program and fx_peer.c against libwinrpcsim.so, and
 * runs it.
 *
 * The simulator's scripted client (sim_peer_call_start) calls every operation of fx_peer_epv,
 * served on an endpoint of its own, with the same expectations as the simulator's own scripted
 * server: replies, faults, both kinds of cancel, pipes both ways and a client that disconnects
 * mid-pipe. After every case the misuse oracle must be empty and every live-resource counter
 * zero (active subscriptions and queued APCs included). The server's pipe notifications come
 * as APCs to its worker threads (the oracle records an APC target that is a pseudo-handle or
 * lacks THREAD_SET_CONTEXT), and the pipe cases check that its APC routine received them. What
 * this does not show: anything about real Windows (rpcrt4's notification timing,
 * RpcServerTestCancel, the delivery of a subscription's notifications), which the simulator
 * only models.
 */
#include "../../simulator/src/winrpcsim.h"
#include "../../simulator/test/test_assert.h"

#include <string.h>

#define EP "fx-peer-under-test"

extern const FX_SERVER_EPV fx_peer_epv;
uint32_t fx_peer_apc_notifications(void);

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
    uint32_t id = sim_peer_call_start(EP, c);
    REQUIRE(id != 0);
    CHECK_EQ(sim_peer_call_wait(id, 30000, &r), 1);
    return r;
}

/* The oracle is empty and, once the server's threads have closed their events, every counter
 * is zero. */
static void clean(void)
{
    CHECK_EQ(sim_quiesce(10000), 1);
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
    REQUIRE(fx_ServerStart(EP, &fx_peer_epv) == RPC_S_OK);
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
    CHECK_EQ(fx_ServerStop(EP), RPC_S_OK);
    clean();
    return ta_exit_code();
}
