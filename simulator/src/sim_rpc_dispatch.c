/*
 * sim_rpc_dispatch.c - the fixture interface's handle (fx_IfSpec) and the dispatch of a call to
 * its manager routine on a simulator thread: the security callback of the interface the call
 * was admitted to (sim_host_admit in sim_host.c), then the routine of the EPV registered for
 * it, or of the scripted server for a call to ncalrpc:[SIM_PEER_ENDPOINT].
 */
#include "sim_rpc_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- the fixture interface -------------------------------------------------------------------- */

/* What MIDL's s_WinRpcFixture_v1_0_s_ifspec points to begins with Length and InterfaceId (the
 * runtime identifies an interface by InterfaceId): fixture.idl's uuid
 * 98937d29-ee7e-4755-a7dc-3f4a88589958, version 1.0. */
static const WINRPC_IF_HEADER g_fixture_if = {
    (uint32_t)sizeof(WINRPC_IF_HEADER),
    {{0x98937d29u, 0xee7eu, 0x4755u, {0xa7, 0xdc, 0x3f, 0x4a, 0x88, 0x58, 0x99, 0x58}}, {1, 0}}};

SIM_EXPORT void *WINRPC_ENTRY fx_IfSpec(void)
{
    return (void *)&g_fixture_if;
}

/* ---- dispatching calls ---------------------------------------------------------------------- */

/* The call whose manager routine runs on this thread, for a NULL Binding. */
SIM_HIDDEN _Thread_local sim_call *tl_dispatched;

/* The dispatch could not happen (no routine, no thread, the security callback refused): the
 * client's call fails with `status` and the runtime ends the server state it made, which
 * nobody ever saw. */
static void dispatch_abandon_locked(outbox *ob, sim_call *c, RPC_STATUS status)
{
    fail_call_locked(ob, c, status, status, -1);
    staterec *sr = side_rec_locked(c, ROLE_SERVER);
    if (sr != NULL && sr->phase == PH_CALL)
        side_finish_locked(c, sr);
}

static void dispatch_end(sim_call *c, RPC_STATUS abandon)
{
    outbox ob;
    ob_init(&ob);
    lock();
    if (abandon != RPC_S_OK)
        dispatch_abandon_locked(&ob, c, abandon);
    call_unref_locked(c);
    g_tasks_out--;
    unlock();
    ob_flush(&ob);
}

SIM_HIDDEN void dispatch_failed(sim_call *c)
{
    /* RPC_S_CALL_FAILED_DNE: the call did not execute. */
    sim_host_not_run(c->host);
    dispatch_end(c, RPC_S_CALL_FAILED_DNE);
}

/* A new simulator thread runs the manager routine, as rpcrt4 dispatches on a thread of its
 * pool. No lock is held while the callback or the routine runs. */
SIM_HIDDEN void dispatch_main(void *ctx)
{
    sim_call *c = ctx;
    const FX_SERVER_EPV *epv = c->epv;
    FX_SERVER_EPV fn;
    memset(&fn, 0, sizeof fn);
    int have = 0;
    if (c->ndr != NULL) {
        have = sim_ndr_routine(c) != NULL; /* generic call */
    } else if (epv != NULL) {
        switch (c->op) {
        case SIM_OP_ADD: fn.Add = epv->Add; have = fn.Add != NULL; break;
        case SIM_OP_SLEEP: fn.Sleep = epv->Sleep; have = fn.Sleep != NULL; break;
        case SIM_OP_FAIL: fn.Fail = epv->Fail; have = fn.Fail != NULL; break;
        case SIM_OP_PIPE_SUM: fn.PipeSum = epv->PipeSum; have = fn.PipeSum != NULL; break;
        case SIM_OP_PIPE_RANGE: fn.PipeRange = epv->PipeRange; have = fn.PipeRange != NULL; break;
        case SIM_OP_PIPE_ECHO: fn.PipeEcho = epv->PipeEcho; have = fn.PipeEcho != NULL; break;
        default: break;
        }
    }
    if (!have) {
        /* STRICT: an EPV without the routine (a NULL entry): the call did not execute. */
        sim_host_not_run(c->host);
        dispatch_end(c, RPC_S_CALL_FAILED_DNE);
        return;
    }
    RPC_STATUS admitted = sim_host_enter(c->host);
    if (admitted != RPC_S_OK) {
        sim_host_not_run(c->host);
        dispatch_end(c, admitted);
        return;
    }
    PRPC_ASYNC_STATE sp = c->sstate;
    /* The manager routine's binding handle names the call for RpcServerInqCallAttributesW,
     * RpcImpersonateClient and RpcBindingInqAuthClientW. */
    void *hb = c->host;

    /* A NULL Binding names this call while its manager routine runs on this thread. */
    tl_dispatched = c;
    if (c->ndr != NULL)
        sim_ndr_invoke(c, sp, hb);
    else switch (c->op) {
    case SIM_OP_ADD: fn.Add(sp, hb, c->a, c->b); break;
    case SIM_OP_SLEEP: fn.Sleep(sp, hb, c->u); break;
    case SIM_OP_FAIL: fn.Fail(sp, hb, c->u); break;
    case SIM_OP_PIPE_SUM: fn.PipeSum(sp, hb, &c->s_pipe[CH_IN]); break;
    case SIM_OP_PIPE_RANGE: fn.PipeRange(sp, hb, c->a, c->b, &c->s_pipe[CH_OUT]); break;
    case SIM_OP_PIPE_ECHO:
        fn.PipeEcho(sp, hb, c->a, &c->s_pipe[CH_IN], &c->s_pipe[CH_OUT], &c->s_b);
        break;
    default: break;
    }
    tl_dispatched = NULL;
    sim_host_leave(c->host);
    dispatch_end(c, RPC_S_OK);
}
