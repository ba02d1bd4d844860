/*
 * sim_rpc_endpoint.c - endpoints and bindings (fx_ServerStart, fx_ServerStop, fx_BindingCreate,
 * fx_BindingFree) and the dispatch of a call to its manager routine on a simulator thread.
 */
#include "sim_rpc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RPC_S_DUPLICATE_ENDPOINT (winerror.h), what RpcServerUseProtseqEp returns for an endpoint
 * already in use; only fx_ServerStart returns it, so it stays out of the shared header. */
#define SIM_RPC_S_DUPLICATE_ENDPOINT ((RPC_STATUS)1740)

/* ---- endpoints and bindings ------------------------------------------------------------------ */

SIM_HIDDEN hmap g_bindings; /* binding* -> binding */
static endpoint g_eps[SIM_MAX_ENDPOINTS];

static void eps_init_locked(void)
{
    if (g_eps[0].used)
        return;
    g_eps[0].used = 1;
    g_eps[0].listening = 1;
    g_eps[0].is_peer = 1;
    g_eps[0].epv = sim_peer_server_epv();
    snprintf(g_eps[0].name, sizeof g_eps[0].name, "%s", SIM_PEER_ENDPOINT);
}

static endpoint *ep_find_locked(const char *name)
{
    eps_init_locked();
    for (int i = 0; i < SIM_MAX_ENDPOINTS; i++)
        if (g_eps[i].used && strcmp(g_eps[i].name, name) == 0)
            return &g_eps[i];
    return NULL;
}

static int ep_name_ok(const char *name)
{
    return name != NULL && name[0] != '\0' && strlen(name) < SIM_EP_NAME_MAX;
}

/* Listens on `endpoint`. A name already listening (SIM_PEER_ENDPOINT always is) returns
 * RPC_S_DUPLICATE_ENDPOINT, as RpcServerUseProtseqEp does for an endpoint in use. */
SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_ServerStart(const char *endpoint_name,
                                                  const FX_SERVER_EPV *epv)
{
    if (!ep_name_ok(endpoint_name) || epv == NULL)
        return RPC_S_INVALID_ARG;
    lock();
    endpoint *ep = ep_find_locked(endpoint_name);
    if (ep != NULL && ep->listening) {
        unlock();
        return SIM_RPC_S_DUPLICATE_ENDPOINT;
    }
    if (ep == NULL) {
        for (int i = 1; i < SIM_MAX_ENDPOINTS; i++)
            if (!g_eps[i].used) {
                ep = &g_eps[i];
                break;
            }
        if (ep == NULL) {
            /* Every slot holds a name; reuse one that is stopped and idle. */
            for (int i = 1; i < SIM_MAX_ENDPOINTS; i++)
                if (!g_eps[i].listening && g_eps[i].entered == 0 &&
                    g_eps[i].server_calls == 0) {
                    ep = &g_eps[i];
                    break;
                }
        }
        if (ep == NULL) {
            unlock();
            return RPC_S_INVALID_ARG; /* more than SIM_MAX_ENDPOINTS endpoints in use */
        }
        ep->used = 1;
        snprintf(ep->name, sizeof ep->name, "%s", endpoint_name);
    }
    ep->epv = epv;
    ep->listening = 1;
    unlock();
    return RPC_S_OK;
}

/* Stops listening: new bindings and calls to the endpoint fail with RPC_S_SERVER_UNAVAILABLE,
 * calls not yet dispatched fail with RPC_S_CALL_FAILED_DNE. Waits up to SIM_STOP_WAIT_MS for
 * the manager routines to return and the server side of every dispatched call to complete.
 * Returns RPC_S_OK, or RPC_S_CALL_IN_PROGRESS if calls were still running when the wait ended
 * (the EPV must then stay valid until they finish). Stopping SIM_PEER_ENDPOINT, or an endpoint
 * that is not listening, returns RPC_S_INVALID_ARG. */
SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_ServerStop(const char *endpoint_name)
{
    if (!ep_name_ok(endpoint_name))
        return RPC_S_INVALID_ARG;
    lock();
    endpoint *ep = ep_find_locked(endpoint_name);
    if (ep == NULL || ep->is_peer || !ep->listening) {
        unlock();
        return RPC_S_INVALID_ARG;
    }
    ep->listening = 0;
    uint64_t deadline = sim_now_ms() + SIM_STOP_WAIT_MS;
    while ((ep->entered > 0 || ep->server_calls > 0) && sim_now_ms() < deadline) {
        unlock();
        sleep_ms(2);
        lock();
    }
    RPC_STATUS st = (ep->entered > 0 || ep->server_calls > 0) ? RPC_S_CALL_IN_PROGRESS : RPC_S_OK;
    if (!ep->listening && ep->entered == 0)
        ep->epv = NULL;
    unlock();
    return st;
}

