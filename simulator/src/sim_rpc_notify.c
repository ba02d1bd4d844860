/*
 * sim_rpc_notify.c - how notifications travel: the outbox (work collected under g_lock and
 * carried out after it is released), a state's notification queue, the scheduled tasks of the
 * delivery thread, and delivery by event, completion port or APC, with the misuse records of a
 * delivery that fails. See sim_rpc_internal.h for the model.
 */
#include "sim_rpc_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- the outbox ------------------------------------------------------------------------------ */

SIM_HIDDEN int64_t g_tasks_out; /* scheduled tasks and spawned dispatches not yet finished */

SIM_HIDDEN void ob_init(outbox *ob)
{
    ob->a = ob->inline_a;
    ob->n = 0;
    ob->cap = 16;
}

SIM_HIDDEN void ob_push(outbox *ob, const action *act)
{
    if (ob->n == ob->cap) {
        int cap = ob->cap * 2;
        action *na = malloc((size_t)cap * sizeof *na);
        if (na == NULL)
            return; /* out of memory: the action is lost, as a notification on a dying system */
        memcpy(na, ob->a, (size_t)ob->n * sizeof *na);
        if (ob->a != ob->inline_a)
            free(ob->a);
        ob->a = na;
        ob->cap = cap;
    }
    ob->a[ob->n++] = *act;
}

/* Returns 0, or -1 when out of memory (nothing scheduled). */
SIM_HIDDEN int sched_locked(outbox *ob, int kind, PRPC_ASYNC_STATE p, uint64_t gen, sim_call *c,
                        int chan, uint32_t delay)
{
    task *t = malloc(sizeof *t);
    if (t == NULL)
        return -1;
    t->kind = kind;
    t->p = p;
    t->gen = gen;
    t->call = c;
    t->chan = chan;
    if (c != NULL)
        c->refs++;
    g_tasks_out++;
    action act;
    memset(&act, 0, sizeof act);
    act.kind = A_SCHED;
    act.delay = delay;
    act.t = t;
    ob_push(ob, &act);
    return 0;
}

/* ---- a state's notification queue ----------------------------------------------------------- */

static hmap g_apcs;     /* (void *)id -> apc_entry */
static uint64_t g_apc_id;

/* What delivering (or dropping, or discarding) a notification settles. */
static void notif_settle_locked(sim_call *c, RPC_ASYNC_EVENT ev, int chan)
{
    if (c == NULL || chan < 0)
        return;
    if (ev == RpcReceiveComplete) {
        c->ch[chan].pull_pending = 0;
        c->ch[chan].pull_notified = 0;
    } else if (ev == RpcSendComplete) {
        c->ch[chan].send_notif_out = 0;
    }
}

/* Issues a notification to the state of r (which must be in its call): it joins the state's
 * queue, so notifications of one state are delivered in the order they were issued. */
SIM_HIDDEN void issue_locked(outbox *ob, staterec *r, RPC_ASYNC_EVENT ev, int chan, uint32_t delay)
{
    if (r == NULL || r->phase != PH_CALL || r->call == NULL)
        return;
    sim_call *c = r->call;
    if (ev == RpcReceiveComplete)
        c->ch[chan].pull_notified = 1;
    else if (ev == RpcSendComplete)
        c->ch[chan].send_notif_out = 1;
    if (fault_drop_notification_locked(c, r->role)) {
        /* Fault plan: the notification is lost on its way; the runtime's side is settled. */
        notif_settle_locked(c, ev, chan);
        return;
    }
    notif *n = malloc(sizeof *n);
    if (n == NULL) {
        notif_settle_locked(c, ev, chan);
        return;
    }
    n->next = NULL;
    n->gen = r->gen;
    n->event = ev;
    n->chan = chan;
    if (sched_locked(ob, T_DELIVER, r->p, r->gen, NULL, -1, delay) != 0) {
        free(n);
        notif_settle_locked(c, ev, chan);
        return;
    }
    if (r->nq_tail != NULL)
        r->nq_tail->next = n;
    else
        r->nq_head = n;
    r->nq_tail = n;
    sim_count(SIM_COUNT_PENDING_NOTIFICATIONS, 1);
}

