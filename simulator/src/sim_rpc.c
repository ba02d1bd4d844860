/*
 * sim_rpc.c - the rpcrt4 part of the runtime simulator: RpcAsync*, the fixture's client stubs
 * and server glue (fx_*), the call machinery, async pipes, notification delivery, the fault
 * plan, and the test controls sim_scribble_runtime_fields / sim_quiesce / sim_reset.
 *
 * Model. A call joins a client state (the caller's RPC_ASYNC_STATE) and a server state (one
 * the simulator allocates and hands to the manager routine). Each state has a record in a
 * registry keyed by its address, holding the simulator's copy of the runtime-owned fields, the
 * role, the phase (initialised, in a call, finished) and the state's notification queue. A call
 * has two channels: 0, the in pipe (client to server), and 1, the out pipe (server to client).
 * A push puts a chunk "in flight"; after the send delay it arrives at the receiver's buffer,
 * the sender's send completes (RpcSendComplete) and a pending pull is told (RpcReceiveComplete).
 *
 * Locking. One mutex, g_lock, guards everything here. Work that leaves this file (scheduling on
 * the delivery thread, spawning a dispatch thread, queueing an APC, signalling an event,
 * posting a completion) is collected in an "outbox" while g_lock is held and carried out after
 * it is released, so that no simulator lock is held while anything that may call back into the
 * simulator runs. The oracle (sim_misuse, sim_count) is a leaf and is called with g_lock held.
 * Manager routines and notification routines are always called with no lock held.
 *
 * Lifetimes. Records of states that are not in a call (initialised, or finished) sit on an
 * idle list of at most SIM_IDLE_MAX entries; the oldest is forgotten (and, for a server state,
 * its memory freed) when the list is full. That is the quarantine that makes a server's use of
 * its state after RpcAsyncCompleteCall a recorded misuse instead of a use of freed memory. A
 * call lives while a state record or a scheduled task refers to it. Scheduled tasks and queued
 * APCs name states by (address, call generation) and look them up again, so a notification for
 * a state whose call has finished is dropped, never delivered.
 *
 * Subscriptions. A server call hears its client's cancel (RpcClientCancel) or disconnect
 * (RpcClientDisconnect) only through RpcServerSubscribeForNotification, as on Windows, and only
 * through the subscription's own type and NotificationInfo (copied at the subscription), never
 * through the state's NotificationType and u. A cancel or disconnect while that kind is not
 * subscribed is not told at all (its other consequences, failing pipes and the client's status,
 * are the same). Subscription notifications have a queue of their own per server state, apart
 * from the state's queue: they are not held until the server is "ready" (see
 * server_ready_locked), and a notification queued before an RpcServerUnsubscribeForNotification
 * or the server's final completion is still delivered after it, as long as the state's record
 * exists. The call's binding handle, RpcAsyncGetCallHandle(pAsync), is the server state's
 * RuntimeInfo: the sim_call itself (the client state's RuntimeInfo is another address of the
 * call, so that a client's handle is recognised and refused).
 *
 * Replay. Every fault decision and delay for a call comes from generators seeded with (plan
 * seed, the call's sequence number, a stream number): one stream per side for faults, one per
 * side for delays, one per side for dropped notifications. The sequence number counts calls
 * started since the last sim_set_fault_plan or sim_reset, so re-setting the same plan and
 * re-running the same scenario gives the same fault decisions. Which push, pull, reply or
 * scripted-peer action fails is deterministic; which notification a drop hits may depend on
 * timing (how many RpcReceiveComplete a receiver gets depends on how often it pulled too early).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif
#include "sim_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- limits --------------------------------------------------------------------------------- */

#define SIM_IDLE_MAX 65536u             /* idle state records kept (the quarantine) */
#define SIM_MAX_ENDPOINTS 64
#define SIM_EP_NAME_MAX 256
#define SIM_STOP_WAIT_MS 10000u         /* fx_ServerStop's bound */
#define SIM_ALLOC_MAX (64u << 20)       /* largest pipe alloc, in bytes */
#define SIM_PUSH_MAX (16u << 20)        /* largest push, in elements */

#define BINDING_MAGIC 0x424e4447u       /* "BNDG" */
/* RPC_S_DUPLICATE_ENDPOINT (winerror.h), what RpcServerUseProtseqEp returns for an endpoint
 * already in use; only fx_ServerStart returns it, so it stays out of the shared header. */
