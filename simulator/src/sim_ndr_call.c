/*
 * sim_ndr_call.c - the generic call (sim_ndr.h): a call of an operation described by a
 * sim_ndr_op, on the call machinery of sim_rpc_*.c. The client stub copies the [in] values and
 * starts the call through start_call_ex (sim_rpc_stubs.c, which the fixture's stubs use too);
 * the dispatch thread calls the operation's invoker with the server's copies; the server's
 * RpcAsyncCompleteCall copies the reply (sim_ndr_server_reply_locked); the client's final
 * RpcAsyncCompleteCall writes it into the client's memory (sim_ndr_client_reply_locked); the
 * call's last reference frees what is left (sim_ndr_call_free).
 */
#include "sim_rpc_internal.h"
#include "sim_ndr_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sim_ndr_call {
    const sim_ndr_op *op;
    uint32_t opnum;
    void **cvals;        /* the client's top-level values (shallow copies) */
    void **svals;        /* the server's copies */
    void **wvals;        /* the reply's copies (after the server's completion) */
    int svals_live;      /* svals hold data to free */
    RPC_STATUS reply_status; /* the reply could not be copied: the client's status */
    int pipe_param[2];   /* the [in] and [out] pipe parameters, -1 none */
    unsigned char reply[16];
};

/* A parameter frame: nparams pointers, each to a zeroed slot of its value's size. */
static void **frame_new(const sim_ndr_op *op)
{
    size_t head = ((size_t)op->nparams * sizeof(void *) + 15) & ~(size_t)15;
    size_t total = head;
    for (uint32_t i = 0; i < op->nparams; i++)
        total += ((size_t)op->params[i].type->size + 15) & ~(size_t)15;
    unsigned char *m = calloc(1, total == 0 ? 1 : total);
    if (m == NULL)
        return NULL;
    void **vals = (void **)(void *)m;
    size_t at = head;
    for (uint32_t i = 0; i < op->nparams; i++) {
        vals[i] = m + at;
        at += ((size_t)op->params[i].type->size + 15) & ~(size_t)15;
    }
    return vals;
}

static ndr_frame frame_of(const sim_ndr_op *op, void *const *vals)
{
    ndr_frame f = {op->params, op->nparams, vals, NULL, NULL};
    return f;
}

/* Frees the blocks a frame's values point to, and the frame. */
static void frame_free(const sim_ndr_op *op, void **vals)
{
    if (vals == NULL)
        return;
    ndr_frame f = frame_of(op, vals);
    /* Conformant arrays before the integers that size them are gone: in reverse order. */
    for (uint32_t i = op->nparams; i-- > 0;)
        if (op->params[i].type->kind != SIM_NDR_PIPE)
            ndr_free_deep(op->params[i].type, vals[i], &f);
    free(vals);
}

static void ndr_call_delete(struct sim_ndr_call *n)
{
    if (n->svals_live)
        frame_free(n->op, n->svals);
    else
        free(n->svals);
    frame_free(n->op, n->wvals);
    free(n->cvals);
    free(n);
}

SIM_HIDDEN void sim_ndr_call_free(sim_call *c)
{
    ndr_call_delete(c->ndr);
    c->ndr = NULL;
}

/* Finds the pipe parameters: RPC_S_OK, or RPC_S_CANNOT_SUPPORT for an [in, out] pipe or a
 * second pipe of one direction. */
static RPC_STATUS find_pipes(const sim_ndr_op *op, int out[2])
{
    out[0] = out[1] = -1;
    for (uint32_t i = 0; i < op->nparams; i++) {
        const sim_ndr_param *p = &op->params[i];
        if (p->type->kind != SIM_NDR_PIPE)
            continue;
        int chan = p->dir == SIM_NDR_IN ? CH_IN : p->dir == SIM_NDR_OUT ? CH_OUT : -1;
        if (chan < 0 || out[chan] >= 0)
            return RPC_S_CANNOT_SUPPORT;
        out[chan] = (int)i;
    }
    return RPC_S_OK;
}

/* The client's [in] copies and the server's [out] targets. */
static RPC_STATUS copy_in(struct sim_ndr_call *n, void *const *args)
{
    const sim_ndr_op *op = n->op;
    ndr_frame cf = frame_of(op, args);
    ndr_frame sf = frame_of(op, n->svals);
    n->svals_live = 1;
    for (uint32_t i = 0; i < op->nparams; i++) {
        const sim_ndr_param *p = &op->params[i];
        memcpy(n->cvals[i], args[i], p->type->size);
        if (p->type->kind == SIM_NDR_PIPE || !(p->dir & SIM_NDR_IN))
            continue;
        RPC_STATUS st = ndr_copy(p->type, n->svals[i], args[i], &cf);
        if (st != RPC_S_OK)
            return st;
    }
    for (uint32_t i = 0; i < op->nparams; i++) {
        const sim_ndr_param *p = &op->params[i];
        if (p->type->kind == SIM_NDR_PIPE || (p->dir & SIM_NDR_IN))
            continue;
        void *target;
        memcpy(&target, args[i], sizeof target);
        if (target == NULL)  /* an [out] pointer is [ref] */
            return SIM_RPC_X_NULL_REF_POINTER;
        RPC_STATUS st = ndr_alloc_out(p->type, n->svals[i], &sf);
        if (st != RPC_S_OK)
            return st;
    }
    return RPC_S_OK;
}