/* Discards the notifications still queued for r (its call is over). */
SIM_HIDDEN void queue_discard_locked(staterec *r)
{
    notif *n = r->nq_head;
    r->nq_head = r->nq_tail = NULL;
    r->held = 0;
    r->retry_scheduled = 0;
    while (n != NULL) {
        notif *next = n->next;
        notif_settle_locked(r->call, n->event, n->chan);
        sim_count(SIM_COUNT_PENDING_NOTIFICATIONS, -1);
        free(n);
        n = next;
    }
}

/* Forgets the APCs queued for r that have not run: when they run they find nothing. With
 * keep_sub, the APCs of subscription notifications stay: they are delivered after the call's
 * end too. */
SIM_HIDDEN void apcs_forget_locked(staterec *r, int keep_sub)
{
    apc_entry **pa = &r->apcs;
    while (*pa != NULL) {
        apc_entry *a = *pa;
        if (keep_sub && a->sub) {
            pa = &a->next_in_rec;
            continue;
        }
        *pa = a->next_in_rec;
        hm_del(&g_apcs, (const void *)(uintptr_t)a->id);
        apc_settle_locked(a);
        free(a);
    }
}

/* ---- scheduled tasks and delivery ------------------------------------------------------------ */

/* The manager routine receives a server state whose NotificationType is None; the state's own
 * notifications (RpcSendComplete, RpcReceiveComplete) issued before the server has chosen how
 * to be notified are held until it has: until it registers the handle with
 * RpcAsyncRegisterInfo (the server-side pipe page: a server that receives by APC "must ... register
 * the asynchronous handle with the run-time library"), or, having set a NotificationType other
 * than None, calls into the runtime (any RpcAsync* or pipe function on its call). The
 * simulator reads a server's choice only on the server's own calls: reading it from the
 * delivery thread while the server writes it would be a data race. A server that never does
 * either never gets them; they are discarded when its call ends. Subscription notifications
 * (RpcClientCancel, RpcClientDisconnect) are never held: the subscription names their target. */
static int server_ready_locked(staterec *r)
{
    return r->role != ROLE_SERVER || r->registered || r->ntype_seen != RpcNotificationTypeNone;
}

/* A server's call into the runtime: note its notification choice (see server_ready_locked). */
SIM_HIDDEN void server_entered_locked(staterec *r)
{
    if (r->role == ROLE_SERVER && r->phase == PH_CALL)
        r->ntype_seen = r->p->NotificationType;
}

/* Re-checks the held notifications of a server state. */
static void retry_task_locked(outbox *ob, PRPC_ASYNC_STATE p, uint64_t gen)
{
    staterec *r = rec_get_locked(p);
    if (r == NULL || r->gen != gen || r->phase != PH_CALL)
        return;
    r->retry_scheduled = 0;
    if (r->held == 0)
        return;
    if (server_ready_locked(r)) {
        for (; r->held > 0; r->held--)
            if (sched_locked(ob, T_DELIVER, p, gen, NULL, -1, 0) != 0)
                break;
    } else if (sched_locked(ob, T_RETRY, p, gen, NULL, -1, SIM_HELD_RETRY_MS) == 0) {
        r->retry_scheduled = 1;
    }
}

