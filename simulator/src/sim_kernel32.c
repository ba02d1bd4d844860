/*
 * sim_kernel32.c - the kernel32 part of the runtime simulator.
 *
 * Threads, handles, APC queues and alertable waits, events, I/O completion ports, and the
 * simulator's own threads: sim_spawn (one detached thread per call) and sim_schedule (one
 * timer/delivery thread).
 *
 * Locking. One mutex, g_mu, guards every kernel object, the handle table, the thread registry,
 * the APC queues and the free lists. A thread that blocks waits on its own condition variable
 * (sim_thread.cv) with g_mu, and whoever makes its wait satisfiable (SetEvent, a thread's exit,
 * PostQueuedCompletionStatus, an APC queued to it while it waits alertably, a port's close)
 * signals exactly that thread: nothing is broadcast. APC routines and scheduled functions
 * always run with no simulator lock held, since they call back into the simulator and into
 * Java. The scheduler has its own mutex, s_mu, never held together with g_mu. The oracle
 * (sim_misuse, sim_count) is called with or without g_mu held; it takes only its own lock.
 *
 * Errors. Every exported function validates its handles and arguments and fails the way
 * Windows does (return value and GetLastError code); invalid handles and arguments are also
 * recorded in the misuse oracle. Nothing here dereferences a caller's handle value: handles
 * are indices into a table, so a random, closed or NULL handle is detected, never followed.
 *
 * Last error. GetLastError/SetLastError keep a thread-local DWORD. Every failure also stores
 * the code in errno, so that JNA's Native.getLastError() (which reads errno on Linux and
 * macOS) sees the same value as GetLastError() does on Windows.
 */
#include "sim_internal.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __APPLE__
#include <dlfcn.h>
#endif

/* ---- Windows numbers that winrpcsim.h does not name ---------------------------------------- */

#define K_SYNCHRONIZE 0x00100000u
#define K_GENERIC_ALL 0x10000000u
#define K_THREAD_SET_CONTEXT WINRPC_THREAD_SET_CONTEXT /* 0x0010 */
#define K_EVENT_MODIFY_STATE 0x0002u
#define K_EVENT_ALL_ACCESS 0x001F0003u
#define K_IO_COMPLETION_MODIFY_STATE 0x0002u
#define K_IO_COMPLETION_ALL_ACCESS 0x001F0003u
#define K_WAIT_IO_COMPLETION WINRPC_WAIT_IO_COMPLETION /* 0xC0 */
#define K_MAXIMUM_WAIT_OBJECTS 64u
#define K_ERROR_NOT_ENOUGH_MEMORY 8u
#define K_ERROR_NOT_SUPPORTED 50u
#define K_ERROR_NO_SYSTEM_RESOURCES 1450u

/* ---- objects ------------------------------------------------------------------------------- */

enum { OBJ_THREAD = 1, OBJ_EVENT = 2, OBJ_PORT = 3 };
/* Type masks for handle resolution. */
#define T_THREAD (1u << OBJ_THREAD)
#define T_EVENT (1u << OBJ_EVENT)
#define T_PORT (1u << OBJ_PORT)
#define T_WAITABLE (T_THREAD | T_EVENT)
#define T_ANY (T_THREAD | T_EVENT | T_PORT)

typedef struct sim_obj sim_obj;
typedef struct sim_thread sim_thread;
typedef struct sim_waiter sim_waiter;
typedef struct wait_link wait_link;

/* Common header. refs counts open handles, waits in progress on the object and, for a
 * thread, 1 while the thread runs; the object is freed when refs drops to 0. */
struct sim_obj {
    int type;
    int refs;
    int handles;                  /* open handles (a port closes when the last one goes) */
    wait_link *wq_head, *wq_tail; /* waits in progress on this object, in arrival order */
};

/* One (wait, object) pair of a WaitFor...Objects call, linked into the object's queue. */
struct wait_link {
    wait_link *prev, *next;
    sim_waiter *w;
    sim_obj *obj;
    HANDLE h; /* the handle value the wait used (to notice it being closed under the wait) */
};

/* A WaitFor...Objects call in progress; lives on the waiting thread's stack. */
struct sim_waiter {
    sim_thread *th;
    DWORD count;
    int wait_all;
    int done;    /* satisfied: the objects were consumed for this wait */
    DWORD index; /* which object satisfied a wait-any */
    wait_link links[K_MAXIMUM_WAIT_OBJECTS];
};

/* An APC: a Windows PAPCFUNC with its ULONG_PTR, or an internal fn(ctx) from sim_queue_apc. */
typedef struct apc_node {
    struct apc_node *next;
    PAPCFUNC user_fn;
    ULONG_PTR user_data;
    void (*fn)(void *ctx);
    void *ctx;
} apc_node;

struct sim_thread {
    sim_obj hdr;
    DWORD tid;
    int exited;            /* the thread object is signalled */
    int alertable;         /* in an alertable wait: an APC queued to it wakes it */
    pthread_cond_t cv;     /* the only condition variable this thread ever waits on */
    apc_node *apc_head, *apc_tail;
    sim_thread *reg_prev, *reg_next; /* the registry of records that still exist */
};

typedef struct sim_event {
    sim_obj hdr;
    int manual;
    int signaled;
} sim_event;

typedef struct comp_node {
    struct comp_node *next;
    OVERLAPPED_ENTRY e;
} comp_node;

enum { PW_WAITING = 0, PW_GOT, PW_ABANDONED };

/* A thread blocked in GetQueuedCompletionStatus(Ex); lives on its stack. */
typedef struct port_waiter {
    struct port_waiter *prev, *next;
    sim_thread *th;
    int state;
    OVERLAPPED_ENTRY first; /* the entry handed over by a post (state PW_GOT) */
} port_waiter;

typedef struct sim_port {
    sim_obj hdr;
    comp_node *head, *tail; /* queued completions, FIFO */
    port_waiter *waiters;   /* blocked removers, most recent first */
} sim_port;

/* ---- global state --------------------------------------------------------------------------- */

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_condattr_t g_condattr;
static pthread_key_t g_key;
static int g_key_ok;

static _Thread_local sim_thread *t_self;
static _Thread_local DWORD t_last_error;

static sim_thread *g_threads; /* registry: every thread record that still exists */
/* Windows thread ids are nonzero multiples of 4; the simulator hands them out in increasing
 * order and never reuses one (2^30 threads would be needed to wrap). */
static DWORD g_next_tid = 0x400;

/* Free lists, so that the APC and completion hot paths do not call malloc. */
#define APC_FREE_MAX 4096
#define COMP_FREE_MAX 4096
static apc_node *g_apc_free;
static int g_apc_free_n;
static comp_node *g_comp_free;
static int g_comp_free_n;

/* The handle table. A handle's value is H_BASE + H_STRIDE * index: nonzero, a multiple of 4
 * as on Windows, never (HANDLE)-1 or (HANDLE)-2, and obviously not a pointer. Freed slots go
 * to the tail of a FIFO and are reused only once more than H_REUSE_DELAY slots are free, so a
 * closed handle value stays invalid for at least H_REUSE_DELAY later allocations (Windows
 * itself reuses handle values quickly; a use after close is far easier to see this way). */
#define H_BASE 0x1000u
#define H_STRIDE 4u
#define H_MAX_SLOTS (1u << 22)
#define H_REUSE_DELAY 4096u
#define NO_SLOT UINT32_MAX

typedef struct hslot {
    sim_obj *obj; /* NULL: free */
    DWORD access;
    uint32_t next_free;
} hslot;

static hslot *g_slots;
static uint32_t g_nslots, g_capslots;
static uint32_t g_free_head = NO_SLOT, g_free_tail = NO_SLOT, g_free_len;

static void key_destructor(void *p);

