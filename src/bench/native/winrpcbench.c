/*
 * winrpcbench.c - producers, the C loop and the call drivers of winrpcbench.h.
 *
 * Only the simulator's exported API is used. Nothing here is timed: the callers (the JMH
 * benchmarks through JNA, once per batch, and winrpcbench_main.c) time whole batches.
 */
#include "winrpcbench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WB_SYNCHRONIZE 0x00100000u
#define WB_BATCH 64u /* completions per GetQueuedCompletionStatusEx, as IocpDispatcher */
#define WB_AWAIT_LIMIT_NS (60ull * 1000000000ull)

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- producers ------------------------------------------------------------------------------ */

struct wb_apc_desc {
    PFN_RPCNOTIFICATION_ROUTINE routine;
    PRPC_ASYNC_STATE p;
    int32_t event;
};

WB_EXPORT wb_apc_desc *wb_apc_desc_new(PFN_RPCNOTIFICATION_ROUTINE routine,
                                       PRPC_ASYNC_STATE pAsync, int32_t event)
{
    wb_apc_desc *d = malloc(sizeof *d);
    if (d == NULL)
        return NULL;
    d->routine = routine;
    d->p = pAsync;
    d->event = event;
    return d;
}

WB_EXPORT void wb_apc_desc_free(wb_apc_desc *d) { free(d); }

/* What the runtime's notification APC does once it has found its call: write Event, then call
 * the routine with Context NULL (the simulator's apc_run, less its bookkeeping). */
static void WINRPC_ENTRY apc_trampoline(uintptr_t param)
{
    const wb_apc_desc *d = (const wb_apc_desc *)param;
    d->p->Event = (RPC_ASYNC_EVENT)d->event;
    d->routine(d->p, NULL, (RPC_ASYNC_EVENT)d->event);
}

WB_EXPORT int32_t wb_produce_apc(HANDLE hThread, const wb_apc_desc *d, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!QueueUserAPC(apc_trampoline, hThread, (ULONG_PTR)d))
            return -(int32_t)(1 + i);
    return (int32_t)n;
}

WB_EXPORT int32_t wb_produce_iocp(HANDLE port, PRPC_ASYNC_STATE pAsync, int32_t event,
                                  uint32_t n)
{
    pAsync->Event = (RPC_ASYNC_EVENT)event;
    for (uint32_t i = 0; i < n; i++)
        if (!PostQueuedCompletionStatus(port, 0, (ULONG_PTR)pAsync, NULL))
            return -(int32_t)(1 + i);
    return (int32_t)n;
}

/* ---- states and bindings -------------------------------------------------------------------- */

WB_EXPORT PRPC_ASYNC_STATE wb_states_new(uint32_t n)
{
    size_t bytes = (size_t)(n ? n : 1) * sizeof(RPC_ASYNC_STATE);
    bytes = (bytes + 63u) & ~(size_t)63u;
    void *p = aligned_alloc(64, bytes);
    if (p != NULL)
        memset(p, 0, bytes);
    return p;
}

WB_EXPORT void wb_states_free(PRPC_ASYNC_STATE states) { free(states); }

WB_EXPORT PRPC_ASYNC_STATE wb_state_at(PRPC_ASYNC_STATE states, uint32_t i) { return &states[i]; }

/* A UTF-16 copy of an ASCII string (at most 255 characters). */
static uint16_t *wb_w(const char *s, uint16_t buf[256])
{
    size_t n = strlen(s);
    if (n > 255)
        n = 255;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)s[i];
    buf[n] = 0;
    return buf;
}

/* A binding to ncalrpc:[endpoint], made as an application makes one. */
WB_EXPORT void *wb_binding_new(const char *endpoint)
{
    char sb[280];
    uint16_t w[256];
    void *b = NULL;
    snprintf(sb, sizeof sb, "ncalrpc:[%s]", endpoint);
    if (RpcBindingFromStringBindingW(wb_w(sb, w), &b) != RPC_S_OK)
        return NULL;
    return b;
}

WB_EXPORT void wb_binding_free(void *binding)
{
    if (binding != NULL)
        RpcBindingFree(&binding);
}

WB_EXPORT int32_t wb_calls_start(PRPC_ASYNC_STATE const *states, uint32_t k, void *binding)
{
    for (uint32_t i = 0; i < k; i++) {
        PRPC_ASYNC_STATE s = states[i];
        if (RpcAsyncInitializeHandle(s, sizeof *s) != RPC_S_OK)
            return (int32_t)i;
        if (fx_Add(s, binding, (int32_t)i, 1) != RPC_S_OK)
            return (int32_t)i;
    }
    return (int32_t)k;
}

WB_EXPORT int32_t wb_calls_complete(PRPC_ASYNC_STATE const *states, uint32_t k)
{
    int32_t ok = 0;
    for (uint32_t i = 0; i < k; i++) {
        int32_t reply = 0;
        RPC_STATUS st = RpcAsyncCompleteCall(states[i], &reply);
        if (st == RPC_S_OK && reply == (int32_t)i + 1)
            ok++;
    }
    return ok;
}

/* ---- the C loop ----------------------------------------------------------------------------- */