/* Delivers the oldest queued notification of state p (generation gen). */
static void deliver_task_locked(outbox *ob, PRPC_ASYNC_STATE p, uint64_t gen)
{
    staterec *r = rec_get_locked(p);
    if (r == NULL || r->nq_head == NULL || r->nq_head->gen != gen)
        return; /* discarded when the call ended */
    if (!server_ready_locked(r)) {
        r->held++;
        if (!r->retry_scheduled &&
            sched_locked(ob, T_RETRY, p, gen, NULL, -1, SIM_HELD_RETRY_MS) == 0)
            r->retry_scheduled = 1;
        return;
    }
    notif *n = r->nq_head;
    r->nq_head = n->next;
    if (r->nq_head == NULL)
        r->nq_tail = NULL;
    RPC_ASYNC_EVENT ev = n->event;
    int chan = n->chan;
    notif_settle_locked(r->call, ev, chan);
    sim_count(SIM_COUNT_PENDING_NOTIFICATIONS, -1);
    free(n);
    if (r->phase != PH_CALL || r->gen != gen)
        return;

    check_fields_locked(r, "notification");
    /* The runtime writes Event (and its own bookkeeping) before it notifies. For an APC the
     * write happens on the notified thread, just before the routine runs (apc_run): written
     * here it could overwrite the Event that an earlier APC's routine is reading.
     * BEHAVIOUR: APC_EVENT_AT_RUN writes it here for an APC too, as Wine's async_notifier_proc
     * (dlls/rpcrt4/rpc_message.c) does before QueueUserAPC; the APC then reads it when it
     * runs (apc_run). */
    RPC_NOTIFICATION_TYPES type = r->p->NotificationType;
    int at_run = behaves(r->call, SIM_BEHAVIOUR_APC_EVENT_AT_RUN);
    if (type != RpcNotificationTypeApc || at_run)
        r->p->Event = ev;
    r->reserved[2]++;
    r->p->Reserved[2] = r->reserved[2];

    action act;
    memset(&act, 0, sizeof act);
    act.p = p;
    act.gen = gen;
    switch ((int)type) {
    case RpcNotificationTypeNone:
        return; /* the caller polls */
    case RpcNotificationTypeEvent:
        act.kind = A_EVENT;
        act.h = r->p->u.hEvent;
        ob_push(ob, &act);
        return;
    case RpcNotificationTypeIoc:
        act.kind = A_IOC;
        act.h = r->p->u.IOC.hIOPort;
        act.bytes = r->p->u.IOC.dwNumberOfBytesTransferred;
        act.key = r->p->u.IOC.dwCompletionKey;
        act.ovl = r->p->u.IOC.lpOverlapped;
        ob_push(ob, &act);
        return;
    case RpcNotificationTypeApc: {
        PFN_RPCNOTIFICATION_ROUTINE routine = r->p->u.APC.NotificationRoutine;
        if (routine == NULL) {
            misuse_once_locked(r, SIM_MISUSE_BAD_ARGUMENT,
                               "%s state %p: APC notification with a NULL NotificationRoutine; "
                               "the notification is lost", role_name(r->role), (void *)p);
            return;
        }
        if (routine != r->snap_routine && !snapshot_routine_locked(r, routine)) {
            misuse_once_locked(r, SIM_MISUSE_ROUTINE_GONE,
                               "%s state %p: the APC NotificationRoutine %p is not readable "
                               "memory; the notification is lost",
                               role_name(r->role), (void *)p, routine_addr(routine));
            return;
        }
        apc_entry *a = malloc(sizeof *a);
        if (a == NULL)
            return;
        memset(a, 0, sizeof *a);
        a->id = ++g_apc_id;
        a->p = p;
        a->gen = gen;
        a->event = ev;
        a->routine = routine;
        if (hm_put(&g_apcs, (const void *)(uintptr_t)a->id, a) != 0) {
            free(a);
            return;
        }
        a->next_in_rec = r->apcs;
        r->apcs = a;
        /* BEHAVIOUR: COLLAPSE_SEND_COMPLETES. Microsoft ("Client-side Asynchronous Pipe
         * Handling"): a sender that pushes again before the previous push completed "may,
         * depending on the speed of the transfer operation, receive only one send-complete
         * notification, rather than one notification for each buffer or each push
         * operation". With APCs the notification reaches the sender only when its routine
         * runs: until then, sends that complete collapse into it. */
        if (ev == RpcSendComplete && chan >= 0 &&
            behaves(r->call, SIM_BEHAVIOUR_COLLAPSE_SEND_COMPLETES)) {
            a->settles_chan = 1 + chan;
            r->call->ch[chan].send_apc_out = 1;
        }
        act.kind = A_APC;
        act.h = r->p->u.APC.hThread;
        act.apc_id = a->id;
        ob_push(ob, &act);
        return;
    }
    case RpcNotificationTypeHwnd:
    case RpcNotificationTypeCallback:
    default:
        misuse_once_locked(r, SIM_MISUSE_UNSUPPORTED_NOTIFICATION,
                           "%s state %p: NotificationType %d is not supported (Hwnd is "
                           "deprecated, Callback is for OLE only); the notification is lost",
                           role_name(r->role), (void *)p, (int)type);
        return;
    }
}

