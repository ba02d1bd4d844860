/*
 * sim_internal.h - what the simulator's parts offer each other (not exported).
 *
 *   sim_kernel32.c  threads, handles, APC queues, alertable waits, events, completion ports,
 *                   the simulator's own threads and its timer/delivery thread
 *   sim_oracle.c    the misuse record and the live-resource counters
 *   sim_rpc_*.c     RpcAsync*, calls, pipes, notification delivery, fault plan (what those files
 *                   share with each other: sim_rpc_internal.h)
 *   sim_peer.c      the scripted server (SIM_PEER_ENDPOINT) and the scripted client
 */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include "winrpcsim.h"

#include <pthread.h>
#include <stdarg.h>

#if defined(__GNUC__)
#define SIM_EXPORT __attribute__((visibility("default")))
#define SIM_HIDDEN __attribute__((visibility("hidden")))
#define SIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SIM_EXPORT
#define SIM_HIDDEN
#define SIM_PRINTF(f, a)
#endif

/* ---- sim_kernel32.c ----------------------------------------------------------------------- */

/* Result of resolving a thread handle for an APC. */
typedef enum {
    SIM_APC_OK = 0,
    SIM_APC_PSEUDO_HANDLE,       /* GetCurrentThread()'s pseudo-handle */
    SIM_APC_INVALID_HANDLE,      /* not an open handle, or not a thread */
    SIM_APC_NO_SET_CONTEXT,      /* a thread handle opened without THREAD_SET_CONTEXT */
    SIM_APC_THREAD_GONE          /* the thread has exited */
} sim_apc_result;

/* Queues fn(ctx) as an APC to the thread behind hThread. Unlike QueueUserAPC, a pseudo-handle
 * is refused (the runtime's own thread would be the target). Counts in SIM_COUNT_QUEUED_APCS
 * until it runs or its thread exits. Does not record misuse: the caller decides. */
SIM_HIDDEN sim_apc_result sim_queue_apc(HANDLE hThread, void (*fn)(void *ctx), void *ctx);

/* SetEvent / PostQueuedCompletionStatus for the runtime's use: return 0 if the handle is not
 * an open event / port (nothing happens then). */
SIM_HIDDEN int sim_signal_event(HANDLE hEvent);
/* SetLastError's store, errno too (sim_kernel32.c's failures do the same): for sim_memory.c. */
SIM_HIDDEN void sim_set_last_error(DWORD e);
SIM_HIDDEN int sim_post_completion(HANDLE hPort, DWORD bytes, ULONG_PTR key, void *overlapped);

/* The timer/delivery thread: runs fn(ctx) after delay_ms on the simulator's single delivery
 * thread, in order of due time, FIFO among equal due times. Returns 0 on success. The delivery
 * thread is a simulator thread: it is registered like any thread and may queue APCs. */
SIM_HIDDEN int sim_schedule(uint32_t delay_ms, void (*fn)(void *ctx), void *ctx);

/* Starts a detached simulator thread running fn(ctx) (a manager-routine dispatch, a scripted
 * client). Counts in SIM_COUNT_THREADS while it runs. Returns 0 on success. */
SIM_HIDDEN int sim_spawn(void (*fn)(void *ctx), void *ctx);

/* Monotonic milliseconds. */
SIM_HIDDEN uint64_t sim_now_ms(void);

/* ---- sim_oracle.c ------------------------------------------------------------------------- */

SIM_HIDDEN void sim_misuse(int kind, const char *fmt, ...) SIM_PRINTF(2, 3);
SIM_HIDDEN void sim_count(int which, int64_t delta);

/* ---- sim_bind.c, sim_host.c: sim_reset's part (frees the binding and hosting registry) ---- */

SIM_HIDDEN void sim_bind_reset(void);

/* ---- sim_rpc_*.c -------------------------------------------------------------------------- */

/* Calls sim_peer.c needs to reach the server side of the simulator's call machinery. */
typedef struct sim_call sim_call;

/* The scripted C server of sim_peer.c: the simulator's own fixture server, reached on
 * ncalrpc:[SIM_PEER_ENDPOINT] as if it were another process, and exported as fx_PeerEpv() for
 * a server of this process to register. */
