/*
 * winrpcsim.h - the runtime simulator's exports, beside the Windows names it implements.
 *
 * libwinrpcsim is test support: a small C library that behaves like the parts of rpcrt4.dll
 * and kernel32.dll that winrpc-async uses, exporting the same names and signatures, so the
 * library's whole native path (JNA marshalling, native threads calling back into Java, APCs
 * that run only in alertable waits) runs on Linux and macOS. It also exports the fixture
 * glue of ../../windows-tests/fx_glue.h: client stubs on rpcrt4 binding handles, served by the
 * scripted C server (ncalrpc:[SIM_PEER_ENDPOINT], as if another process) or by an EPV this
 * process registered with RpcServerRegisterIf3 for fx_IfSpec(); and test-only control
 * functions (sim_*) declared here.
 *
 * Where Windows' documentation and docs/reference/abi.md are silent, the simulator
 * picks the strictest reading and says so in a comment marked "STRICT:".
 */
#ifndef WINRPCSIM_H
#define WINRPCSIM_H

#include "../../native-headers/winrpc_async.h"
#include "../../windows-tests/fx_glue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- kernel32, as the simulator exports it (Windows types as fixed-width integers) -------- */

typedef void *HANDLE;
typedef uint32_t DWORD;
typedef int32_t BOOL;
typedef uintptr_t ULONG_PTR;

#define SIM_PSEUDO_PROCESS ((HANDLE)(intptr_t)-1)   /* GetCurrentProcess(), INVALID_HANDLE_VALUE */
#define SIM_PSEUDO_THREAD ((HANDLE)(intptr_t)-2)    /* GetCurrentThread() */
#define SIM_INFINITE 0xFFFFFFFFu
#define SIM_WAIT_OBJECT_0 0x00000000u
#define SIM_WAIT_TIMEOUT 0x00000102u
#define SIM_WAIT_FAILED 0xFFFFFFFFu
#define SIM_DUPLICATE_CLOSE_SOURCE 0x1u
#define SIM_DUPLICATE_SAME_ACCESS 0x2u
#define SIM_THREAD_ALL_ACCESS 0x001FFFFFu
#define SIM_ERROR_INVALID_HANDLE 6u
#define SIM_ERROR_ACCESS_DENIED 5u
#define SIM_ERROR_INVALID_PARAMETER 87u
#define SIM_ERROR_GEN_FAILURE 31u
#define SIM_WAIT_TIMEOUT_ERROR 258u                 /* GetLastError after a timed-out GQCS */
#define SIM_ERROR_ABANDONED_WAIT_0 735u

DWORD GetCurrentThreadId(void);
HANDLE GetCurrentThread(void);
DWORD GetCurrentProcessId(void);
HANDLE GetCurrentProcess(void);
DWORD GetLastError(void);
void SetLastError(DWORD dwErrCode);
HANDLE OpenThread(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwThreadId);
BOOL DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                     HANDLE hTargetProcessHandle, HANDLE *lpTargetHandle, DWORD dwDesiredAccess,
                     BOOL bInheritHandle, DWORD dwOptions);
BOOL CloseHandle(HANDLE hObject);
void Sleep(DWORD dwMilliseconds);
DWORD SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
DWORD WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                             DWORD dwMilliseconds);
DWORD WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                               DWORD dwMilliseconds, BOOL bAlertable);
DWORD QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);
/* jna-platform binds CreateEvent as CreateEventW (W32APIOptions); the name is ignored. */
HANDLE CreateEventW(void *lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
                    const void *lpName);
BOOL SetEvent(HANDLE hEvent);
BOOL ResetEvent(HANDLE hEvent);
HANDLE CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                              ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads);
BOOL PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                ULONG_PTR dwCompletionKey, OVERLAPPED *lpOverlapped);
BOOL GetQueuedCompletionStatus(HANDLE CompletionPort, DWORD *lpNumberOfBytesTransferred,
                               ULONG_PTR *lpCompletionKey, OVERLAPPED **lpOverlapped,
                               DWORD dwMilliseconds);
/* sim_memory.c: a region of this process, protected and released as a whole. */
void *VirtualAllocEx(HANDLE hProcess, void *lpAddress, size_t dwSize, DWORD flAllocationType,
                     DWORD flProtect);
BOOL VirtualProtect(void *lpAddress, size_t dwSize, DWORD flNewProtect, DWORD *lpflOldProtect);
BOOL VirtualFreeEx(HANDLE hProcess, void *lpAddress, size_t dwSize, DWORD dwFreeType);
BOOL FlushInstructionCache(HANDLE hProcess, const void *lpBaseAddress, size_t dwSize);
BOOL GetQueuedCompletionStatusEx(HANDLE CompletionPort, OVERLAPPED_ENTRY *lpCompletionPortEntries,
                                 uint32_t ulCount, uint32_t *ulNumEntriesRemoved,
                                 DWORD dwMilliseconds, BOOL fAlertable);