/* Delivers the oldest queued subscription notification of server state p (generation gen)
 * through the target it was queued for. Whether the server's call is still in progress does
 * not matter. STRICT: the state itself is not written, not even its Event field (Microsoft
 * does not say that the runtime writes it for a subscription): an APC routine gets the event
 * as its argument, and an IOC or Event subscriber tells the kinds apart by its own
 * dwNumberOfBytesTransferred, dwCompletionKey and lpOverlapped, or event handle. */
static void sub_deliver_task_locked(outbox *ob, PRPC_ASYNC_STATE p, uint64_t gen)
{
    staterec *r = rec_get_locked(p);
    if (r == NULL || r->sq_head == NULL || r->sq_head->gen != gen)
        return; /* dropped with its record */
    sub_notif *n = r->sq_head;
    r->sq_head = n->next;
    if (r->sq_head == NULL)
        r->sq_tail = NULL;
    sim_count(SIM_COUNT_PENDING_NOTIFICATIONS, -1);
    const subscription *sb = &n->sub;
    action act;
    memset(&act, 0, sizeof act);
    act.p = p;
    act.gen = gen;
    act.sub = 1 + n->kind;
    switch ((int)sb->type) {
    case RpcNotificationTypeEvent:
        act.kind = A_EVENT;
        act.h = sb->info.hEvent;
        ob_push(ob, &act);
        break;
    case RpcNotificationTypeIoc:
        act.kind = A_IOC;
        act.h = sb->info.IOC.hIOPort;
        act.bytes = sb->info.IOC.dwNumberOfBytesTransferred;
        act.key = sb->info.IOC.dwCompletionKey;
        act.ovl = sb->info.IOC.lpOverlapped;
        ob_push(ob, &act);
        break;
    case RpcNotificationTypeApc: {
        /* RpcServerSubscribeForNotification refused a NULL routine. */
        apc_entry *a = malloc(sizeof *a);
        if (a == NULL)
            break;
        memset(a, 0, sizeof *a);
        a->id = ++g_apc_id;
        a->p = p;
        a->gen = gen;
        a->event = sub_event(n->kind);
        a->routine = sb->info.APC.NotificationRoutine;
        a->sub = 1;
        memcpy(a->snap, sb->snap, sizeof a->snap);
        a->snap_ok = sb->snap_ok;
        if (hm_put(&g_apcs, (const void *)(uintptr_t)a->id, a) != 0) {
            free(a);
            break;
        }
        a->next_in_rec = r->apcs;
        r->apcs = a;
        act.kind = A_APC;
        act.h = sb->info.APC.hThread;
        act.apc_id = a->id;
        ob_push(ob, &act);
        break;
    }
    default:
        break; /* RpcServerSubscribeForNotification accepts only the three above */
    }
    free(n);
}

static void task_run(void *ctx)
{
    task *t = ctx;
    outbox ob;
    ob_init(&ob);
    lock();
    switch (t->kind) {
    case T_DELIVER:
        deliver_task_locked(&ob, t->p, t->gen);
        break;
    case T_ARRIVE:
        arrive_task_locked(&ob, t->call, t->chan);
        break;
    case T_REPLY:
        reply_task_locked(&ob, t->call);
        break;
    case T_RETRY:
        retry_task_locked(&ob, t->p, t->gen);
        break;
    case T_SUB_DELIVER:
        sub_deliver_task_locked(&ob, t->p, t->gen);
        break;
    default:
        break;
    }
    if (t->call != NULL)
        call_unref_locked(t->call);
    g_tasks_out--;
    unlock();
    free(t);
    ob_flush(&ob);
}

