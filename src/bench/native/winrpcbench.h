/*
 * winrpcbench.h - the benchmarks' native side (libwinrpcbench.so), linked against the runtime
 * simulator (libwinrpcsim.so). It is not part of the simulator: it only calls the simulator's
 * exported Windows API (kernel32 and rpcrt4 names, fx_* fixture stubs), as any client would.
 *
 * Three things live here, so that the Java benchmarks and the C baseline use the very same
 * code for everything except what is being compared:
 *
 *  1. Producers. A notification stream made of the simulator's own primitives, with no RPC
 *     machinery in it: N QueueUserAPC of a trampoline that does what the runtime's APC does
 *     (write pAsync->Event, call the notification routine with (pAsync, NULL, Event)), or N
 *     PostQueuedCompletionStatus of the state's completion key (Event written first, as the
 *     runtime writes it before it posts). The same producer feeds a Java dispatcher and the C
 *     loop.
 *
 *  2. The C loop (the baseline): one thread that does what a dispatcher does, written as a C
 *     programmer would: SleepEx(INFINITE, TRUE) in a loop (APC), or GetQueuedCompletionStatusEx
 *     in batches of 64 (IOCP); a registry keyed by the state's address (open addressing under a
 *     mutex, like the library's LongObjectMap); a handler called through a function pointer.
 *
 *  3. Call drivers: starting and completing batches of fx_Add calls on "sim-peer" from C (the
 *     end-to-end benchmark starts and completes the calls in C for both sides, so that only
 *     notification delivery differs), and the C full plain call.
 *
 * Batches are counted by a handler on the consuming thread; the C loop's and the Java
 * benchmarks' Counter do the same thing: a plain count, compared with a goal the producer set;
 * reaching it publishes the count once per batch (a release store, and a wake-up when the
 * waiter blocks), and the producer waits until then.
 */
#ifndef WINRPCBENCH_H
#define WINRPCBENCH_H

#include "../../../simulator/src/winrpcsim.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define WB_EXPORT __attribute__((visibility("default")))
#else
#define WB_EXPORT
#endif

enum { WB_APC = 0, WB_IOCP = 1 };

/* ---- producers --------------------------------------------------------------------------- */

/* What one notification APC carries: the routine, its state, its event. */
typedef struct wb_apc_desc wb_apc_desc;

WB_EXPORT wb_apc_desc *wb_apc_desc_new(PFN_RPCNOTIFICATION_ROUTINE routine,
                                       PRPC_ASYNC_STATE pAsync, int32_t event);
WB_EXPORT void wb_apc_desc_free(wb_apc_desc *d);

/* Queues n APCs to hThread, each calling d->routine(d->pAsync, NULL, d->event) after writing
 * d->pAsync->Event. Returns n, or -(1 + the number queued) when QueueUserAPC failed. */
WB_EXPORT int32_t wb_produce_apc(HANDLE hThread, const wb_apc_desc *d, uint32_t n);

/* Writes pAsync->Event = event, then posts n completions with key pAsync to the port.
 * Returns n, or -(1 + the number posted) when PostQueuedCompletionStatus failed. */
WB_EXPORT int32_t wb_produce_iocp(HANDLE port, PRPC_ASYNC_STATE pAsync, int32_t event,
                                  uint32_t n);

/* ---- states and bindings ----------------------------------------------------------------- */

/* n zeroed RPC_ASYNC_STATEs, contiguous and aligned; free with wb_states_free. */
WB_EXPORT PRPC_ASYNC_STATE wb_states_new(uint32_t n);
WB_EXPORT void wb_states_free(PRPC_ASYNC_STATE states);
/* &states[i], for Java. */
WB_EXPORT PRPC_ASYNC_STATE wb_state_at(PRPC_ASYNC_STATE states, uint32_t i);

/* A binding to ncalrpc:[endpoint] (RpcBindingFromStringBindingW), or NULL. */
WB_EXPORT void *wb_binding_new(const char *endpoint);
WB_EXPORT void wb_binding_free(void *binding);

/* For each i < k: RpcAsyncInitializeHandle(states[i]) (the notification fields are left
 * alone, as Windows and the simulator do), then fx_Add(states[i], binding, i, 1). Returns the
 * number started; stops at the first failure. */
WB_EXPORT int32_t wb_calls_start(PRPC_ASYNC_STATE const *states, uint32_t k, void *binding);
/* For each i < k: RpcAsyncCompleteCall(states[i], &reply). Returns the number whose status was
 * RPC_S_OK with reply i + 1. */
WB_EXPORT int32_t wb_calls_complete(PRPC_ASYNC_STATE const *states, uint32_t k);

/* ---- the C loop ---------------------------------------------------------------------------- */

typedef struct wb_loop wb_loop;

/* Starts a loop thread of the kind (WB_APC, WB_IOCP); NULL on failure. */
WB_EXPORT wb_loop *wb_loop_start(int32_t kind);
/* Stops the thread and frees the loop (registrations are dropped). */
WB_EXPORT void wb_loop_stop(wb_loop *l);
/* The real thread handle (APC) / the port (IOCP) calls are registered with. */
WB_EXPORT HANDLE wb_loop_thread(wb_loop *l);
WB_EXPORT HANDLE wb_loop_port(wb_loop *l);
/* The C notification routine every APC registration uses. */
WB_EXPORT PFN_RPCNOTIFICATION_ROUTINE wb_loop_routine(void);

/* Registers a state with the counting handler (raw and end-to-end benchmarks) and writes its
 * notification fields (u, UserInfo, Flags, then NotificationType) for this loop. The state must
 * be initialised if it is to be used in a call. Returns 0, or -1 if it is already registered. */