typedef struct wb_reg wb_reg;
typedef void (*wb_handler)(wb_loop *l, wb_reg *r, int32_t event);

struct wb_reg {
    PRPC_ASYNC_STATE s;
    wb_handler handler;
    int32_t expect; /* the full call's expected reply */
    wb_reg *owned_next; /* counter registrations the loop frees at stop */
};

struct wb_loop {
    int kind;
    pthread_t thread;
    HANDLE hThread;
    HANDLE port;
    atomic_int started; /* 1 ready, -1 failed */
    atomic_int stop;

    /* The registry: open addressing, linear probing, backward-shift deletion, under a mutex
     * (the library's LongObjectMap, synchronized). */
    pthread_mutex_t mu;
    uintptr_t *keys;
    wb_reg **vals;
    size_t cap, size;
    wb_reg *owned;

    /* Counting: count is the loop thread's; goal is the producer's; reached is published
     * once per batch. */
    uint64_t count;
    _Alignas(64) _Atomic uint64_t goal;
    _Alignas(64) _Atomic uint64_t reached;
    _Alignas(64) atomic_llong errors;

    /* Blocking waits (the call benchmarks): the waiter sleeps on wcv; the handler signals it
     * once per batch, when the count reaches the goal. */
    int blocking;
    pthread_mutex_t wmu;
    pthread_cond_t wcv;

    atomic_int gate_entered;
    atomic_int gate_open;
    void (*_Atomic task)(wb_loop *l);

    /* The full call's own states and registrations. */
    PRPC_ASYNC_STATE fc_states;
    wb_reg *fc_regs;
    uint32_t fc_cap;
};

static _Thread_local wb_loop *t_loop;

static size_t reg_hash(uintptr_t key, size_t mask)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    return (size_t)((uint32_t)(h ^ (h >> 32))) & mask;
}

static void reg_grow_locked(wb_loop *l)
{
    size_t ncap = l->cap * 2;
    uintptr_t *nk = calloc(ncap, sizeof *nk);
    wb_reg **nv = calloc(ncap, sizeof *nv);
    if (nk == NULL || nv == NULL) {
        free(nk);
        free(nv);
        return;
    }
    for (size_t j = 0; j < l->cap; j++) {
        if (l->keys[j] != 0) {
            size_t i = reg_hash(l->keys[j], ncap - 1);
            while (nk[i] != 0)
                i = (i + 1) & (ncap - 1);
            nk[i] = l->keys[j];
            nv[i] = l->vals[j];
        }
    }
    free(l->keys);
    free(l->vals);
    l->keys = nk;
    l->vals = nv;
    l->cap = ncap;
}

static wb_reg *reg_get(wb_loop *l, uintptr_t key)
{
    wb_reg *v = NULL;
    pthread_mutex_lock(&l->mu);
    size_t mask = l->cap - 1;
    for (size_t i = reg_hash(key, mask);; i = (i + 1) & mask) {
        if (l->keys[i] == key) {
            v = l->vals[i];
            break;
        }
        if (l->keys[i] == 0)
            break;
    }
    pthread_mutex_unlock(&l->mu);
    return v;
}

static int reg_put(wb_loop *l, uintptr_t key, wb_reg *v)
{
    int rc = -1;
    pthread_mutex_lock(&l->mu);
    if ((l->size + 1) * 2 > l->cap)
        reg_grow_locked(l);
    size_t mask = l->cap - 1;
    for (size_t i = reg_hash(key, mask);; i = (i + 1) & mask) {
        if (l->keys[i] == key)
            break;
        if (l->keys[i] == 0) {
            l->keys[i] = key;
            l->vals[i] = v;
            l->size++;
            rc = 0;
            break;
        }
    }
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static void reg_remove(wb_loop *l, uintptr_t key)
{
    pthread_mutex_lock(&l->mu);
    size_t mask = l->cap - 1;
    size_t i = reg_hash(key, mask);
    while (l->keys[i] != key) {
        if (l->keys[i] == 0) {
            pthread_mutex_unlock(&l->mu);
            return;
        }
        i = (i + 1) & mask;
    }
    size_t hole = i;
    for (size_t j = (i + 1) & mask; l->keys[j] != 0; j = (j + 1) & mask) {
        size_t home = reg_hash(l->keys[j], mask);
        int movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            l->keys[hole] = l->keys[j];
            l->vals[hole] = l->vals[j];
            hole = j;
        }
    }
    l->keys[hole] = 0;
    l->vals[hole] = NULL;
    l->size--;
    pthread_mutex_unlock(&l->mu);
}

static inline void count_one(wb_loop *l)
{
    uint64_t c = ++l->count;
    if (c == atomic_load_explicit(&l->goal, memory_order_relaxed)) {
        atomic_store_explicit(&l->reached, c, memory_order_release);
        if (l->blocking) {
            pthread_mutex_lock(&l->wmu);
            pthread_cond_signal(&l->wcv);
            pthread_mutex_unlock(&l->wmu);
        }
    }
}

static void deliver(wb_loop *l, uintptr_t key, int32_t event)
{
    wb_reg *r = reg_get(l, key);
    if (r == NULL) {
        atomic_fetch_add(&l->errors, 1);
        return;
    }
    r->handler(l, r, event);
}

