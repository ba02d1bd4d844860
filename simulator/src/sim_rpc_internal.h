/*
 * sim_rpc_internal.h - what the files of the rpcrt4 part of the runtime simulator share (not
 * exported): RpcAsync*, the fixture's client stubs and server glue (fx_*), the call machinery,
 * async pipes, notification delivery, the fault plan, and the test controls
 * sim_scribble_runtime_fields / sim_quiesce / sim_reset.
 *
 *   sim_rpc_state.c      the pointer-keyed hash map, the lock, the "routine gone" probe, state
 *                        records (the runtime-owned fields and their checks, the idle list),
 *                        the lookup of a state for an RpcAsync* entry, the test controls
 *                        sim_scribble_runtime_fields and sim_quiesce
 *   sim_rpc_fault.c      the generator, the fault plan and the reply delay, sim_reset
 *   sim_rpc_notify.c     the outbox, a state's notification queue, the scheduled tasks and their
 *                        delivery (event, completion port, APC)
 *   sim_rpc_call.c       a call's life: its reference count, failure, the reply reaching the
 *                        client, a side's final completion; RpcAsyncInitializeHandle,
 *                        RpcAsyncRegisterInfo, RpcAsyncGetCallStatus, RpcAsyncCompleteCall,
 *                        RpcAsyncAbortCall, RpcAsyncCancelCall; the scripted client's disconnect
 *   sim_rpc_subscribe.c  RpcServerSubscribeForNotification and its counterparts
 *   sim_rpc_pipe.c       async pipes: pull, push, alloc
 *   sim_rpc_dispatch.c   the fixture's interface handle (fx_IfSpec); dispatching a call to
 *                        its manager routine (after the interface's security callback)
 *   sim_rpc_stubs.c      the fixture's client stubs (fx_Add ... fx_PipeEcho): starting a call
 *   sim_ndr_call.c       the generic call of an operation described by data (sim_ndr.h), with
 *                        NDR's copies (sim_ndr.c): hooks below, marked "generic call"
 *   sim_rpc_behaviour.c  the runtime behaviours tests can switch on (sim_set_behaviours,
 *                        sim_set_pipe_window) and the decisions they share
 *
 * Model. A call joins a client state (the caller's RPC_ASYNC_STATE) and a server state (one
 * the simulator allocates and hands to the manager routine). Each state has a record in a
 * registry keyed by its address, holding the simulator's copy of the runtime-owned fields, the
 * role, the phase (initialised, in a call, finished) and the state's notification queue. A call
 * has two channels: 0, the in pipe (client to server), and 1, the out pipe (server to client).
 * A push puts a chunk "in flight"; after the send delay it arrives at the receiver's buffer,
 * the sender's send completes (RpcSendComplete) and a pending pull is told (RpcReceiveComplete).
 *
 * Locking. One mutex, g_lock, guards everything here. Work that leaves this part (scheduling on
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
 * The plan's deterministic faults (its *_at fields) count instead of drawing: the k-th push,
 * completing pull, notification or send of one side of each call (fault_*_locked in
 * sim_rpc_fault.c, which count where the random faults draw), so a test can name the failure it
 * wants without searching for a seed.
 */

#ifndef SIM_RPC_INTERNAL_H
#define SIM_RPC_INTERNAL_H

#include "sim_internal.h"

/* ---- limits --------------------------------------------------------------------------------- */

#define SIM_IDLE_MAX 65536u             /* idle state records kept (the quarantine) */
#define SIM_ALLOC_MAX (64u << 20)       /* largest pipe alloc, in bytes */
#define SIM_PUSH_MAX (16u << 20)        /* largest push, in elements */

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

SIM_HIDDEN uint64_t mix64(uint64_t z);
SIM_HIDDEN void *hm_get(const hmap *m, const void *k);
/* Returns 0 on success, -1 when out of memory. The key must not be present. */
SIM_HIDDEN int hm_put(hmap *m, const void *k, void *v);
SIM_HIDDEN void *hm_del(hmap *m, const void *k);