static void init_once(void)
{
#ifdef __APPLE__
    /* The library must stay mapped for the life of the process: the timer thread runs in it
     * and every thread that used it has a thread-specific-data destructor in it, yet JNA may
     * dlclose a library it no longer references. On ELF platforms build.sh links it with
     * -z nodelete; macOS has no such link flag, so the library pins itself. */
    Dl_info info;
    if (dladdr((const void *)&g_once, &info) != 0 && info.dli_fname != NULL)
        (void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE);
#endif
    pthread_condattr_init(&g_condattr);
#ifndef __APPLE__
    pthread_condattr_setclock(&g_condattr, CLOCK_MONOTONIC);
#endif
    g_key_ok = pthread_key_create(&g_key, key_destructor) == 0;
}

static void ensure_init(void) { pthread_once(&g_once, init_once); }

static void lock(void) { pthread_mutex_lock(&g_mu); }
static void unlock(void) { pthread_mutex_unlock(&g_mu); }

static void set_error(DWORD e)
{
    t_last_error = e;
    errno = (int)e;
}

SIM_HIDDEN void sim_set_last_error(DWORD e)
{
    set_error(e);
}

/* ---- time ----------------------------------------------------------------------------------- */

#define NO_DEADLINE UINT64_MAX

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

SIM_HIDDEN uint64_t sim_now_ms(void) { return now_ns() / 1000000u; }

static uint64_t deadline_after_ms(DWORD ms)
{
    if (ms == SIM_INFINITE)
        return NO_DEADLINE;
    return now_ns() + (uint64_t)ms * 1000000u;
}

/* Waits on cv (with mu held) until signalled, woken spuriously, or deadline_ns; returns 1 once
 * the deadline has passed. Callers re-check their condition before acting on a timeout. */
static int cv_wait_until(pthread_cond_t *cv, pthread_mutex_t *mu, uint64_t deadline_ns)
{
    if (deadline_ns == NO_DEADLINE) {
        pthread_cond_wait(cv, mu);
        return 0;
    }
    uint64_t now = now_ns();
    if (now >= deadline_ns)
        return 1;
#ifdef __APPLE__
    /* macOS has no pthread_condattr_setclock: wait for the remaining monotonic time. */
    uint64_t rel = deadline_ns - now;
    struct timespec ts = {(time_t)(rel / 1000000000u), (long)(rel % 1000000000u)};
    pthread_cond_timedwait_relative_np(cv, mu, &ts);
#else
    struct timespec ts = {(time_t)(deadline_ns / 1000000000u), (long)(deadline_ns % 1000000000u)};
    pthread_cond_timedwait(cv, mu, &ts);
#endif
    return now_ns() >= deadline_ns;
}

/* ---- thread registry ------------------------------------------------------------------------ */

static void obj_unref_locked(sim_obj *o);
static void wake_waiters_locked(sim_obj *o);

static sim_thread *thread_new_locked(void)
{
    sim_thread *th = calloc(1, sizeof *th);
    if (th == NULL)
        return NULL;
    if (pthread_cond_init(&th->cv, &g_condattr) != 0) {
        free(th);
        return NULL;
    }
    th->hdr.type = OBJ_THREAD;
    th->hdr.refs = 1; /* the running thread's own reference */
    th->tid = g_next_tid;
    g_next_tid += 4;
    if (g_next_tid == 0)
        g_next_tid = 4;
    th->reg_next = g_threads;
    if (g_threads != NULL)
        g_threads->reg_prev = th;
    g_threads = th;
    return th;
}

/* The calling thread's record, created on first use; NULL only when out of memory. */
static sim_thread *self_locked(void)
{
    sim_thread *th = t_self;
    if (th != NULL)
        return th;
    ensure_init();
    th = thread_new_locked();
    if (th == NULL)
        return NULL;
    t_self = th;
    if (g_key_ok)
        pthread_setspecific(g_key, th);
    return th;
}

static sim_thread *self(void)
{
    sim_thread *th = t_self;
    if (th != NULL)
        return th;
    lock();
    th = self_locked();
    unlock();
    return th;
}

static void apc_free_locked(apc_node *n)
{
    if (g_apc_free_n < APC_FREE_MAX) {
        n->next = g_apc_free;
        g_apc_free = n;
        g_apc_free_n++;
    } else {
        free(n);
    }
}

static apc_node *apc_alloc_locked(void)
{
    apc_node *n = g_apc_free;
    if (n != NULL) {
        g_apc_free = n->next;
        g_apc_free_n--;
        return n;
    }
    return malloc(sizeof *n);
}

/* The thread has ended (or a simulator thread's function returned): its object becomes
 * signalled, and the APCs still queued to it are discarded, as Windows discards the user APC
 * queue of a terminating thread. Idempotent. */
static void thread_exit(sim_thread *th)
{
    lock();
    if (!th->exited) {
        th->exited = 1;
        apc_node *n = th->apc_head;
        th->apc_head = th->apc_tail = NULL;
        while (n != NULL) {
            apc_node *next = n->next;
            sim_count(SIM_COUNT_QUEUED_APCS, -1);
            apc_free_locked(n);
            n = next;
        }
        wake_waiters_locked(&th->hdr);
        obj_unref_locked(&th->hdr); /* may free the record if no handle refers to it */
    }
    unlock();
}

static void key_destructor(void *p)
{
    sim_thread *th = p;
    if (t_self == th)
        t_self = NULL;
    thread_exit(th);
}

/* Ends the calling thread's record before the thread itself ends (simulator threads, so that
 * SIM_COUNT_THREADS reaches 0 only after the record is gone). */
static void thread_exit_self(void)
{
    sim_thread *th = t_self;
    if (th == NULL)
        return;
    t_self = NULL;
    if (g_key_ok)
        pthread_setspecific(g_key, NULL);
    thread_exit(th);
}

static sim_thread *thread_by_tid_locked(DWORD tid)
{
    for (sim_thread *th = g_threads; th != NULL; th = th->reg_next)
        if (th->tid == tid)
            return th;
    return NULL;
}

/* ---- objects: references, signalled state, waking waiters ------------------------------------ */

static void comp_free_locked(comp_node *n)
{
    if (g_comp_free_n < COMP_FREE_MAX) {
        n->next = g_comp_free;
        g_comp_free = n;
        g_comp_free_n++;
    } else {
        free(n);
    }
}

static comp_node *comp_alloc_locked(void)
{
    comp_node *n = g_comp_free;
    if (n != NULL) {
        g_comp_free = n->next;
        g_comp_free_n--;
        return n;
    }
    return malloc(sizeof *n);
}

static void obj_ref_locked(sim_obj *o) { o->refs++; }

static void obj_unref_locked(sim_obj *o)
{
    if (--o->refs > 0)
        return;
    switch (o->type) {
    case OBJ_THREAD: {
        sim_thread *th = (sim_thread *)o;
        if (th->reg_prev != NULL)
            th->reg_prev->reg_next = th->reg_next;
        else
            g_threads = th->reg_next;
        if (th->reg_next != NULL)
            th->reg_next->reg_prev = th->reg_prev;
        pthread_cond_destroy(&th->cv);
        free(th);
        break;
    }
    case OBJ_EVENT:
        free(o);
        break;
    case OBJ_PORT: {
        sim_port *p = (sim_port *)o;
        while (p->head != NULL) {
            comp_node *n = p->head;
            p->head = n->next;
            comp_free_locked(n);
        }
        free(p);
        break;
    }
    default:
        break;
    }
}

static int obj_signaled(const sim_obj *o)
{
    switch (o->type) {
    case OBJ_EVENT:
        return ((const sim_event *)o)->signaled;
    case OBJ_THREAD:
        return ((const sim_thread *)o)->exited;
    default:
        return 0;
    }
}