/* The notification routine of every APC registration (Java's ApcDispatcher.onApc). */
static void WINRPC_ENTRY loop_routine(PRPC_ASYNC_STATE pAsync, void *Context,
                                      RPC_ASYNC_EVENT Event)
{
    (void)Context;
    wb_loop *l = t_loop;
    if (l == NULL) {
        fprintf(stderr, "winrpcbench: a notification ran outside its loop thread\n");
        return;
    }
    deliver(l, (uintptr_t)pAsync, (int32_t)Event);
}

static void counter_handler(wb_loop *l, wb_reg *r, int32_t event)
{
    (void)r;
    if (event != RpcCallComplete)
        atomic_fetch_add(&l->errors, 1);
    count_one(l);
}

static void WINRPC_ENTRY noop_apc(uintptr_t p) { (void)p; }

static void gate_wait(wb_loop *l)
{
    atomic_store(&l->gate_entered, 1);
    while (!atomic_load_explicit(&l->gate_open, memory_order_acquire))
        cpu_relax();
}

static void WINRPC_ENTRY gate_apc(uintptr_t p) { gate_wait((wb_loop *)p); }

static void *loop_main(void *arg)
{
    wb_loop *l = arg;
    t_loop = l;
    if (l->kind == WB_APC) {
        l->hThread = OpenThread(WINRPC_THREAD_SET_CONTEXT | WB_SYNCHRONIZE, 0,
                                GetCurrentThreadId());
        if (l->hThread == NULL) {
            atomic_store(&l->started, -1);
            return NULL;
        }
        atomic_store(&l->started, 1);
        while (!atomic_load_explicit(&l->stop, memory_order_relaxed))
            SleepEx(SIM_INFINITE, 1);
        CloseHandle(l->hThread);
        return NULL;
    }
    atomic_store(&l->started, 1);
    OVERLAPPED_ENTRY e[WB_BATCH];
    while (!atomic_load_explicit(&l->stop, memory_order_relaxed)) {
        uint32_t n = 0;
        if (GetQueuedCompletionStatusEx(l->port, e, WB_BATCH, &n, SIM_INFINITE, 0)) {
            for (uint32_t i = 0; i < n; i++) {
                uintptr_t key = e[i].lpCompletionKey;
                if (key == 0)
                    continue; /* a wake-up: the task runs after the batch */
                wb_reg *r = reg_get(l, key);
                if (r == NULL)
                    atomic_fetch_add(&l->errors, 1);
                else
                    r->handler(l, r, (int32_t)r->s->Event);
            }
        }
        void (*task)(wb_loop *) = atomic_exchange(&l->task, NULL);
        if (task != NULL)
            task(l);
    }
    return NULL;
}

WB_EXPORT wb_loop *wb_loop_start(int32_t kind)
{
    if (kind != WB_APC && kind != WB_IOCP)
        return NULL;
    size_t bytes = (sizeof(wb_loop) + 63u) & ~(size_t)63u;
    wb_loop *l = aligned_alloc(64, bytes); /* its counters sit on cache lines of their own */
    if (l == NULL)
        return NULL;
    memset(l, 0, bytes);
    l->kind = kind;
    pthread_mutex_init(&l->mu, NULL);
    pthread_mutex_init(&l->wmu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&l->wcv, &ca);
    pthread_condattr_destroy(&ca);
    l->cap = 64;
    l->keys = calloc(l->cap, sizeof *l->keys);
    l->vals = calloc(l->cap, sizeof *l->vals);
    if (l->keys == NULL || l->vals == NULL)
        goto fail;
    if (kind == WB_IOCP) {
        l->port = CreateIoCompletionPort(SIM_PSEUDO_PROCESS, NULL, 0, 1);
        if (l->port == NULL)
            goto fail;
    }
    if (pthread_create(&l->thread, NULL, loop_main, l) != 0)
        goto fail;
    while (atomic_load(&l->started) == 0)
        cpu_relax();
    if (atomic_load(&l->started) < 0) {
        pthread_join(l->thread, NULL);
        goto fail;
    }
    return l;
fail:
    if (l->port != NULL)
        CloseHandle(l->port);
    free(l->keys);
    free(l->vals);
    pthread_mutex_destroy(&l->mu);
    pthread_mutex_destroy(&l->wmu);
    pthread_cond_destroy(&l->wcv);
    free(l);
    return NULL;
}

WB_EXPORT void wb_loop_stop(wb_loop *l)
{
    if (l == NULL)
        return;
    atomic_store(&l->stop, 1);
    if (l->kind == WB_APC)
        QueueUserAPC(noop_apc, l->hThread, 0);
    else
        PostQueuedCompletionStatus(l->port, 0, 0, NULL);
    pthread_join(l->thread, NULL);
    if (l->kind == WB_IOCP)
        CloseHandle(l->port);
    while (l->owned != NULL) {
        wb_reg *r = l->owned;
        l->owned = r->owned_next;
        free(r);
    }
    free(l->fc_states);
    free(l->fc_regs);
    free(l->keys);
    free(l->vals);
    pthread_mutex_destroy(&l->mu);
    pthread_mutex_destroy(&l->wmu);
    pthread_cond_destroy(&l->wcv);
    free(l);
}