#define SIM_RPC_S_DUPLICATE_ENDPOINT ((RPC_STATUS)1740)
#define SIM_HELD_RETRY_MS 5u            /* re-check of a server's held notifications */
#define PIPE_END_MAGIC 0x50495045u      /* "PIPE" */

enum { ROLE_CLIENT = 1, ROLE_SERVER = 2 };
enum { PH_INIT = 1, PH_CALL, PH_DONE };
enum { CH_IN = 0, CH_OUT = 1 };
enum { END_C_IN = 0, END_C_OUT, END_S_IN, END_S_OUT };
/* Generator streams of a call. sim_call_fault_plan() hands out streams >= 100 to the peers. */
enum { RS_CLIENT_FAULT = 1, RS_SERVER_FAULT, RS_CLIENT_DELAY, RS_SERVER_DELAY, RS_CLIENT_DROP,
       RS_SERVER_DROP, RS_RECV_DELAY };

/* Bits of staterec.field_reported. */
enum { FLD_SIZE = 1, FLD_SIGNATURE = 2, FLD_LOCK = 4, FLD_STUBINFO = 8 };

/* ---- a pointer-keyed hash map --------------------------------------------------------------- */

typedef struct hent {
    const void *k;
    void *v;
    struct hent *next;
} hent;

typedef struct hmap {
    hent **b;
    size_t nb, n;
} hmap;

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t hm_idx(const void *k, size_t nb) { return (size_t)(mix64((uintptr_t)k) & (nb - 1)); }

static void *hm_get(const hmap *m, const void *k)
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
static int hm_put(hmap *m, const void *k, void *v)
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

static void *hm_del(hmap *m, const void *k)
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

/* ---- records -------------------------------------------------------------------------------- */

typedef struct chunk {
    struct chunk *next;
    uint32_t n, off;   /* elements, elements already pulled */
    int notify;        /* the sender asked for RpcSendComplete (Flags at push time) */
    int32_t data[];
} chunk;

typedef struct channel {
    chunk *fl_head, *fl_tail; /* pushed, not yet arrived (each has a T_ARRIVE task) */
    chunk *rx_head, *rx_tail; /* arrived, not yet pulled */
    int sender_ended;         /* the null push was made */
    int end_arrived;          /* ... and has reached the receiver */
    int end_returned;         /* a pull returned the end (ecount 0) */
    int pull_pending;         /* a pull returned PENDING; cleared when RpcReceiveComplete is
                                 delivered (or dropped, or discarded) */
    int pull_notified;        /* that RpcReceiveComplete has been issued */
    int send_notif_out;       /* an RpcSendComplete is issued and not yet delivered: further
                                 sends collapse into it */
} channel;

typedef struct pipe_end {
    uint32_t magic;
    int role, chan;
    struct sim_call *call;
} pipe_end;

typedef struct alloc_buf {
    struct alloc_buf *next;
    int role;
    void *mem;
} alloc_buf;

typedef struct endpoint {
    char name[SIM_EP_NAME_MAX];
    const FX_SERVER_EPV *epv;
    int used, listening, is_peer;
    int entered;      /* manager routines running */
    int server_calls; /* server states of this endpoint still in a call */
} endpoint;

typedef struct binding {
    uint32_t magic;
    endpoint *ep;
} binding;

struct sim_call {
    uint64_t gen;      /* unique for the process's life; names the call in tasks and APCs */
    uint32_t seq;      /* sequence number for the fault plan */
    int op, refs;
    endpoint *ep;
    int32_t a, b;
    uint32_t u;
    SIM_FAULT_PLAN plan;
    sim_rng rng[RS_RECV_DELAY + 1];
    PRPC_ASYNC_STATE cstate, sstate;
    int has_in, has_out;
    channel ch[2];
    pipe_end ends[4];
    ASYNC_INTPIPE s_pipe[2];   /* the server's pipe structures */
    int32_t s_b;               /* the server's [out] b */
    int32_t *c_b;              /* the client's [out] b */
    int ends_mapped;
    alloc_buf *allocs;
    char stub_cookie[2];       /* StubInfo points here (a pointer of the runtime's) */
    char server_binding;       /* the manager routine's hBinding points here */
    char client_handle;        /* the client state's RuntimeInfo points here (the server's is
                                  the call itself): see binding_rec_locked */
    int handles_mapped;        /* c and &c->client_handle are in g_call_handles */