/* ---- test-only control: the scripted peer, faults, the misuse oracle, counters ------------ */

/* The ncalrpc endpoint served by the simulator's own scripted C server (always listening, as a
 * server in another process would: no interface of this process is registered for it). */
#define SIM_PEER_ENDPOINT "sim-peer"

/* Fault injection, in force for the calls started after sim_set_fault_plan.
 *
 * Random faults: every decision for a call comes from a generator seeded with (seed, the call's
 * sequence number), so a failing run replays with the same seed. Probabilities are in parts per
 * million; 0 disables a fault.
 *
 * Deterministic faults (the *_at fields): k, 1-based, counts within each call, separately for
 * its client side and its server side; 0 never. They do the same as the random fault of the
 * same name, with the same status, and come on top of it: they change nothing the seed draws.
 *   push: every push of that side that the runtime accepts (the null push included), up to and
 *         including the one the plan fails; not one refused as misuse, or made after the call
 *         has failed
 *   pull: every pull of that side that would complete (return data or the end); not one that
 *         returns RPC_S_ASYNC_CALL_PENDING, is refused, or is made after the call has failed
 *   notification: every notification the runtime issues to that side's state (a server's
 *         subscription notifications, RpcClientCancel and RpcClientDisconnect, included) */
typedef struct SIM_FAULT_PLAN {
    uint64_t seed;
    uint32_t push_fail_ppm;           /* a push returns RPC_S_CALL_FAILED */
    uint32_t pull_fail_ppm;           /* a pull returns RPC_S_CALL_FAILED */
    uint32_t drop_notification_ppm;   /* a notification is never delivered */
    uint32_t fault_reply_ppm;         /* the scripted server aborts with fault_code instead */
    uint32_t fault_code;              /* the code for fault_reply (nonzero) */
    uint32_t disconnect_ppm;          /* per pipe chunk: the scripted client disconnects */
    uint32_t max_delay_ms;            /* each reply, send and receive is delayed 0..max ms */
    uint32_t client_push_fail_at;     /* the client's k-th push returns RPC_S_CALL_FAILED */
    uint32_t server_push_fail_at;     /* the server's k-th push returns RPC_S_CALL_FAILED */
    uint32_t client_pull_fail_at;     /* the client's k-th pull returns RPC_S_CALL_FAILED */
    uint32_t server_pull_fail_at;     /* the server's k-th pull returns RPC_S_CALL_FAILED */
    uint32_t client_drop_notification_at; /* the client's k-th notification is never delivered */
    uint32_t server_drop_notification_at; /* the server's k-th notification is never delivered */
    uint32_t client_send_delay_at;    /* the client's k-th push arrives (and its send completes) */
    uint32_t server_send_delay_at;    /* ... the server's k-th push ... */
    uint32_t send_delay_ms;           /* ... this many ms later than it would */
} SIM_FAULT_PLAN;

void sim_set_fault_plan(const SIM_FAULT_PLAN *plan); /* NULL: no faults, no delays */

/* The scripted server's fixed reply delay (added to any fault-plan delay), in ms. */
void sim_set_reply_delay(uint32_t ms);