/* ---- records -------------------------------------------------------------------------------- */

typedef struct chunk {
    struct chunk *next;
    uint32_t n, off;   /* elements, elements already pulled */
    int notify;        /* the sender asked for RpcSendComplete (Flags at push time) */
    _Alignas(8) unsigned char data[]; /* n elements of the channel's esize bytes */
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
    uint32_t pend_mark;       /* APC_EVENT_AT_RUN: the receiver's notes_run when its pull
                                 pended (or pended again) */
    int send_notif_out;       /* an RpcSendComplete is issued and not yet delivered: further
                                 sends collapse into it */
    int send_apc_out;         /* COLLAPSE_SEND_COMPLETES: that RpcSendComplete's APC is queued
                                 and its routine has not run yet: further sends collapse too */
    chunk *held_head, *held_tail; /* BACK_PRESSURE: arrived beyond the receiver's window: not
                                 pullable yet, their sends not complete */
    uint32_t rx_elems;        /* elements arrived (in rx) and not yet pulled */
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

struct sim_call {
    uint64_t gen;      /* unique for the process's life; names the call in tasks and APCs */
    uint32_t seq;      /* sequence number for the fault plan */
    int op, refs;
    struct sim_ndr_call *ndr;  /* a generic call's descriptor and copies (NULL: the fixture's) */
    uint32_t esize[2];         /* bytes per pipe element of each channel */
    void *host;                /* sim_host.c's record of the call (sim_host_admit) */
    const FX_SERVER_EPV *epv;  /* the manager routines that serve it */
    int32_t a, b;
    uint32_t u;
    SIM_FAULT_PLAN plan;
    uint32_t behaviours;       /* SIM_BEHAVIOUR_* in force when the call started */
    uint32_t window;           /* BACK_PRESSURE's window, in elements */
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
    /* What each side (index role - 1) did so far, as the plan's deterministic faults count */
    uint32_t pushes[2];            /* pushes that reached the plan's decision */
    uint32_t pulls[2];             /* pulls that would complete (and reached it) */
    uint32_t notifications[2];     /* notifications issued to its state (and reached it) */
};

typedef struct notif {
    struct notif *next;
    uint64_t gen;
    RPC_ASYNC_EVENT event;
    int chan; /* the channel an RpcSendComplete / RpcReceiveComplete is about, else -1 */
} notif;

/* Subscription kinds, indexes of subscription arrays. */
enum { SUB_DISCONNECT = 0, SUB_CANCEL = 1, SUB_KINDS = 2 };

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
    int settles_chan;         /* COLLAPSE_SEND_COMPLETES: 1 + the channel whose send_apc_out
                                 this RpcSendComplete's APC clears when it runs (or is
                                 forgotten); 0 none */
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
    uint32_t notes_run;       /* APC routines run for this state's own notifications */
    /* RpcServerSubscribeForNotification (server states) */
    uint32_t sub_active;      /* RpcNotification* bits subscribed now */
    subscription subs[SUB_KINDS];
    sub_notif *sq_head, *sq_tail; /* subscription notifications queued, not yet delivered */
    PRPC_ASYNC_STATE owned;   /* a server state's memory, freed when the record is forgotten */
    struct staterec *idle_prev, *idle_next;
    int on_idle;
} staterec;

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

/* A delay that is no delay at all: the task runs in the thread that flushes the outbox (the
 * application's, in a stub), so what it delivers is queued before the stub returns. */
#define SIM_DELAY_NOW UINT32_MAX

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

/* ---- global state --------------------------------------------------------------------------- */