WB_EXPORT void wb_loop_set_blocking(wb_loop *l, int32_t blocking) { l->blocking = blocking != 0; }

WB_EXPORT HANDLE wb_loop_thread(wb_loop *l) { return l->hThread; }
WB_EXPORT HANDLE wb_loop_port(wb_loop *l) { return l->port; }
WB_EXPORT PFN_RPCNOTIFICATION_ROUTINE wb_loop_routine(void) { return loop_routine; }

/* Writes the caller's notification fields for this loop: u, UserInfo, Flags, then
 * NotificationType (the library's writeCallerFields order). */
static void write_notification_fields(wb_loop *l, PRPC_ASYNC_STATE s)
{
    if (l->kind == WB_APC) {
        s->u.APC.NotificationRoutine = loop_routine;
        s->u.APC.hThread = l->hThread;
    } else {
        s->u.IOC.hIOPort = l->port;
        s->u.IOC.dwNumberOfBytesTransferred = 0;
        s->u.IOC.dwCompletionKey = (uintptr_t)s;
        s->u.IOC.lpOverlapped = NULL;
    }
    s->UserInfo = NULL;
    s->Flags = 0;
    s->NotificationType = l->kind == WB_APC ? RpcNotificationTypeApc : RpcNotificationTypeIoc;
}

WB_EXPORT int32_t wb_loop_register_counter(wb_loop *l, PRPC_ASYNC_STATE s)
{
    wb_reg *r = calloc(1, sizeof *r);
    if (r == NULL)
        return -1;
    r->s = s;
    r->handler = counter_handler;
    write_notification_fields(l, s);
    if (reg_put(l, (uintptr_t)s, r) != 0) {
        free(r);
        return -1;
    }
    r->owned_next = l->owned;
    l->owned = r;
    return 0;
}

WB_EXPORT void wb_loop_unregister(wb_loop *l, PRPC_ASYNC_STATE s) { reg_remove(l, (uintptr_t)s); }

WB_EXPORT void wb_loop_gate_close(wb_loop *l)
{
    atomic_store(&l->gate_open, 0);
    atomic_store(&l->gate_entered, 0);
    if (l->kind == WB_APC) {
        QueueUserAPC(gate_apc, l->hThread, (ULONG_PTR)l);
    } else {
        atomic_store(&l->task, gate_wait);
        PostQueuedCompletionStatus(l->port, 0, 0, NULL);
    }
    while (!atomic_load(&l->gate_entered))
        cpu_relax();
}

WB_EXPORT void wb_loop_expect(wb_loop *l, uint64_t n)
{
    atomic_store(&l->goal, atomic_load(&l->goal) + n);
}

static int32_t await_blocking(wb_loop *l, uint64_t goal)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(WB_AWAIT_LIMIT_NS / 1000000000ull);
    int32_t rc = 0;
    pthread_mutex_lock(&l->wmu);
    while (atomic_load_explicit(&l->reached, memory_order_acquire) < goal) {
        if (pthread_cond_timedwait(&l->wcv, &l->wmu, &until) != 0 &&
            atomic_load_explicit(&l->reached, memory_order_acquire) < goal) {
            fprintf(stderr, "winrpcbench: %llu of %llu notifications after 60 s\n",
                    (unsigned long long)atomic_load(&l->reached), (unsigned long long)goal);
            rc = -1;
            break;
        }
    }
    pthread_mutex_unlock(&l->wmu);
    return rc;
}

WB_EXPORT int32_t wb_loop_await(wb_loop *l)
{
    uint64_t goal = atomic_load(&l->goal);
    if (l->blocking)
        return await_blocking(l, goal);
    uint64_t deadline = 0;
    uint32_t spins = 0;
    while (atomic_load_explicit(&l->reached, memory_order_acquire) < goal) {
        cpu_relax();
        if ((++spins & 0xFFFFu) == 0) {
            uint64_t now = mono_ns();
            if (deadline == 0) {
                deadline = now + WB_AWAIT_LIMIT_NS;
            } else if (now > deadline) {
                fprintf(stderr, "winrpcbench: %llu of %llu notifications after 60 s\n",
                        (unsigned long long)atomic_load(&l->reached),
                        (unsigned long long)goal);
                return -1;
            }
        }
    }
    return 0;
}

WB_EXPORT int32_t wb_loop_release_await(wb_loop *l)
{
    atomic_store_explicit(&l->gate_open, 1, memory_order_release);
    return wb_loop_await(l);
}

WB_EXPORT int64_t wb_loop_errors(wb_loop *l) { return (int64_t)atomic_load(&l->errors); }

WB_EXPORT int64_t wb_loop_count(wb_loop *l)
{
    return (int64_t)atomic_load_explicit(&l->reached, memory_order_acquire);
}

/* ---- the C full plain call ------------------------------------------------------------------ */