/* Runs as an APC on the notified thread, in its alertable wait. */
static void apc_run(void *ctx)
{
    uint64_t id = (uint64_t)(uintptr_t)ctx;
    PFN_RPCNOTIFICATION_ROUTINE routine = NULL;
    PRPC_ASYNC_STATE p = NULL;
    RPC_ASYNC_EVENT ev = RpcCallComplete;

    lock();
    apc_entry *a = hm_del(&g_apcs, ctx);
    if (a == NULL || a->id != id) {
        unlock();
        return; /* the call ended after the APC was queued: not delivered */
    }
    staterec *r = rec_get_locked(a->p);
    if (r != NULL) {
        for (apc_entry **pa = &r->apcs; *pa != NULL; pa = &(*pa)->next_in_rec)
            if (*pa == a) {
                *pa = a->next_in_rec;
                break;
            }
    }
    apc_settle_locked(a); /* the routine runs now: later sends are notified again */
    if (a->sub && r != NULL && r->gen == a->gen) {
        /* A subscription notification: delivered whatever the call's phase; the state is not
         * written. The same "routine gone" check, against the subscription's snapshot. */
        unsigned char now[16];
        int res = probe_read(routine_addr(a->routine), now);
        int changed = res == 1 && a->snap_ok && memcmp(now, a->snap, sizeof now) != 0;
        if (res == 0 || changed) {
            misuse_once_locked(r, SIM_MISUSE_ROUTINE_GONE,
                               "server state %p: the NotificationRoutine %p of its %s "
                               "subscription is %s; the notification is lost", (void *)a->p,
                               routine_addr(a->routine),
                               a->event == RpcClientCancel ? "RpcNotificationCallCancel"
                                                           : "RpcNotificationClientDisconnect",
                               res == 0 ? "no longer readable memory"
                                        : "no longer the code it was when subscribed");
        } else {
            routine = a->routine;
            p = a->p;
            ev = a->event;
        }
    } else if (!a->sub && r != NULL && r->phase == PH_CALL && r->gen == a->gen) {
        check_fields_locked(r, "notification");
        /* BEHAVIOUR: APC_EVENT_AT_RUN. Wine queues the APC with the state alone, and its
         * async_apc_notifier_proc passes state->Event, read when the APC runs: a later
         * notification issued before this APC ran has overwritten it. */
        int at_run = behaves(r->call, SIM_BEHAVIOUR_APC_EVENT_AT_RUN);
        if (!at_run)
            r->p->Event = a->event;
        /* The best-effort "routine gone" check: the routine's first bytes must still be
         * readable and unchanged since the snapshot (a freed callback trampoline, an unloaded
         * module). */
        unsigned char now[16];
        int res = probe_read(routine_addr(a->routine), now);
        int changed = res == 1 && r->snap_routine == a->routine && r->snap_ok &&
                      memcmp(now, r->snap, sizeof now) != 0;
        if (res == 0 || changed) {
            misuse_once_locked(r, SIM_MISUSE_ROUTINE_GONE,
                               "%s state %p: the APC NotificationRoutine %p is %s; the "
                               "notification is lost", role_name(r->role), (void *)a->p,
                               routine_addr(a->routine),
                               res == 0 ? "no longer readable memory"
                                        : "no longer the code it was when registered");
        } else {
            routine = a->routine;
            p = a->p;
            ev = at_run ? r->p->Event : a->event;
            r->notes_run++;
        }
    }
    unlock();
    free(a);
    if (routine != NULL)
        routine(p, NULL, ev); /* Context is reserved and NULL */
}

/* Records a notification that could not be delivered to the state's target, if the state is
 * still in that call: once the call has ended the notification would not have been delivered
 * anyway, and its target (a thread handle, an event) may rightly be closed by then. A
 * subscription notification (sub = 1 + its kind) is delivered after the call's end too, so its
 * target must stay usable until it has arrived (Microsoft: compare NotificationsQueued with
 * the notifications received and delay cleanup until all have arrived): recorded whatever the
 * phase. */
