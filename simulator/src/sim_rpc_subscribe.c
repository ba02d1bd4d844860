/*
 * sim_rpc_subscribe.c - a server call hears its client's cancel or disconnect only through
 * RpcServerSubscribeForNotification: subscribing, unsubscribing, RpcServerTestCancel, issuing a
 * subscription notification, and what the scripted peers ask about them. See "Subscriptions" in
 * sim_rpc_internal.h.
 */
#include "sim_rpc_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- subscription kinds --------------------------------------------------------------------- */

static uint32_t sub_bit(int k)
{
    return k == SUB_CANCEL ? (uint32_t)RpcNotificationCallCancel
                           : (uint32_t)RpcNotificationClientDisconnect;
}

SIM_HIDDEN RPC_ASYNC_EVENT sub_event(int k)
{
    return k == SUB_CANCEL ? RpcClientCancel : RpcClientDisconnect;
}

SIM_HIDDEN const char *sub_name(int k)
{
    return k == SUB_CANCEL ? "RpcNotificationCallCancel" : "RpcNotificationClientDisconnect";
}

/* ---- subscription notifications ------------------------------------------------------------- */

/* Drops the subscription notifications still queued for r (its record is forgotten). */
SIM_HIDDEN void sub_queue_discard_locked(staterec *r)
{
    sub_notif *n = r->sq_head;
    r->sq_head = r->sq_tail = NULL;
    while (n != NULL) {
        sub_notif *next = n->next;
        sim_count(SIM_COUNT_PENDING_NOTIFICATIONS, -1);
        free(n);
        n = next;
    }
}

/* Ends every subscription of server record r. fn names the completion that ends them while
 * they are active (a misuse: Microsoft says the server must unsubscribe first, or the result
 * is undefined); NULL ends them silently. Notifications already queued are still delivered. */
SIM_HIDDEN void subs_end_locked(staterec *r, const char *fn)
{
    if (r->sub_active == 0)
        return;
    if (fn != NULL) {
        uint32_t both = sub_bit(SUB_DISCONNECT) | sub_bit(SUB_CANCEL);
        sim_misuse(SIM_MISUSE_SUBSCRIBED_AT_COMPLETION,
                   "%s: server state %p is still subscribed to %s; "
                   "RpcServerUnsubscribeForNotification must come before the call completes "
                   "(otherwise the result is undefined); the subscriptions end here", fn,
                   (void *)r->p,
                   r->sub_active == both ? "RpcNotificationClientDisconnect and "
                                           "RpcNotificationCallCancel"
                                         : sub_name(r->sub_active == sub_bit(SUB_CANCEL)
                                                        ? SUB_CANCEL : SUB_DISCONNECT));
    }
    for (int k = 0; k < SUB_KINDS; k++)
        if (r->sub_active & sub_bit(k))
            sim_count(SIM_COUNT_SUBSCRIPTIONS, -1);
    r->sub_active = 0;
}

/* Tells the server of c its client's cancel or disconnect (ev), if and only if the server is
 * subscribed to that kind now: through the subscription's type and NotificationInfo, never
 * through its state's. Its own queue keeps the order in which they were issued; it is
 * scheduled (with no delay) before anything issued after it, such as the RpcReceiveComplete
 * that wakes the server's pending pull when the call fails. */
SIM_HIDDEN void sub_issue_locked(outbox *ob, sim_call *c, RPC_ASYNC_EVENT ev)
{
    if (c->server_done)
        return;
    staterec *r = side_rec_locked(c, ROLE_SERVER);
    if (r == NULL || r->phase != PH_CALL)
        return;
    int k = ev == RpcClientCancel ? SUB_CANCEL : SUB_DISCONNECT;
    if (!(r->sub_active & sub_bit(k)))
        return; /* not subscribed: the server is not told */
    if (fault_drop_notification_locked(c, ROLE_SERVER))
        return; /* fault plan: lost before the runtime queued it (not counted as queued) */
    sub_notif *n = malloc(sizeof *n);
    if (n == NULL)
        return;
    n->next = NULL;
    n->gen = r->gen;
    n->kind = k;
    n->sub = r->subs[k];
    if (sched_locked(ob, T_SUB_DELIVER, r->p, r->gen, NULL, -1, 0) != 0) {
        free(n);
        return;
    }
    if (r->sq_tail != NULL)
        r->sq_tail->next = n;
    else
        r->sq_head = n;
    r->sq_tail = n;
    r->subs[k].queued++;
    sim_count(SIM_COUNT_PENDING_NOTIFICATIONS, 1);
}

/* ---- RpcServerSubscribeForNotification ----------------------------------------------------- */

/* The server record of the call a Binding passed to RpcServer*ForNotification names, or NULL
 * with *st set and the misuse recorded. Binding is RpcAsyncGetCallHandle(pAsync) of a server
 * call in progress, or NULL on the thread running that call's manager routine (Microsoft:
 * "may be NULL if called on the thread on which RPC dispatched the call"). */