static void fullcall_handler(wb_loop *l, wb_reg *r, int32_t event)
{
    if (event != RpcCallComplete) {
        atomic_fetch_add(&l->errors, 1);
        return;
    }
    int32_t reply = 0;
    RPC_STATUS st = RpcAsyncCompleteCall(r->s, &reply);
    if (st == RPC_S_ASYNC_CALL_PENDING)
        return;
    reg_remove(l, (uintptr_t)r->s);
    if (st != RPC_S_OK || reply != r->expect)
        atomic_fetch_add(&l->errors, 1);
    count_one(l);
}

WB_EXPORT int32_t wb_fullcall_batch(wb_loop *l, void *binding, uint32_t k)
{
    if (k > l->fc_cap) {
        free(l->fc_states);
        free(l->fc_regs);
        l->fc_states = wb_states_new(k);
        l->fc_regs = calloc(k, sizeof *l->fc_regs);
        l->fc_cap = l->fc_states != NULL && l->fc_regs != NULL ? k : 0;
        if (l->fc_cap == 0)
            return -1;
    }
    wb_loop_expect(l, k);
    for (uint32_t i = 0; i < k; i++) {
        PRPC_ASYNC_STATE s = &l->fc_states[i];
        wb_reg *r = &l->fc_regs[i];
        if (RpcAsyncInitializeHandle(s, sizeof *s) != RPC_S_OK)
            goto fail;
        write_notification_fields(l, s);
        r->s = s;
        r->handler = fullcall_handler;
        r->expect = (int32_t)i + 1;
        if (reg_put(l, (uintptr_t)s, r) != 0)
            goto fail;
        if (RpcAsyncRegisterInfo(s) != RPC_S_OK || fx_Add(s, binding, (int32_t)i, 1) != RPC_S_OK) {
            reg_remove(l, (uintptr_t)s);
            goto fail;
        }
    }
    return wb_loop_await(l);
fail:
    fprintf(stderr, "winrpcbench: a full call could not start\n");
    atomic_fetch_add(&l->errors, 1);
    return -1;
}

/* ---- pipe throughput: the C server and the C client ---------------------------------------- */

#define WB_PIPE_WAIT_MS 60000u /* the longest wait for one notification before giving up */

/* One side of a pipe call, as its APC notification routine sees it. The routine runs on the
 * side's own thread, inside its SleepEx, so plain fields are enough; the state's UserInfo
 * points here, so the compiler reloads them after every SleepEx. */
typedef struct pipe_side {
    HANDLE hThread;
    uint32_t sends; /* RpcSendComplete received */
    uint32_t recvs; /* RpcReceiveComplete received */
    int complete;   /* RpcCallComplete received (client) */
    int gone;       /* RpcClientCancel or RpcClientDisconnect received (server) */
} pipe_side;

static void WINRPC_ENTRY pipe_routine(PRPC_ASYNC_STATE pAsync, void *Context,
                                      RPC_ASYNC_EVENT Event)
{
    (void)Context;
    pipe_side *x = pAsync->UserInfo;
    switch (Event) {
    case RpcSendComplete: x->sends++; break;
    case RpcReceiveComplete: x->recvs++; break;
    case RpcCallComplete: x->complete = 1; break;
    case RpcClientCancel:
    case RpcClientDisconnect: x->gone = 1; break;
    default: break;
    }
}

/* APC notification to this thread (a real handle, with THREAD_SET_CONTEXT), the fields in the
 * library's order (u, UserInfo, Flags, then NotificationType), and RpcAsyncRegisterInfo, as
 * the library's Dispatcher.register does. 0, or -1. */
static int pipe_side_open(pipe_side *x, PRPC_ASYNC_STATE s, uint32_t flags)
{
    memset(x, 0, sizeof *x);
    x->hThread = OpenThread(WINRPC_THREAD_SET_CONTEXT | WB_SYNCHRONIZE, 0, GetCurrentThreadId());
    if (x->hThread == NULL)
        return -1;
    s->u.APC.NotificationRoutine = pipe_routine;
    s->u.APC.hThread = x->hThread;
    s->UserInfo = x;
    s->Flags = flags;
    s->NotificationType = RpcNotificationTypeApc;
    return RpcAsyncRegisterInfo(s) == RPC_S_OK ? 0 : -1;
}

static void pipe_side_close(pipe_side *x)
{
    if (x->hThread != NULL)
        CloseHandle(x->hThread);
    x->hThread = NULL;
}

/* Waits alertably until *counter moves from seen (0); -1 if the call ended first (the
 * client's RpcCallComplete, the server's client gone) or after WB_PIPE_WAIT_MS. */
static int pipe_wait(pipe_side *x, const uint32_t *counter, uint32_t seen)
{
    uint64_t deadline = mono_ns() + (uint64_t)WB_PIPE_WAIT_MS * 1000000ull;
    while (*counter == seen) {
        if (x->complete || x->gone)
            return -1;
        if (SleepEx(1000, 1) != WINRPC_WAIT_IO_COMPLETION && mono_ns() > deadline) {
            fprintf(stderr, "winrpcbench: no pipe notification within %u ms\n", WB_PIPE_WAIT_MS);
            return -1;
        }
    }
    return 0;
}