static void delivery_failed(PRPC_ASYNC_STATE p, uint64_t gen, int sub, int kind,
                            const char *what)
{
    lock();
    staterec *r = rec_get_locked(p);
    if (r != NULL && r->gen == gen && (sub != 0 || r->phase == PH_CALL)) {
        if (sub != 0)
            misuse_once_locked(r, kind, "server state %p: its %s subscription's "
                               "NotificationInfo: %s; the notification is lost", (void *)p,
                               sub_name(sub - 1), what);
        else
            misuse_once_locked(r, kind, "%s state %p: %s; the notification is lost",
                               role_name(r->role), (void *)p, what);
    }
    unlock();
}

SIM_HIDDEN void ob_flush(outbox *ob)
{
    for (int i = 0; i < ob->n; i++) {
        action *act = &ob->a[i];
        switch (act->kind) {
        case A_SCHED:
            if (act->delay == SIM_DELAY_NOW)
                task_run(act->t);
            else if (sim_schedule(act->delay, task_run, act->t) != 0)
                task_run(act->t); /* no delivery thread: run it here rather than lose it */
            break;
        case A_SPAWN:
            if (sim_spawn(dispatch_main, act->call) != 0)
                dispatch_failed(act->call);
            break;
        case A_EVENT:
            if (!sim_signal_event(act->h))
                delivery_failed(act->p, act->gen, act->sub, SIM_MISUSE_INVALID_HANDLE,
                                act->sub ? "hEvent is not an open event handle with "
                                           "EVENT_MODIFY_STATE"
                                         : "u.hEvent is not an open event handle with "
                                           "EVENT_MODIFY_STATE");
            break;
        case A_IOC:
            if (!sim_post_completion(act->h, act->bytes, act->key, act->ovl))
                delivery_failed(act->p, act->gen, act->sub, SIM_MISUSE_INVALID_HANDLE,
                                act->sub ? "IOC.hIOPort is not an open completion port handle"
                                         : "u.IOC.hIOPort is not an open completion port "
                                           "handle");
            break;
        case A_APC: {
            void *ctx = (void *)(uintptr_t)act->apc_id;
            sim_apc_result res = sim_queue_apc(act->h, apc_run, ctx);
            if (res == SIM_APC_OK)
                break;
            lock();
            apc_entry *a = hm_del(&g_apcs, ctx);
            if (a != NULL) {
                staterec *r = rec_get_locked(a->p);
                if (r != NULL)
                    for (apc_entry **pa = &r->apcs; *pa != NULL; pa = &(*pa)->next_in_rec)
                        if (*pa == a) {
                            *pa = a->next_in_rec;
                            break;
                        }
                apc_settle_locked(a);
                free(a);
            }
            unlock();
            int kind = SIM_MISUSE_INVALID_HANDLE;
            const char *what = "u.APC.hThread is not an open thread handle";
            switch (res) {
            case SIM_APC_PSEUDO_HANDLE:
                kind = SIM_MISUSE_APC_PSEUDO_HANDLE;
                what = "u.APC.hThread is GetCurrentThread()'s pseudo-handle, which names the "
                       "runtime's own thread, not the caller's";
                break;
            case SIM_APC_NO_SET_CONTEXT:
                kind = SIM_MISUSE_APC_NO_SET_CONTEXT;
                what = "u.APC.hThread lacks THREAD_SET_CONTEXT";
                break;
            case SIM_APC_THREAD_GONE:
                /* STRICT: an APC target that has exited loses the notification; recorded as
                 * an invalid target handle, since the caller's notification thread is gone. */
                what = "u.APC.hThread's thread has exited";
                break;
            default:
                break;
            }
            /* For a subscription, the same field of its NotificationInfo: "APC.hThread". */
            delivery_failed(act->p, act->gen, act->sub, kind, act->sub ? what + 2 : what);
            break;
        }
        default:
            break;
        }
    }
    if (ob->a != ob->inline_a)
        free(ob->a);
    ob->a = ob->inline_a;
    ob->n = 0;
    ob->cap = 16;
}