SIM_HIDDEN extern hmap g_states;       /* PRPC_ASYNC_STATE -> staterec (sim_rpc_state.c) */
SIM_HIDDEN extern hmap g_ends;         /* pipe_end* -> sim_call (sim_rpc_pipe.c) */
/* a call's handles (the call, &call->client_handle) -> sim_call (sim_rpc_call.c) */
SIM_HIDDEN extern hmap g_call_handles;
SIM_HIDDEN extern SIM_FAULT_PLAN g_plan; /* sim_rpc_fault.c */
SIM_HIDDEN extern uint32_t g_behaviours; /* sim_rpc_behaviour.c: SIM_BEHAVIOUR_* for new calls */
SIM_HIDDEN extern uint32_t g_pipe_window; /* sim_rpc_behaviour.c: BACK_PRESSURE's, for new calls */
SIM_HIDDEN extern uint32_t g_seq;      /* sim_rpc_fault.c */
/* scheduled tasks and spawned dispatches not yet finished (sim_rpc_notify.c) */
SIM_HIDDEN extern int64_t g_tasks_out;
/* The call whose manager routine runs on this thread, for a NULL Binding (sim_rpc_dispatch.c). */
SIM_HIDDEN extern _Thread_local sim_call *tl_dispatched;

/* ---- sim_rpc_state.c ------------------------------------------------------------------------ */

SIM_HIDDEN void lock(void);
SIM_HIDDEN void unlock(void);
SIM_HIDDEN void sleep_ms(uint32_t ms);
/* Reads 16 bytes at addr without faulting. Called with g_lock held. Returns 1 if the bytes were
 * read, 0 if the memory is not readable, -1 if the probe is unavailable. */
SIM_HIDDEN int probe_read(const void *addr, unsigned char out[16]);
SIM_HIDDEN const void *routine_addr(PFN_RPCNOTIFICATION_ROUTINE r);
SIM_HIDDEN void idle_remove_locked(staterec *r);
/* Forgets an idle record: later uses of its address are uses of an uninitialised state. */
SIM_HIDDEN void rec_forget_locked(staterec *r);
SIM_HIDDEN void idle_add_locked(staterec *r);
SIM_HIDDEN staterec *rec_get_locked(const void *p);
SIM_HIDDEN const char *role_name(int role);
/* Compares the runtime-owned fields with the simulator's copy; a difference is recorded once
 * per state and field (the simulator goes on with its own values). */
SIM_HIDDEN void check_fields_locked(staterec *r, const char *where);
/* Writes the runtime-owned fields the way RpcAsyncInitializeHandle does, and records them. */
SIM_HIDDEN void write_init_fields_locked(staterec *r);
/* Records a delivery misuse once per state and call. */
SIM_HIDDEN void misuse_once_locked(staterec *r, int kind, const char *fmt, ...) SIM_PRINTF(3, 4);
/* Takes the 16-byte snapshot of an APC routine. Returns 0 if the routine's memory is not
 * readable. */
SIM_HIDDEN int snapshot_routine_locked(staterec *r, PFN_RPCNOTIFICATION_ROUTINE routine);
/* Returns the record for p (checked against the runtime fields), or NULL with *st set and the
 * misuse recorded. */
SIM_HIDDEN staterec *api_rec_locked(PRPC_ASYNC_STATE p, const char *fn, RPC_STATUS *st);

/* ---- sim_rpc_fault.c ------------------------------------------------------------------------ */

SIM_HIDDEN uint32_t rng_delay(sim_rng *r, uint32_t max_ms);
SIM_HIDDEN uint64_t stream_seed(uint64_t seed, uint32_t seq, uint32_t stream);
/* The plan's decisions for side `role` of call c, each counting one more push, pull or
 * notification of that side: whether it fails (or is lost), by the random fault or the
 * deterministic one. */
SIM_HIDDEN int fault_push_fails_locked(sim_call *c, int role);
SIM_HIDDEN int fault_pull_fails_locked(sim_call *c, int role);
SIM_HIDDEN int fault_drop_notification_locked(sim_call *c, int role);
/* The delay of the push of side `role` that fault_push_fails_locked counted last. */
SIM_HIDDEN uint32_t fault_send_delay_locked(sim_call *c, int role);

