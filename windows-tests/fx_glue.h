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
 *  - binding handles and servers are not the glue's business: Java makes them with the
 *    library's RpcBinding and RpcServer (rpcrt4's RpcBindingFromStringBindingW,
 *    RpcServerUseProtseqEpW, RpcServerRegisterIf3, ...). The glue only hands over what MIDL
 *    compiled: the interface handle (fx_IfSpec) and the C peer server's manager routines
 *    (fx_PeerEpv). MIDL's /use_epv makes the server stub call each manager routine through the
 *    entry-point vector registered with RpcServerRegisterIf3, so a Java server registers an
 *    FX_SERVER_EPV of its own callbacks without any C trampoline, and several servers of the
 *    interface share one process through manager type UUIDs (RpcObjectSetType).
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

/* The fixture interface's handle: MIDL's server interface (s_WinRpcFixture_v1_0_s_ifspec) on
 * Windows, a stand-in with the same RPC_SYNTAX_IDENTIFIER (fixture.idl's uuid, version 1.0) on
 * the simulator. For RpcServerRegisterIf3 (with an FX_SERVER_EPV as the manager EPV),
 * RpcServerUnregisterIf[Ex], RpcEpRegisterW and RpcEpResolveBinding. */
void *WINRPC_ENTRY fx_IfSpec(void);

/* The manager routines of the fixture's own C server (windows-tests/glue/fx_peer.c on Windows,
 * the simulator's scripted server off Windows), an EPV valid for the life of the process, to
 * register with fx_IfSpec() like any other. */
const FX_SERVER_EPV *WINRPC_ENTRY fx_PeerEpv(void);

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