    int client_done, server_done;  /* the final completion of each side happened */
    int srv_result_sent;           /* the server's Complete or Abort is on its way */
    int srv_aborted;               /* ... and it was an Abort */
    uint32_t srv_abort_code;
    int32_t srv_reply, srv_b;
    int reply_arrived;             /* a successful reply reached the client */
    int reply_available;           /* the client's final status is fixed; RpcCallComplete issued */
    RPC_STATUS final_status;       /* what the client's RpcAsyncCompleteCall returns */
    int32_t reply_value, reply_b;
    int failed;                    /* the call failed: pipes fail with pipe_fail_status */
    RPC_STATUS pipe_fail_status;
    int cancel_told;               /* the server has been sent RpcClientCancel */
};

typedef struct notif {
    struct notif *next;
    uint64_t gen;
    RPC_ASYNC_EVENT event;
    int chan; /* the channel an RpcSendComplete / RpcReceiveComplete is about, else -1 */
} notif;

/* Subscription kinds, indexes of subscription arrays. */
enum { SUB_DISCONNECT = 0, SUB_CANCEL = 1, SUB_KINDS = 2 };

static uint32_t sub_bit(int k)
{
    return k == SUB_CANCEL ? (uint32_t)RpcNotificationCallCancel
                           : (uint32_t)RpcNotificationClientDisconnect;
}

static RPC_ASYNC_EVENT sub_event(int k)
{
    return k == SUB_CANCEL ? RpcClientCancel : RpcClientDisconnect;
}

static const char *sub_name(int k)
{
    return k == SUB_CANCEL ? "RpcNotificationCallCancel" : "RpcNotificationClientDisconnect";
}

/* One kind of a server call's subscription: the simulator's copy of what the server passed. */
typedef struct subscription {
    RPC_NOTIFICATION_TYPES type;
    RPC_ASYNC_NOTIFICATION_INFO info;
    uint32_t queued;        /* notifications of this kind queued since the subscription */
    unsigned char snap[16]; /* an APC routine's first bytes at the subscription ... */
    int snap_ok;            /* ... if they could be read */
} subscription;

/* A subscription notification on its way: delivered to the target it was queued for, even if
 * the kind was unsubscribed (or subscribed again elsewhere) since. */
typedef struct sub_notif {
    struct sub_notif *next;
    uint64_t gen;
    int kind;
    subscription sub;
} sub_notif;

typedef struct apc_entry {
    struct apc_entry *next_in_rec;
    uint64_t id;
    PRPC_ASYNC_STATE p;
    uint64_t gen;
    RPC_ASYNC_EVENT event;
    PFN_RPCNOTIFICATION_ROUTINE routine;
    int sub;                  /* a subscription notification: runs even after the call ended */
    unsigned char snap[16];   /* for a subscription's routine: its snapshot */
    int snap_ok;
} apc_entry;

typedef struct staterec {
    PRPC_ASYNC_STATE p;
    int role, phase;
    uint64_t gen;             /* the current (or last) call's generation, 0 before any */
    struct sim_call *call;    /* the current (or last) call; a reference */
    /* the simulator's copy of the runtime-owned fields */
    uint32_t size, sig;
    int32_t lock;
    void *stub, *rtinfo;
    intptr_t reserved[4];
    unsigned field_reported;  /* FLD_* already recorded for this state */
    uint32_t misuse_once;     /* (1 << kind) of delivery misuses recorded during this call */
    int registered;           /* RpcAsyncRegisterInfo was called (this call, for a server) */
    /* the routine snapshot, for the "routine gone" check */
    PFN_RPCNOTIFICATION_ROUTINE snap_routine;
    unsigned char snap[16];
    int snap_ok;
    notif *nq_head, *nq_tail;
    int held;                 /* T_DELIVER tasks that found this server state not ready */
    int retry_scheduled;      /* a T_RETRY task is on its way for the held ones */
    RPC_NOTIFICATION_TYPES ntype_seen; /* a server's NotificationType at its last call */
    apc_entry *apcs;          /* APCs queued for this state and not yet run */
    /* RpcServerSubscribeForNotification (server states) */
    uint32_t sub_active;      /* RpcNotification* bits subscribed now */
    subscription subs[SUB_KINDS];
    sub_notif *sq_head, *sq_tail; /* subscription notifications queued, not yet delivered */
    PRPC_ASYNC_STATE owned;   /* a server state's memory, freed when the record is forgotten */
    struct staterec *idle_prev, *idle_next;
    int on_idle;
} staterec;