/* A satisfied wait consumes the object: an auto-reset event resets (Windows releases exactly
 * one waiter per SetEvent of an auto-reset event); threads and manual-reset events stay. */
static void obj_consume(sim_obj *o)
{
    if (o->type == OBJ_EVENT && !((sim_event *)o)->manual)
        ((sim_event *)o)->signaled = 0;
}

/* Satisfies w if its objects allow it: wait-any takes the lowest signalled index, as Windows
 * reports; wait-all takes all objects at once or none. */
static int try_satisfy_locked(sim_waiter *w)
{
    if (w->wait_all) {
        for (DWORD i = 0; i < w->count; i++)
            if (!obj_signaled(w->links[i].obj))
                return 0;
        for (DWORD i = 0; i < w->count; i++)
            obj_consume(w->links[i].obj);
        w->index = 0;
    } else {
        DWORD i;
        for (i = 0; i < w->count; i++)
            if (obj_signaled(w->links[i].obj))
                break;
        if (i == w->count)
            return 0;
        obj_consume(w->links[i].obj);
        w->index = i;
    }
    w->done = 1;
    return 1;
}

/* o became signalled: satisfy the waits on it, in arrival order, while it stays signalled. */
static void wake_waiters_locked(sim_obj *o)
{
    for (wait_link *l = o->wq_head; l != NULL && obj_signaled(o); l = l->next) {
        sim_waiter *w = l->w;
        if (!w->done && try_satisfy_locked(w))
            pthread_cond_signal(&w->th->cv);
    }
}

static void link_waiter_locked(sim_waiter *w)
{
    for (DWORD i = 0; i < w->count; i++) {
        wait_link *l = &w->links[i];
        sim_obj *o = l->obj;
        l->w = w;
        l->next = NULL;
        l->prev = o->wq_tail;
        if (o->wq_tail != NULL)
            o->wq_tail->next = l;
        else
            o->wq_head = l;
        o->wq_tail = l;
    }
}

static void unlink_waiter_locked(sim_waiter *w)
{
    for (DWORD i = 0; i < w->count; i++) {
        wait_link *l = &w->links[i];
        sim_obj *o = l->obj;
        if (l->prev != NULL)
            l->prev->next = l->next;
        else
            o->wq_head = l->next;
        if (l->next != NULL)
            l->next->prev = l->prev;
        else
            o->wq_tail = l->prev;
        l->prev = l->next = NULL;
    }
}

/* ---- the handle table ----------------------------------------------------------------------- */

static DWORD all_access(int type)
{
    switch (type) {
    case OBJ_THREAD:
        return SIM_THREAD_ALL_ACCESS;
    case OBJ_EVENT:
        return K_EVENT_ALL_ACCESS;
    case OBJ_PORT:
        return K_IO_COMPLETION_ALL_ACCESS;
    default:
        return 0;
    }
}

/* GENERIC_ALL maps to the type's *_ALL_ACCESS, as Windows' generic mapping does. Other bits are
 * kept as given. */
static DWORD map_generic(int type, DWORD access)
{
    if (access & K_GENERIC_ALL)
        access = (access & ~K_GENERIC_ALL) | all_access(type);
    return access;
}

/* A new handle to o with the given access; takes a reference. NULL with *err set on failure. */
static HANDLE handle_alloc_locked(sim_obj *o, DWORD access, DWORD *err)
{
    uint32_t idx;
    if (g_free_len > H_REUSE_DELAY || (g_nslots == H_MAX_SLOTS && g_free_len > 0)) {
        idx = g_free_head;
        g_free_head = g_slots[idx].next_free;
        if (g_free_head == NO_SLOT)
            g_free_tail = NO_SLOT;
        g_free_len--;
    } else if (g_nslots < H_MAX_SLOTS) {
        if (g_nslots == g_capslots) {
            uint32_t cap = g_capslots ? g_capslots * 2 : 256;
            if (cap > H_MAX_SLOTS)
                cap = H_MAX_SLOTS;
            hslot *s = realloc(g_slots, (size_t)cap * sizeof *s);
            if (s == NULL) {
                *err = K_ERROR_NOT_ENOUGH_MEMORY;
                return NULL;
            }
            g_slots = s;
            g_capslots = cap;
        }
        idx = g_nslots++;
    } else {
        *err = K_ERROR_NO_SYSTEM_RESOURCES;
        return NULL;
    }
    g_slots[idx].obj = o;
    g_slots[idx].access = access;
    g_slots[idx].next_free = NO_SLOT;
    o->refs++;
    o->handles++;
    sim_count(SIM_COUNT_HANDLES, 1);
    return (HANDLE)(uintptr_t)(H_BASE + H_STRIDE * (uintptr_t)idx);
}

static hslot *slot_of_locked(HANDLE h)
{
    uintptr_t v = (uintptr_t)h;
    if (v < H_BASE || (v - H_BASE) % H_STRIDE != 0)
        return NULL;
    uintptr_t idx = (v - H_BASE) / H_STRIDE;
    if (idx >= g_nslots || g_slots[idx].obj == NULL)
        return NULL;
    return &g_slots[idx];
}

enum { RES_OK = 0, RES_NOT_OPEN, RES_PSEUDO_PROCESS, RES_WRONG_TYPE, RES_NO_ACCESS };

static DWORD res_error(int res)
{
    return res == RES_NO_ACCESS ? SIM_ERROR_ACCESS_DENIED : SIM_ERROR_INVALID_HANDLE;
}

/* Resolves h for the calling thread `me`: GetCurrentThread()'s pseudo-handle means the caller
 * itself, with THREAD_ALL_ACCESS (whoever uses it). `types` is a T_* mask; `need` the access
 * rights the operation requires. A handle of another type fails as Windows fails it
 * (STATUS_OBJECT_TYPE_MISMATCH, i.e. ERROR_INVALID_HANDLE); missing access is
 * ERROR_ACCESS_DENIED.
 * STRICT: the simulator has no process object. GetCurrentProcess()'s pseudo-handle, which is
 * also INVALID_HANDLE_VALUE, is refused as an invalid handle wherever an object is expected
 * (Windows would let a thread wait on its own process, forever); a program that passes it
 * almost certainly passed a failed CreateFile/CreateEvent result by mistake. */
static int resolve_locked(HANDLE h, unsigned types, DWORD need, sim_thread *me, sim_obj **out,
                          DWORD *granted)
{
    sim_obj *o;
    DWORD access;
    if (h == SIM_PSEUDO_THREAD) {
        if (me == NULL)
            return RES_NOT_OPEN;
        o = &me->hdr;
        access = SIM_THREAD_ALL_ACCESS;
    } else if (h == SIM_PSEUDO_PROCESS) {
        return RES_PSEUDO_PROCESS;
    } else {
        hslot *s = slot_of_locked(h);
        if (s == NULL)
            return RES_NOT_OPEN;
        o = s->obj;
        access = s->access;
    }
    if (!(types & (1u << o->type)))
        return RES_WRONG_TYPE;
    if ((access & need) != need)
        return RES_NO_ACCESS;
    *out = o;
    if (granted != NULL)
        *granted = access;
    return RES_OK;
}

static const char *types_name(unsigned types)
{
    switch (types) {
    case T_THREAD:
        return "thread";
    case T_EVENT:
        return "event";
    case T_PORT:
        return "completion port";
    case T_WAITABLE:
        return "event or thread";
    default:
        return "object";
    }
}