/* Runtime behaviours. Where Microsoft's documentation leaves a behaviour of the runtime open,
 * the simulator takes the reading marked "STRICT:" in its source. Each bit below makes it play a
 * harsher reading the documentation also allows instead, so that tests can show a client or
 * server survives each of them. Like the fault plan, the mask (and the pipe window) in force
 * when a call starts is the call's for its whole life; sim_reset() sets the mask to 0 and the
 * window to its default. ../../docs/reference/runtime-behaviours.md gives each one's source.
 *
 * APC_EVENT_AT_RUN: with APC notification, the runtime queues one APC per notification naming
 *   only the state, and the APC passes the state's Event field as it is when the APC runs; the
 *   field is written when each notification is issued (Wine: dlls/rpcrt4/rpc_message.c,
 *   async_notifier_proc and async_apc_notifier_proc). Two notifications issued before the
 *   target's next alertable wait both arrive as the later one. (Off: each APC carries its own
 *   event and writes Event just before its routine runs.) Subscription notifications are not
 *   affected: the runtime does not write the state for them.
 * INITIAL_SEND_COMPLETE: a client call with an [in] pipe, made with
 *   RPC_C_NOTIFY_ON_SEND_COMPLETE in Flags, gets one RpcSendComplete for the request itself,
 *   issued when the call is made, before any push (the IN and IN-OUT client tables go from C to
 *   WS, the state that waits for RpcSendComplete).
 * COLLAPSE_SEND_COMPLETES: the sends that complete while an RpcSendComplete of the same pipe is
 *   on its way to the sender get no notification of their own, up to the moment it is
 *   delivered: for APC, when its routine has run (off: when the APC is queued); for Event and
 *   I/O completion port, when the event is set or the packet posted (as off).
 * CALL_COMPLETE_BEFORE_DRAIN: a successful reply makes the client's call complete
 *   (RpcCallComplete, RpcAsyncGetCallStatus RPC_S_OK) as soon as it arrives, even with out-pipe
 *   data, or the pipe's end, not yet pulled. Pulls still return the data and then the end. A
 *   client RpcAsyncCompleteCall before it pulled the end is a misuse (SIM_MISUSE_PIPE_DISCIPLINE)
 *   refused with RPC_X_PIPE_DISCIPLINE_ERROR, not final. A cancel (abortive or not) or a
 *   disconnect before the end was pulled discards what is left, fails the out pipe and makes
 *   the call's status RPC_S_CALL_CANCELLED (RPC_S_CALL_FAILED for a disconnect or a failed
 *   pull); no second RpcCallComplete is issued. (Off: RpcCallComplete only after the end was
 *   pulled.)
 * BACK_PRESSURE: the receiving side of each pipe buffers at most sim_pipe_window() elements
 *   that were sent and not yet pulled; a push beyond that is accepted (it returns RPC_S_OK) but
 *   its data reaches the receiver, and its send completes (RpcSendComplete), only once the
 *   receiver has pulled enough to make room. A chunk larger than the window is let in alone
 *   into an empty buffer. The call's failure (a cancel, a disconnect, an abort) discards what
 *   is held. (Off: the receiver buffers without limit.)
 * SEND_COMPLETE_APC_ONLY: RpcSendComplete only for a sender whose NotificationType is Apc
 *   (read at the push, and for INITIAL_SEND_COMPLETE when the call is made); with Event, Ioc or
 *   None, no RpcSendComplete at all. */
enum {
    SIM_BEHAVIOUR_APC_EVENT_AT_RUN = 1u << 0,
    SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE = 1u << 1,
    SIM_BEHAVIOUR_COLLAPSE_SEND_COMPLETES = 1u << 2,
    SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN = 1u << 3,
    SIM_BEHAVIOUR_BACK_PRESSURE = 1u << 4,
    SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY = 1u << 5,
    SIM_BEHAVIOURS_ALL = (1u << 6) - 1u
};

/* Sets the behaviours of the calls started from now on; bits outside SIM_BEHAVIOURS_ALL are
 * ignored. */
void sim_set_behaviours(uint32_t mask);
/* The behaviours in force for calls started now. */
uint32_t sim_behaviours(void);

/* BACK_PRESSURE's window, in elements, for the calls started from now on: 0 restores the
 * default, SIM_PIPE_WINDOW_DEFAULT (two of the fixture's chunks, 2 * FX_CHUNK_ELEMENTS). */
#define SIM_PIPE_WINDOW_DEFAULT (2u * FX_CHUNK_ELEMENTS)
void sim_set_pipe_window(uint32_t elements);
uint32_t sim_pipe_window(void);

/* A scripted client for server-side tests: calls an operation of the fixture on `endpoint`
 * from a simulator thread, pushes its in pipe, drains its out pipe, and can cancel or
 * disconnect at a given point. */
typedef struct SIM_PEER_CALL {
    uint32_t op;                      /* SIM_OP_* */
    int32_t a, b;                     /* Add(a, b); PipeRange(a = start, b = count); PipeEcho(a) */
    uint32_t ms_or_code;              /* Sleep(ms), Fail(code) */
    uint32_t in_chunks;               /* in pipe: this many chunks ... */
    uint32_t in_chunk_elements;       /* ... of this many elements, values 0, 1, 2, ... */
    int32_t cancel_after_ms;          /* < 0: never; else RpcAsyncCancelCall after this delay */
    int32_t cancel_abortive;          /* fAbort for that cancel */
    int32_t disconnect_after_chunks;  /* < 0: never; else disconnect after pushing this many */
    int32_t interrupt_when_subscribed; /* nonzero: a cancel or disconnect (planned, or drawn by
                                          the fault plan) waits, alertably, until the server side
                                          of the call has subscribed to hear it
                                          (RpcServerSubscribeForNotification), for at most 10 s and
                                          no longer than the server's call lasts */
} SIM_PEER_CALL;

