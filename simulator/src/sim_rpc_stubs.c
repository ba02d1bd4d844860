/*
 * sim_rpc_stubs.c - the fixture's client stubs (fx_Add, fx_Sleep, fx_Fail, fx_PipeSum,
 * fx_PipeRange, fx_PipeEcho): each starts a call, which takes the client's state, makes the
 * server's, and hands the call to a dispatch thread. See sim_rpc_internal.h for the model.
 */
#include "sim_rpc_internal.h"
#include "sim_ndr.h"

#include <stdlib.h>
#include <string.h>

/* ---- starting calls ------------------------------------------------------------------------- */

static uint64_t g_gen;

/* At call start the runtime takes the state: StubInfo and RuntimeInfo point to its own
 * structures, Lock and Reserved change (behind the caller's back, as rpcrt4 does). */
static void write_start_fields_locked(staterec *r, sim_call *c)
{
    PRPC_ASYNC_STATE p = r->p;
    r->lock = 1;
    r->stub = &c->stub_cookie[r->role == ROLE_SERVER];
    /* RpcAsyncGetCallHandle(pAsync): the server's is the call's binding handle for
     * RpcServerSubscribeForNotification; the client's is another address of the call. */
    r->rtinfo = r->role == ROLE_SERVER ? (void *)c : (void *)&c->client_handle;
    r->reserved[0] = (intptr_t)c->seq;
    r->reserved[1] = (intptr_t)(c->gen & 0x7fffffff);
    r->reserved[2] = 0;
    r->reserved[3] = 0;
    p->Lock = r->lock;
    p->StubInfo = r->stub;
    p->RuntimeInfo = r->rtinfo;
    memcpy(p->Reserved, r->reserved, sizeof p->Reserved);
}

/* Allocates a server state that does not collide with the address of a state record still in
 * use (a client's freed memory can come back from malloc). */
static PRPC_ASYNC_STATE server_state_alloc_locked(void)
{
    void *spare[8];
    int nspare = 0;
    PRPC_ASYNC_STATE p = NULL;
    for (int i = 0; i < 8 && p == NULL; i++) {
        PRPC_ASYNC_STATE q = calloc(1, sizeof *q);
        if (q == NULL)
            break;
        staterec *old = rec_get_locked(q);
        if (old == NULL) {
            p = q;
        } else if (old->phase != PH_CALL && old->role == ROLE_CLIENT) {
            rec_forget_locked(old); /* the client freed it: its record is stale */
            p = q;
        } else {
            spare[nspare++] = q;
        }
    }
    for (int i = 0; i < nspare; i++)
        free(spare[i]);
    return p;
}