/* Records a handle that failed to resolve (call without g_mu held). */
static void report_handle(const char *fn, HANDLE h, int res, unsigned types, DWORD need)
{
    switch (res) {
    case RES_NOT_OPEN:
        sim_misuse(SIM_MISUSE_INVALID_HANDLE, "%s: handle %p is not open", fn, h);
        break;
    case RES_PSEUDO_PROCESS:
        sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                   "%s: handle %p is INVALID_HANDLE_VALUE / GetCurrentProcess(), not a %s", fn,
                   h, types_name(types));
        break;
    case RES_WRONG_TYPE:
        sim_misuse(SIM_MISUSE_INVALID_HANDLE, "%s: handle %p is not a %s handle", fn, h,
                   types_name(types));
        break;
    case RES_NO_ACCESS:
        if (need == K_THREAD_SET_CONTEXT)
            sim_misuse(SIM_MISUSE_APC_NO_SET_CONTEXT,
                       "%s: thread handle %p was opened without THREAD_SET_CONTEXT", fn, h);
        else
            sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: handle %p lacks access right 0x%x", fn, h,
                       (unsigned)need);
        break;
    default:
        break;
    }
}

static void port_close_locked(sim_port *p);

/* Closes the handle in slot s (value h). Returns 1 if a wait in progress was using exactly this
 * handle value, which Windows documents as undefined behaviour. */
static int handle_close_locked(hslot *s, HANDLE h)
{
    sim_obj *o = s->obj;
    uint32_t idx = (uint32_t)(s - g_slots);
    int under_wait = 0;

    s->obj = NULL;
    s->access = 0;
    s->next_free = NO_SLOT;
    if (g_free_tail != NO_SLOT)
        g_slots[g_free_tail].next_free = idx;
    else
        g_free_head = idx;
    g_free_tail = idx;
    g_free_len++;
    sim_count(SIM_COUNT_HANDLES, -1);

    for (wait_link *l = o->wq_head; l != NULL; l = l->next)
        if (l->h == h && !l->w->done)
            under_wait = 1;
    if (--o->handles == 0 && o->type == OBJ_PORT)
        port_close_locked((sim_port *)o);
    obj_unref_locked(o);
    return under_wait;
}

/* ---- APCs ----------------------------------------------------------------------------------- */

static void apc_enqueue_locked(sim_thread *th, apc_node *n)
{
    n->next = NULL;
    if (th->apc_tail != NULL)
        th->apc_tail->next = n;
    else
        th->apc_head = n;
    th->apc_tail = n;
    sim_count(SIM_COUNT_QUEUED_APCS, 1);
    /* Only an alertable wait is ended by an APC; any other wait is left alone. */
    if (th->alertable)
        pthread_cond_signal(&th->cv);
}

/* Runs every APC queued to the calling thread, in FIFO order, including APCs that the routines
 * queue while the queue is being drained (Windows delivers all pending user APCs before an
 * alertable wait returns WAIT_IO_COMPLETION). g_mu is released around each routine. */
static void drain_apcs_locked(sim_thread *me)
{
    apc_node *n;
    while ((n = me->apc_head) != NULL) {
        me->apc_head = n->next;
        if (me->apc_head == NULL)
            me->apc_tail = NULL;
        sim_count(SIM_COUNT_QUEUED_APCS, -1);
        PAPCFUNC user_fn = n->user_fn;
        ULONG_PTR user_data = n->user_data;
        void (*fn)(void *) = n->fn;
        void *ctx = n->ctx;
        apc_free_locked(n);
        unlock();
        if (user_fn != NULL)
            user_fn(user_data);
        else
            fn(ctx);
        lock();
    }
}

/* ---- waits ---------------------------------------------------------------------------------- */

/* WaitForMultipleObjectsEx and friends. Mirrors NT's wait order: an object that is already
 * signalled satisfies the wait even when APCs are queued (the APCs stay queued); otherwise an
 * alertable wait with APCs queued, on entry or while it waits, runs them all and returns
 * WAIT_IO_COMPLETION. */
static DWORD wait_objects(const char *fn, DWORD n, const HANDLE *hs, BOOL wait_all, DWORD ms,
                          BOOL alertable)
{
    sim_waiter w;
    DWORD result;

    if (n == 0 || n > K_MAXIMUM_WAIT_OBJECTS || hs == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: %u handles at %p (1 to 64 are allowed)", fn,
                   (unsigned)n, (const void *)hs);
        set_error(SIM_ERROR_INVALID_PARAMETER);
        return SIM_WAIT_FAILED;
    }
    uint64_t deadline = deadline_after_ms(ms);

    lock();
    sim_thread *me = self_locked();
    if (me == NULL) {
        unlock();
        set_error(K_ERROR_NOT_ENOUGH_MEMORY);
        return SIM_WAIT_FAILED;
    }
    for (DWORD i = 0; i < n; i++) {
        sim_obj *o = NULL;
        /* STRICT: Windows can wait on a completion port handle (signalled while entries are
         * queued); nothing in winrpc-async should, so the simulator refuses it as a handle of
         * the wrong type. */
        int res = resolve_locked(hs[i], T_WAITABLE, K_SYNCHRONIZE, me, &o, NULL);
        if (res != RES_OK) {
            unlock();
            report_handle(fn, hs[i], res, T_WAITABLE, K_SYNCHRONIZE);
            set_error(res_error(res));
            return SIM_WAIT_FAILED;
        }
        for (DWORD j = 0; j < i; j++) {
            /* The documentation: "The array ... may not contain multiple copies of the same
             * handle"; Windows also refuses one object twice (through two handles) in a
             * wait-all. STRICT: the same handle value twice is refused in a wait-any too. */
            if (hs[j] == hs[i] || (wait_all && w.links[j].obj == o)) {
                unlock();
                sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                           "%s: handles %u and %u name the same object (%p, %p)", fn,
                           (unsigned)j, (unsigned)i, hs[j], hs[i]);
                set_error(SIM_ERROR_INVALID_PARAMETER);
                return SIM_WAIT_FAILED;
            }
        }
        w.links[i].obj = o;
        w.links[i].h = hs[i];
        w.links[i].w = &w;
        w.links[i].prev = w.links[i].next = NULL;
    }
    w.th = me;
    w.count = n;
    w.wait_all = wait_all != 0;
    w.done = 0;
    w.index = 0;
    for (DWORD i = 0; i < n; i++)
        obj_ref_locked(w.links[i].obj); /* the objects outlive a CloseHandle during the wait */

    if (try_satisfy_locked(&w)) {
        result = SIM_WAIT_OBJECT_0 + w.index;
    } else if (alertable && me->apc_head != NULL) {
        drain_apcs_locked(me);
        result = K_WAIT_IO_COMPLETION;
    } else if (ms == 0) {
        result = SIM_WAIT_TIMEOUT;
    } else {
        int timed_out = 0;
        link_waiter_locked(&w);
        me->alertable = alertable != 0;
        while (!w.done && !(alertable && me->apc_head != NULL) && !timed_out)
            timed_out = cv_wait_until(&me->cv, &g_mu, deadline);
        me->alertable = 0;
        unlink_waiter_locked(&w);
        if (w.done) {
            result = SIM_WAIT_OBJECT_0 + w.index;
        } else if (alertable && me->apc_head != NULL) {
            drain_apcs_locked(me);
            result = K_WAIT_IO_COMPLETION;
        } else {
            result = SIM_WAIT_TIMEOUT;
        }
    }
    for (DWORD i = 0; i < n; i++)
        obj_unref_locked(w.links[i].obj);
    unlock();
    return result;
}

/* A non-alertable sleep: nothing can end it early, so no lock and no condition variable. */
static void sleep_plain(DWORD ms)
{
    if (ms == 0) {
        sched_yield();
        return;
    }
    for (;;) {
        uint64_t total = ms == SIM_INFINITE ? 3600000u : ms; /* INFINITE: sleep in 1 h steps */
        struct timespec req = {(time_t)(total / 1000u), (long)(total % 1000u) * 1000000L};
        struct timespec rem;
        while (nanosleep(&req, &rem) != 0 && errno == EINTR)
            req = rem;
        if (ms != SIM_INFINITE)
            return;
    }
}

