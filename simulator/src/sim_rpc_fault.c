/*
 * sim_rpc_fault.c - the fault plan: the generator every fault decision and delay of a call
 * draws from, the plan and the scripted server's reply delay, the plan as the scripted peers
 * see it, and sim_reset. See "Replay" in sim_rpc_internal.h.
 */
#include "sim_rpc_internal.h"

#include <string.h>

/* ---- the generator and the fault plan -------------------------------------------------------- */

SIM_HIDDEN SIM_FAULT_PLAN g_plan;
static uint32_t g_reply_delay;
SIM_HIDDEN uint32_t g_seq;

SIM_HIDDEN uint64_t sim_rng_next(sim_rng *r)
{
    r->s += 0x9e3779b97f4a7c15ull;
    uint64_t z = r->s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ppm 0 and ppm >= 1e6 draw nothing, so a plan that never (or always) fails leaves the stream
 * untouched. */
SIM_HIDDEN int sim_rng_chance(sim_rng *r, uint32_t ppm)
{
    if (ppm == 0)
        return 0;
    if (ppm >= 1000000u)
        return 1;
    return sim_rng_next(r) % 1000000u < ppm;
}

SIM_HIDDEN uint32_t rng_delay(sim_rng *r, uint32_t max_ms)
{
    if (max_ms == 0)
        return 0;
    return (uint32_t)(sim_rng_next(r) % ((uint64_t)max_ms + 1u));
}

SIM_HIDDEN uint64_t stream_seed(uint64_t seed, uint32_t seq, uint32_t stream)
{
    return mix64(seed ^ mix64(((uint64_t)seq << 16) ^ stream));
}

/* ---- the plan's decisions for one call ------------------------------------------------------- */

/* Each decision draws from the side's stream exactly as the random fault alone would (the
 * deterministic count never makes a draw happen or not), then the count decides too. */

SIM_HIDDEN int fault_push_fails_locked(sim_call *c, int role)
{
    int client = role == ROLE_CLIENT;
    int fail = sim_rng_chance(&c->rng[client ? RS_CLIENT_FAULT : RS_SERVER_FAULT],
                              c->plan.push_fail_ppm);
    uint32_t at = client ? c->plan.client_push_fail_at : c->plan.server_push_fail_at;
    return ++c->pushes[role - 1] == at || fail;
}

SIM_HIDDEN int fault_pull_fails_locked(sim_call *c, int role)
{
    int client = role == ROLE_CLIENT;
    int fail = sim_rng_chance(&c->rng[client ? RS_CLIENT_FAULT : RS_SERVER_FAULT],
                              c->plan.pull_fail_ppm);
    uint32_t at = client ? c->plan.client_pull_fail_at : c->plan.server_pull_fail_at;
    return ++c->pulls[role - 1] == at || fail;
}

SIM_HIDDEN int fault_drop_notification_locked(sim_call *c, int role)
{
    int client = role == ROLE_CLIENT;
    int drop = sim_rng_chance(&c->rng[client ? RS_CLIENT_DROP : RS_SERVER_DROP],
                              c->plan.drop_notification_ppm);
    uint32_t at = client ? c->plan.client_drop_notification_at
                         : c->plan.server_drop_notification_at;
    return ++c->notifications[role - 1] == at || drop;
}

SIM_HIDDEN uint32_t fault_send_delay_locked(sim_call *c, int role)
{
    int client = role == ROLE_CLIENT;
    uint32_t d = rng_delay(&c->rng[client ? RS_CLIENT_DELAY : RS_SERVER_DELAY],
                           c->plan.max_delay_ms);
    uint32_t at = client ? c->plan.client_send_delay_at : c->plan.server_send_delay_at;
    if (at != 0 && c->pushes[role - 1] == at)
        d += c->plan.send_delay_ms;
    return d;
}

/* ---- the plan -------------------------------------------------------------------------------- */

SIM_EXPORT void sim_set_fault_plan(const SIM_FAULT_PLAN *plan)
{
    lock();
    if (plan != NULL)
        g_plan = *plan;
    else
        memset(&g_plan, 0, sizeof g_plan);
    g_seq = 0; /* a replay starts counting calls afresh */
    unlock();
}

SIM_EXPORT void sim_set_reply_delay(uint32_t ms)
{
    lock();
    g_reply_delay = ms;
    unlock();
}

SIM_HIDDEN void sim_fault_plan_get(SIM_FAULT_PLAN *out)
{
    lock();
    *out = g_plan;
    unlock();
}

SIM_HIDDEN uint32_t sim_reply_delay_get(void)
{
    lock();
    uint32_t d = g_reply_delay;
    unlock();
    return d;
}

/* ---- for the scripted peers ----------------------------------------------------------------- */

SIM_HIDDEN int sim_call_fault_plan(PRPC_ASYNC_STATE pAsync, uint32_t stream, SIM_FAULT_PLAN *plan,
                                   sim_rng *rng)
{
    lock();
    staterec *r = rec_get_locked(pAsync);
    int ok = r != NULL && r->phase == PH_CALL && r->call != NULL;
    if (ok) {
        *plan = r->call->plan;
        rng->s = stream_seed(r->call->plan.seed, r->call->seq, 100u + stream);
    } else {
        memset(plan, 0, sizeof *plan);
        rng->s = 0;
    }
    unlock();
    return ok;
}

/* ---- test controls -------------------------------------------------------------------------- */

SIM_EXPORT void sim_reset(void)
{
    lock();
    memset(&g_plan, 0, sizeof g_plan);
    g_reply_delay = 0;
    g_seq = 0;
    behaviours_reset_locked();
    unlock();
    sim_bind_reset();
    sim_misuse_clear();
}
