/*
 * sim_rpc_call.c - a call's life: its reference count, its failure, the server's reply reaching
 * the client, a side's final completion; and the RpcAsync* functions on a state:
 * RpcAsyncInitializeHandle, RpcAsyncRegisterInfo, RpcAsyncGetCallStatus, RpcAsyncCompleteCall,
 * RpcAsyncAbortCall, RpcAsyncCancelCall. See sim_rpc_internal.h for the model.
 */
#include "sim_rpc_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- calls ----------------------------------------------------------------------------------- */

/* a call's handles (the call, &call->client_handle) -> sim_call */
SIM_HIDDEN hmap g_call_handles;

static void chunks_free_locked(chunk **head, chunk **tail)
{
    chunk *k = *head;
    while (k != NULL) {
        chunk *next = k->next;
        sim_count(SIM_COUNT_PIPE_BUFFERS, -1);
        free(k);
        k = next;
    }
    *head = *tail = NULL;
}

/* Discards what channel ch holds for its receiver: arrived and not pulled, and (BACK_PRESSURE)
 * held outside the window, whose sends will never complete now. */
static void rx_discard_locked(channel *ch)
{
    chunks_free_locked(&ch->rx_head, &ch->rx_tail);
    chunks_free_locked(&ch->held_head, &ch->held_tail);
    ch->rx_elems = 0;
}

static void allocs_free_locked(sim_call *c, int role)
{
    for (alloc_buf **pa = &c->allocs; *pa != NULL;) {
        alloc_buf *a = *pa;
        if (role == 0 || a->role == role) {
            *pa = a->next;
            free(a->mem);
            free(a);
        } else {
            pa = &a->next;
        }
    }
}

SIM_HIDDEN void call_unref_locked(sim_call *c)
{
    if (--c->refs > 0)
        return;
    if (c->ends_mapped)
        for (int i = 0; i < 4; i++)
            hm_del(&g_ends, &c->ends[i]);
    if (c->handles_mapped) {
        hm_del(&g_call_handles, c);
        hm_del(&g_call_handles, &c->client_handle);
    }
    for (int i = 0; i < 2; i++) {
        chunks_free_locked(&c->ch[i].fl_head, &c->ch[i].fl_tail);
        rx_discard_locked(&c->ch[i]);
    }
    allocs_free_locked(c, 0);
    if (c->ndr != NULL)
        sim_ndr_call_free(c);
    free(c);
}

/* The record of one side of c, if that side's state still belongs to c. */
SIM_HIDDEN staterec *side_rec_locked(sim_call *c, int role)
{
    staterec *r = rec_get_locked(role == ROLE_CLIENT ? c->cstate : c->sstate);
    if (r == NULL || r->call != c || r->gen != c->gen || r->role != role)
        return NULL;
    return r;
}

SIM_HIDDEN int chan_sender(int chan) { return chan == CH_IN ? ROLE_CLIENT : ROLE_SERVER; }
static int chan_receiver(int chan) { return chan == CH_IN ? ROLE_SERVER : ROLE_CLIENT; }

/* The client's final status is fixed: RpcCallComplete tells it. */
static void make_available_locked(outbox *ob, sim_call *c, RPC_STATUS status)
{
    if (c->reply_available || c->client_done)
        return;
    c->reply_available = 1;
    c->final_status = status;
    issue_locked(ob, side_rec_locked(c, ROLE_CLIENT), RpcCallComplete, -1, 0);
}

SIM_HIDDEN int early_undrained(const sim_call *c)
{
    return c->reply_available && c->final_status == RPC_S_OK && c->has_out &&
           !c->ch[CH_OUT].end_returned && !c->client_done;
}

/* A successful reply becomes available once it has arrived and, for a call with an out pipe,
 * the client has pulled the pipe's end. STRICT: the reply follows the pipe data in the
 * response, so RpcCallComplete comes only after the client drained the out pipe (the pipe state
 * page: the client waits for the call-complete notification after its null pull). */
