/*
 * sim_rpc_pipe.c - async pipes: the pull, push and alloc functions the runtime puts in a
 * call's pipe structures, for both sides. See sim_rpc_internal.h for the model.
 */
#include "sim_rpc_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- async pipes ----------------------------------------------------------------------------- */

SIM_HIDDEN hmap g_ends;     /* pipe_end* -> sim_call */

/* Validates a pipe operation's state pointer and the side it belongs to. */
static pipe_end *pipe_enter_locked(char *state, int is_push, const char *fn, RPC_STATUS *st)
{
    sim_call *c = state ? hm_get(&g_ends, state) : NULL;
    if (c == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: %p is not the state of a simulator pipe", fn,
                   (void *)state);
        *st = RPC_S_INVALID_ARG;
        return NULL;
    }
    pipe_end *e = (pipe_end *)(void *)state;
    int done = e->role == ROLE_CLIENT ? c->client_done : c->server_done;
    if (done) {
        sim_misuse(SIM_MISUSE_USE_AFTER_COMPLETION,
                   "%s: %s pipe of a call after the %s's final completion", fn,
                   e->chan == CH_IN ? "in" : "out", role_name(e->role));
        *st = RPC_S_INVALID_ASYNC_HANDLE;
        return NULL;
    }
    staterec *r = side_rec_locked(c, e->role);
    if (r != NULL) {
        check_fields_locked(r, fn);
        server_entered_locked(r);
    }
    int sender = chan_sender(e->chan) == e->role;
    if (sender != is_push) {
        sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE, "%s: the %s cannot %s its %s pipe", fn,
                   role_name(e->role), is_push ? "push on" : "pull from",
                   e->chan == CH_IN ? "in" : "out");
        *st = RPC_X_PIPE_DISCIPLINE_ERROR;
        return NULL;
    }
    return e;
}

static RPC_STATUS WINRPC_ENTRY sim_pipe_pull(char *state, int32_t *buf, uint32_t esize,
                                             uint32_t *ecount)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    if (ecount != NULL)
        *ecount = 0;
    lock();
    pipe_end *e = pipe_enter_locked(state, 0, "pipe pull", &st);
    if (e == NULL)
        goto out;
    sim_call *c = e->call;
    channel *ch = &c->ch[e->chan];
    if (ecount == NULL || buf == NULL || esize == 0) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "pipe pull: buf %p, esize %u, ecount %p (a buffer of at least one element "
                   "and a count are required)", (void *)buf, (unsigned)esize, (void *)ecount);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    if (ch->pull_pending) {
        staterec *rr = side_rec_locked(c, e->role);
        if (behaves(c, SIM_BEHAVIOUR_APC_EVENT_AT_RUN) && rr != NULL &&
            rr->notes_run != ch->pend_mark) {
            /* BEHAVIOUR: APC_EVENT_AT_RUN. An APC passes the latest event issued, not its own,
             * so the receiver cannot tell its RpcReceiveComplete from another notification:
             * a pull again after any notification of its state ran since the pull pended is
             * not a misuse; it pends again (its RpcReceiveComplete is still to come). */
            ch->pend_mark = rr->notes_run;
            st = RPC_S_ASYNC_CALL_PENDING;
            goto out;
        }
        /* STRICT: after RPC_S_ASYNC_CALL_PENDING the receiver waits for RpcReceiveComplete
         * before pulling again (docs/reference/abi.md); pulling earlier is a discipline error. */
        sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE,
                   "pipe pull: the %s pulls its %s pipe again before the RpcReceiveComplete "
                   "for its pending pull", role_name(e->role), e->chan == CH_IN ? "in" : "out");
        st = RPC_X_PIPE_DISCIPLINE_ERROR;
        goto out;
    }
    if (ch->end_returned) {
        sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE,
                   "pipe pull: the %s pulls its %s pipe after the end was returned",
                   role_name(e->role), e->chan == CH_IN ? "in" : "out");
        st = RPC_X_PIPE_EMPTY;
        goto out;
    }
    if (e->role == ROLE_CLIENT && e->chan == CH_OUT && c->has_in &&
        !c->ch[CH_IN].sender_ended) {
        /* In-out pipes: the client finishes its in pipe (null push) before it pulls. */
        sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE,
                   "pipe pull: the client pulls its out pipe before the null push on its in "
                   "pipe");
        st = RPC_X_WRONG_PIPE_ORDER;
        goto out;
    }
    if (c->failed) {
        st = c->pipe_fail_status;
        goto out;
    }
    if (ch->rx_head == NULL && !ch->end_arrived) {
        staterec *rr = side_rec_locked(c, e->role);
        ch->pull_pending = 1;
        ch->pend_mark = rr != NULL ? rr->notes_run : 0;
        st = RPC_S_ASYNC_CALL_PENDING;
        goto out;
    }
    /* A pull that would complete: the fault plan may fail it (and the call). */
    if (fault_pull_fails_locked(c, e->role)) {
        fail_call_locked(&ob, c, RPC_S_CALL_FAILED, RPC_S_CALL_FAILED,
                         e->role == ROLE_CLIENT ? (int)RpcClientDisconnect : -1);
        st = RPC_S_CALL_FAILED;
        goto out;
    }
    if (ch->rx_head != NULL) {
        /* One pull takes from one received chunk at most. */
        chunk *k = ch->rx_head;
        uint32_t n = k->n - k->off;
        if (n > esize)
            n = esize;
        memcpy(buf, k->data + (size_t)k->off * c->esize[e->chan],
               (size_t)n * c->esize[e->chan]);
        k->off += n;
        ch->rx_elems -= n;
        *ecount = n;
        if (k->off == k->n) {
            ch->rx_head = k->next;
            if (ch->rx_head == NULL)
                ch->rx_tail = NULL;
            sim_count(SIM_COUNT_PIPE_BUFFERS, -1);
            free(k);
        }
        bp_release_locked(&ob, c, e->chan); /* room was made */
        goto out;
    }
    /* The end: RPC_S_OK with ecount 0. */
    ch->end_returned = 1;
    if (e->chan == CH_OUT)
        try_available_locked(&ob, c);