WB_EXPORT int32_t wb_loop_register_counter(wb_loop *l, PRPC_ASYNC_STATE s);
WB_EXPORT void wb_loop_unregister(wb_loop *l, PRPC_ASYNC_STATE s);

/* The gate, for backlog measurements: wb_loop_gate_close hands the loop thread a task that
 * waits until the gate opens, and returns once the thread is in it (so that whatever is queued
 * next stays queued); wb_loop_release_await opens it and waits for the goal. */
WB_EXPORT void wb_loop_gate_close(wb_loop *l);
WB_EXPORT int32_t wb_loop_release_await(wb_loop *l);

/* How wb_loop_await waits: spinning (the default; the raw benchmarks, where only the loop
 * thread must run), or blocked on a condition variable that the handler signals once per
 * batch (the call benchmarks, where the simulator's own threads need the second core too). */
WB_EXPORT void wb_loop_set_blocking(wb_loop *l, int32_t blocking);

/* Raises the goal by n notifications (call before producing them). */
WB_EXPORT void wb_loop_expect(wb_loop *l, uint64_t n);
/* Waits until the handler counted up to the goal. 0, or -1 after 60 s. */
WB_EXPORT int32_t wb_loop_await(wb_loop *l);
/* Notifications with an unexpected event, for an unregistered state, or failed calls. */
WB_EXPORT int64_t wb_loop_errors(wb_loop *l);
/* Notifications counted so far. */
WB_EXPORT int64_t wb_loop_count(wb_loop *l);

/* The C full plain call, k at a time: for each of k states (the loop's own), on this thread:
 * RpcAsyncInitializeHandle, write the notification fields, register, RpcAsyncRegisterInfo,
 * fx_Add(s, binding, i, 1); on the loop thread, on RpcCallComplete: RpcAsyncCompleteCall,
 * check the reply, unregister, count. Returns when all k are complete: 0, or -1 on failure. */
WB_EXPORT int32_t wb_fullcall_batch(wb_loop *l, void *binding, uint32_t k);

/* ---- pipe throughput (PipeThroughputBenchmark) ----------------------------------------------
 *
 * The C baseline of the pipe benchmark: a C server and a C client on the same simulator, with
 * APC notification on both sides, doing what the Java server and client do (the same chunk
 * sizes, the same volume, the same per-element work: the sender writes each element once, the
 * receiver reads each once into a sum). Both are written as Microsoft's two pipe pages write them:
 * each side runs one call at a time on its own thread, pushes a chunk and waits alertably
 * (SleepEx) for its RpcSendComplete before the next, pulls until RPC_S_ASYNC_CALL_PENDING and
 * waits for RpcReceiveComplete. One push is in flight at a time, as in the library.
 *
 * The server listens on WB_PIPE_ENDPOINT (RpcServerUseProtseqEpW, RpcServerRegisterIf3 with RPC_IF_AUTOLISTEN) and serves the fixture's three pipe
 * operations with the fixture's semantics (windows-tests/fx_glue.h), except that PipeRange and
 * PipeEcho push chunks of the configured size rather than of FX_CHUNK_ELEMENTS: PipeSum pulls
 * into a buffer of chunk_elements and replies with the sum; PipeRange(start, count) pushes
 * start, start + 1, ... in chunks of chunk_elements and replies with count; PipeEcho(a) pulls
 * everything (into one buffer kept between calls), then pushes x + a in the chunks it pulled,
 * sets *b to the count and replies with the sum. The manager routine does the whole call on the
 * simulator's dispatch thread, which is its notification thread. */

enum { WB_PIPE_IN = 0, WB_PIPE_OUT = 1, WB_PIPE_ECHO = 2 };

#define WB_PIPE_ENDPOINT "winrpcbench-pipe"
/* The volume of one pipe call, in MiB (each way, for PipeEcho): winrpcbench's default, and
 * PipeThroughputBenchmark.VOLUME_MIB on the Java side. */
#define WB_PIPE_VOLUME_MIB 16u
/* PipeEcho's a, on both the C and the Java side. */
#define WB_PIPE_ECHO_ADD 7

/* Starts the C pipe server (one at a time) pushing and pulling chunks of chunk_elements.
 * Returns its endpoint, or NULL. */
WB_EXPORT const char *wb_pipe_server_start(uint32_t chunk_elements);
/* Stops it (RpcServerUnregisterIf, waiting for its calls); 0, or -1 if it was not started. */
WB_EXPORT int32_t wb_pipe_server_stop(void);

/* One call by the C client on the calling thread, which is its APC notification thread:
 * direction WB_PIPE_IN (PipeSum: `elements` values 0, 1, 2, ... pushed in chunks of
 * chunk_elements), WB_PIPE_OUT (PipeRange(0, elements), pulled with a buffer of
 * chunk_elements) or WB_PIPE_ECHO (PipeEcho(WB_PIPE_ECHO_ADD): both). Checks the reply, the
 * [out] b and what came back. Returns 0, or -1 (printed to stderr) on any failure. */
WB_EXPORT int32_t wb_pipe_call(void *binding, int32_t direction, uint32_t chunk_elements,
                               uint32_t elements);

/* ---- the simulator ------------------------------------------------------------------------- */

/* 0 if the simulator recorded no misuse and every live-resource counter is zero after it
 * became idle; else prints what is wrong to stderr and returns -1. */
WB_EXPORT int32_t wb_sim_check_clean(const char *what);

#ifdef __cplusplus
}
#endif

#endif /* WINRPCBENCH_H */