SIM_HIDDEN void try_available_locked(outbox *ob, sim_call *c)
{
    if (c->failed || !c->reply_arrived || c->reply_available)
        return;
    if (c->has_out && !c->ch[CH_OUT].end_returned) {
        if (c->cancel_told) {
            /* STRICT: a client that cancelled (even non-abortively) waits for the completion
             * and pulls no more (the pipe state page: Can, then WComp); what it left in the out
             * pipe is discarded and the call completes as cancelled, since the client did not get
             * all of it. */
            rx_discard_locked(&c->ch[CH_OUT]);
            make_available_locked(ob, c, RPC_S_CALL_CANCELLED);
            return;
        }
        /* BEHAVIOUR: CALL_COMPLETE_BEFORE_DRAIN. Nothing documents the order of
         * RpcCallComplete and the out pipe's data; the pipe state page's OUT client table has the
         * client wait for the call-complete notification after its null pull, but a runtime that
         * has the whole response (ncalrpc) can say the call is complete before the application
         * pulled it: Wine's async_notifier_proc (dlls/rpcrt4/rpc_message.c) notifies
         * RpcCallComplete as soon as data comes in on the connection. The pulls still return
         * the data and the end (see RpcAsyncCompleteCall for a completion before it). */
        if (!behaves(c, SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN))
            return; /* the reply follows the out pipe's data: the client pulls to the end first */
    }
    make_available_locked(ob, c, RPC_S_OK);
}

/* The call fails: the client (unless its final status is already fixed) completes with
 * client_status, every pipe operation from now on fails with pipe_status, pending pulls are
 * woken with RpcReceiveComplete so that the waiter sees the failure on its next pull, and the
 * server is told with server_event (-1: nothing to tell). */
SIM_HIDDEN void fail_call_locked(outbox *ob, sim_call *c, RPC_STATUS client_status,
                             RPC_STATUS pipe_status, int server_event)
{
    if (!c->failed) {
        /* CALL_COMPLETE_BEFORE_DRAIN: the client was told the call completed, but it has not
         * got all of the out pipe and now never will: the call's status becomes the failure
         * (no second RpcCallComplete: the first one stands as the call's end). */
        if (early_undrained(c))
            c->final_status = client_status;
        c->failed = 1;
        c->pipe_fail_status = pipe_status;
        for (int i = 0; i < 2; i++)
            rx_discard_locked(&c->ch[i]);
    }
    /* A subscribed server hears why (RpcClientCancel, RpcClientDisconnect) before its pending
     * pull is woken, so that it knows the reason when the next pull fails. */
    if (server_event >= 0)
        sub_issue_locked(ob, c, (RPC_ASYNC_EVENT)server_event);
    for (int i = 0; i < 2; i++) {
        channel *ch = &c->ch[i];
        if (ch->pull_pending && !ch->pull_notified)
            issue_locked(ob, side_rec_locked(c, chan_receiver(i)), RpcReceiveComplete, i, 0);
    }
    make_available_locked(ob, c, client_status);
}

/* A state leaves its call (final completion, or a server state the runtime ends itself). */
SIM_HIDDEN void side_finish_locked(sim_call *c, staterec *r)
{
    int role = r->role;
    if (role == ROLE_CLIENT)
        c->client_done = 1;
    else
        c->server_done = 1;
    r->phase = PH_DONE;
    r->lock = 0;
    r->p->Lock = 0;
    queue_discard_locked(r);
    /* Subscription notifications already queued (and their APCs) outlive the call. */
    apcs_forget_locked(r, 1);
    subs_end_locked(r, NULL);
    sim_count(SIM_COUNT_ASYNC_STATES, -1);
    allocs_free_locked(c, role);
    /* Data still buffered (or held outside the window) for this side is of no use any more. */
    rx_discard_locked(&c->ch[role == ROLE_CLIENT ? CH_OUT : CH_IN]);
    if (c->host != NULL)
        sim_host_side_done(c->host, role == ROLE_SERVER);
    idle_add_locked(r);
}