static RPC_STATUS start_call_core(const char *fn, PRPC_ASYNC_STATE pAsync, void *hBinding,
                                  const void *ifspec, int op, int32_t a, int32_t b, uint32_t u,
                                  ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int32_t *pb,
                                  struct sim_ndr_call *ndr)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    int has_in = ndr != NULL ? sim_ndr_has_pipe(ndr, CH_IN)
                             : op == SIM_OP_PIPE_SUM || op == SIM_OP_PIPE_ECHO;
    int has_out = ndr != NULL ? sim_ndr_has_pipe(ndr, CH_OUT)
                              : op == SIM_OP_PIPE_RANGE || op == SIM_OP_PIPE_ECHO;

    lock();
    staterec *r = api_rec_locked(pAsync, fn, &st);
    if (r == NULL)
        goto out;
    if (r->role == ROLE_SERVER) {
        sim_misuse(r->phase == PH_DONE ? SIM_MISUSE_USE_AFTER_COMPLETION : SIM_MISUSE_BAD_ARGUMENT,
                   "%s: server state %p used to start a client call", fn, (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    if (r->phase == PH_DONE) {
        /* A finished state starts a new call only after RpcAsyncInitializeHandle again. */
        sim_misuse(SIM_MISUSE_USE_AFTER_COMPLETION,
                   "%s: client state %p finished its call and was not initialised again", fn,
                   (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    if (r->phase == PH_CALL) {
        /* STRICT: one call per state at a time. */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: client state %p already has a call in progress",
                   fn, (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    if ((has_in && inpipe == NULL) || (has_out && outpipe == NULL) ||
        (ndr == NULL && op == SIM_OP_PIPE_ECHO && pb == NULL)) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: a pipe or [out] pointer is NULL", fn);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    /* The runtime's call-time checks (sim_host.c takes only its own lock): the binding, the
     * server on its endpoint, the interface registered for the binding's object type, its
     * flags. The opnum is the operation's place in fixture.idl. */
    sim_admission adm;
    st = sim_host_admit(hBinding, ifspec, (uint16_t)op, &adm);
    if (st != RPC_S_OK)
        goto out;
    if (ndr != NULL && adm.peer && !sim_ndr_peer_serves(ifspec)) {
        st = SIM_RPC_S_UNKNOWN_IF; /* the simulator's own server serves the fixture only */
        goto undo;
    }

    sim_call *c = calloc(1, sizeof *c);
    PRPC_ASYNC_STATE sp = server_state_alloc_locked();
    staterec *sr = calloc(1, sizeof *sr);
    if (c == NULL || sp == NULL || sr == NULL || hm_put(&g_states, sp, sr) != 0) {
        free(c);
        free(sp);
        free(sr);
        st = RPC_S_CALL_FAILED_DNE; /* out of memory: the call did not start */
        goto undo;
    }
    c->gen = ++g_gen;
    c->seq = ++g_seq;
    c->op = op;
    c->host = adm.call;
    c->epv = adm.peer ? sim_peer_server_epv() : adm.epv;
    c->a = a;
    c->b = b;
    c->u = u;
    c->plan = g_plan;
    c->behaviours = g_behaviours;
    c->window = g_pipe_window;
    for (uint32_t i = 0; i <= RS_RECV_DELAY; i++)
        c->rng[i].s = stream_seed(c->plan.seed, c->seq, i);
    c->esize[CH_IN] = c->esize[CH_OUT] = (uint32_t)sizeof(int32_t);
    if (ndr != NULL)
        sim_ndr_attach_locked(c, ndr); /* generic call */
    c->cstate = pAsync;
    c->sstate = sp;
    c->has_in = has_in;
    c->has_out = has_out;
    c->c_b = op == SIM_OP_PIPE_ECHO ? pb : NULL;
    static const int roles[4] = {ROLE_CLIENT, ROLE_CLIENT, ROLE_SERVER, ROLE_SERVER};
    static const int chans[4] = {CH_IN, CH_OUT, CH_IN, CH_OUT};
    for (int i = 0; i < 4; i++) {
        c->ends[i].magic = PIPE_END_MAGIC;
        c->ends[i].role = roles[i];
        c->ends[i].chan = chans[i];
        c->ends[i].call = c;
    }
    int mapped_ok = 1;
    int nmapped = 0;
    for (int i = 0; i < 4 && mapped_ok; i++) {
        if (hm_put(&g_ends, &c->ends[i], c) != 0)
            mapped_ok = 0;
        else
            nmapped++;
    }
    if (!mapped_ok) {
        for (int i = 0; i < nmapped; i++)
            hm_del(&g_ends, &c->ends[i]);
        hm_del(&g_states, sp);
        free(c);
        free(sp);
        free(sr);
        g_gen--;
        g_seq--;
        st = RPC_S_CALL_FAILED_DNE;
        goto undo;
    }
    c->ends_mapped = 1;
    if (hm_put(&g_call_handles, c, c) != 0) {
        mapped_ok = 0;
    } else if (hm_put(&g_call_handles, &c->client_handle, c) != 0) {
        hm_del(&g_call_handles, c);
        mapped_ok = 0;
    }
    if (!mapped_ok) {
        for (int i = 0; i < 4; i++)
            hm_del(&g_ends, &c->ends[i]);
        hm_del(&g_states, sp);
        free(c);
        free(sp);
        free(sr);
        g_gen--;
        g_seq--;
        st = RPC_S_CALL_FAILED_DNE;
        goto undo;
    }
    c->handles_mapped = 1;
    fill_pipe(&c->s_pipe[CH_IN], &c->ends[END_S_IN]);
    fill_pipe(&c->s_pipe[CH_OUT], &c->ends[END_S_OUT]);
    if (has_in)
        fill_pipe(inpipe, &c->ends[END_C_IN]);
    if (has_out)
        fill_pipe(outpipe, &c->ends[END_C_OUT]);

    /* The client's state enters the call. */
    idle_remove_locked(r);
    if (r->call != NULL) {
        sim_call *old = r->call;
        r->call = NULL;
        call_unref_locked(old);
    }
    apcs_forget_locked(r, 0);
    r->call = c;
    c->refs++;
    r->gen = c->gen;
    r->phase = PH_CALL;
    r->misuse_once = 0;
    write_start_fields_locked(r, c);
    if (pAsync->NotificationType == RpcNotificationTypeApc &&
        pAsync->u.APC.NotificationRoutine != NULL &&
        pAsync->u.APC.NotificationRoutine != r->snap_routine &&
        !snapshot_routine_locked(r, pAsync->u.APC.NotificationRoutine))
        misuse_once_locked(r, SIM_MISUSE_ROUTINE_GONE,
                           "%s: client state %p: the APC NotificationRoutine %p is not readable "
                           "memory", fn, (void *)pAsync,
                           routine_addr(pAsync->u.APC.NotificationRoutine));
    sim_count(SIM_COUNT_ASYNC_STATES, 1);
    /* BEHAVIOUR: INITIAL_SEND_COMPLETE. Seed 002 (docs/reference/asynchronous-pipe-state.md):
     * the IN and IN-OUT client tables go from C ("Make the call ... On success go to state WS")
     * to WS, which waits for RpcSendComplete before the first push: the request itself is a
     * send, and RPC_ASYNC_EVENT's RpcSendComplete says only that the runtime "finished
     * transmitting some of the data provided by the user". Switched on, the request's send
     * completes as the call is made: its notification is queued before the stub returns
     * (SIM_DELAY_NOW), as a runtime that sends the request synchronously would. (The fault
     * plan counts it as the client's first notification.) */
    if (has_in && behaves(c, SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE) && send_notify_wanted(c, pAsync))
        issue_locked(&ob, r, RpcSendComplete, CH_IN, SIM_DELAY_NOW);

    /* The server's state: initialised by the runtime, NotificationType None until the server
     * sets it. */
    sr->p = sp;
    sr->role = ROLE_SERVER;
    sr->phase = PH_CALL;
    sr->gen = c->gen;
    sr->call = c;
    c->refs++;
    sr->owned = sp;
    write_init_fields_locked(sr);
    sp->NotificationType = RpcNotificationTypeNone;
    write_start_fields_locked(sr, c);
    sim_count(SIM_COUNT_ASYNC_STATES, 1);

    /* The dispatch thread holds a reference until the manager routine returns. */
    c->refs++;
    g_tasks_out++;
    action act;
    memset(&act, 0, sizeof act);
    act.kind = A_SPAWN;
    act.call = c;
    ob_push(&ob, &act);
    goto out;
undo:
    sim_host_not_run(adm.call);
    sim_host_side_done(adm.call, 1);
    sim_host_side_done(adm.call, 0);
out:
    unlock();
    ob_flush(&ob);
    return st;
}

static RPC_STATUS start_call(const char *fn, PRPC_ASYNC_STATE pAsync, void *hBinding, int op,
                             int32_t a, int32_t b, uint32_t u, ASYNC_INTPIPE *inpipe,
                             ASYNC_INTPIPE *outpipe, int32_t *pb)
{
    return start_call_core(fn, pAsync, hBinding, fx_IfSpec(), op, a, b, u, inpipe, outpipe, pb,
                           NULL);
}

SIM_HIDDEN RPC_STATUS start_call_ex(const char *fn, PRPC_ASYNC_STATE pAsync, void *hBinding,
                                    const void *ifspec, int op, ASYNC_INTPIPE *inpipe,
                                    ASYNC_INTPIPE *outpipe, struct sim_ndr_call *ndr)
{
    return start_call_core(fn, pAsync, hBinding, ifspec, op, 0, 0, 0, inpipe, outpipe, NULL, ndr);
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_Add(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a,
                                          int32_t b)
{
    return start_call("fx_Add", pAsync, hBinding, SIM_OP_ADD, a, b, 0, NULL, NULL, NULL);
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_Sleep(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t ms)
{
    return start_call("fx_Sleep", pAsync, hBinding, SIM_OP_SLEEP, 0, 0, ms, NULL, NULL, NULL);
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_Fail(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t code)
{
    return start_call("fx_Fail", pAsync, hBinding, SIM_OP_FAIL, 0, 0, code, NULL, NULL, NULL);
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_PipeSum(PRPC_ASYNC_STATE pAsync, void *hBinding,
                                              ASYNC_INTPIPE *inpipe)
{
    return start_call("fx_PipeSum", pAsync, hBinding, SIM_OP_PIPE_SUM, 0, 0, 0, inpipe, NULL,
                      NULL);
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_PipeRange(PRPC_ASYNC_STATE pAsync, void *hBinding,
                                                int32_t start, int32_t count,
                                                ASYNC_INTPIPE *outpipe)
{
    return start_call("fx_PipeRange", pAsync, hBinding, SIM_OP_PIPE_RANGE, start, count, 0, NULL,
                      outpipe, NULL);
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY fx_PipeEcho(PRPC_ASYNC_STATE pAsync, void *hBinding,
                                               int32_t a, ASYNC_INTPIPE *inpipe,
                                               ASYNC_INTPIPE *outpipe, int32_t *b)
{
    return start_call("fx_PipeEcho", pAsync, hBinding, SIM_OP_PIPE_ECHO, a, 0, 0, inpipe,
                      outpipe, b);
}
