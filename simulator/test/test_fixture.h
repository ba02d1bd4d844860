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

#endif /* TEST_FIXTURE_H */