static staterec *binding_rec_locked(void *Binding, const char *fn, RPC_STATUS *st)
{
    sim_call *c;
    if (Binding == NULL) {
        c = tl_dispatched;
        if (c == NULL) {
            /* STRICT: a NULL Binding on a thread that is not running a manager routine names no
             * call; RPC_S_NO_CALL_ACTIVE, as for the implicit binding of the server functions
             * called off an RPC thread. */
            sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                       "%s: Binding is NULL on a thread that is not running a manager routine "
                       "(elsewhere pass RpcAsyncGetCallHandle(pAsync))", fn);
            *st = RPC_S_NO_CALL_ACTIVE;
            return NULL;
        }
    } else {
        c = hm_get(&g_call_handles, Binding);
        if (c == NULL) {
            sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                       "%s: Binding %p is not the handle of a call (RpcAsyncGetCallHandle(pAsync) "
                       "of a server call)", fn, Binding);
            *st = RPC_S_INVALID_BINDING;
            return NULL;
        }
        if (Binding != (void *)c) {
            sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                       "%s: Binding %p is RpcAsyncGetCallHandle() of client state %p; only a "
                       "server call can subscribe", fn, Binding, (void *)c->cstate);
            *st = RPC_S_INVALID_BINDING;
            return NULL;
        }
    }
    staterec *r = side_rec_locked(c, ROLE_SERVER);
    if (r == NULL || r->phase != PH_CALL || c->server_done) {
        sim_misuse(SIM_MISUSE_USE_AFTER_COMPLETION,
                   "%s: the server call of state %p after its final completion", fn,
                   (void *)c->sstate);
        *st = RPC_S_NO_CALL_ACTIVE;
        return NULL;
    }
    check_fields_locked(r, fn);
    server_entered_locked(r);
    return r;
}

/* Whether the client of the server call BindingHandle names (RpcAsyncGetCallHandle(pAsync), or
 * NULL on the manager routine's thread) has cancelled it, abortively or not: RPC_S_OK if it has,
 * RPC_S_CALL_IN_PROGRESS if not. Changes nothing. What a server that subscribed late asks, for a
 * cancel made before its subscription (which is never notified). */
SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcServerTestCancel(RPC_BINDING_HANDLE BindingHandle)
{
    RPC_STATUS st = RPC_S_OK;
    lock();
    staterec *r = binding_rec_locked(BindingHandle, "RpcServerTestCancel", &st);
    if (r != NULL)
        st = r->call->cancel_told ? RPC_S_OK : RPC_S_CALL_IN_PROGRESS;
    unlock();
    return st;
}

/* Subscribes the server call Binding names to its client's disconnect and/or cancel.
 * Notification is a bitwise OR of RpcNotificationClientDisconnect and RpcNotificationCallCancel
 * (anything else: RPC_S_CANNOT_SUPPORT); NotificationType None is RPC_S_INVALID_ARG; the
 * NotificationInfo is copied. */
SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcServerSubscribeForNotification(
    RPC_BINDING_HANDLE Binding, uint32_t Notification, RPC_NOTIFICATION_TYPES NotificationType,
    RPC_ASYNC_NOTIFICATION_INFO *NotificationInfo)
{
    static const char fn[] = "RpcServerSubscribeForNotification";
    const uint32_t all = (uint32_t)RpcNotificationClientDisconnect |
                         (uint32_t)RpcNotificationCallCancel;
    RPC_STATUS st = RPC_S_OK;
    lock();
    staterec *r = binding_rec_locked(Binding, fn, &st);
    if (r == NULL)
        goto out;
    if (Notification == 0 || (Notification & ~all) != 0) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "%s: Notification 0x%x (only RpcNotificationClientDisconnect and "
                   "RpcNotificationCallCancel are supported)", fn, (unsigned)Notification);
        st = RPC_S_CANNOT_SUPPORT;
        goto out;
    }
    switch ((int)NotificationType) {
    case RpcNotificationTypeEvent:
    case RpcNotificationTypeApc:
    case RpcNotificationTypeIoc:
        break;
    case RpcNotificationTypeNone:
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: NotificationType RpcNotificationTypeNone is not "
                   "supported", fn);
        st = RPC_S_INVALID_ARG;
        goto out;
    case RpcNotificationTypeHwnd:
    case RpcNotificationTypeCallback:
        /* STRICT: as for a state's notifications, Hwnd (deprecated) and Callback (OLE only)
         * are not supported: refused here, not lost later. */
        sim_misuse(SIM_MISUSE_UNSUPPORTED_NOTIFICATION,
                   "%s: NotificationType %d is not supported (Hwnd is deprecated, Callback is "
                   "for OLE only)", fn, (int)NotificationType);
        st = RPC_S_CANNOT_SUPPORT;
        goto out;
    default:
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: NotificationType %d is not an "
                   "RPC_NOTIFICATION_TYPES value", fn, (int)NotificationType);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    if (NotificationType == RpcNotificationTypeEvent && Notification == all) {
        /* Microsoft: with events, each kind needs a call of its own. STRICT: both at once is
         * refused (an event cannot say which kind signalled it), like the several values that
         * RpcServerUnsubscribeForNotification does not support. */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "%s: RpcNotificationTypeEvent for both kinds in one call (each kind needs a "
                   "subscription, and an event, of its own)", fn);
        st = RPC_S_CANNOT_SUPPORT;
        goto out;
    }
    if (NotificationInfo == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: NotificationInfo is NULL", fn);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    if (NotificationType == RpcNotificationTypeApc &&
        NotificationInfo->APC.NotificationRoutine == NULL) {
        /* STRICT: refused here rather than lost at every delivery. */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: RpcNotificationTypeApc with a NULL "
                   "APC.NotificationRoutine", fn);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    if (r->sub_active & Notification) {
        /* STRICT: Microsoft does not say what subscribing again to a kind already subscribed
         * does. Refused, nothing changed (the first subscription stands): unsubscribe first. */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "%s: server state %p is already subscribed to %s", fn, (void *)r->p,
                   (r->sub_active & Notification & sub_bit(SUB_CANCEL)) ? sub_name(SUB_CANCEL)
                                                                         : sub_name(SUB_DISCONNECT));
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    subscription sb;
    memset(&sb, 0, sizeof sb);
    sb.type = NotificationType;
    sb.info = *NotificationInfo; /* "RPC copies NotificationInfo during the call" */
    if (NotificationType == RpcNotificationTypeApc) {
        int res = probe_read(routine_addr(sb.info.APC.NotificationRoutine), sb.snap);
        if (res == 0)
            misuse_once_locked(r, SIM_MISUSE_ROUTINE_GONE,
                               "%s: server state %p: the APC NotificationRoutine %p is not "
                               "readable memory", fn, (void *)r->p,
                               routine_addr(sb.info.APC.NotificationRoutine));
        sb.snap_ok = res == 1;
    }
    for (int k = 0; k < SUB_KINDS; k++)
        if (Notification & sub_bit(k)) {
            r->subs[k] = sb;
            r->sub_active |= sub_bit(k);
            sim_count(SIM_COUNT_SUBSCRIPTIONS, 1);
        }
out:
    unlock();
    return st;
}

/* Ends the subscription of the server call Binding names to one kind, and says how many
 * notifications of that kind were queued since it began. Those not delivered yet still are. */
SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcServerUnsubscribeForNotification(
    RPC_BINDING_HANDLE Binding, RPC_NOTIFICATIONS Notification, uint32_t *NotificationsQueued)
{
    static const char fn[] = "RpcServerUnsubscribeForNotification";
    RPC_STATUS st = RPC_S_OK;
    if (NotificationsQueued != NULL)
        *NotificationsQueued = 0;
    lock();
    staterec *r = binding_rec_locked(Binding, fn, &st);
    if (r == NULL)
        goto out;
    int k;
    if ((uint32_t)Notification == (uint32_t)RpcNotificationClientDisconnect) {
        k = SUB_DISCONNECT;
    } else if ((uint32_t)Notification == (uint32_t)RpcNotificationCallCancel) {
        k = SUB_CANCEL;
    } else {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "%s: Notification 0x%x (one of RpcNotificationClientDisconnect and "
                   "RpcNotificationCallCancel; multiple values are not supported)", fn,
                   (unsigned)Notification);
        st = RPC_S_CANNOT_SUPPORT;
        goto out;
    }
    if (NotificationsQueued == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: NotificationsQueued is NULL (it is required)",
                   fn);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    if (!(r->sub_active & sub_bit(k))) {
        /* STRICT: Microsoft does not say what unsubscribing a kind that is not subscribed
         * does. Refused. */
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: server state %p is not subscribed to %s", fn,
                   (void *)r->p, sub_name(k));
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    *NotificationsQueued = r->subs[k].queued;
    r->sub_active &= ~sub_bit(k);
    sim_count(SIM_COUNT_SUBSCRIPTIONS, -1);
out:
    unlock();
    return st;
}

/* ---- for the scripted peers ----------------------------------------------------------------- */

SIM_HIDDEN int sim_server_cancel_requested(PRPC_ASYNC_STATE pAsync)
{
    lock();
    staterec *r = rec_get_locked(pAsync);
    int v = r != NULL && r->role == ROLE_SERVER && r->call != NULL && r->call->cancel_told;
    unlock();
    return v;
}

SIM_HIDDEN int sim_server_subscriptions(PRPC_ASYNC_STATE pAsync)
{
    int v = -1;
    lock();
    staterec *r = rec_get_locked(pAsync);
    if (r != NULL && r->role == ROLE_CLIENT && r->phase == PH_CALL && r->call != NULL) {
        staterec *sr = side_rec_locked(r->call, ROLE_SERVER);
        if (sr != NULL && sr->phase == PH_CALL)
            v = (int)sr->sub_active;
    }
    unlock();
    return v;
}