/* ---- exported: threads, errors, handles ----------------------------------------------------- */

SIM_EXPORT DWORD GetCurrentThreadId(void)
{
    sim_thread *me = self();
    return me != NULL ? me->tid : 0;
}

SIM_EXPORT HANDLE GetCurrentThread(void)
{
    (void)self();
    return SIM_PSEUDO_THREAD;
}

SIM_EXPORT DWORD GetCurrentProcessId(void)
{
    (void)self();
    return (DWORD)getpid();
}

SIM_EXPORT HANDLE GetCurrentProcess(void)
{
    (void)self();
    return SIM_PSEUDO_PROCESS;
}

SIM_EXPORT DWORD GetLastError(void)
{
    (void)self();
    return t_last_error;
}

SIM_EXPORT void SetLastError(DWORD dwErrCode)
{
    (void)self();
    set_error(dwErrCode);
}

/* OpenThread: any thread record that still exists (running, or ended with a handle still open
 * to it, as on Windows) can be opened by id; the access asked for is granted (same process, no
 * security descriptor) and kept with the handle. An unknown id fails with
 * ERROR_INVALID_PARAMETER, as Windows does. */
SIM_EXPORT HANDLE OpenThread(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwThreadId)
{
    DWORD err = 0;
    HANDLE h = NULL;
    (void)bInheritHandle; /* no child processes here */

    lock();
    (void)self_locked();
    sim_thread *th = dwThreadId != 0 ? thread_by_tid_locked(dwThreadId) : NULL;
    if (th == NULL)
        err = SIM_ERROR_INVALID_PARAMETER;
    else
        h = handle_alloc_locked(&th->hdr, map_generic(OBJ_THREAD, dwDesiredAccess), &err);
    unlock();
    if (err != 0)
        set_error(err);
    return h;
}

SIM_EXPORT BOOL DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                                HANDLE hTargetProcessHandle, HANDLE *lpTargetHandle,
                                DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions)
{
    static const char fn[] = "DuplicateHandle";
    DWORD err = 0;
    int res = RES_OK, bad_process = 0, bad_args = 0, under_wait = 0;
    (void)bInheritHandle;

    lock();
    sim_thread *me = self_locked();
    /* The simulator has one process: both process handles must be GetCurrentProcess(). A real
     * process handle cannot exist here, so anything else is an invalid handle. */
    if (hSourceProcessHandle != SIM_PSEUDO_PROCESS || hTargetProcessHandle != SIM_PSEUDO_PROCESS) {
        err = SIM_ERROR_INVALID_HANDLE;
        bad_process = 1;
    } else if ((dwOptions & ~(SIM_DUPLICATE_CLOSE_SOURCE | SIM_DUPLICATE_SAME_ACCESS)) != 0 ||
               lpTargetHandle == NULL) {
        /* STRICT: Windows tolerates a NULL lpTargetHandle (the duplicate is made and its value
         * lost, "for backward compatibility"); that leaks a handle, so it is refused here. */
        err = SIM_ERROR_INVALID_PARAMETER;
        bad_args = 1;
    } else if (hSourceHandle == SIM_PSEUDO_PROCESS) {
        err = K_ERROR_NOT_SUPPORTED; /* there is no process object to duplicate */
    } else {
        sim_obj *o = NULL;
        DWORD granted = 0;
        res = resolve_locked(hSourceHandle, T_ANY, 0, me, &o, &granted);
        if (res != RES_OK) {
            err = res_error(res);
        } else {
            DWORD want = (dwOptions & SIM_DUPLICATE_SAME_ACCESS)
                             ? granted
                             : map_generic(o->type, dwDesiredAccess);
            /* STRICT: the documentation says a duplicate may or may not get more access than
             * its source, depending on the object's security; the simulator never grants
             * more. Duplicating GetCurrentThread() grants up to THREAD_ALL_ACCESS. */
            if ((want & ~granted) != 0) {
                err = SIM_ERROR_ACCESS_DENIED;
            } else {
                HANDLE h = handle_alloc_locked(o, want, &err);
                if (h != NULL)
                    *lpTargetHandle = h;
            }
        }
    }
    /* DUPLICATE_CLOSE_SOURCE: "Closes the source handle. This occurs regardless of any error
     * status returned." (A pseudo-handle needs no closing.) */
    if ((dwOptions & SIM_DUPLICATE_CLOSE_SOURCE) && !bad_process) {
        hslot *s = slot_of_locked(hSourceHandle);
        if (s != NULL)
            under_wait = handle_close_locked(s, hSourceHandle);
    }
    unlock();

    if (bad_process)
        sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                   "%s: process handles %p, %p are not GetCurrentProcess()", fn,
                   hSourceProcessHandle, hTargetProcessHandle);
    else if (bad_args)
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: options 0x%x, lpTargetHandle %p", fn,
                   (unsigned)dwOptions, (void *)lpTargetHandle);
    else if (res != RES_OK)
        report_handle(fn, hSourceHandle, res, T_ANY, 0);
    else if (err == SIM_ERROR_ACCESS_DENIED)
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: access 0x%x exceeds the source handle's", fn,
                   (unsigned)dwDesiredAccess);
    if (under_wait)
        sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                   "%s: DUPLICATE_CLOSE_SOURCE closed %p while a wait on it was in progress",
                   fn, hSourceHandle);
    if (err != 0) {
        set_error(err);
        return 0;
    }
    return 1;
}

/* CloseHandle. The pseudo-handles need no closing: "Calling the CloseHandle function with this
 * handle has no effect" (GetCurrentThread, GetCurrentProcess), so they return TRUE. Closing the
 * last handle of a completion port closes the port (see port_close_locked). */
SIM_EXPORT BOOL CloseHandle(HANDLE hObject)
{
    if (hObject == SIM_PSEUDO_THREAD || hObject == SIM_PSEUDO_PROCESS) {
        (void)self();
        return 1;
    }
    lock();
    (void)self_locked();
    hslot *s = slot_of_locked(hObject);
    int under_wait = s != NULL ? handle_close_locked(s, hObject) : 0;
    unlock();
    if (s == NULL) {
        report_handle("CloseHandle", hObject, RES_NOT_OPEN, T_ANY, 0);
        set_error(SIM_ERROR_INVALID_HANDLE);
        return 0;
    }
    if (under_wait)
        sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                   "CloseHandle: %p closed while a wait on it was in progress (undefined)",
                   hObject);
    return 1;
}

/* ---- exported: sleeping and waiting --------------------------------------------------------- */

SIM_EXPORT void Sleep(DWORD dwMilliseconds)
{
    (void)self();
    sleep_plain(dwMilliseconds);
}

SIM_EXPORT DWORD SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
    if (!bAlertable) {
        (void)self();
        sleep_plain(dwMilliseconds);
        return 0;
    }
    uint64_t deadline = deadline_after_ms(dwMilliseconds);
    DWORD result = 0;

    lock();
    sim_thread *me = self_locked();
    if (me == NULL) {
        unlock();
        sleep_plain(dwMilliseconds);
        return 0;
    }
    int timed_out = dwMilliseconds == 0;
    me->alertable = 1;
    while (me->apc_head == NULL && !timed_out)
        timed_out = cv_wait_until(&me->cv, &g_mu, deadline);
    me->alertable = 0;
    if (me->apc_head != NULL) {
        drain_apcs_locked(me);
        result = K_WAIT_IO_COMPLETION;
    }
    unlock();
    if (result == 0 && dwMilliseconds == 0)
        sched_yield(); /* SleepEx(0, ...) gives up the rest of the time slice */
    return result;
}