/* ---- global state --------------------------------------------------------------------------- */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static hmap g_states;   /* PRPC_ASYNC_STATE -> staterec */
static hmap g_ends;     /* pipe_end* -> sim_call */
static hmap g_bindings; /* binding* -> binding */
static hmap g_apcs;     /* (void *)id -> apc_entry */
static hmap g_call_handles; /* a call's handles (the call, &call->client_handle) -> sim_call */
static staterec *g_idle_head, *g_idle_tail;
static size_t g_idle_n;
static SIM_FAULT_PLAN g_plan;
static uint32_t g_reply_delay;
static uint32_t g_seq;
static uint64_t g_gen;
static uint64_t g_apc_id;
static int64_t g_tasks_out; /* scheduled tasks and spawned dispatches not yet finished */
static endpoint g_eps[SIM_MAX_ENDPOINTS];
/* The call whose manager routine runs on this thread, for a NULL Binding. */
static _Thread_local sim_call *tl_dispatched;

static void lock(void) { pthread_mutex_lock(&g_lock); }
static void unlock(void) { pthread_mutex_unlock(&g_lock); }

static void sleep_ms(uint32_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- the generator and the fault plan -------------------------------------------------------- */

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

static uint32_t rng_delay(sim_rng *r, uint32_t max_ms)
{
    if (max_ms == 0)
        return 0;
    return (uint32_t)(sim_rng_next(r) % ((uint64_t)max_ms + 1u));
}

static uint64_t stream_seed(uint64_t seed, uint32_t seq, uint32_t stream)
{
    return mix64(seed ^ mix64(((uint64_t)seq << 16) ^ stream));
}

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

/* ---- the "routine gone" probe ---------------------------------------------------------------- */

/* Reads 16 bytes at addr without faulting: write() from an unmapped address fails with EFAULT
 * instead of raising SIGSEGV. Called with g_lock held (which also serialises the pipe). Returns
 * 1 if the bytes were read, 0 if the memory is not readable, -1 if the probe is unavailable. */
static int g_probe_fd[2] = {-1, -1};
static int g_probe_init;

static int probe_read(const void *addr, unsigned char out[16])
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

static const void *routine_addr(PFN_RPCNOTIFICATION_ROUTINE r)
{
    const void *a;
    memcpy(&a, &r, sizeof a);
    return a;
}

/* ---- the outbox ------------------------------------------------------------------------------ */

enum { T_DELIVER = 1, T_ARRIVE, T_REPLY, T_RETRY, T_SUB_DELIVER };

typedef struct task {
    int kind;
    PRPC_ASYNC_STATE p; /* T_DELIVER, T_RETRY, T_SUB_DELIVER */
    uint64_t gen;       /* T_DELIVER, T_RETRY, T_SUB_DELIVER */
    sim_call *call;     /* T_ARRIVE, T_REPLY: a reference */
    int chan;           /* T_ARRIVE */
} task;

enum { A_SCHED = 1, A_SPAWN, A_APC, A_EVENT, A_IOC };

typedef struct action {
    int kind;
    uint32_t delay;
    task *t;             /* A_SCHED */
    sim_call *call;      /* A_SPAWN */
    HANDLE h;            /* A_APC, A_EVENT, A_IOC */
    uint64_t apc_id;     /* A_APC */
    DWORD bytes;         /* A_IOC */
    ULONG_PTR key;
    void *ovl;
    PRPC_ASYNC_STATE p;  /* for misuse records about a failed delivery */
    uint64_t gen;
    int sub;             /* a subscription notification: 1 + its kind; 0 for the state's own */
} action;

typedef struct outbox {
    action *a;
    int n, cap;
    action inline_a[16];
} outbox;

static void ob_init(outbox *ob)
{
    ob->a = ob->inline_a;
    ob->n = 0;
    ob->cap = 16;
}

static void ob_push(outbox *ob, const action *act)
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
static int sched_locked(outbox *ob, int kind, PRPC_ASYNC_STATE p, uint64_t gen, sim_call *c,
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

static void ob_flush(outbox *ob);

/* ---- state records --------------------------------------------------------------------------- */

static void idle_remove_locked(staterec *r)
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

static void call_unref_locked(sim_call *c);
static void apcs_forget_locked(staterec *r, int keep_sub);
static void sub_queue_discard_locked(staterec *r);

/* Forgets an idle record: later uses of its address are uses of an uninitialised state. Its
 * subscription notifications still on their way are dropped with it. */
static void rec_forget_locked(staterec *r)
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

static void idle_add_locked(staterec *r)
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

static staterec *rec_get_locked(const void *p) { return p ? hm_get(&g_states, p) : NULL; }

static const char *role_name(int role) { return role == ROLE_SERVER ? "server" : "client"; }

/* Compares the runtime-owned fields with the simulator's copy; a difference is recorded once
 * per state and field (the simulator goes on with its own values). */
static void check_fields_locked(staterec *r, const char *where)
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
static void write_init_fields_locked(staterec *r)
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

/* Records a delivery misuse once per state and call (a lost notification repeats for every
 * event of the call; one record says it). */
static void misuse_once_locked(staterec *r, int kind, const char *fmt, ...) SIM_PRINTF(3, 4);
static void misuse_once_locked(staterec *r, int kind, const char *fmt, ...)
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
static int snapshot_routine_locked(staterec *r, PFN_RPCNOTIFICATION_ROUTINE routine)
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

/* ---- calls ----------------------------------------------------------------------------------- */

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

static void call_unref_locked(sim_call *c)
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
        chunks_free_locked(&c->ch[i].rx_head, &c->ch[i].rx_tail);
    }
    allocs_free_locked(c, 0);
    free(c);
}