out:
    unlock();
    ob_flush(&ob);
    return st;
}

static RPC_STATUS WINRPC_ENTRY sim_pipe_push(char *state, int32_t *buf, uint32_t ecount)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    lock();
    pipe_end *e = pipe_enter_locked(state, 1, "pipe push", &st);
    if (e == NULL)
        goto out;
    sim_call *c = e->call;
    channel *ch = &c->ch[e->chan];
    if ((ecount != 0 && buf == NULL) || ecount > SIM_PUSH_MAX) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "pipe push: buf %p with ecount %u", (void *)buf,
                   (unsigned)ecount);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    if (ch->sender_ended) {
        sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE,
                   "pipe push: the %s pushes on its %s pipe after the null push",
                   role_name(e->role), e->chan == CH_IN ? "in" : "out");
        st = RPC_X_PIPE_CLOSED;
        goto out;
    }
    if (e->role == ROLE_SERVER && e->chan == CH_OUT && c->has_in &&
        !c->ch[CH_IN].end_returned) {
        /* In-out pipes: the server pulls its in pipe to the end before it pushes. */
        sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE,
                   "pipe push: the server pushes its out pipe before pulling the end of its "
                   "in pipe");
        st = RPC_X_WRONG_PIPE_ORDER;
        goto out;
    }
    if (c->failed) {
        st = c->pipe_fail_status;
        goto out;
    }
    if (fault_push_fails_locked(c, e->role)) {
        fail_call_locked(&ob, c, RPC_S_CALL_FAILED, RPC_S_CALL_FAILED,
                         e->role == ROLE_CLIENT ? (int)RpcClientDisconnect : -1);
        st = RPC_S_CALL_FAILED;
        goto out;
    }
    chunk *k = malloc(sizeof *k + (size_t)ecount * c->esize[e->chan]);
    if (k == NULL) {
        st = RPC_X_PIPE_APP_MEMORY;
        goto out;
    }
    k->next = NULL;
    k->n = ecount;
    k->off = 0;
    if (ecount != 0)
        memcpy(k->data, buf, (size_t)ecount * c->esize[e->chan]);
    /* The caller may reuse buf as soon as push returns (Microsoft: "Client-side Asynchronous
     * Pipe Handling"). Whether RpcSendComplete follows is decided by Flags now (and, under
     * SEND_COMPLETE_APC_ONLY, by NotificationType). */
    PRPC_ASYNC_STATE sp = e->role == ROLE_CLIENT ? c->cstate : c->sstate;
    k->notify = send_notify_wanted(c, sp);
    if (ch->fl_tail != NULL)
        ch->fl_tail->next = k;
    else
        ch->fl_head = k;
    ch->fl_tail = k;
    sim_count(SIM_COUNT_PIPE_BUFFERS, 1);
    if (ecount == 0)
        ch->sender_ended = 1;
    sched_locked(&ob, T_ARRIVE, NULL, 0, c, e->chan, fault_send_delay_locked(c, e->role));
out:
    unlock();
    ob_flush(&ob);
    return st;
}

/* The simulator's alloc hands out a buffer of bsize bytes (bcount reports bytes, as Microsoft's "Pipes" page says of alloc) that stays the
 * caller's until its side of the call ends; bsize 0 gives NULL and 0. */
static RPC_STATUS WINRPC_ENTRY sim_pipe_alloc(char *state, uint32_t bsize, int32_t **buf,
                                              uint32_t *bcount)
{
    RPC_STATUS st = RPC_S_OK;
    lock();
    sim_call *c = state ? hm_get(&g_ends, state) : NULL;
    if (c == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "pipe alloc: %p is not the state of a simulator "
                   "pipe", (void *)state);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    pipe_end *e = (pipe_end *)(void *)state;
    if (e->role == ROLE_CLIENT ? c->client_done : c->server_done) {
        sim_misuse(SIM_MISUSE_USE_AFTER_COMPLETION,
                   "pipe alloc: %s pipe after the %s's final completion",
                   e->chan == CH_IN ? "in" : "out", role_name(e->role));
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    if (buf == NULL || bcount == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "pipe alloc: buf %p, bcount %p", (void *)buf,
                   (void *)bcount);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    *buf = NULL;
    *bcount = 0;
    if (c->failed) {
        st = c->pipe_fail_status;
        goto out;
    }
    if (bsize == 0)
        goto out;
    if (bsize > SIM_ALLOC_MAX) {
        st = RPC_X_PIPE_APP_MEMORY;
        goto out;
    }
    alloc_buf *a = malloc(sizeof *a);
    void *mem = malloc(bsize);
    if (a == NULL || mem == NULL) {
        free(a);
        free(mem);
        st = RPC_X_PIPE_APP_MEMORY;
        goto out;
    }
    a->mem = mem;
    a->role = e->role;
    a->next = c->allocs;
    c->allocs = a;
    *buf = mem;
    *bcount = bsize; /* in bytes: "The buffer allocation must be in bytes" (Microsoft, Pipes) */
out:
    unlock();
    return st;
}

SIM_HIDDEN void fill_pipe(ASYNC_INTPIPE *pp, pipe_end *e)
{
    pp->pull = sim_pipe_pull;
    pp->push = sim_pipe_push;
    pp->alloc = sim_pipe_alloc;
    pp->state = (char *)(void *)e;
}
