/*
 * sim_rpc_state.c - the rpcrt4 part's foundations: a pointer-keyed hash map, the lock, the
 * "routine gone" probe, state records (the simulator's copy of the runtime-owned fields, their
 * checks, the idle list that quarantines finished states), the lookup of a state for an
 * RpcAsync* entry, and the test controls sim_scribble_runtime_fields and sim_quiesce.
 * See sim_rpc_internal.h for the model.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif

#include "sim_rpc_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- a pointer-keyed hash map --------------------------------------------------------------- */

SIM_HIDDEN uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t hm_idx(const void *k, size_t nb) { return (size_t)(mix64((uintptr_t)k) & (nb - 1)); }

SIM_HIDDEN void *hm_get(const hmap *m, const void *k)
{
    if (m->nb == 0)
        return NULL;
    for (hent *e = m->b[hm_idx(k, m->nb)]; e != NULL; e = e->next)
        if (e->k == k)
            return e->v;
    return NULL;
}

static void hm_grow(hmap *m)
{
    size_t nb = m->nb ? m->nb * 2 : 1024;
    hent **b = calloc(nb, sizeof *b);
    if (b == NULL)
        return; /* keep the old table: longer chains, still correct */
    for (size_t i = 0; i < m->nb; i++) {
        hent *e = m->b[i];
        while (e != NULL) {
            hent *next = e->next;
            size_t j = hm_idx(e->k, nb);
            e->next = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(m->b);
    m->b = b;
    m->nb = nb;
}

/* Returns 0 on success, -1 when out of memory. The key must not be present. */
SIM_HIDDEN int hm_put(hmap *m, const void *k, void *v)
{
    if (m->nb == 0 || m->n >= m->nb * 2)
        hm_grow(m);
    if (m->nb == 0)
        return -1;
    hent *e = malloc(sizeof *e);
    if (e == NULL)
        return -1;
    size_t i = hm_idx(k, m->nb);
    e->k = k;
    e->v = v;
    e->next = m->b[i];
    m->b[i] = e;
    m->n++;
    return 0;
}

SIM_HIDDEN void *hm_del(hmap *m, const void *k)
{
    if (m->nb == 0)
        return NULL;
    for (hent **pe = &m->b[hm_idx(k, m->nb)]; *pe != NULL; pe = &(*pe)->next) {
        hent *e = *pe;
        if (e->k == k) {
            void *v = e->v;
            *pe = e->next;
            free(e);
            m->n--;
            return v;
        }
    }
    return NULL;
}

/* ---- global state --------------------------------------------------------------------------- */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
SIM_HIDDEN hmap g_states;   /* PRPC_ASYNC_STATE -> staterec */
static staterec *g_idle_head, *g_idle_tail;
static size_t g_idle_n;

SIM_HIDDEN void lock(void) { pthread_mutex_lock(&g_lock); }
SIM_HIDDEN void unlock(void) { pthread_mutex_unlock(&g_lock); }

SIM_HIDDEN void sleep_ms(uint32_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- the "routine gone" probe ---------------------------------------------------------------- */

/* Reads 16 bytes at addr without faulting: write() from an unmapped address fails with EFAULT
 * instead of raising SIGSEGV. Called with g_lock held (which also serialises the pipe). Returns
 * 1 if the bytes were read, 0 if the memory is not readable, -1 if the probe is unavailable. */
static int g_probe_fd[2] = {-1, -1};
static int g_probe_init;

SIM_HIDDEN int probe_read(const void *addr, unsigned char out[16])
{
    if (!g_probe_init) {
        g_probe_init = 1;
        if (pipe2(g_probe_fd, O_NONBLOCK | O_CLOEXEC) != 0)
            g_probe_fd[0] = g_probe_fd[1] = -1;
    }
    if (g_probe_fd[1] < 0)
        return -1;
    /* Unmapped pages first, without touching them: mincore() fails with ENOMEM. */
    long pagesz = sysconf(_SC_PAGESIZE);
    if (pagesz > 0) {
        uintptr_t first = (uintptr_t)addr & ~(uintptr_t)(pagesz - 1);
        uintptr_t last = ((uintptr_t)addr + 15u) & ~(uintptr_t)(pagesz - 1);
        unsigned char vec[2];
        if (mincore((void *)first, (size_t)(last - first) + (size_t)pagesz, vec) != 0 &&
            errno == ENOMEM)
            return 0;
    }
    ssize_t n = write(g_probe_fd[1], addr, 16);
    if (n > 0) {
        unsigned char sink[16];
        ssize_t got = read(g_probe_fd[0], n == 16 ? out : sink, (size_t)n);
        if (got != n)
            return -1;
    }
    return n == 16 ? 1 : 0;
}

SIM_HIDDEN const void *routine_addr(PFN_RPCNOTIFICATION_ROUTINE r)
{
    const void *a;
    memcpy(&a, &r, sizeof a);
    return a;
}

/* ---- state records --------------------------------------------------------------------------- */

SIM_HIDDEN void idle_remove_locked(staterec *r)
{
    if (!r->on_idle)
        return;
    if (r->idle_prev != NULL)
        r->idle_prev->idle_next = r->idle_next;
    else
        g_idle_head = r->idle_next;
    if (r->idle_next != NULL)
        r->idle_next->idle_prev = r->idle_prev;
    else
        g_idle_tail = r->idle_prev;
    r->idle_prev = r->idle_next = NULL;
    r->on_idle = 0;
    g_idle_n--;
}

/* Forgets an idle record: later uses of its address are uses of an uninitialised state. Its
 * subscription notifications still on their way are dropped with it. */
SIM_HIDDEN void rec_forget_locked(staterec *r)
{
    idle_remove_locked(r);
    hm_del(&g_states, r->p);
    apcs_forget_locked(r, 0);
    sub_queue_discard_locked(r);
    if (r->call != NULL) {
        sim_call *c = r->call;
        r->call = NULL;
        call_unref_locked(c);
    }
    free(r->owned);
    free(r);
}

SIM_HIDDEN void idle_add_locked(staterec *r)
{
    if (r->on_idle)
        idle_remove_locked(r);
    r->idle_prev = g_idle_tail;
    r->idle_next = NULL;
    if (g_idle_tail != NULL)
        g_idle_tail->idle_next = r;
    else
        g_idle_head = r;
    g_idle_tail = r;
    r->on_idle = 1;
    g_idle_n++;
    while (g_idle_n > SIM_IDLE_MAX && g_idle_head != NULL && g_idle_head != r)
        rec_forget_locked(g_idle_head);
}

SIM_HIDDEN staterec *rec_get_locked(const void *p) { return p ? hm_get(&g_states, p) : NULL; }

SIM_HIDDEN const char *role_name(int role) { return role == ROLE_SERVER ? "server" : "client"; }

/* Compares the runtime-owned fields with the simulator's copy; a difference is recorded once
 * per state and field (the simulator goes on with its own values). */
SIM_HIDDEN void check_fields_locked(staterec *r, const char *where)
{
    PRPC_ASYNC_STATE p = r->p;
    if (p->Size != r->size && !(r->field_reported & FLD_SIZE)) {
        r->field_reported |= FLD_SIZE;
        sim_misuse(SIM_MISUSE_RUNTIME_FIELD_WRITTEN,
                   "%s: Size of %s state %p is %u; the runtime wrote %u", where,
                   role_name(r->role), (void *)p, (unsigned)p->Size, (unsigned)r->size);
    }
    if (p->Signature != r->sig && !(r->field_reported & FLD_SIGNATURE)) {
        r->field_reported |= FLD_SIGNATURE;
        sim_misuse(SIM_MISUSE_RUNTIME_FIELD_WRITTEN,
                   "%s: Signature of %s state %p is 0x%08x; the runtime wrote 0x%08x", where,
                   role_name(r->role), (void *)p, (unsigned)p->Signature, (unsigned)r->sig);
    }
    if (p->Lock != r->lock && !(r->field_reported & FLD_LOCK)) {
        r->field_reported |= FLD_LOCK;
        sim_misuse(SIM_MISUSE_RUNTIME_FIELD_WRITTEN,
                   "%s: Lock of %s state %p is %d; the runtime wrote %d", where,
                   role_name(r->role), (void *)p, (int)p->Lock, (int)r->lock);
    }
    if (p->StubInfo != r->stub && !(r->field_reported & FLD_STUBINFO)) {
        r->field_reported |= FLD_STUBINFO;
        sim_misuse(SIM_MISUSE_RUNTIME_FIELD_WRITTEN,
                   "%s: StubInfo of %s state %p is %p; the runtime wrote %p", where,
                   role_name(r->role), (void *)p, p->StubInfo, r->stub);
    }
}

/* Writes the runtime-owned fields the way RpcAsyncInitializeHandle does, and records them. */
SIM_HIDDEN void write_init_fields_locked(staterec *r)
{
    PRPC_ASYNC_STATE p = r->p;
    r->size = (uint32_t)sizeof(RPC_ASYNC_STATE);
    r->sig = WINRPC_RPC_ASYNC_SIGNATURE;
    r->lock = 0;
    r->stub = NULL;
    r->rtinfo = NULL;
    memset(r->reserved, 0, sizeof r->reserved);
    p->Size = r->size;
    p->Signature = r->sig;
    p->Lock = r->lock;
    p->Flags = 0;
    p->StubInfo = r->stub;
    p->RuntimeInfo = r->rtinfo;
    memcpy(p->Reserved, r->reserved, sizeof p->Reserved);
}

/* Records a delivery misuse once per state and call (a lost notification repeats for every
 * event of the call; one record says it). */
SIM_HIDDEN void misuse_once_locked(staterec *r, int kind, const char *fmt, ...)
{
    uint32_t bit = 1u << (kind & 31);
    if (r != NULL && (r->misuse_once & bit))
        return;
    if (r != NULL)
        r->misuse_once |= bit;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sim_misuse(kind, "%s", buf);
}

/* Takes the 16-byte snapshot of an APC routine (RegisterInfo, call start, or first delivery).
 * Returns 0 if the routine's memory is not readable. */
SIM_HIDDEN int snapshot_routine_locked(staterec *r, PFN_RPCNOTIFICATION_ROUTINE routine)
{
    r->snap_routine = routine;
    r->snap_ok = 0;
    if (routine == NULL)
        return 1;
    int res = probe_read(routine_addr(routine), r->snap);
    if (res == 0)
        return 0;
    r->snap_ok = res == 1;
    return 1;
}

/* ---- looking up a state for an RpcAsync* entry ---------------------------------------------- */

/* Returns the record for p (checked against the runtime fields), or NULL with *st set and the
 * misuse recorded. */
SIM_HIDDEN staterec *api_rec_locked(PRPC_ASYNC_STATE p, const char *fn, RPC_STATUS *st)
{
    if (p == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: pAsync is NULL", fn);
        *st = RPC_S_INVALID_ASYNC_HANDLE;
        return NULL;
    }
    staterec *r = rec_get_locked(p);
    if (r == NULL) {
        sim_misuse(SIM_MISUSE_UNINITIALIZED_STATE,
                   "%s: state %p was not initialised with RpcAsyncInitializeHandle", fn,
                   (void *)p);
        *st = RPC_S_INVALID_ASYNC_HANDLE;
        return NULL;
    }
    check_fields_locked(r, fn);
    server_entered_locked(r);
    return r;
}

/* ---- test controls --------------------------------------------------------------------------- */

SIM_EXPORT RPC_STATUS sim_scribble_runtime_fields(PRPC_ASYNC_STATE pAsync, uint32_t salt)
{
    lock();
    staterec *r = rec_get_locked(pAsync);
    if (r == NULL || r->phase == PH_DONE) {
        unlock();
        return RPC_S_INVALID_ASYNC_HANDLE; /* a test control: nothing recorded */
    }
    uint64_t m = mix64(salt);
    r->lock = (int32_t)(m & 0x7fffffff) | 1;
    r->stub = (void *)(uintptr_t)((m >> 8) << 4 | 0x1000u);
    r->rtinfo = (void *)(uintptr_t)((m >> 12) << 4 | 0x2000u);
    for (int i = 0; i < 4; i++)
        r->reserved[i] = (intptr_t)(mix64(m + (uint64_t)i) & 0x7fffffff);
    pAsync->Lock = r->lock;
    pAsync->StubInfo = r->stub;
    pAsync->RuntimeInfo = r->rtinfo;
    pAsync->Event = (RPC_ASYNC_EVENT)(salt % 5u);
    memcpy(pAsync->Reserved, r->reserved, sizeof pAsync->Reserved);
    unlock();
    return RPC_S_OK;
}

/* Idle: no call in progress, no notification pending, no simulator thread running, no pipe
 * chunk buffered, no subscription active, no scheduled task outstanding. */
SIM_EXPORT int32_t sim_quiesce(uint32_t timeout_ms)
{
    uint64_t deadline = sim_now_ms() + timeout_ms;
    for (;;) {
        lock();
        int64_t tasks = g_tasks_out;
        unlock();
        if (tasks == 0 && sim_counter(SIM_COUNT_ASYNC_STATES) == 0 &&
            sim_counter(SIM_COUNT_PENDING_NOTIFICATIONS) == 0 &&
            sim_counter(SIM_COUNT_THREADS) == 0 && sim_counter(SIM_COUNT_PIPE_BUFFERS) == 0 &&
            sim_counter(SIM_COUNT_SUBSCRIPTIONS) == 0)
            return 1;
        if (sim_now_ms() >= deadline)
            return 0;
        sleep_ms(1);
    }
}