enum { SIM_OP_ADD = 0, SIM_OP_SLEEP, SIM_OP_FAIL, SIM_OP_PIPE_SUM, SIM_OP_PIPE_RANGE,
       SIM_OP_PIPE_ECHO };

typedef struct SIM_PEER_RESULT {
    RPC_STATUS status;                /* what the final RpcAsyncCompleteCall returned */
    int32_t reply;                    /* valid when status == RPC_S_OK */
    int32_t out_b;                    /* PipeEcho's [out] b, when status == RPC_S_OK */
    uint32_t out_elements;            /* elements received on the out pipe */
    int64_t out_sum;                  /* their sum */
    uint32_t events_seen;             /* bit (1 << RPC_ASYNC_EVENT) for each event received */
} SIM_PEER_RESULT;

/* Starts the call on a binding to `endpoint`: a string binding ("ncalrpc:[ep]",
 * "object-uuid@ncalrpc:[ep]", ...) or a bare ncalrpc endpoint name; returns an id > 0, or 0
 * when the call could not start. */
uint32_t sim_peer_call_start(const char *endpoint, const SIM_PEER_CALL *call);
/* Waits up to timeout_ms for the call to end; returns 1 and fills *result, or 0 on timeout. */
int32_t sim_peer_call_wait(uint32_t id, uint32_t timeout_ms, SIM_PEER_RESULT *result);

/* The misuse oracle: every use Windows documents as an error or as undefined, recorded with
 * a kind and a readable detail. The simulator never crashes on misuse: it returns the
 * documented error and records it. */
enum {
    SIM_MISUSE_RUNTIME_FIELD_WRITTEN = 1, /* Size, Signature, Lock or StubInfo written after init */
    SIM_MISUSE_SECOND_COMPLETION,         /* a final completion (or abort) after the final one */
    SIM_MISUSE_CANCEL_ON_SERVER,
    SIM_MISUSE_ABORT_ON_CLIENT,
    SIM_MISUSE_ABORT_TWICE,
    SIM_MISUSE_USE_AFTER_COMPLETION,      /* any use of a state after its final completion */
    SIM_MISUSE_APC_NO_SET_CONTEXT,        /* an APC target handle without THREAD_SET_CONTEXT */
    SIM_MISUSE_APC_PSEUDO_HANDLE,         /* GetCurrentThread()'s pseudo-handle as APC target */
    SIM_MISUSE_ROUTINE_GONE,              /* the notification routine is no longer there */
    SIM_MISUSE_INVALID_HANDLE,            /* a handle that is not open (or of the wrong kind) */
    SIM_MISUSE_UNINITIALIZED_STATE,       /* a state not passed through RpcAsyncInitializeHandle */
    SIM_MISUSE_PIPE_DISCIPLINE,           /* push/pull out of order, after the end, or re-pull
                                             while one is pending */
    SIM_MISUSE_UNSUPPORTED_NOTIFICATION,  /* Hwnd or Callback, or an unknown type */
    SIM_MISUSE_BAD_ARGUMENT,              /* a NULL or otherwise invalid argument */
    SIM_MISUSE_SUBSCRIBED_AT_COMPLETION,  /* RpcAsyncCompleteCall or RpcAsyncAbortCall on a server
                                             call with a RpcServerSubscribeForNotification still
                                             active (Microsoft: undefined); the call completes and
                                             its subscriptions end */
    SIM_MISUSE_BINDING_FREED_IN_CALL,     /* RpcBindingFree with calls made on the binding still
                                             in flight; the binding lives on until they end */
    SIM_MISUSE_IF_UNREGISTERED_IN_CALL,   /* RpcServerUnregisterIfEx while calls of the interface
                                             run; it takes no new call and goes when they end */
    SIM_MISUSE_IMPERSONATION_LEFT         /* a call ended with a thread still impersonating its
                                             client (RpcImpersonateClient without
                                             RpcRevertToSelfEx) */
};

int32_t sim_misuse_count(void);
/* Kind of entry `index` (0-based), or 0 if there is none; its detail is copied to buf. */
int32_t sim_misuse_get(int32_t index, char *buf, int32_t buflen);
void sim_misuse_clear(void);