/* The record of one side of c, if that side's state still belongs to c. */
static staterec *side_rec_locked(sim_call *c, int role)
{
    staterec *r = rec_get_locked(role == ROLE_CLIENT ? c->cstate : c->sstate);
    if (r == NULL || r->call != c || r->gen != c->gen || r->role != role)
        return NULL;
    return r;
}

static int chan_sender(int chan) { return chan == CH_IN ? ROLE_CLIENT : ROLE_SERVER; }
static int chan_receiver(int chan) { return chan == CH_IN ? ROLE_SERVER : ROLE_CLIENT; }

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
static void issue_locked(outbox *ob, staterec *r, RPC_ASYNC_EVENT ev, int chan, uint32_t delay)
{
    if (r == NULL || r->phase != PH_CALL || r->call == NULL)
        return;
    sim_call *c = r->call;
    if (ev == RpcReceiveComplete)
        c->ch[chan].pull_notified = 1;
    else if (ev == RpcSendComplete)
        c->ch[chan].send_notif_out = 1;
    sim_rng *drop = &c->rng[r->role == ROLE_CLIENT ? RS_CLIENT_DROP : RS_SERVER_DROP];
    if (sim_rng_chance(drop, c->plan.drop_notification_ppm)) {
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
static void queue_discard_locked(staterec *r)
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
static void apcs_forget_locked(staterec *r, int keep_sub)
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
        free(a);
    }
}

