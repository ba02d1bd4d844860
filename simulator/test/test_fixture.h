/*
 * test_fixture.h - bindings and servers of the fixture interface for the C tests, made the way
 * an application makes them: with rpcrt4's binding and hosting functions (the fixture glue has
 * none of its own, see windows-tests/fx_glue.h).
 *
 *   tfx_bind(ep, &h)     RpcBindingFromStringBindingW("ncalrpc:[ep]") (a binding names a
 *                        server; it does not reach it: a call on it finds out)
 *   tfx_unbind(&h)       RpcBindingFree
 *   tfx_serve(ep, epv)   RpcServerUseProtseqEpW(ncalrpc, ep) (an endpoint this process already
 *                        uses is kept: endpoints live as long as the process), then
 *                        RpcServerRegisterIf3(fx_IfSpec(), no manager type, epv,
 *                        RPC_IF_AUTOLISTEN): calls are taken from then on
 *   tfx_stop()           RpcServerUnregisterIf(fx_IfSpec(), NULL, wait for the calls)
 *
 * and what every scenario checks at its end (include test_assert.h first):
 *
 *   tfx_dump_misuses()   prints what the oracle recorded
 *   tfx_counters_zero()  sim_quiesce, then no async state, notification, pipe buffer, thread,
 *                        handle, subscription or queued APC left
 *   tfx_no_misuse()      the oracle empty (what it holds is printed first)
 *
 * ncalrpc:[SIM_PEER_ENDPOINT] is the simulator's own server, always there, like a server in
 * another process.
 */
#ifndef TEST_FIXTURE_H
#define TEST_FIXTURE_H

#include <string.h>

#include "winrpcsim.h"

/* A UTF-16 copy of an ASCII string, in buf (at most 255 characters). */
static uint16_t *tfx_w(const char *s, uint16_t buf[256])
{
    size_t n = strlen(s);
    if (n > 255)
        n = 255;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)s[i];
    buf[n] = 0;
    return buf;
}

static RPC_STATUS tfx_bind(const char *ep, void **h)
{
    char sb[256];
    uint16_t w[256];
    snprintf(sb, sizeof sb, "ncalrpc:[%s]", ep);
    *h = NULL;
    return RpcBindingFromStringBindingW(tfx_w(sb, w), h);
}

static RPC_STATUS tfx_unbind(void **h)
{
    return RpcBindingFree(h);
}

static RPC_STATUS tfx_serve(const char *ep, const FX_SERVER_EPV *epv)
{
    uint16_t wp[256], we[256];
    RPC_STATUS st = RpcServerUseProtseqEpW(tfx_w("ncalrpc", wp), 10, tfx_w(ep, we), NULL);
    if (st != RPC_S_OK && st != RPC_S_DUPLICATE_ENDPOINT)
        return st;
    return RpcServerRegisterIf3(fx_IfSpec(), NULL, (void *)epv, WINRPC_RPC_IF_AUTOLISTEN,
                                WINRPC_RPC_C_LISTEN_MAX_CALLS_DEFAULT, (uint32_t)-1, NULL, NULL);
}

static RPC_STATUS tfx_stop(void)
{
    return RpcServerUnregisterIf(fx_IfSpec(), NULL, 1);
}

static inline void tfx_dump_misuses(void)
{
    char buf[512];
    int n = sim_misuse_count();
    for (int i = 0; i < n && i < 64; i++) {
        int kind = sim_misuse_get(i, buf, sizeof buf);
        fprintf(stderr, "    misuse %d: %s\n", kind, buf);
    }
}

static inline void tfx_counters_zero(void)
{
    CHECK(sim_quiesce(10000) == 1);
    CHECK_EQ(sim_counter(SIM_COUNT_ASYNC_STATES), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_PENDING_NOTIFICATIONS), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_PIPE_BUFFERS), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_THREADS), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_HANDLES), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_SUBSCRIPTIONS), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_QUEUED_APCS), 0);
}

static inline void tfx_no_misuse(void)
{
    if (sim_misuse_count() != 0)
        tfx_dump_misuses();
    CHECK_EQ(sim_misuse_count(), 0);
}

#endif /* TEST_FIXTURE_H */
