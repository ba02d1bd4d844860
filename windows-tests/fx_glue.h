/*
 * fx_glue.h - the C surface of the test fixture, as Java sees it.
 *
 * The fixture interface is declared once, in fixture.idl (compiled by Microsoft's MIDL on
 * Windows only). Java does not call MIDL stubs directly: on Windows a small glue library
 * (windows-tests, built with MIDL's output) and off Windows the runtime simulator
 * (simulator/) both export exactly the functions below, so one Java scenario suite runs
 * against either.
 *
 * Differences from the raw MIDL stubs, all of them deliberate:
 *  - a client stub (fx_Add, ...) returns the RPC_STATUS of the initial call instead of raising
 *    an SEH exception (the Windows glue wraps the MIDL stub in __try/__except);
 *  - the server's manager routines are function pointers in FX_SERVER_EPV, handed to
 *    fx_ServerStart, so that Java callbacks can implement them;
 *  - binding handles are created and freed by name of an endpoint (ncalrpc on Windows).
 *
 * Every [async] operation returns its int reply through RpcAsyncCompleteCall(pAsync, &reply).
 * Manager routines use the C default calling convention, as MIDL declares them; the client
 * stubs and glue functions are RPC_ENTRY (stdcall on 32-bit x86).
 */
#ifndef WINRPC_FX_GLUE_H
#define WINRPC_FX_GLUE_H

#include "../native-headers/winrpc_async.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fixture semantics (the same on the simulator's scripted server and on windows-tests' C server):
 *   Add(a, b)            reply a + b
 *   Sleep(ms)            reply ms after ms milliseconds; ms == 0xFFFFFFFF waits until cancelled.
 *                        A non-abortive cancel makes the server abort with RPC_S_CALL_CANCELLED.
 *   Fail(code)           the server aborts the call with `code` (a fault at the client)
 *   PipeSum(in)          pulls every element of `in`; reply their sum (32-bit wrap-around)
 *   PipeRange(start, count, out)
 *                        pushes start, start+1, ..., start+count-1 on `out` in chunks of at most
 *                        FX_CHUNK_ELEMENTS, then the null push; reply count
 *   PipeEcho(a, in, out, b)  (the server-side pipe page's MyAsyncPipeFunc) pulls every
 *                        element x of `in`, then pushes x + a for each on `out` in the order
 *                        received, then the null push; *b = the number of elements; reply =
 *                        the sum of the elements of in
 */
#define FX_CHUNK_ELEMENTS 1024u

typedef struct FX_SERVER_EPV {
    void (*Add)(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a, int32_t b);
    void (*Sleep)(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t ms);
    void (*Fail)(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t code);
    void (*PipeSum)(PRPC_ASYNC_STATE pAsync, void *hBinding, ASYNC_INTPIPE *inpipe);
    void (*PipeRange)(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t start, int32_t count,
                      ASYNC_INTPIPE *outpipe);
    void (*PipeEcho)(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a, ASYNC_INTPIPE *inpipe,
                     ASYNC_INTPIPE *outpipe, int32_t *b);
} FX_SERVER_EPV;

/* Server: listen on `endpoint` and dispatch the fixture interface to `epv`, which must stay
 * valid until fx_ServerStop returns. */
RPC_STATUS WINRPC_ENTRY fx_ServerStart(const char *endpoint, const FX_SERVER_EPV *epv);
/* Stops listening and waits (bounded) for dispatched calls to finish. */
RPC_STATUS WINRPC_ENTRY fx_ServerStop(const char *endpoint);

/* Binding handles to an endpoint. */
RPC_STATUS WINRPC_ENTRY fx_BindingCreate(const char *endpoint, void **phBinding);
RPC_STATUS WINRPC_ENTRY fx_BindingFree(void **phBinding);

/* Client stubs: start the call; the reply arrives through RpcAsyncCompleteCall.
 * For pipe operations the stub fills in the caller's ASYNC_INTPIPE (pull/push/alloc/state),
 * which must stay at its address until the call's final RpcAsyncCompleteCall, as must *b. */
RPC_STATUS WINRPC_ENTRY fx_Add(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a, int32_t b);
RPC_STATUS WINRPC_ENTRY fx_Sleep(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t ms);
RPC_STATUS WINRPC_ENTRY fx_Fail(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t code);
RPC_STATUS WINRPC_ENTRY fx_PipeSum(PRPC_ASYNC_STATE pAsync, void *hBinding, ASYNC_INTPIPE *inpipe);
RPC_STATUS WINRPC_ENTRY fx_PipeRange(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t start,
                                     int32_t count, ASYNC_INTPIPE *outpipe);
RPC_STATUS WINRPC_ENTRY fx_PipeEcho(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a,
                                    ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int32_t *b);

#ifdef __cplusplus
}
#endif

#endif /* WINRPC_FX_GLUE_H */