/* Drops the subscription notifications still queued for r (its record is forgotten). */
static void sub_queue_discard_locked(staterec *r)
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
static void subs_end_locked(staterec *r, const char *fn)
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
static void sub_issue_locked(outbox *ob, sim_call *c, RPC_ASYNC_EVENT ev)
{
    if (c->server_done)
        return;
    staterec *r = side_rec_locked(c, ROLE_SERVER);
    if (r == NULL || r->phase != PH_CALL)
        return;
    int k = ev == RpcClientCancel ? SUB_CANCEL : SUB_DISCONNECT;
    if (!(r->sub_active & sub_bit(k)))
        return; /* not subscribed: the server is not told */
    if (sim_rng_chance(&c->rng[RS_SERVER_DROP], c->plan.drop_notification_ppm))
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

/* The client's final status is fixed: RpcCallComplete tells it. */
static void make_available_locked(outbox *ob, sim_call *c, RPC_STATUS status)
{
    if (c->reply_available || c->client_done)
        return;
    c->reply_available = 1;
    c->final_status = status;
    issue_locked(ob, side_rec_locked(c, ROLE_CLIENT), RpcCallComplete, -1, 0);
}

/* A successful reply becomes available once it has arrived and, for a call with an out pipe,
 * the client has pulled the pipe's end. STRICT: the reply follows the pipe data in the
 * response, so RpcCallComplete comes only after the client drained the out pipe (seed 002:
 * the client waits for the call-complete notification after its null pull). */
static void try_available_locked(outbox *ob, sim_call *c)
{
    if (c->failed || !c->reply_arrived || c->reply_available)
        return;
    if (c->has_out && !c->ch[CH_OUT].end_returned) {
        if (!c->cancel_told)
            return; /* the reply follows the out pipe's data: the client pulls to the end first */
        /* STRICT: a client that cancelled (even non-abortively) waits for the completion and
         * pulls no more (seed 002: Can, then WComp); what it left in the out pipe is discarded
         * and the call completes as cancelled, since the client did not get all of it. */
        chunks_free_locked(&c->ch[CH_OUT].rx_head, &c->ch[CH_OUT].rx_tail);
        make_available_locked(ob, c, RPC_S_CALL_CANCELLED);
        return;
    }
    make_available_locked(ob, c, RPC_S_OK);
}

/* The call fails: the client (unless its final status is already fixed) completes with
 * client_status, every pipe operation from now on fails with pipe_status, pending pulls are
 * woken with RpcReceiveComplete so that the waiter sees the failure on its next pull, and the
 * server is told with server_event (-1: nothing to tell). */
static void fail_call_locked(outbox *ob, sim_call *c, RPC_STATUS client_status,
                             RPC_STATUS pipe_status, int server_event)
{
    if (!c->failed) {
        c->failed = 1;
        c->pipe_fail_status = pipe_status;
        for (int i = 0; i < 2; i++)
            chunks_free_locked(&c->ch[i].rx_head, &c->ch[i].rx_tail);
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
static void side_finish_locked(sim_call *c, staterec *r)
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
    /* Data still buffered for this side is of no use any more. */
    channel *rx = &c->ch[role == ROLE_CLIENT ? CH_OUT : CH_IN];
    chunks_free_locked(&rx->rx_head, &rx->rx_tail);
    if (role == ROLE_SERVER && c->ep != NULL)
        c->ep->server_calls--;
    idle_add_locked(r);
}

/* ---- scheduled tasks and delivery ------------------------------------------------------------ */

static void apc_run(void *ctx);

/* The manager routine receives a server state whose NotificationType is None; the state's own
 * notifications (RpcSendComplete, RpcReceiveComplete) issued before the server has chosen how
 * to be notified are held until it has: until it registers the handle with
 * RpcAsyncRegisterInfo (seed 000: a server that receives by APC "must ... register the
 * asynchronous handle with the run-time library"), or, having set a NotificationType other
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
static void server_entered_locked(staterec *r)
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
    notif_settle_locked(r->call, ev, n->chan);
    sim_count(SIM_COUNT_PENDING_NOTIFICATIONS, -1);
    free(n);
    if (r->phase != PH_CALL || r->gen != gen)
        return;

    check_fields_locked(r, "notification");
    /* The runtime writes Event (and its own bookkeeping) before it notifies. For an APC the
     * write happens on the notified thread, just before the routine runs (apc_run): written
     * here it could overwrite the Event that an earlier APC's routine is reading. */
    RPC_NOTIFICATION_TYPES type = r->p->NotificationType;
    if (type != RpcNotificationTypeApc)
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

/* A chunk of channel `chan` arrives at its receiver: the send has completed. */
static void arrive_task_locked(outbox *ob, sim_call *c, int chan)
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
    int notify = k->notify;
    if (c->failed || receiver_done) {
        sim_count(SIM_COUNT_PIPE_BUFFERS, -1);
        free(k);
        return;
    }
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
    }
    /* Several sends may collapse into one RpcSendComplete (Microsoft: "Client-side Asynchronous
     * Pipe Handling"): one already on its way covers this one. */
    if (notify && !ch->send_notif_out)
        issue_locked(ob, side_rec_locked(c, chan_sender(chan)), RpcSendComplete, chan, 0);
    if (ch->pull_pending && !ch->pull_notified)
        issue_locked(ob, side_rec_locked(c, chan_receiver(chan)), RpcReceiveComplete, chan,
                     rng_delay(&c->rng[RS_RECV_DELAY], c->plan.max_delay_ms));
}