/* Chunk k is let in at the receiver of channel `chan`: the data (or the end) can be pulled, the
 * send has completed. */
static void admit_locked(outbox *ob, sim_call *c, int chan, chunk *k)
{
    channel *ch = &c->ch[chan];
    int notify = k->notify;
    k->next = NULL;
    if (k->n == 0) {
        ch->end_arrived = 1;
        sim_count(SIM_COUNT_PIPE_BUFFERS, -1);
        free(k);
    } else {
        if (ch->rx_tail != NULL)
            ch->rx_tail->next = k;
        else
            ch->rx_head = k;
        ch->rx_tail = k;
        ch->rx_elems += k->n - k->off;
    }
    /* Several sends may collapse into one RpcSendComplete (Microsoft: "Client-side Asynchronous
     * Pipe Handling"): one already on its way covers this one. BEHAVIOUR:
     * COLLAPSE_SEND_COMPLETES: "on its way" lasts until an APC's routine has run
     * (send_apc_out), not only until the APC is queued. */
    if (notify && !ch->send_notif_out && !ch->send_apc_out)
        issue_locked(ob, side_rec_locked(c, chan_sender(chan)), RpcSendComplete, chan, 0);
    if (ch->pull_pending && !ch->pull_notified)
        issue_locked(ob, side_rec_locked(c, chan_receiver(chan)), RpcReceiveComplete, chan,
                     rng_delay(&c->rng[RS_RECV_DELAY], c->plan.max_delay_ms));
}

/* A chunk of channel `chan` arrives at its receiver: the send has completed, unless
 * BACK_PRESSURE holds it outside the receiver's window. */
SIM_HIDDEN void arrive_task_locked(outbox *ob, sim_call *c, int chan)
{
    channel *ch = &c->ch[chan];
    chunk *k = ch->fl_head;
    if (k == NULL)
        return;
    ch->fl_head = k->next;
    if (ch->fl_head == NULL)
        ch->fl_tail = NULL;
    k->next = NULL;
    int receiver_done = chan_receiver(chan) == ROLE_CLIENT ? c->client_done : c->server_done;
    if (c->failed || receiver_done) {
        sim_count(SIM_COUNT_PIPE_BUFFERS, -1);
        free(k);
        return;
    }
    if (bp_must_hold(c, ch, k)) {
        if (ch->held_tail != NULL)
            ch->held_tail->next = k;
        else
            ch->held_head = k;
        ch->held_tail = k;
        return;
    }
    admit_locked(ob, c, chan, k);
}

SIM_HIDDEN void bp_release_locked(outbox *ob, sim_call *c, int chan)
{
    channel *ch = &c->ch[chan];
    while (ch->held_head != NULL) {
        chunk *k = ch->held_head;
        if (k->n != 0 && ch->rx_elems != 0 && (uint64_t)ch->rx_elems + k->n > c->window)
            return;
        ch->held_head = k->next;
        if (ch->held_head == NULL)
            ch->held_tail = NULL;
        admit_locked(ob, c, chan, k);
    }
}

/* The server's Complete or Abort reaches the client. */
SIM_HIDDEN void reply_task_locked(outbox *ob, sim_call *c)
{
    if (c->failed || c->reply_available || c->client_done)
        return;
    if (c->srv_aborted) {
        /* A nonzero ExceptionCode reaches the client as a fault: the status of its
         * RpcAsyncCompleteCall. Its pipes fail from now on. */
        fail_call_locked(ob, c, (RPC_STATUS)c->srv_abort_code, RPC_S_CALL_FAILED, -1);
        return;
    }
    if (sim_ndr_reply_status(c) != RPC_S_OK) { /* a generic reply that could not be copied */
        fail_call_locked(ob, c, sim_ndr_reply_status(c), RPC_S_CALL_FAILED, -1);
        return;
    }
    c->reply_arrived = 1;
    c->reply_value = c->srv_reply;
    c->reply_b = c->srv_b;
    try_available_locked(ob, c);
}