SIM_EXPORT DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return wait_objects("WaitForSingleObject", 1, &hHandle, 0, dwMilliseconds, 0);
}

SIM_EXPORT DWORD WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
    return wait_objects("WaitForSingleObjectEx", 1, &hHandle, 0, dwMilliseconds, bAlertable);
}

SIM_EXPORT DWORD WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                        DWORD dwMilliseconds)
{
    return wait_objects("WaitForMultipleObjects", nCount, lpHandles, bWaitAll, dwMilliseconds,
                        0);
}

SIM_EXPORT DWORD WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                          DWORD dwMilliseconds, BOOL bAlertable)
{
    return wait_objects("WaitForMultipleObjectsEx", nCount, lpHandles, bWaitAll, dwMilliseconds,
                        bAlertable);
}

/* ---- exported: APCs ------------------------------------------------------------------------- */

/* QueueUserAPC. GetCurrentThread()'s pseudo-handle queues to the calling thread, as on Windows.
 * A real handle needs THREAD_SET_CONTEXT (ERROR_ACCESS_DENIED otherwise). */
SIM_EXPORT DWORD QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData)
{
    static const char fn[] = "QueueUserAPC";
    if (pfnAPC == NULL) {
        /* STRICT: Windows queues a NULL routine and the thread crashes when it runs; the
         * simulator refuses it. */
        (void)self();
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: pfnAPC is NULL", fn);
        set_error(SIM_ERROR_INVALID_PARAMETER);
        return 0;
    }
    DWORD err = 0;
    sim_obj *o = NULL;

    lock();
    sim_thread *me = self_locked();
    int res = resolve_locked(hThread, T_THREAD, K_THREAD_SET_CONTEXT, me, &o, NULL);
    if (res != RES_OK) {
        err = res_error(res);
    } else if (((sim_thread *)o)->exited) {
        /* Windows refuses an APC for a thread that has terminated (the kernel no longer
         * accepts APCs for it); kernel32 reports ERROR_GEN_FAILURE. */
        err = SIM_ERROR_GEN_FAILURE;
    } else {
        apc_node *n = apc_alloc_locked();
        if (n == NULL) {
            err = K_ERROR_NOT_ENOUGH_MEMORY;
        } else {
            n->user_fn = pfnAPC;
            n->user_data = dwData;
            n->fn = NULL;
            n->ctx = NULL;
            apc_enqueue_locked((sim_thread *)o, n);
        }
    }
    unlock();
    if (res != RES_OK)
        report_handle(fn, hThread, res, T_THREAD, K_THREAD_SET_CONTEXT);
    if (err != 0) {
        set_error(err);
        return 0;
    }
    return 1;
}

SIM_HIDDEN sim_apc_result sim_queue_apc(HANDLE hThread, void (*fn)(void *ctx), void *ctx)
{
    sim_apc_result r = SIM_APC_OK;
    sim_obj *o = NULL;

    if (hThread == SIM_PSEUDO_THREAD)
        return SIM_APC_PSEUDO_HANDLE;
    if (fn == NULL)
        return SIM_APC_INVALID_HANDLE;
    lock();
    sim_thread *me = self_locked();
    int res = resolve_locked(hThread, T_THREAD, K_THREAD_SET_CONTEXT, me, &o, NULL);
    if (res == RES_NO_ACCESS) {
        r = SIM_APC_NO_SET_CONTEXT;
    } else if (res != RES_OK) {
        r = SIM_APC_INVALID_HANDLE;
    } else if (((sim_thread *)o)->exited) {
        r = SIM_APC_THREAD_GONE;
    } else {
        apc_node *n = apc_alloc_locked();
        if (n == NULL) {
            /* Out of memory: the closest answer the interface has is "cannot be queued". */
            r = SIM_APC_THREAD_GONE;
        } else {
            n->user_fn = NULL;
            n->user_data = 0;
            n->fn = fn;
            n->ctx = ctx;
            apc_enqueue_locked((sim_thread *)o, n);
        }
    }
    unlock();
    return r;
}

/* ---- exported: events ----------------------------------------------------------------------- */

SIM_EXPORT HANDLE CreateEventW(void *lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                               const void *lpName)
{
    DWORD err = 0;
    HANDLE h = NULL;
    (void)lpEventAttributes; /* security attributes and names are not simulated */
    (void)lpName;

    lock();
    (void)self_locked();
    sim_event *e = calloc(1, sizeof *e);
    if (e == NULL) {
        err = K_ERROR_NOT_ENOUGH_MEMORY;
    } else {
        e->hdr.type = OBJ_EVENT;
        e->manual = bManualReset != 0;
        e->signaled = bInitialState != 0;
        h = handle_alloc_locked(&e->hdr, K_EVENT_ALL_ACCESS, &err);
        if (h == NULL)
            free(e);
    }
    unlock();
    if (err != 0)
        set_error(err);
    return h;
}

static int event_set_locked(HANDLE h, int signaled, sim_thread *me, int *res_out)
{
    sim_obj *o = NULL;
    int res = resolve_locked(h, T_EVENT, K_EVENT_MODIFY_STATE, me, &o, NULL);
    *res_out = res;
    if (res != RES_OK)
        return 0;
    sim_event *e = (sim_event *)o;
    e->signaled = signaled;
    if (signaled)
        wake_waiters_locked(o);
    return 1;
}

SIM_EXPORT BOOL SetEvent(HANDLE hEvent)
{
    int res;
    lock();
    int ok = event_set_locked(hEvent, 1, self_locked(), &res);
    unlock();
    if (!ok) {
        report_handle("SetEvent", hEvent, res, T_EVENT, K_EVENT_MODIFY_STATE);
        set_error(res_error(res));
    }
    return ok;
}

SIM_EXPORT BOOL ResetEvent(HANDLE hEvent)
{
    int res;
    lock();
    int ok = event_set_locked(hEvent, 0, self_locked(), &res);
    unlock();
    if (!ok) {
        report_handle("ResetEvent", hEvent, res, T_EVENT, K_EVENT_MODIFY_STATE);
        set_error(res_error(res));
    }
    return ok;
}

/* For the runtime: the same checks as SetEvent (an event handle with EVENT_MODIFY_STATE),
 * nothing recorded. */
SIM_HIDDEN int sim_signal_event(HANDLE hEvent)
{
    int res;
    lock();
    int ok = event_set_locked(hEvent, 1, self_locked(), &res);
    unlock();
    return ok;
}

/* ---- exported: completion ports ------------------------------------------------------------- */

/* The port was closed (its last handle): Windows wakes the threads blocked on it, which return
 * FALSE with ERROR_ABANDONED_WAIT_0, and drops the completions still queued. */
static void port_close_locked(sim_port *p)
{
    while (p->head != NULL) {
        comp_node *n = p->head;
        p->head = n->next;
        comp_free_locked(n);
    }
    p->tail = NULL;
    while (p->waiters != NULL) {
        port_waiter *pw = p->waiters;
        p->waiters = pw->next;
        if (p->waiters != NULL)
            p->waiters->prev = NULL;
        pw->prev = pw->next = NULL;
        pw->state = PW_ABANDONED;
        pthread_cond_signal(&pw->th->cv);
    }
}

/* Queues a completion, or hands it straight to a blocked remover. Windows releases the most
 * recently blocked thread first (LIFO), to keep the fewest threads warm. Returns 0 when out of
 * memory. */