static int valid_op(const sim_ndr_iface *iface, uint32_t opnum, void *const *args,
                    const char *fn)
{
    if (iface == NULL || opnum >= iface->nops || iface->ops == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: no operation %u in interface %p", fn,
                   (unsigned)opnum, (const void *)iface);
        return 0;
    }
    const sim_ndr_op *op = &iface->ops[opnum];
    if (op->invoke == NULL || (op->nparams != 0 && args == NULL)) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: %s: no invoker, or args is NULL", fn,
                   op->name != NULL ? op->name : "?");
        return 0;
    }
    for (uint32_t i = 0; i < op->nparams; i++)
        if (args[i] == NULL) {
            sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: %s: args[%u] is NULL", fn, op->name,
                       (unsigned)i);
            return 0;
        }
    return 1;
}

SIM_EXPORT RPC_STATUS sim_ndr_start(const sim_ndr_iface *iface, uint32_t opnum,
                                    PRPC_ASYNC_STATE pAsync, void *h, void *const *args)
{
    if (!valid_op(iface, opnum, args, "sim_ndr_start"))
        return RPC_S_INVALID_ARG;
    const sim_ndr_op *op = &iface->ops[opnum];
    struct sim_ndr_call *n = calloc(1, sizeof *n);
    if (n == NULL)
        return SIM_RPC_S_OUT_OF_MEMORY;
    n->op = op;
    n->opnum = opnum;
    RPC_STATUS st = find_pipes(op, n->pipe_param);
    if (st != RPC_S_OK) {
        free(n);
        return st;
    }
    n->cvals = frame_new(op);
    n->svals = frame_new(op);
    if (n->cvals == NULL || n->svals == NULL) {
        ndr_call_delete(n);
        return SIM_RPC_S_OUT_OF_MEMORY;
    }
    st = copy_in(n, args);
    if (st != RPC_S_OK) {
        /* MIDL's stub raises the exception while marshalling: the call never starts */
        ndr_call_delete(n);
        return st;
    }
    ASYNC_INTPIPE *pipes[2] = {NULL, NULL};
    for (int ch = 0; ch < 2; ch++)
        if (n->pipe_param[ch] >= 0)
            memcpy(&pipes[ch], args[n->pipe_param[ch]], sizeof pipes[ch]);
    char fn[96];
    snprintf(fn, sizeof fn, "%s_%s", iface->name != NULL ? iface->name : "?",
             op->name != NULL ? op->name : "?");
    st = start_call_ex(fn, pAsync, h, iface->ifspec, (int)opnum, pipes[CH_IN], pipes[CH_OUT], n);
    if (st != RPC_S_OK)
        ndr_call_delete(n);
    return st;
}

SIM_HIDDEN int sim_ndr_has_pipe(const struct sim_ndr_call *n, int chan)
{
    return n->pipe_param[chan] >= 0;
}

SIM_HIDDEN void sim_ndr_attach_locked(sim_call *c, struct sim_ndr_call *n)
{
    c->ndr = n;
    for (int ch = 0; ch < 2; ch++) {
        int i = n->pipe_param[ch];
        if (i < 0)
            continue;
        c->esize[ch] = n->op->params[i].type->elem->size;
        ASYNC_INTPIPE *sp = &c->s_pipe[ch];
        memcpy(n->svals[i], &sp, sizeof sp);
    }
}

/* Whether the simulator's own server (the fixture's) serves interface ifspec. */
SIM_HIDDEN int sim_ndr_peer_serves(const void *ifspec)
{
    const WINRPC_IF_HEADER *a = ifspec, *b = fx_IfSpec();
    return a != NULL && memcmp(&a->InterfaceId, &b->InterfaceId, sizeof a->InterfaceId) == 0;
}

SIM_HIDDEN void (*sim_ndr_routine(const sim_call *c))(void)
{
    if (c->epv == NULL)
        return NULL;
    void (*const *table)(void) = (void (*const *)(void))(const void *)c->epv;
    return table[c->ndr->opnum];
}

SIM_HIDDEN void sim_ndr_invoke(sim_call *c, PRPC_ASYNC_STATE sp, void *hb)
{
    c->ndr->op->invoke(sim_ndr_routine(c), sp, hb, c->ndr->svals);
}

SIM_HIDDEN uint32_t sim_ndr_reply_size(const sim_call *c)
{
    return c->ndr != NULL ? c->ndr->op->ret_size : (uint32_t)sizeof(int32_t);
}

SIM_HIDDEN RPC_STATUS sim_ndr_reply_status(const sim_call *c)
{
    return c->ndr != NULL ? c->ndr->reply_status : RPC_S_OK;
}