/* ---- RpcAsync* -------------------------------------------------------------------------------- */

SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcAsyncInitializeHandle(PRPC_ASYNC_STATE pAsync,
                                                            unsigned int Size)
{
    if (pAsync == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcAsyncInitializeHandle: pAsync is NULL");
        return RPC_S_INVALID_ARG;
    }
    if (Size != sizeof(RPC_ASYNC_STATE)) {
        /* Windows returns ERROR_INVALID_PARAMETER and writes nothing (docs/reference/abi.md). */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "RpcAsyncInitializeHandle: Size %u is not sizeof(RPC_ASYNC_STATE) %u",
                   Size, (unsigned)sizeof(RPC_ASYNC_STATE));
        return RPC_S_INVALID_ARG;
    }
    lock();
    staterec *r = rec_get_locked(pAsync);
    if (r != NULL && r->phase == PH_CALL) {
        /* STRICT: re-initialising a state whose call is in progress would tear the runtime's
         * call from under it; refused, nothing written. */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "RpcAsyncInitializeHandle: %s state %p has a call in progress",
                   role_name(r->role), (void *)pAsync);
        unlock();
        return RPC_S_CALL_IN_PROGRESS;
    }
    if (r != NULL && r->role == ROLE_SERVER) {
        /* A server's state belongs to the runtime; after its final completion the server must
         * not touch it (the server-side pipe page). */
        sim_misuse(SIM_MISUSE_USE_AFTER_COMPLETION,
                   "RpcAsyncInitializeHandle: server state %p after its final completion",
                   (void *)pAsync);
        unlock();
        return RPC_S_INVALID_ASYNC_HANDLE;
    }
    if (r == NULL) {
        r = calloc(1, sizeof *r);
        if (r == NULL || hm_put(&g_states, pAsync, r) != 0) {
            free(r);
            unlock();
            return RPC_S_INVALID_ARG; /* out of memory; nothing written */
        }
        r->p = pAsync;
    } else {
        /* A finished (or never used) client state starts a new life. */
        apcs_forget_locked(r, 0);
        if (r->call != NULL) {
            sim_call *old = r->call;
            r->call = NULL;
            call_unref_locked(old);
        }
    }
    r->role = ROLE_CLIENT;
    r->phase = PH_INIT;
    r->gen = 0;
    r->field_reported = 0;
    r->misuse_once = 0;
    r->registered = 0;
    r->snap_routine = NULL;
    r->snap_ok = 0;
    /* UserInfo, Event, NotificationType and u are the caller's: left alone. */
    write_init_fields_locked(r);
    idle_add_locked(r);
    unlock();
    return RPC_S_OK;
}

/* Accepted on any initialised state that has not finished: records the registration and
 * snapshots the APC routine for the "routine gone" check. For a server state it releases the
 * notifications that were waiting for it. */
SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcAsyncRegisterInfo(PRPC_ASYNC_STATE pAsync)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    lock();
    staterec *r = api_rec_locked(pAsync, "RpcAsyncRegisterInfo", &st);
    if (r == NULL)
        goto out;
    if (r->phase == PH_DONE) {
        sim_misuse(SIM_MISUSE_USE_AFTER_COMPLETION,
                   "RpcAsyncRegisterInfo: %s state %p after its final completion",
                   role_name(r->role), (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    r->registered = 1;
    if (pAsync->NotificationType == RpcNotificationTypeApc &&
        !snapshot_routine_locked(r, pAsync->u.APC.NotificationRoutine))
        misuse_once_locked(r, SIM_MISUSE_ROUTINE_GONE,
                           "RpcAsyncRegisterInfo: %s state %p: the APC NotificationRoutine %p "
                           "is not readable memory", role_name(r->role), (void *)pAsync,
                           routine_addr(pAsync->u.APC.NotificationRoutine));
    for (; r->held > 0; r->held--)
        if (sched_locked(&ob, T_DELIVER, r->p, r->gen, NULL, -1, 0) != 0)
            break;
out:
    unlock();
    ob_flush(&ob);
    return st;
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcAsyncGetCallStatus(PRPC_ASYNC_STATE pAsync)
{
    RPC_STATUS st = RPC_S_OK;
    lock();
    staterec *r = api_rec_locked(pAsync, "RpcAsyncGetCallStatus", &st);
    if (r == NULL)
        goto out;
    if (r->phase == PH_INIT) {
        /* what Windows returns for a state never used (docs/reference/abi.md) */
        st = RPC_S_INVALID_BINDING;
    } else if (r->phase == PH_DONE) {
        sim_misuse(SIM_MISUSE_USE_AFTER_COMPLETION,
                   "RpcAsyncGetCallStatus: %s state %p after its final completion",
                   role_name(r->role), (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
    } else if (r->role == ROLE_CLIENT) {
        st = r->call->reply_available ? r->call->final_status : RPC_S_ASYNC_CALL_PENDING;
    } else {
        /* The server's view: pending while the call lives, the failure once it has failed
         * (a cancel or disconnect by the client, a transport failure). */
        st = r->call->failed ? r->call->pipe_fail_status : RPC_S_ASYNC_CALL_PENDING;
    }
out:
    unlock();
    return st;
}

/* The checks shared by Complete, Abort and Cancel for a state that has no call. */
static int no_call_locked(staterec *r, const char *fn, RPC_STATUS *st)
{
    if (r->phase == PH_INIT) {
        /* STRICT: completing, aborting or cancelling a state on which no call was started. */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: no call was started on state %p", fn,
                   (void *)r->p);
        *st = RPC_S_INVALID_ASYNC_HANDLE;
        return 1;
    }
    return 0;
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcAsyncCompleteCall(PRPC_ASYNC_STATE pAsync, void *Reply)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    lock();
    staterec *r = api_rec_locked(pAsync, "RpcAsyncCompleteCall", &st);
    if (r == NULL || no_call_locked(r, "RpcAsyncCompleteCall", &st))
        goto out;
    sim_call *c = r->call;
    if (r->phase == PH_DONE) {
        sim_misuse(SIM_MISUSE_SECOND_COMPLETION,
                   "RpcAsyncCompleteCall: %s state %p after its final %s", role_name(r->role),
                   (void *)pAsync,
                   r->role == ROLE_SERVER && c->srv_aborted ? "RpcAsyncAbortCall"
                                                            : "completion");
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    if (r->role == ROLE_CLIENT) {
        if (!c->reply_available) {
            st = RPC_S_ASYNC_CALL_PENDING; /* not final */
            goto out;
        }
        st = c->final_status;
        if (st == RPC_S_OK && c->has_out && !c->ch[CH_OUT].end_returned) {
            /* BEHAVIOUR: CALL_COMPLETE_BEFORE_DRAIN (only then can a successful status come
             * before the end was pulled). Completing now would lose the data the client has
             * not pulled: refused, not final; the client pulls to the end, then completes. */
            sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE,
                       "RpcAsyncCompleteCall: client state %p completes before pulling the end of "
                       "its out pipe (RpcCallComplete came before the data was drained; the data "
                       "still in the pipe would be lost)", (void *)pAsync);
            st = RPC_X_PIPE_DISCIPLINE_ERROR;
            goto out;
        }
        if (st == RPC_S_OK) {
            if (Reply == NULL && sim_ndr_reply_size(c) != 0) {
                /* STRICT: every fixture operation returns an int; Windows would write through
                 * the NULL. Refused, not final: the caller may complete again. */
                sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                           "RpcAsyncCompleteCall: Reply is NULL for client state %p",
                           (void *)pAsync);
                st = RPC_S_INVALID_ARG;
                goto out;
            }
            if (c->ndr != NULL) {
                sim_ndr_client_reply_locked(c, Reply); /* generic call */
            } else {
                memcpy(Reply, &c->reply_value, sizeof c->reply_value);
                if (c->c_b != NULL)
                    *c->c_b = c->reply_b;
            }
        }
        side_finish_locked(c, r);
        goto out;
    }
    /* Server: sends the reply; final. */
    if (!c->failed) {
        /* STRICT: a server completes only after it pulled its in pipe to the end and made the
         * null push on its out pipe (the pipe state page, server tables: Comp follows the null pull
         * and the null push). Refused, not final: the server must finish its pipes or abort. */
        if (c->has_in && !c->ch[CH_IN].end_returned) {
            sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE,
                       "RpcAsyncCompleteCall: server state %p completes before pulling the end "
                       "of its in pipe", (void *)pAsync);
            st = RPC_X_PIPE_DISCIPLINE_ERROR;
            goto out;
        }
        if (c->has_out && !c->ch[CH_OUT].sender_ended) {
            sim_misuse(SIM_MISUSE_PIPE_DISCIPLINE,
                       "RpcAsyncCompleteCall: server state %p completes before the null push "
                       "on its out pipe", (void *)pAsync);
            st = RPC_X_PIPE_DISCIPLINE_ERROR;
            goto out;
        }
    }
    if (Reply == NULL && sim_ndr_reply_size(c) != 0) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "RpcAsyncCompleteCall: Reply is NULL for server state %p (every fixture "
                   "operation returns an int)", (void *)pAsync);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    subs_end_locked(r, "RpcAsyncCompleteCall"); /* final from here on */
    if (!c->failed && !c->reply_available && !c->client_done) {
        if (c->ndr != NULL) {
            sim_ndr_server_reply_locked(c, Reply); /* generic call */
        } else {
            memcpy(&c->srv_reply, Reply, sizeof c->srv_reply);
            c->srv_b = c->s_b; /* [out] b as it is now */
        }
        c->srv_result_sent = 1;
        sched_locked(&ob, T_REPLY, NULL, 0, c, -1,
                     rng_delay(&c->rng[RS_SERVER_DELAY], c->plan.max_delay_ms));
    }
    /* After a cancel or a disconnect the reply is accepted and discarded. */
    side_finish_locked(c, r);
out:
    unlock();
    ob_flush(&ob);
    return st;
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcAsyncAbortCall(PRPC_ASYNC_STATE pAsync,
                                                     uint32_t ExceptionCode)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    lock();
    staterec *r = api_rec_locked(pAsync, "RpcAsyncAbortCall", &st);
    if (r == NULL)
        goto out;
    if (r->role == ROLE_CLIENT) {
        sim_misuse(SIM_MISUSE_ABORT_ON_CLIENT,
                   "RpcAsyncAbortCall on client state %p (server only; a client cancels)",
                   (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    sim_call *c = r->call;
    if (r->phase == PH_DONE) {
        if (c->srv_aborted)
            sim_misuse(SIM_MISUSE_ABORT_TWICE,
                       "RpcAsyncAbortCall twice on server state %p (Windows may crash)",
                       (void *)pAsync);
        else
            sim_misuse(SIM_MISUSE_SECOND_COMPLETION,
                       "RpcAsyncAbortCall on server state %p after RpcAsyncCompleteCall",
                       (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    if (ExceptionCode == 0) {
        /* STRICT: only a nonzero ExceptionCode reaches the client as a fault
         * (docs/reference/abi.md); a zero code would complete the client with RPC_S_OK and no
         * reply. Refused, not final. */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "RpcAsyncAbortCall: ExceptionCode 0 on server state %p", (void *)pAsync);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    subs_end_locked(r, "RpcAsyncAbortCall"); /* final from here on */
    c->srv_aborted = 1;
    c->srv_abort_code = ExceptionCode;
    if (!c->failed && !c->reply_available && !c->client_done) {
        c->srv_result_sent = 1;
        sched_locked(&ob, T_REPLY, NULL, 0, c, -1,
                     rng_delay(&c->rng[RS_SERVER_DELAY], c->plan.max_delay_ms));
    }
    side_finish_locked(c, r);
out:
    unlock();
    ob_flush(&ob);
    return st;
}

SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcAsyncCancelCall(PRPC_ASYNC_STATE pAsync, int32_t fAbort)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    lock();
    staterec *r = api_rec_locked(pAsync, "RpcAsyncCancelCall", &st);
    if (r == NULL)
        goto out;
    if (r->role == ROLE_SERVER) {
        sim_misuse(SIM_MISUSE_CANCEL_ON_SERVER,
                   "RpcAsyncCancelCall on server state %p (client only; a server aborts)",
                   (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    if (no_call_locked(r, "RpcAsyncCancelCall", &st))
        goto out;
    if (r->phase == PH_DONE) {
        sim_misuse(SIM_MISUSE_USE_AFTER_COMPLETION,
                   "RpcAsyncCancelCall: client state %p after its final completion",
                   (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    sim_call *c = r->call;
    if (c->reply_available) {
        /* CALL_COMPLETE_BEFORE_DRAIN: told the call completed, the client still had out-pipe
         * data to pull: it gives up on the rest (what is left is discarded, the out pipe
         * fails, the call's status becomes RPC_S_CALL_CANCELLED; its RpcCallComplete came
         * already). Otherwise the call has already finished: nothing to cancel. */
        if (early_undrained(c)) {
            c->cancel_told = 1;
            fail_call_locked(&ob, c, RPC_S_CALL_CANCELLED, RPC_S_CALL_CANCELLED, -1);
        }
        goto out;
    }
    if (fAbort) {
        /* Abortive: the client's call completes at once with RPC_S_CALL_CANCELLED; the server
         * is told (if it subscribed) and whatever it does later is discarded. */
        int tell = !c->cancel_told;
        c->cancel_told = 1;
        fail_call_locked(&ob, c, RPC_S_CALL_CANCELLED, RPC_S_CALL_CANCELLED,
                         tell ? (int)RpcClientCancel : -1);
    } else if (!c->cancel_told) {
        /* Non-abortive: the server is asked (told only if it subscribed); the client waits for
         * the real completion. */
        c->cancel_told = 1;
        sub_issue_locked(&ob, c, RpcClientCancel);
        try_available_locked(&ob, c); /* a reply already waiting behind undrained pipe data */
    }
out:
    unlock();
    ob_flush(&ob);
    return st;
}

/* ---- for the scripted peers ------------------------------------------------------------------ */

/* The client goes away: its pipes fail with RPC_S_CALL_FAILED, its call completes with
 * RPC_S_CALL_FAILED, the server gets RpcClientDisconnect and fails from then on. No effect once
 * the client's final status is fixed. */
SIM_HIDDEN RPC_STATUS sim_client_disconnect(PRPC_ASYNC_STATE pAsync)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    lock();
    staterec *r = api_rec_locked(pAsync, "sim_client_disconnect", &st);
    if (r == NULL)
        goto out;
    if (r->role != ROLE_CLIENT || r->phase != PH_CALL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "sim_client_disconnect: %s state %p has no client call in progress",
                   role_name(r->role), (void *)pAsync);
        st = RPC_S_INVALID_ASYNC_HANDLE;
        goto out;
    }
    sim_call *c = r->call;
    if (!c->reply_available || early_undrained(c))
        fail_call_locked(&ob, c, RPC_S_CALL_FAILED, RPC_S_CALL_FAILED,
                         (int)RpcClientDisconnect);
out:
    unlock();
    ob_flush(&ob);
    return st;
}