static int port_post_locked(sim_port *p, DWORD bytes, ULONG_PTR key, void *overlapped)
{
    OVERLAPPED_ENTRY e;
    e.lpCompletionKey = key;
    e.lpOverlapped = overlapped;
    e.Internal = 0; /* STATUS_SUCCESS */
    e.dwNumberOfBytesTransferred = bytes;

    port_waiter *pw = p->waiters;
    if (pw != NULL) {
        p->waiters = pw->next;
        if (p->waiters != NULL)
            p->waiters->prev = NULL;
        pw->prev = pw->next = NULL;
        pw->first = e;
        pw->state = PW_GOT;
        pthread_cond_signal(&pw->th->cv);
        return 1;
    }
    comp_node *n = comp_alloc_locked();
    if (n == NULL)
        return 0;
    n->e = e;
    n->next = NULL;
    if (p->tail != NULL)
        p->tail->next = n;
    else
        p->head = n;
    p->tail = n;
    return 1;
}

static uint32_t port_take_locked(sim_port *p, OVERLAPPED_ENTRY *out, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && p->head != NULL) {
        comp_node *c = p->head;
        p->head = c->next;
        if (p->head == NULL)
            p->tail = NULL;
        out[n++] = c->e;
        comp_free_locked(c);
    }
    return n;
}

static void port_waiter_unlink_locked(sim_port *p, port_waiter *pw)
{
    if (pw->prev != NULL)
        pw->prev->next = pw->next;
    else
        p->waiters = pw->next;
    if (pw->next != NULL)
        pw->next->prev = pw->prev;
    pw->prev = pw->next = NULL;
}

/* Removes 1..max completions from the port. Returns 0 on success, else the GetLastError code:
 * WAIT_TIMEOUT (258), WAIT_IO_COMPLETION (0xC0, alertable, APCs ran), ERROR_ABANDONED_WAIT_0
 * (the port closed), or a handle error (recorded). As for waits, entries already queued win
 * over queued APCs. */
static DWORD port_remove(const char *fn, HANDLE hPort, OVERLAPPED_ENTRY *out, uint32_t max,
                         uint32_t *removed, DWORD ms, BOOL alertable)
{
    uint64_t deadline = deadline_after_ms(ms);
    uint32_t n = 0;
    DWORD err = 0;
    sim_obj *o = NULL;

    *removed = 0;
    lock();
    sim_thread *me = self_locked();
    if (me == NULL) {
        unlock();
        return K_ERROR_NOT_ENOUGH_MEMORY;
    }
    int res = resolve_locked(hPort, T_PORT, K_IO_COMPLETION_MODIFY_STATE, me, &o, NULL);
    if (res != RES_OK) {
        unlock();
        report_handle(fn, hPort, res, T_PORT, K_IO_COMPLETION_MODIFY_STATE);
        return res_error(res);
    }
    sim_port *p = (sim_port *)o;
    obj_ref_locked(o);

    n = port_take_locked(p, out, max);
    if (n > 0) {
        /* done */
    } else if (alertable && me->apc_head != NULL) {
        drain_apcs_locked(me);
        err = K_WAIT_IO_COMPLETION;
    } else if (ms == 0) {
        err = SIM_WAIT_TIMEOUT_ERROR;
    } else {
        port_waiter pw;
        int timed_out = 0;
        pw.th = me;
        pw.state = PW_WAITING;
        pw.prev = NULL;
        pw.next = p->waiters;
        if (p->waiters != NULL)
            p->waiters->prev = &pw;
        p->waiters = &pw;
        me->alertable = alertable != 0;
        while (pw.state == PW_WAITING && !(alertable && me->apc_head != NULL) && !timed_out)
            timed_out = cv_wait_until(&me->cv, &g_mu, deadline);
        me->alertable = 0;
        if (pw.state == PW_WAITING)
            port_waiter_unlink_locked(p, &pw);
        if (pw.state == PW_GOT) {
            out[0] = pw.first;
            n = 1 + port_take_locked(p, out + 1, max - 1);
        } else if (pw.state == PW_ABANDONED) {
            err = SIM_ERROR_ABANDONED_WAIT_0;
        } else if (alertable && me->apc_head != NULL) {
            drain_apcs_locked(me);
            err = K_WAIT_IO_COMPLETION;
        } else {
            err = SIM_WAIT_TIMEOUT_ERROR;
        }
    }
    obj_unref_locked(o);
    unlock();
    *removed = n;
    return err;
}

/* CreateIoCompletionPort. Only creating a port is simulated: FileHandle must be
 * INVALID_HANDLE_VALUE and then, as documented, ExistingCompletionPort must be NULL (the
 * CompletionKey is ignored). NumberOfConcurrentThreads is accepted and not enforced: the
 * simulator releases a blocked thread whenever a completion is available. */
SIM_EXPORT HANDLE CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                         ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads)
{
    DWORD err = 0;
    HANDLE h = NULL;
    (void)CompletionKey;
    (void)NumberOfConcurrentThreads;

    (void)self();
    if (FileHandle != SIM_PSEUDO_PROCESS) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "CreateIoCompletionPort: associating handle %p with a port is not simulated",
                   FileHandle);
        set_error(SIM_ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (ExistingCompletionPort != NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT,
                   "CreateIoCompletionPort: FileHandle is INVALID_HANDLE_VALUE but "
                   "ExistingCompletionPort is %p (must be NULL)",
                   ExistingCompletionPort);
        set_error(SIM_ERROR_INVALID_PARAMETER);
        return NULL;
    }
    lock();
    sim_port *p = calloc(1, sizeof *p);
    if (p == NULL) {
        err = K_ERROR_NOT_ENOUGH_MEMORY;
    } else {
        p->hdr.type = OBJ_PORT;
        h = handle_alloc_locked(&p->hdr, K_IO_COMPLETION_ALL_ACCESS, &err);
        if (h == NULL)
            free(p);
    }
    unlock();
    if (err != 0)
        set_error(err);
    return h;
}

static int post_locked(HANDLE hPort, DWORD bytes, ULONG_PTR key, void *overlapped,
                       sim_thread *me, int *res_out, DWORD *err)
{
    sim_obj *o = NULL;
    int res = resolve_locked(hPort, T_PORT, K_IO_COMPLETION_MODIFY_STATE, me, &o, NULL);
    *res_out = res;
    if (res != RES_OK) {
        *err = res_error(res);
        return 0;
    }
    if (!port_post_locked((sim_port *)o, bytes, key, overlapped)) {
        *err = K_ERROR_NOT_ENOUGH_MEMORY;
        return 0;
    }
    return 1;
}

SIM_EXPORT BOOL PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                           ULONG_PTR dwCompletionKey, OVERLAPPED *lpOverlapped)
{
    int res;
    DWORD err = 0;
    lock();
    int ok = post_locked(CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey,
                         lpOverlapped, self_locked(), &res, &err);
    unlock();
    if (!ok) {
        if (res != RES_OK)
            report_handle("PostQueuedCompletionStatus", CompletionPort, res, T_PORT,
                          K_IO_COMPLETION_MODIFY_STATE);
        set_error(err);
    }
    return ok;
}

SIM_HIDDEN int sim_post_completion(HANDLE hPort, DWORD bytes, ULONG_PTR key, void *overlapped)
{
    int res;
    DWORD err = 0;
    lock();
    int ok = post_locked(hPort, bytes, key, overlapped, self_locked(), &res, &err);
    unlock();
    return ok;
}

/* Values written to *lpNumberOfBytesTransferred and *lpCompletionKey when nothing was dequeued.
 * STRICT: the documentation calls them indeterminate in that case; the simulator makes them
 * conspicuous rather than leave plausible stale values. */
#define GQCS_POISON_BYTES 0xBAADF00Du
#define GQCS_POISON_KEY ((ULONG_PTR)0xBAADF00Du)

