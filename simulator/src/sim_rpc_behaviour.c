/*
 * sim_rpc_behaviour.c - the runtime behaviours a test can switch on (winrpcsim.h,
 * SIM_BEHAVIOUR_*): the mask and BACK_PRESSURE's window for new calls, and the decisions the
 * behaviours share between the files that play them:
 *
 *   APC_EVENT_AT_RUN           sim_rpc_notify.c (deliver_task_locked, apc_run)
 *   INITIAL_SEND_COMPLETE      sim_rpc_stubs.c (start_call)
 *   COLLAPSE_SEND_COMPLETES    sim_rpc_call.c (admit_locked), sim_rpc_notify.c (the APC that
 *                              settles it)
 *   CALL_COMPLETE_BEFORE_DRAIN sim_rpc_call.c (try_available_locked, fail_call_locked,
 *                              RpcAsyncCompleteCall, RpcAsyncCancelCall, sim_client_disconnect)
 *   BACK_PRESSURE              sim_rpc_call.c (arrive_task_locked, bp_release_locked),
 *                              sim_rpc_pipe.c (pull)
 *   SEND_COMPLETE_APC_ONLY     here (send_notify_wanted), used by the push and start_call
 *
 * Each is marked where it is played with "BEHAVIOUR:" and the source that leaves it open
 * (docs/reference/runtime-behaviours.md gathers them).
 */
#include "sim_rpc_internal.h"

SIM_HIDDEN uint32_t g_behaviours;
SIM_HIDDEN uint32_t g_pipe_window = SIM_PIPE_WINDOW_DEFAULT;

SIM_EXPORT void sim_set_behaviours(uint32_t mask)
{
    lock();
    g_behaviours = mask & SIM_BEHAVIOURS_ALL;
    unlock();
}

SIM_EXPORT uint32_t sim_behaviours(void)
{
    lock();
    uint32_t m = g_behaviours;
    unlock();
    return m;
}

SIM_EXPORT void sim_set_pipe_window(uint32_t elements)
{
    lock();
    g_pipe_window = elements != 0 ? elements : SIM_PIPE_WINDOW_DEFAULT;
    unlock();
}

SIM_EXPORT uint32_t sim_pipe_window(void)
{
    lock();
    uint32_t w = g_pipe_window;
    unlock();
    return w;
}

SIM_HIDDEN uint32_t sim_call_behaviours(PRPC_ASYNC_STATE pAsync)
{
    lock();
    staterec *r = rec_get_locked(pAsync);
    uint32_t b = r != NULL && r->phase == PH_CALL && r->call != NULL ? r->call->behaviours : 0;
    unlock();
    return b;
}

SIM_HIDDEN void behaviours_reset_locked(void)
{
    g_behaviours = 0;
    g_pipe_window = SIM_PIPE_WINDOW_DEFAULT;
}

/* BEHAVIOUR: SEND_COMPLETE_APC_ONLY. Microsoft's "Client-side Asynchronous Pipe Handling"
 * ([MS-CLIENT] in docs/reference/runtime-behaviours.md) promises the send-complete notification
 * only "if APCs are used as the notification mechanism"; the RPC_ASYNC_STATE page ([MS-STATE])
 * says the library notifies "after it completes each send operation" whatever the mechanism,
 * which is what the simulator does with the switch off. */
SIM_HIDDEN int send_notify_wanted(const sim_call *c, PRPC_ASYNC_STATE p)
{
    if ((p->Flags & WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE) == 0)
        return 0;
    return !behaves(c, SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY) ||
           p->NotificationType == RpcNotificationTypeApc;
}

/* BEHAVIOUR: BACK_PRESSURE. The RPC_ASYNC_STATE page: a sender that does not wait for each
 * block "the RPC run-time library will buffer the output until it can be sent"; how much the
 * receiving side takes before a send stops completing is not documented (a transport's window).
 * Order is kept: once one chunk waits, every later one (the null push too) waits behind it. */
SIM_HIDDEN int bp_must_hold(const sim_call *c, const channel *ch, const chunk *k)
{
    if (!behaves(c, SIM_BEHAVIOUR_BACK_PRESSURE))
        return 0;
    if (ch->held_head != NULL)
        return 1;
    if (k->n == 0 || ch->rx_elems == 0)
        return 0; /* the end takes no room; an empty buffer lets in a chunk of any size */
    return (uint64_t)ch->rx_elems + k->n > c->window;
}

SIM_HIDDEN void apc_settle_locked(const apc_entry *a)
{
    if (a->settles_chan == 0)
        return;
    staterec *r = rec_get_locked(a->p);
    if (r != NULL && r->gen == a->gen && r->call != NULL)
        r->call->ch[a->settles_chan - 1].send_apc_out = 0;
}