/* ---- sim_rpc_behaviour.c -------------------------------------------------------------------- */

/* Whether call c plays behaviour b (a SIM_BEHAVIOUR_* bit). */
static inline int behaves(const sim_call *c, uint32_t b) { return (c->behaviours & b) != 0; }
/* Restores the defaults (sim_reset); called with g_lock held. */
SIM_HIDDEN void behaviours_reset_locked(void);
/* Whether a send by the sender of state p, made now, asks for RpcSendComplete: Flags has
 * RPC_C_NOTIFY_ON_SEND_COMPLETE and, under SEND_COMPLETE_APC_ONLY, NotificationType is Apc.
 * Called on the sender's own thread (its push, its call). */
SIM_HIDDEN int send_notify_wanted(const sim_call *c, PRPC_ASYNC_STATE p);
/* BACK_PRESSURE: whether chunk k, arriving at channel ch now, must wait outside the receiver's
 * window (behind what already waits). */
SIM_HIDDEN int bp_must_hold(const sim_call *c, const channel *ch, const chunk *k);
/* COLLAPSE_SEND_COMPLETES: the RpcSendComplete APC an apc_entry settles has run (or will never
 * run): further sends of its channel get a notification again. */
SIM_HIDDEN void apc_settle_locked(const apc_entry *a);

/* ---- sim_rpc_notify.c ----------------------------------------------------------------------- */

SIM_HIDDEN void ob_init(outbox *ob);
SIM_HIDDEN void ob_push(outbox *ob, const action *act);
/* Returns 0, or -1 when out of memory (nothing scheduled). */
SIM_HIDDEN int sched_locked(outbox *ob, int kind, PRPC_ASYNC_STATE p, uint64_t gen, sim_call *c,
                            int chan, uint32_t delay);
/* Carries out the outbox's work; called with no lock held. */
SIM_HIDDEN void ob_flush(outbox *ob);
/* Issues a notification to the state of r (which must be in its call). */
SIM_HIDDEN void issue_locked(outbox *ob, staterec *r, RPC_ASYNC_EVENT ev, int chan,
                             uint32_t delay);
/* Discards the notifications still queued for r (its call is over). */
SIM_HIDDEN void queue_discard_locked(staterec *r);
/* Forgets the APCs queued for r that have not run; with keep_sub, those of subscription
 * notifications stay. */
SIM_HIDDEN void apcs_forget_locked(staterec *r, int keep_sub);
/* A server's call into the runtime: note its notification choice. */
SIM_HIDDEN void server_entered_locked(staterec *r);

/* ---- sim_rpc_call.c ------------------------------------------------------------------------- */

SIM_HIDDEN void call_unref_locked(sim_call *c);
/* The record of one side of c, if that side's state still belongs to c. */
SIM_HIDDEN staterec *side_rec_locked(sim_call *c, int role);
SIM_HIDDEN int chan_sender(int chan);
/* A successful reply becomes available once it has arrived and, for a call with an out pipe,
 * the client has pulled the pipe's end. */
SIM_HIDDEN void try_available_locked(outbox *ob, sim_call *c);
/* The call fails (see its definition for what that does). */
SIM_HIDDEN void fail_call_locked(outbox *ob, sim_call *c, RPC_STATUS client_status,
                                 RPC_STATUS pipe_status, int server_event);
/* A state leaves its call (final completion, or a server state the runtime ends itself). */
SIM_HIDDEN void side_finish_locked(sim_call *c, staterec *r);
/* A chunk of channel `chan` arrives at its receiver: the send has completed (unless
 * BACK_PRESSURE holds it outside the receiver's window). */
SIM_HIDDEN void arrive_task_locked(outbox *ob, sim_call *c, int chan);
/* BACK_PRESSURE: the receiver of channel `chan` pulled; lets in what now fits its window. */
SIM_HIDDEN void bp_release_locked(outbox *ob, sim_call *c, int chan);
/* CALL_COMPLETE_BEFORE_DRAIN: the client was told its call completed successfully while its
 * out pipe still holds data, or its end, not pulled. */