SIM_EXPORT BOOL GetQueuedCompletionStatus(HANDLE CompletionPort, DWORD *lpNumberOfBytesTransferred,
                                          ULONG_PTR *lpCompletionKey, OVERLAPPED **lpOverlapped,
                                          DWORD dwMilliseconds)
{
    static const char fn[] = "GetQueuedCompletionStatus";
    if (lpNumberOfBytesTransferred == NULL || lpCompletionKey == NULL || lpOverlapped == NULL) {
        /* STRICT: Windows faults writing through a NULL output; the simulator refuses. */
        (void)self();
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: a NULL output pointer", fn);
        set_error(SIM_ERROR_INVALID_PARAMETER);
        return 0;
    }
    OVERLAPPED_ENTRY e;
    uint32_t n;
    DWORD err = port_remove(fn, CompletionPort, &e, 1, &n, dwMilliseconds, 0);
    if (err != 0) {
        /* "If *lpOverlapped is NULL, the function did not dequeue a completion packet". */
        *lpOverlapped = NULL;
        *lpNumberOfBytesTransferred = GQCS_POISON_BYTES;
        *lpCompletionKey = GQCS_POISON_KEY;
        set_error(err);
        return 0;
    }
    *lpNumberOfBytesTransferred = e.dwNumberOfBytesTransferred;
    *lpCompletionKey = e.lpCompletionKey;
    *lpOverlapped = e.lpOverlapped;
    return 1;
}

/* GetQueuedCompletionStatusEx: removes up to ulCount entries at once (at least one unless it
 * fails). On failure *ulNumEntriesRemoved is 0 and GetLastError is WAIT_TIMEOUT,
 * WAIT_IO_COMPLETION (alertable, APCs ran), ERROR_ABANDONED_WAIT_0 or a handle error. */
SIM_EXPORT BOOL GetQueuedCompletionStatusEx(HANDLE CompletionPort,
                                            OVERLAPPED_ENTRY *lpCompletionPortEntries,
                                            uint32_t ulCount, uint32_t *ulNumEntriesRemoved,
                                            DWORD dwMilliseconds, BOOL fAlertable)
{
    static const char fn[] = "GetQueuedCompletionStatusEx";
    if (lpCompletionPortEntries == NULL || ulNumEntriesRemoved == NULL || ulCount == 0) {
        /* ulCount 0 is ERROR_INVALID_PARAMETER on Windows. STRICT: NULL pointers, which
         * Windows would fault on, are refused the same way. */
        (void)self();
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s: entries %p, count %u, removed %p", fn,
                   (void *)lpCompletionPortEntries, (unsigned)ulCount,
                   (void *)ulNumEntriesRemoved);
        if (ulNumEntriesRemoved != NULL)
            *ulNumEntriesRemoved = 0;
        set_error(SIM_ERROR_INVALID_PARAMETER);
        return 0;
    }
    uint32_t n;
    DWORD err = port_remove(fn, CompletionPort, lpCompletionPortEntries, ulCount, &n,
                            dwMilliseconds, fAlertable);
    *ulNumEntriesRemoved = n;
    if (err != 0) {
        set_error(err);
        return 0;
    }
    return 1;
}

/* ---- simulator threads ---------------------------------------------------------------------- */

typedef struct spawn_arg {
    void (*fn)(void *ctx);
    void *ctx;
} spawn_arg;

static void *spawn_main(void *p)
{
    spawn_arg a = *(spawn_arg *)p;
    free(p);
    (void)self();
    a.fn(a.ctx);
    /* End the record first, so that once SIM_COUNT_THREADS is back to 0 the thread's object is
     * signalled and its leftover APCs are no longer counted. */
    thread_exit_self();
    sim_count(SIM_COUNT_THREADS, -1);
    return NULL;
}

SIM_HIDDEN int sim_spawn(void (*fn)(void *ctx), void *ctx)
{
    if (fn == NULL)
        return -1;
    ensure_init();
    spawn_arg *a = malloc(sizeof *a);
    if (a == NULL)
        return -1;
    a->fn = fn;
    a->ctx = ctx;

    pthread_attr_t attr;
    pthread_t t;
    if (pthread_attr_init(&attr) != 0) {
        free(a);
        return -1;
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Counted before the thread starts, so that no observer sees it missing while it runs. */
    sim_count(SIM_COUNT_THREADS, 1);
    int rc = pthread_create(&t, &attr, spawn_main, a);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        sim_count(SIM_COUNT_THREADS, -1);
        free(a);
        return -1;
    }
    return 0;
}

/* ---- the timer/delivery thread -------------------------------------------------------------- */

typedef struct sched_item {
    uint64_t due_ns;
    uint64_t seq; /* FIFO among equal due times */
    void (*fn)(void *ctx);
    void *ctx;
} sched_item;

static pthread_mutex_t s_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t s_cv;
static int s_started;
static sched_item *s_heap; /* binary min-heap on (due_ns, seq) */
static size_t s_n, s_cap;
static uint64_t s_seq;

static int sched_before(const sched_item *a, const sched_item *b)
{
    return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void sched_push_locked(sched_item it)
{
    size_t i = s_n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!sched_before(&it, &s_heap[parent]))
            break;
        s_heap[i] = s_heap[parent];
        i = parent;
    }
    s_heap[i] = it;
}

static sched_item sched_pop_locked(void)
{
    sched_item top = s_heap[0];
    sched_item last = s_heap[--s_n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s_n)
            break;
        if (c + 1 < s_n && sched_before(&s_heap[c + 1], &s_heap[c]))
            c++;
        if (!sched_before(&s_heap[c], &last))
            break;
        s_heap[i] = s_heap[c];
        i = c;
    }
    if (s_n > 0)
        s_heap[i] = last;
    return top;
}

static void *delivery_main(void *arg)
{
    (void)arg;
    (void)self(); /* a simulator thread like any other: it has an id and may queue APCs */
    pthread_mutex_lock(&s_mu);
    for (;;) {
        if (s_n == 0) {
            pthread_cond_wait(&s_cv, &s_mu);
            continue;
        }
        if (s_heap[0].due_ns > now_ns()) {
            cv_wait_until(&s_cv, &s_mu, s_heap[0].due_ns);
            continue;
        }
        sched_item it = sched_pop_locked();
        pthread_mutex_unlock(&s_mu);
        it.fn(it.ctx);
        pthread_mutex_lock(&s_mu);
    }
    return NULL;
}

static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static void sched_init_once(void)
{
    ensure_init();
    pthread_cond_init(&s_cv, &g_condattr);
}

SIM_HIDDEN int sim_schedule(uint32_t delay_ms, void (*fn)(void *ctx), void *ctx)
{
    if (fn == NULL)
        return -1;
    pthread_once(&s_once, sched_init_once);
    sched_item it;
    it.due_ns = now_ns() + (uint64_t)delay_ms * 1000000u;
    it.fn = fn;
    it.ctx = ctx;

    pthread_mutex_lock(&s_mu);
    if (!s_started) {
        pthread_attr_t attr;
        pthread_t t;
        int rc = pthread_attr_init(&attr);
        if (rc == 0) {
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
            rc = pthread_create(&t, &attr, delivery_main, NULL);
            pthread_attr_destroy(&attr);
        }
        if (rc != 0) {
            pthread_mutex_unlock(&s_mu);
            return -1;
        }
        s_started = 1;
    }
    if (s_n == s_cap) {
        size_t cap = s_cap ? s_cap * 2 : 64;
        sched_item *h = realloc(s_heap, cap * sizeof *h);
        if (h == NULL) {
            pthread_mutex_unlock(&s_mu);
            return -1;
        }
        s_heap = h;
        s_cap = cap;
    }
    it.seq = s_seq++;
    sched_push_locked(it);
    /* The delivery thread sleeps until the earliest due time: wake it if that changed. */
    if (s_heap[0].seq == it.seq)
        pthread_cond_signal(&s_cv);
    pthread_mutex_unlock(&s_mu);
    return 0;
}