/* The server's Complete or Abort reaches the client. */
static void reply_task_locked(outbox *ob, sim_call *c)
{
    if (c->failed || c->reply_available || c->client_done)
        return;
    if (c->srv_aborted) {
        /* A nonzero ExceptionCode reaches the client as a fault: the status of its
         * RpcAsyncCompleteCall. Its pipes fail from now on. */
        fail_call_locked(ob, c, (RPC_STATUS)c->srv_abort_code, RPC_S_CALL_FAILED, -1);
        return;
    }
    c->reply_arrived = 1;
    c->reply_value = c->srv_reply;
    c->reply_b = c->srv_b;
    try_available_locked(ob, c);
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
            ev = a->event;
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

static void dispatch_main(void *ctx);
static void dispatch_failed(sim_call *c);

static void ob_flush(outbox *ob)
{
    for (int i = 0; i < ob->n; i++) {
        action *act = &ob->a[i];
        switch (act->kind) {
        case A_SCHED:
            if (sim_schedule(act->delay, task_run, act->t) != 0)
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

/* ---- looking up a state for an RpcAsync* entry ---------------------------------------------- */

/* Returns the record for p (checked against the runtime fields), or NULL with *st set and the
 * misuse recorded. */
static staterec *api_rec_locked(PRPC_ASYNC_STATE p, const char *fn, RPC_STATUS *st)
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

/* ---- RpcAsync* -------------------------------------------------------------------------------- */

SIM_EXPORT RPC_STATUS WINRPC_ENTRY RpcAsyncInitializeHandle(PRPC_ASYNC_STATE pAsync,
                                                            unsigned int Size)
{
    if (pAsync == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcAsyncInitializeHandle: pAsync is NULL");
        return RPC_S_INVALID_ARG;
    }
    if (Size != sizeof(RPC_ASYNC_STATE)) {
        /* Windows returns ERROR_INVALID_PARAMETER and writes nothing (abi.md). */
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
         * not touch it (seed 000). */
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
        st = RPC_S_INVALID_BINDING; /* what Windows returns for a state never used (abi.md) */
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
        if (st == RPC_S_OK) {
            if (Reply == NULL) {
                /* STRICT: every fixture operation returns an int; Windows would write through
                 * the NULL. Refused, not final: the caller may complete again. */
                sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                           "RpcAsyncCompleteCall: Reply is NULL for client state %p",
                           (void *)pAsync);
                st = RPC_S_INVALID_ARG;
                goto out;
            }
            memcpy(Reply, &c->reply_value, sizeof c->reply_value);
            if (c->c_b != NULL)
                *c->c_b = c->reply_b;
        }
        side_finish_locked(c, r);
        goto out;
    }
    /* Server: sends the reply; final. */
    if (!c->failed) {
        /* STRICT: a server completes only after it pulled its in pipe to the end and made the
         * null push on its out pipe (seed 002, server tables: Comp follows the null pull and
         * the null push). Refused, not final: the server must finish its pipes or abort. */
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
    if (Reply == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "RpcAsyncCompleteCall: Reply is NULL for server state %p (every fixture "
                   "operation returns an int)", (void *)pAsync);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    subs_end_locked(r, "RpcAsyncCompleteCall"); /* final from here on */
    if (!c->failed && !c->reply_available && !c->client_done) {
        memcpy(&c->srv_reply, Reply, sizeof c->srv_reply);
        c->srv_b = c->s_b; /* [out] b as it is now */
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
        /* STRICT: only a nonzero ExceptionCode reaches the client as a fault (abi.md); a zero
         * code would complete the client with RPC_S_OK and no reply. Refused, not final. */
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
    if (c->reply_available)
        goto out; /* the call has already finished: nothing to cancel */
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

/* ---- async pipes ----------------------------------------------------------------------------- */

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
        /* STRICT: after RPC_S_ASYNC_CALL_PENDING the receiver waits for RpcReceiveComplete
         * before pulling again (abi.md); pulling earlier is a discipline error. */
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
        ch->pull_pending = 1;
        st = RPC_S_ASYNC_CALL_PENDING;
        goto out;
    }
    /* A pull that would complete: the fault plan may fail it (and the call). */
    if (sim_rng_chance(&c->rng[e->role == ROLE_CLIENT ? RS_CLIENT_FAULT : RS_SERVER_FAULT],
                       c->plan.pull_fail_ppm)) {
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
        memcpy(buf, k->data + k->off, (size_t)n * sizeof(int32_t));
        k->off += n;
        *ecount = n;
        if (k->off == k->n) {
            ch->rx_head = k->next;
            if (ch->rx_head == NULL)
                ch->rx_tail = NULL;
            sim_count(SIM_COUNT_PIPE_BUFFERS, -1);
            free(k);
        }
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
    if (sim_rng_chance(&c->rng[e->role == ROLE_CLIENT ? RS_CLIENT_FAULT : RS_SERVER_FAULT],
                       c->plan.push_fail_ppm)) {
        fail_call_locked(&ob, c, RPC_S_CALL_FAILED, RPC_S_CALL_FAILED,
                         e->role == ROLE_CLIENT ? (int)RpcClientDisconnect : -1);
        st = RPC_S_CALL_FAILED;
        goto out;
    }
    chunk *k = malloc(sizeof *k + (size_t)ecount * sizeof(int32_t));
    if (k == NULL) {
        st = RPC_X_PIPE_APP_MEMORY;
        goto out;
    }
    k->next = NULL;
    k->n = ecount;
    k->off = 0;
    if (ecount != 0)
        memcpy(k->data, buf, (size_t)ecount * sizeof(int32_t));
    /* The caller may reuse buf as soon as push returns (Microsoft: "Client-side Asynchronous
     * Pipe Handling"). Whether RpcSendComplete follows is decided by Flags now. */
    PRPC_ASYNC_STATE sp = e->role == ROLE_CLIENT ? c->cstate : c->sstate;
    k->notify = (sp->Flags & WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE) != 0;
    if (ch->fl_tail != NULL)
        ch->fl_tail->next = k;
    else
        ch->fl_head = k;
    ch->fl_tail = k;
    sim_count(SIM_COUNT_PIPE_BUFFERS, 1);
    if (ecount == 0)
        ch->sender_ended = 1;
    sched_locked(&ob, T_ARRIVE, NULL, 0, c, e->chan,
                 rng_delay(&c->rng[e->role == ROLE_CLIENT ? RS_CLIENT_DELAY : RS_SERVER_DELAY],
                           c->plan.max_delay_ms));
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

/* ---- endpoints and bindings ------------------------------------------------------------------ */

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

/* ---- starting and dispatching calls ---------------------------------------------------------- */

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

static void dispatch_failed(sim_call *c)
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
static void dispatch_main(void *ctx)
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

static void fill_pipe(ASYNC_INTPIPE *pp, pipe_end *e)
{
    pp->pull = sim_pipe_pull;
    pp->push = sim_pipe_push;
    pp->alloc = sim_pipe_alloc;
    pp->state = (char *)(void *)e;
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

static RPC_STATUS start_call(const char *fn, PRPC_ASYNC_STATE pAsync, void *hBinding, int op,
                             int32_t a, int32_t b, uint32_t u, ASYNC_INTPIPE *inpipe,
                             ASYNC_INTPIPE *outpipe, int32_t *pb)
{
    RPC_STATUS st = RPC_S_OK;
    outbox ob;
    ob_init(&ob);
    int has_in = op == SIM_OP_PIPE_SUM || op == SIM_OP_PIPE_ECHO;
    int has_out = op == SIM_OP_PIPE_RANGE || op == SIM_OP_PIPE_ECHO;

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
    binding *bd = hBinding ? hm_get(&g_bindings, hBinding) : NULL;
    if (bd == NULL) {
        sim_misuse(SIM_MISUSE_INVALID_HANDLE, "%s: %p is not an open binding handle", fn,
                   hBinding);
        st = RPC_S_INVALID_BINDING;
        goto out;
    }
    if ((has_in && inpipe == NULL) || (has_out && outpipe == NULL) ||
        (op == SIM_OP_PIPE_ECHO && pb == NULL)) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: a pipe or [out] pointer is NULL", fn);
        st = RPC_S_INVALID_ARG;
        goto out;
    }
    endpoint *ep = bd->ep;
    if (!ep->listening) {
        st = RPC_S_SERVER_UNAVAILABLE;
        goto out;
    }

    sim_call *c = calloc(1, sizeof *c);
    PRPC_ASYNC_STATE sp = server_state_alloc_locked();
    staterec *sr = calloc(1, sizeof *sr);
    if (c == NULL || sp == NULL || sr == NULL || hm_put(&g_states, sp, sr) != 0) {
        free(c);
        free(sp);
        free(sr);
        st = RPC_S_CALL_FAILED_DNE; /* out of memory: the call did not start */
        goto out;
    }
    c->gen = ++g_gen;
    c->seq = ++g_seq;
    c->op = op;
    c->ep = ep;
    c->a = a;
    c->b = b;
    c->u = u;
    c->plan = g_plan;
    for (uint32_t i = 0; i <= RS_RECV_DELAY; i++)
        c->rng[i].s = stream_seed(c->plan.seed, c->seq, i);
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
        goto out;
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
        goto out;
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
    ep->server_calls++;

    /* The dispatch thread holds a reference until the manager routine returns. */
    c->refs++;
    g_tasks_out++;
    action act;
    memset(&act, 0, sizeof act);
    act.kind = A_SPAWN;
    act.call = c;
    ob_push(&ob, &act);
out:
    unlock();
    ob_flush(&ob);
    return st;
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
    if (!c->reply_available)
        fail_call_locked(&ob, c, RPC_S_CALL_FAILED, RPC_S_CALL_FAILED,
                         (int)RpcClientDisconnect);
out:
    unlock();
    ob_flush(&ob);
    return st;
}

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

SIM_EXPORT void sim_reset(void)
{
    lock();
    memset(&g_plan, 0, sizeof g_plan);
    g_reply_delay = 0;
    g_seq = 0;
    unlock();
    sim_misuse_clear();
}