/* Pushes n elements (0: the null push) and waits for the RpcSendComplete. */
static RPC_STATUS pipe_push(pipe_side *x, ASYNC_INTPIPE *p, int32_t *buf, uint32_t n)
{
    uint32_t seen = x->sends;
    RPC_STATUS st = p->push(p->state, buf, n);
    if (st != RPC_S_OK)
        return st;
    return pipe_wait(x, &x->sends, seen) == 0 ? RPC_S_OK : RPC_S_CALL_FAILED;
}

/* Produces the chunk of k elements that starts at element `first` and returns where it is (a
 * buffer the push may read until it returns). */
typedef int32_t *(*wb_fill)(void *ctx, uint32_t first, uint32_t k);

/* Pushes `total` elements in chunks of `chunk`, each made by fill, then the null push. Each
 * chunk after the first is made while the one before it is being sent: the runtime has copied
 * a chunk when its push returns ("the caller may reuse buf as soon as push returns"), so only
 * its RpcSendComplete is left to wait for, after the next chunk is made. The library's sender
 * does the same with two blocks of a pool (one refilled while the other is sent). */
static RPC_STATUS pipe_push_all(pipe_side *x, ASYNC_INTPIPE *p, uint32_t total, uint32_t chunk,
                                wb_fill fill, void *ctx)
{
    uint32_t i = 0, k = total < chunk ? total : chunk;
    int32_t *buf = k > 0 ? fill(ctx, 0, k) : NULL;
    while (i < total) {
        uint32_t seen = x->sends;
        RPC_STATUS st = p->push(p->state, buf, k);
        if (st != RPC_S_OK)
            return st;
        i += k;
        k = total - i < chunk ? total - i : chunk;
        if (k > 0)
            buf = fill(ctx, i, k);
        if (pipe_wait(x, &x->sends, seen) != 0)
            return RPC_S_CALL_FAILED;
    }
    return pipe_push(x, p, NULL, 0);
}

/* The values start + first, start + first + 1, ... into one buffer, summed. */
typedef struct wb_range_fill {
    int32_t *buf;
    uint32_t start;
    uint32_t sum;
} wb_range_fill;

static int32_t *range_fill(void *ctx, uint32_t first, uint32_t k)
{
    wb_range_fill *r = ctx;
    uint32_t s = r->sum;
    for (uint32_t j = 0; j < k; j++) {
        uint32_t v = r->start + first + j;
        r->buf[j] = (int32_t)v;
        s += v;
    }
    r->sum = s;
    return r->buf;
}

/* The echo server's kept elements, each plus a, in place. */
typedef struct wb_echo_fill {
    int32_t *v;
    int32_t a;
} wb_echo_fill;

static int32_t *echo_fill(void *ctx, uint32_t first, uint32_t k)
{
    wb_echo_fill *e = ctx;
    int32_t *v = e->v + first;
    for (uint32_t j = 0; j < k; j++)
        v[j] = (int32_t)((uint32_t)v[j] + (uint32_t)e->a);
    return v;
}

/* A buffer of int32 that grows, kept between calls by the echo server. */
typedef struct wb_buf {
    size_t cap;
    int32_t v[];
} wb_buf;

static int buf_reserve(wb_buf **b, size_t n)
{
    if (*b != NULL && (*b)->cap >= n)
        return 0;
    size_t cap = *b != NULL && (*b)->cap > 0 ? (*b)->cap : 4096;
    while (cap < n)
        cap *= 2;
    wb_buf *nb = realloc(*b, sizeof *nb + cap * sizeof(int32_t));
    if (nb == NULL)
        return -1;
    nb->cap = cap;
    *b = nb;
    return 0;
}

/* Pulls p to its end with chunk-element pulls, summing every element (32-bit wrap-around).
 * Each pull lands in scratch or, when keep is not NULL, at the end of *keep (the echo server
 * keeps everything). *count receives the number of elements. */
static RPC_STATUS pipe_pull_all(pipe_side *x, ASYNC_INTPIPE *p, uint32_t chunk, int32_t *scratch,
                                wb_buf **keep, uint32_t *sum, uint32_t *count)
{
    uint32_t total = 0, s = 0;
    for (;;) {
        int32_t *dst = scratch;
        if (keep != NULL) {
            if (buf_reserve(keep, (size_t)total + chunk) != 0)
                return RPC_X_PIPE_APP_MEMORY;
            dst = (*keep)->v + total;
        }
        uint32_t n = 0;
        uint32_t seen = x->recvs;
        RPC_STATUS st = p->pull(p->state, dst, chunk, &n);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            if (pipe_wait(x, &x->recvs, seen) != 0)
                return RPC_S_CALL_FAILED;
            continue;
        }
        if (st != RPC_S_OK)
            return st;
        if (n == 0)
            break;
        for (uint32_t i = 0; i < n; i++)
            s += (uint32_t)dst[i];
        total += n;
    }
    *sum = s;
    *count = total;
    return RPC_S_OK;
}

/* The server's configuration: one server at a time. */
static _Atomic uint32_t g_pipe_chunk;
static int g_pipe_started;
/* The echo server's buffer, kept between calls (taken and given back atomically, so that two
 * concurrent calls would each get one of their own). */
static wb_buf *_Atomic g_pipe_spare;