SIM_HIDDEN int early_undrained(const sim_call *c);
/* The server's Complete or Abort reaches the client. */
SIM_HIDDEN void reply_task_locked(outbox *ob, sim_call *c);

/* ---- sim_rpc_subscribe.c -------------------------------------------------------------------- */

SIM_HIDDEN RPC_ASYNC_EVENT sub_event(int k);
SIM_HIDDEN const char *sub_name(int k);
/* Drops the subscription notifications still queued for r (its record is forgotten). */
SIM_HIDDEN void sub_queue_discard_locked(staterec *r);
/* Ends every subscription of server record r; fn names the completion that ends them while
 * they are active (a misuse), NULL ends them silently. */
SIM_HIDDEN void subs_end_locked(staterec *r, const char *fn);
/* Tells the server of c its client's cancel or disconnect (ev), if and only if the server is
 * subscribed to that kind now. */
SIM_HIDDEN void sub_issue_locked(outbox *ob, sim_call *c, RPC_ASYNC_EVENT ev);

/* ---- sim_rpc_pipe.c ------------------------------------------------------------------------- */

/* Points the pipe structure pp at pipe end e: the simulator's pull, push and alloc. */
SIM_HIDDEN void fill_pipe(ASYNC_INTPIPE *pp, pipe_end *e);

/* ---- sim_rpc_stubs.c, sim_ndr_call.c: the generic call ------------------------------------ */

/* Starts a call of operation op of interface ifspec (the fixture's stubs: op a SIM_OP_*, ndr
 * NULL; a generic call: ndr its copies, which the call owns from a successful start on). */
SIM_HIDDEN RPC_STATUS start_call_ex(const char *fn, PRPC_ASYNC_STATE pAsync, void *hBinding,
                                    const void *ifspec, int op, ASYNC_INTPIPE *inpipe,
                                    ASYNC_INTPIPE *outpipe, struct sim_ndr_call *ndr);
SIM_HIDDEN int sim_ndr_has_pipe(const struct sim_ndr_call *n, int chan);
SIM_HIDDEN int sim_ndr_peer_serves(const void *ifspec);
/* The call is made: c takes n (esize, the server's pipe values). */
SIM_HIDDEN void sim_ndr_attach_locked(sim_call *c, struct sim_ndr_call *n);
/* The EPV's routine for c's operation (NULL: none), and its call through the invoker. */
SIM_HIDDEN void (*sim_ndr_routine(const sim_call *c))(void);
SIM_HIDDEN void sim_ndr_invoke(sim_call *c, PRPC_ASYNC_STATE sp, void *hb);
/* The bytes of c's reply (4 for the fixture's), and a reply copy's failure (RPC_S_OK). */
SIM_HIDDEN uint32_t sim_ndr_reply_size(const sim_call *c);
SIM_HIDDEN RPC_STATUS sim_ndr_reply_status(const sim_call *c);
/* The server's RpcAsyncCompleteCall: the reply is copied, the server's copies freed. */
SIM_HIDDEN void sim_ndr_server_reply_locked(sim_call *c, const void *Reply);
/* The client's successful final RpcAsyncCompleteCall: the reply into the client's memory. */
SIM_HIDDEN void sim_ndr_client_reply_locked(sim_call *c, void *Reply);
SIM_HIDDEN void sim_ndr_call_free(sim_call *c);

/* ---- sim_rpc_dispatch.c --------------------------------------------------------------------- */

/* A new simulator thread runs the manager routine (ctx: the call). */
SIM_HIDDEN void dispatch_main(void *ctx);
/* The dispatch thread could not be started. */
SIM_HIDDEN void dispatch_failed(sim_call *c);

#endif /* SIM_RPC_INTERNAL_H */