/* Live-resource counters; after a test that cleaned up, all are zero. */
enum {
    SIM_COUNT_ASYNC_STATES = 0,   /* states with a call in progress (client or server side) */
    SIM_COUNT_HANDLES,            /* open handles of any kind (not counting pseudo-handles) */
    SIM_COUNT_QUEUED_APCS,        /* APCs queued and not yet run */
    SIM_COUNT_THREADS,            /* simulator threads running a call (dispatch, peer) */
    SIM_COUNT_PIPE_BUFFERS,       /* pipe chunks buffered in the simulator */
    SIM_COUNT_PENDING_NOTIFICATIONS, /* notifications scheduled and not yet delivered */
    SIM_COUNT_SUBSCRIPTIONS,      /* RpcServerSubscribeForNotification kinds (one per call and
                                     kind) not yet ended by RpcServerUnsubscribeForNotification
                                     or by the call's completion */
    SIM_COUNT_BINDINGS,           /* binding handles not yet freed (RpcBindingFree, or
                                     RpcBindingVectorFree for a server's) */
    SIM_COUNT_RPC_ALLOCS,         /* strings and binding vectors the runtime handed out and
                                     RpcStringFreeW / RpcBindingVectorFree did not take back */
    SIM_COUNT_LISTENING,          /* 1 while the server listens (RpcServerListen until
                                     RpcMgmtStopServerListening and the end of its calls) */
    SIM_COUNT_INTERFACES,         /* interfaces registered (RpcServerRegisterIf3) and not
                                     unregistered */
    SIM_COUNT_EP_ENTRIES,         /* endpoint-map entries (RpcEpRegisterW) not unregistered */
    SIM_COUNT_OBJECT_TYPES,       /* object UUIDs given a manager type (RpcObjectSetType) and
                                     not reset to the nil type */
    SIM_COUNT__MAX
};
int64_t sim_counter(int32_t which);

/* Test support for the runtime-owned fields: writes new values to Lock, StubInfo, RuntimeInfo,
 * Event and Reserved of an initialised state, as the runtime does behind the caller's back, and
 * updates the simulator's own record of them; returns RPC_S_OK. */
RPC_STATUS sim_scribble_runtime_fields(PRPC_ASYNC_STATE pAsync, uint32_t salt);

/* Waits up to timeout_ms until the simulator is idle (no call in flight, no pending
 * notification, no running simulator thread); returns 1 if idle. */
int32_t sim_quiesce(uint32_t timeout_ms);

/* Restores defaults: no fault plan, no reply delay, no behaviours (mask 0), the default pipe
 * window, oracle cleared. Calls in flight are not touched. The binding and hosting registry
 * (sim_bind.c, sim_host.c) is forgotten: every binding handle, string and binding vector is
 * freed, endpoints, endpoint-map entries, authentication info and interfaces without running
 * calls are dropped, and listening ends. */
void sim_reset(void);

/* ---- binding and hosting (sim_bind.c, sim_host.c) ---------------------------------------- */

/* A manager routine for sim_call_interface: runs on the runtime's dispatch thread with the
 * call's server binding handle (valid for RpcServerInqCallAttributesW, RpcImpersonateClient,
 * RpcRevertToSelfEx, RpcBindingInqAuthClientW until it returns; NULL names the call too, on
 * that thread). Its result is the call's. */
typedef RPC_STATUS (*SIM_MANAGER_FN)(void *Context, RPC_BINDING_HANDLE hCall);

/* A synchronous call on a client binding to the interface IfSpec (an RPC_SERVER_INTERFACE or
 * RPC_CLIENT_INTERFACE: only Length and InterfaceId are read), with the runtime's call-time
 * checks in Microsoft's order: the binding (RPC_S_INVALID_BINDING, RPC_S_WRONG_KIND_OF_BINDING),
 * the address (RPC_S_SERVER_UNAVAILABLE), a partial binding resolved through the endpoint map
 * (EPT_S_NOT_REGISTERED), a server listening on the endpoint (RPC_S_SERVER_UNAVAILABLE), the
 * interface (RPC_S_UNKNOWN_IF), RPC_IF_ALLOW_LOCAL_ONLY, RPC_IF_ALLOW_SECURE_ONLY and an
 * unauthenticated client of an interface with a callback (RPC_S_ACCESS_DENIED), the
 * authentication service (RPC_S_UNKNOWN_AUTHN_SERVICE); then, on a thread of the runtime's,
 * the interface's security callback (a refusal: RPC_S_ACCESS_DENIED) and Manager (may be
 * NULL: RPC_S_OK). Returns when the call has ended. */
RPC_STATUS sim_call_interface(RPC_BINDING_HANDLE Binding, RPC_IF_HANDLE IfSpec, uint16_t OpNum,
                              SIM_MANAGER_FN Manager, void *Context);

/* Whether the calling thread impersonates a client (RpcImpersonateClient, not yet reverted). */
int32_t sim_is_impersonating(void);

#ifdef __cplusplus
}
#endif

#endif /* WINRPCSIM_H */