/* The server's end of a call: the reply, or an abort when the call failed. */
static void pipe_srv_end(PRPC_ASYNC_STATE s, pipe_side *x, RPC_STATUS st, int32_t reply)
{
    if (st == RPC_S_OK)
        RpcAsyncCompleteCall(s, &reply);
    else
        RpcAsyncAbortCall(s, (uint32_t)(x->gone ? RPC_S_CALL_CANCELLED : RPC_S_CALL_FAILED));
    pipe_side_close(x);
}

static void pipe_srv_sum(PRPC_ASYNC_STATE s, void *hBinding, ASYNC_INTPIPE *in)
{
    (void)hBinding;
    pipe_side x;
    uint32_t chunk = atomic_load(&g_pipe_chunk);
    int32_t *buf = malloc((size_t)chunk * sizeof *buf);
    uint32_t sum = 0, n = 0;
    RPC_STATUS st = pipe_side_open(&x, s, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE) == 0 && buf != NULL
                        ? pipe_pull_all(&x, in, chunk, buf, NULL, &sum, &n)
                        : RPC_S_CALL_FAILED;
    free(buf);
    pipe_srv_end(s, &x, st, (int32_t)sum);
}

static void pipe_srv_range(PRPC_ASYNC_STATE s, void *hBinding, int32_t start, int32_t count,
                           ASYNC_INTPIPE *out)
{
    (void)hBinding;
    pipe_side x;
    uint32_t chunk = atomic_load(&g_pipe_chunk);
    int32_t *buf = malloc((size_t)chunk * sizeof *buf);
    uint32_t total = count > 0 ? (uint32_t)count : 0;
    RPC_STATUS st = pipe_side_open(&x, s, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE) == 0 && buf != NULL
                        ? RPC_S_OK
                        : RPC_S_CALL_FAILED;
    wb_range_fill r = {buf, (uint32_t)start, 0};
    if (st == RPC_S_OK)
        st = pipe_push_all(&x, out, total, chunk, range_fill, &r);
    free(buf);
    pipe_srv_end(s, &x, st, count);
}

static void pipe_srv_echo(PRPC_ASYNC_STATE s, void *hBinding, int32_t a, ASYNC_INTPIPE *in,
                          ASYNC_INTPIPE *out, int32_t *b)
{
    (void)hBinding;
    pipe_side x;
    uint32_t chunk = atomic_load(&g_pipe_chunk);
    wb_buf *keep = atomic_exchange(&g_pipe_spare, NULL);
    uint32_t sum = 0, n = 0;
    RPC_STATUS st = pipe_side_open(&x, s, WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE) == 0
                        ? pipe_pull_all(&x, in, chunk, NULL, &keep, &sum, &n)
                        : RPC_S_CALL_FAILED;
    /* Back in the chunks it was pulled in (the client pushed chunks of `chunk`). */
    if (st == RPC_S_OK) {
        wb_echo_fill e = {keep != NULL ? keep->v : NULL, a};
        st = pipe_push_all(&x, out, n, chunk, echo_fill, &e);
    }
    if (st == RPC_S_OK)
        *b = (int32_t)n;
    free(atomic_exchange(&g_pipe_spare, keep));
    pipe_srv_end(s, &x, st, (int32_t)sum);
}

static const FX_SERVER_EPV g_pipe_epv = {NULL, NULL, NULL, pipe_srv_sum, pipe_srv_range,
                                         pipe_srv_echo};

WB_EXPORT const char *wb_pipe_server_start(uint32_t chunk_elements)
{
    if (chunk_elements == 0 || g_pipe_started)
        return NULL;
    atomic_store(&g_pipe_chunk, chunk_elements);
    /* The C server, hosted as an application hosts one: its endpoint (kept if this process
     * used it before: endpoints live as long as the process), the fixture interface with this
     * EPV, taking calls at once (RPC_IF_AUTOLISTEN). */
    uint16_t wp[256], we[256];
    RPC_STATUS st = RpcServerUseProtseqEpW(wb_w("ncalrpc", wp), 10, wb_w(WB_PIPE_ENDPOINT, we), NULL);
    if (st != RPC_S_OK && st != RPC_S_DUPLICATE_ENDPOINT)
        return NULL;
    if (RpcServerRegisterIf3(fx_IfSpec(), NULL, (void *)&g_pipe_epv, WINRPC_RPC_IF_AUTOLISTEN,
                             WINRPC_RPC_C_LISTEN_MAX_CALLS_DEFAULT, (uint32_t)-1, NULL, NULL) != RPC_S_OK)
        return NULL;
    g_pipe_started = 1;
    return WB_PIPE_ENDPOINT;
}

WB_EXPORT int32_t wb_pipe_server_stop(void)
{
    if (!g_pipe_started)
        return -1;
    g_pipe_started = 0;
    RPC_STATUS st = RpcServerUnregisterIf(fx_IfSpec(), NULL, 1); /* waits for its calls */
    free(atomic_exchange(&g_pipe_spare, NULL));
    return st == RPC_S_OK ? 0 : -1;
}

static int32_t pipe_fail(const char *what, long long got, long long want)
{
    fprintf(stderr, "winrpcbench: pipe call: %s %lld, expected %lld\n", what, got, want);
    return -1;
}