SIM_HIDDEN const FX_SERVER_EPV *sim_peer_server_epv(void);

/* sim_host.c: the fixture's asynchronous calls on rpcrt4 binding handles. sim_host_admit runs
 * the runtime's call-time checks for a call on Binding (live, local, the endpoint served, the
 * interface registered for the manager type of the binding's object UUID, its flags against
 * the binding's authentication) and records the call; a binding to ncalrpc:[SIM_PEER_ENDPOINT]
 * is admitted as a call to the simulator's own server (peer 1, no checks, epv NULL). On the
 * dispatch thread sim_host_enter runs the interface's security callback (RPC_S_ACCESS_DENIED
 * if it refuses) and makes a NULL binding name the call until sim_host_leave; each side of the
 * call reports its end with sim_host_side_done; the server's part (the interface's and
 * listening's count of it) ends when its side is done and its manager routine has returned or
 * will never run (sim_host_leave, sim_host_not_run). Takes the hosting registry's lock, never the
 * call machinery's: callable with that one held. */
typedef struct sim_admission {
    void *call;                 /* the call's record: the manager routine's binding handle */
    const FX_SERVER_EPV *epv;   /* the registered manager routines (NULL for the peer) */
    int peer;
} sim_admission;
SIM_HIDDEN RPC_STATUS sim_host_admit(void *Binding, const void *IfSpec, uint16_t OpNum,
                                     sim_admission *out);
SIM_HIDDEN RPC_STATUS sim_host_enter(void *call);
SIM_HIDDEN void sim_host_leave(void *call);
/* The call's manager routine will never run (no routine, the callback refused, no thread). */
SIM_HIDDEN void sim_host_not_run(void *call);
SIM_HIDDEN void sim_host_side_done(void *call, int server);

/* Fault plan access for a call: a per-call generator seeded from (plan seed, call number). */
typedef struct sim_rng { uint64_t s; } sim_rng;
SIM_HIDDEN uint64_t sim_rng_next(sim_rng *r);
/* 1 with probability ppm / 1e6. */
SIM_HIDDEN int sim_rng_chance(sim_rng *r, uint32_t ppm);
SIM_HIDDEN void sim_fault_plan_get(SIM_FAULT_PLAN *out);
SIM_HIDDEN uint32_t sim_reply_delay_get(void);

/* Used by the scripted peers: RpcClientDisconnect for the server side of the call started on
 * client state pAsync (the client goes away: its pipes fail, the server is told). */
SIM_HIDDEN RPC_STATUS sim_client_disconnect(PRPC_ASYNC_STATE pAsync);

/* Used by the scripted server: whether the client of the server call on pAsync has cancelled it
 * (abortively or not). The scripted server's stand-in for RpcServerTestCancel, which the
 * simulator does not export: a cancel made before the server subscribed is never notified. */
SIM_HIDDEN int sim_server_cancel_requested(PRPC_ASYNC_STATE pAsync);

/* Used by the scripted client: the RpcNotification* bits the server side of the call started on
 * client state pAsync is subscribed to now, or -1 if that server side has finished (or there is
 * no call in progress on pAsync). */
SIM_HIDDEN int sim_server_subscriptions(PRPC_ASYNC_STATE pAsync);

/* Used by the scripted peers: the SIM_BEHAVIOUR_* bits the call on pAsync (a client or a server
 * state with a call in progress) plays, or 0 if pAsync has no call in progress. */
SIM_HIDDEN uint32_t sim_call_behaviours(PRPC_ASYNC_STATE pAsync);

/* Used by the scripted peers: the fault plan in force when the call on pAsync (a client or a
 * server state with a call in progress) started, and a generator seeded from (plan seed, that
 * call's sequence number, stream), so the peers' own decisions replay too. Returns 0 (plan and
 * generator zeroed) if pAsync has no call in progress. */
SIM_HIDDEN int sim_call_fault_plan(PRPC_ASYNC_STATE pAsync, uint32_t stream,
                                   SIM_FAULT_PLAN *plan, sim_rng *rng);

#endif /* SIM_INTERNAL_H */