SIM_HIDDEN void sim_ndr_server_reply_locked(sim_call *c, const void *Reply)
{
    struct sim_ndr_call *n = c->ndr;
    const sim_ndr_op *op = n->op;
    if (op->ret_size != 0)
        memcpy(n->reply, Reply, op->ret_size < sizeof n->reply ? op->ret_size : sizeof n->reply);
    n->wvals = frame_new(op);
    RPC_STATUS st = n->wvals == NULL ? SIM_RPC_S_OUT_OF_MEMORY : RPC_S_OK;
    ndr_frame sf = frame_of(op, n->svals);
    /* Every value is copied (the reply's sizes may name [in] values); pipes are not. */
    for (uint32_t i = 0; i < op->nparams && st == RPC_S_OK; i++)
        if (op->params[i].type->kind != SIM_NDR_PIPE)
            st = ndr_copy(op->params[i].type, n->wvals[i], n->svals[i], &sf);
    /* An [in, out, string] or conformant array comes back into the caller's buffer, which holds
     * what was sent: a longer string (a manager that overran the stub's copy), or an array whose
     * size_is the server raised, cannot, and fails the call. */
    ndr_frame cf = frame_of(op, n->cvals);
    for (uint32_t i = 0; i < op->nparams && st == RPC_S_OK; i++) {
        const sim_ndr_param *p = &op->params[i];
        if (p->dir != (SIM_NDR_IN | SIM_NDR_OUT))
            continue;
        void *sent = NULL, *back = NULL;
        memcpy(&sent, n->cvals[i], sizeof sent);
        memcpy(&back, n->wvals[i], sizeof back);
        if (sent == NULL || back == NULL)
            continue;
        if (p->type->kind == SIM_NDR_STRING &&
            ndr_string_bytes(back, p->type->count) > ndr_string_bytes(sent, p->type->count))
            st = SIM_RPC_S_INVALID_BOUND;
        uint32_t was, now, len;
        if (p->type->kind == SIM_NDR_CONF_PTR && ndr_bounds(p->type, &cf, &was, &len) == RPC_S_OK &&
            ndr_bounds(p->type, &sf, &now, &len) == RPC_S_OK && now > was)
            st = SIM_RPC_S_INVALID_BOUND;
    }
    n->reply_status = st;
    /* The server's copies are the stub's: freed once the reply is made. */
    frame_free(op, n->svals);
    n->svals = NULL;
    n->svals_live = 0;
}

SIM_HIDDEN void sim_ndr_client_reply_locked(sim_call *c, void *Reply)
{
    struct sim_ndr_call *n = c->ndr;
    const sim_ndr_op *op = n->op;
    if (op->ret_size != 0)
        memcpy(Reply, n->reply, op->ret_size < sizeof n->reply ? op->ret_size : sizeof n->reply);
    ndr_frame wf = frame_of(op, n->wvals);
    for (uint32_t i = 0; i < op->nparams && n->wvals != NULL; i++) {
        const sim_ndr_param *p = &op->params[i];
        if (!(p->dir & SIM_NDR_OUT) || p->type->kind == SIM_NDR_PIPE)
            continue;
        void *target = NULL, *from = NULL;
        memcpy(&target, n->cvals[i], sizeof target);
        memcpy(&from, n->wvals[i], sizeof from);
        if (target == NULL || from == NULL)
            continue; /* a [unique] [in, out] null stays null */
        if (p->type->kind == SIM_NDR_POINTER)
            (void)ndr_copy(p->type->elem, target, from, &wf);
        else if (p->type->kind == SIM_NDR_CONF_PTR)
            (void)ndr_copy_elems(p->type, target, from, &wf);
        else if (p->type->kind == SIM_NDR_STRING) /* [in, out, string]: into the caller's buffer */
            memcpy(target, from, ndr_string_bytes(from, p->type->count));
    }
}

SIM_EXPORT RPC_STATUS sim_ndr_call_sync(const sim_ndr_iface *iface, uint32_t opnum, void *h,
                                        void *const *args, void *pReturn)
{
    if (!valid_op(iface, opnum, args, "sim_ndr_call_sync"))
        return RPC_S_INVALID_ARG;
    int pipes[2];
    if (find_pipes(&iface->ops[opnum], pipes) != RPC_S_OK || pipes[0] >= 0 || pipes[1] >= 0)
        return RPC_S_CANNOT_SUPPORT; /* a synchronous pipe needs the client's own pipe loop */
    RPC_ASYNC_STATE st;
    memset(&st, 0, sizeof st);
    RPC_STATUS s = RpcAsyncInitializeHandle(&st, sizeof st);
    if (s != RPC_S_OK)
        return s;
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    if (ev == NULL)
        return SIM_RPC_S_OUT_OF_MEMORY;
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    s = sim_ndr_start(iface, opnum, &st, h, args);
    if (s == RPC_S_OK) {
        unsigned char reply[16];
        while ((s = RpcAsyncCompleteCall(&st, reply)) == RPC_S_ASYNC_CALL_PENDING)
            (void)WaitForSingleObject(ev, SIM_INFINITE);
        uint32_t rs = iface->ops[opnum].ret_size;
        if (s == RPC_S_OK && pReturn != NULL && rs != 0)
            memcpy(pReturn, reply, rs < sizeof reply ? rs : sizeof reply);
    }
    CloseHandle(ev);
    return s;
}