WB_EXPORT int32_t wb_pipe_call(void *binding, int32_t direction, uint32_t chunk_elements,
                               uint32_t elements)
{
    if (direction < WB_PIPE_IN || direction > WB_PIPE_ECHO || chunk_elements == 0)
        return -1;
    int has_in = direction != WB_PIPE_OUT;
    int has_out = direction != WB_PIPE_IN;
    RPC_ASYNC_STATE st;
    memset(&st, 0, sizeof st);
    pipe_side x;
    memset(&x, 0, sizeof x);
    ASYNC_INTPIPE in, out;
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    int32_t b = 0, reply = 0;
    int32_t *buf = malloc((size_t)chunk_elements * sizeof *buf);
    int32_t rc = -1;
    if (buf == NULL || RpcAsyncInitializeHandle(&st, sizeof st) != RPC_S_OK ||
        pipe_side_open(&x, &st, has_in ? WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE : 0) != 0) {
        fprintf(stderr, "winrpcbench: pipe call: could not set up the client\n");
        goto out;
    }
    RPC_STATUS s;
    switch (direction) {
    case WB_PIPE_IN: s = fx_PipeSum(&st, binding, &in); break;
    case WB_PIPE_OUT: s = fx_PipeRange(&st, binding, 0, (int32_t)elements, &out); break;
    default: s = fx_PipeEcho(&st, binding, WB_PIPE_ECHO_ADD, &in, &out, &b); break;
    }
    if (s != RPC_S_OK) {
        pipe_fail("the stub returned", s, RPC_S_OK);
        goto out; /* not started: nothing to complete */
    }

    /* Seed 002's client: the in pipe (values 0, 1, 2, ...), each chunk followed by its
     * RpcSendComplete (the next one made while it is sent); the null push; then the out pipe to its end; then the completion. */
    int ok = 1;
    uint32_t sent_sum = 0, got_sum = 0, got = 0;
    if (has_in) {
        wb_range_fill r = {buf, 0, 0};
        ok = pipe_push_all(&x, &in, elements, chunk_elements, range_fill, &r) == RPC_S_OK;
        sent_sum = r.sum;
    }
    if (ok && has_out)
        ok = pipe_pull_all(&x, &out, chunk_elements, buf, NULL, &got_sum, &got) == RPC_S_OK;
    if (!ok) {
        fprintf(stderr, "winrpcbench: pipe call: a push or pull failed; cancelling\n");
        RpcAsyncCancelCall(&st, 1);
    }
    for (;;) {
        while (!x.complete)
            SleepEx(SIM_INFINITE, 1);
        s = RpcAsyncCompleteCall(&st, &reply);
        if (s != RPC_S_ASYNC_CALL_PENDING)
            break;
        x.complete = 0;
    }
    if (!ok)
        goto out;
    if (s != RPC_S_OK) {
        pipe_fail("RpcAsyncCompleteCall returned", s, RPC_S_OK);
        goto out;
    }
    /* 0 + 1 + ... + (elements - 1), 32-bit wrap-around. */
    uint32_t range_sum = (uint32_t)((uint64_t)elements * (uint32_t)(elements - 1u) / 2u);
    if (direction == WB_PIPE_OUT && (reply != (int32_t)elements || got != elements ||
                                     got_sum != range_sum)) {
        pipe_fail("PipeRange: elements received", got, elements);
        goto out;
    }
    if (has_in && (uint32_t)reply != sent_sum) {
        pipe_fail("the reply (the sum)", (uint32_t)reply, sent_sum);
        goto out;
    }
    if (direction == WB_PIPE_ECHO &&
        (b != (int32_t)elements || got != elements ||
         got_sum != sent_sum + (uint32_t)WB_PIPE_ECHO_ADD * elements)) {
        pipe_fail("PipeEcho: elements echoed", got, elements);
        goto out;
    }
    rc = 0;
out:
    pipe_side_close(&x);
    free(buf);
    return rc;
}

/* ---- the simulator -------------------------------------------------------------------------- */

WB_EXPORT int32_t wb_sim_check_clean(const char *what)
{
    static const char *const names[SIM_COUNT__MAX] = {"async states", "handles", "queued APCs",
                                                      "threads", "pipe buffers",
                                                      "pending notifications",
                                                      "subscriptions"};
    int32_t rc = 0;
    if (sim_quiesce(10000) != 1) {
        fprintf(stderr, "%s: the simulator did not become idle within 10 s\n", what);
        rc = -1;
    }
    int32_t n = sim_misuse_count();
    for (int32_t i = 0; i < n && i < 20; i++) {
        char buf[512];
        int32_t kind = sim_misuse_get(i, buf, (int32_t)sizeof buf);
        fprintf(stderr, "%s: misuse %d: %s\n", what, kind, buf);
        rc = -1;
    }
    for (int32_t i = 0; i < SIM_COUNT__MAX; i++) {
        int64_t v = sim_counter(i);
        if (v != 0) {
            fprintf(stderr, "%s: %s = %lld\n", what, names[i], (long long)v);
            rc = -1;
        }
    }
    return rc;
}