/* A binding to a listening endpoint; RPC_S_SERVER_UNAVAILABLE if nothing listens there.
 * Binding handles count in SIM_COUNT_HANDLES until freed. */
SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_BindingCreate(const char *endpoint_name, void **phBinding)
{
    if (phBinding == NULL || !ep_name_ok(endpoint_name)) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "fx_BindingCreate: endpoint %s, phBinding %p",
                   endpoint_name ? endpoint_name : "(null)", (void *)phBinding);
        return RPC_S_INVALID_ARG;
    }
    *phBinding = NULL;
    lock();
    endpoint *ep = ep_find_locked(endpoint_name);
    if (ep == NULL || !ep->listening) {
        unlock();
        return RPC_S_SERVER_UNAVAILABLE;
    }
    binding *b = malloc(sizeof *b);
    if (b == NULL || hm_put(&g_bindings, b, b) != 0) {
        free(b);
        unlock();
        return RPC_S_INVALID_ARG;
    }
    b->magic = BINDING_MAGIC;
    b->ep = ep;
    sim_count(SIM_COUNT_HANDLES, 1);
    *phBinding = b;
    unlock();
    return RPC_S_OK;
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_BindingFree(void **phBinding)
{
    if (phBinding == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "fx_BindingFree: phBinding is NULL");
        return RPC_S_INVALID_ARG;
    }
    lock();
    binding *b = hm_del(&g_bindings, *phBinding);
    if (b == NULL) {
        sim_misuse(SIM_MISUSE_INVALID_HANDLE, "fx_BindingFree: %p is not an open binding",
                   *phBinding);
        unlock();
        return RPC_S_INVALID_BINDING;
    }
    b->magic = 0;
    free(b);
    sim_count(SIM_COUNT_HANDLES, -1);
    *phBinding = NULL;
    unlock();
    return RPC_S_OK;
}

/* ---- dispatching calls ---------------------------------------------------------------------- */

/* The call whose manager routine runs on this thread, for a NULL Binding. */
SIM_HIDDEN _Thread_local sim_call *tl_dispatched;

/* The dispatch could not happen (the endpoint stopped, no routine, no thread): the client's
 * call fails with RPC_S_CALL_FAILED_DNE (the call did not execute) and the runtime ends the
 * server state it made, which nobody ever saw. */
static void dispatch_abandon_locked(outbox *ob, sim_call *c)
{
    fail_call_locked(ob, c, RPC_S_CALL_FAILED_DNE, RPC_S_CALL_FAILED_DNE, -1);
    staterec *sr = side_rec_locked(c, ROLE_SERVER);
    if (sr != NULL && sr->phase == PH_CALL)
        side_finish_locked(c, sr);
}

SIM_HIDDEN void dispatch_failed(sim_call *c)
{
    outbox ob;
    ob_init(&ob);
    lock();
    dispatch_abandon_locked(&ob, c);
    call_unref_locked(c);
    g_tasks_out--;
    unlock();
    ob_flush(&ob);
}

/* A new simulator thread runs the manager routine, as rpcrt4 dispatches on a thread of its
 * pool. No lock is held while the routine runs. */
SIM_HIDDEN void dispatch_main(void *ctx)
{
    sim_call *c = ctx;
    outbox ob;
    ob_init(&ob);
    lock();
    endpoint *ep = c->ep;
    const FX_SERVER_EPV *epv = ep->listening ? ep->epv : NULL;
    FX_SERVER_EPV fn;
    memset(&fn, 0, sizeof fn);
    int have = 0;
    if (epv != NULL) {
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
        dispatch_abandon_locked(&ob, c);
        call_unref_locked(c);
        g_tasks_out--;
        unlock();
        ob_flush(&ob);
        return;
    }
    ep->entered++;
    PRPC_ASYNC_STATE sp = c->sstate;
    void *hb = &c->server_binding;
    unlock();

    /* A NULL Binding names this call while its manager routine runs on this thread. */
    tl_dispatched = c;
    switch (c->op) {
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

    lock();
    ep->entered--;
    call_unref_locked(c);
    g_tasks_out--;
    unlock();
}
