/*
 * fixture_h.h - A HAND-WRITTEN STAND-IN for the header Microsoft's MIDL generates from
 * ../fixture.idl and ../fixture.acf with /prefix client "c_" server "s_". It is NOT MIDL's
 * output and is never used by the real build (CMakeLists.txt compiles against MIDL's own
 * fixture_h.h). It exists so that windows-tests/check-mingw.sh can compile (and link-check) the
 * glue with mingw-w64 on a machine without MIDL.
 *
 * It declares only what the glue uses, in the form Microsoft documents for [async] operations
 * with pipes ("[async]", "Declaring Asynchronous Pipes", "/prefix" pages of the MIDL
 * reference, and ../../native-headers/check/sdk_agreement.c for the pipe structure):
 *   - ASYNC_INTPIPE, MIDL's structure for `typedef pipe int INTPIPE` in an [async] operation;
 *   - the client stubs c_Add ... c_PipeEcho (void, PRPC_ASYNC_STATE first, then the explicit
 *     binding handle, pipes by pointer);
 *   - the manager routines s_Add ... s_PipeEcho the server stub calls (same parameters);
 *   - the interface handles WinRpcFixture_v1_0_c_ifspec / _s_ifspec.
 * Where MIDL's real header differs, the Windows build (compiled with /we4028 /we4029 /we4133
 * and friends on the glue, see CMakeLists.txt) stops with an error at the first line that
 * disagrees: the stand-in cannot hide a mismatch there.
 */
#ifndef WINRPC_MIDL_STANDIN_FIXTURE_H_H
#define WINRPC_MIDL_STANDIN_FIXTURE_H_H

#include <rpc.h>
#include <rpcndr.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ASYNC_INTPIPE {
    RPC_STATUS (__RPC_USER *pull)(char *state, int *buf, unsigned long esize,
                                  unsigned long *ecount);
    RPC_STATUS (__RPC_USER *push)(char *state, int *buf, unsigned long ecount);
    RPC_STATUS (__RPC_USER *alloc)(char *state, unsigned long bsize, int **buf,
                                   unsigned long *bcount);
    char *state;
} ASYNC_INTPIPE;

/* client prototypes */
void c_Add(PRPC_ASYNC_STATE Add_AsyncHandle, handle_t h, int a, int b);
void c_Sleep(PRPC_ASYNC_STATE Sleep_AsyncHandle, handle_t h, unsigned long ms);
void c_Fail(PRPC_ASYNC_STATE Fail_AsyncHandle, handle_t h, unsigned long code);
void c_PipeSum(PRPC_ASYNC_STATE PipeSum_AsyncHandle, handle_t h, ASYNC_INTPIPE *inpipe);
void c_PipeRange(PRPC_ASYNC_STATE PipeRange_AsyncHandle, handle_t h, int start, int count,
                 ASYNC_INTPIPE *outpipe);
void c_PipeEcho(PRPC_ASYNC_STATE PipeEcho_AsyncHandle, handle_t h, int a,
                ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int *b);

/* server prototypes */
void s_Add(PRPC_ASYNC_STATE Add_AsyncHandle, handle_t h, int a, int b);
void s_Sleep(PRPC_ASYNC_STATE Sleep_AsyncHandle, handle_t h, unsigned long ms);
void s_Fail(PRPC_ASYNC_STATE Fail_AsyncHandle, handle_t h, unsigned long code);
void s_PipeSum(PRPC_ASYNC_STATE PipeSum_AsyncHandle, handle_t h, ASYNC_INTPIPE *inpipe);
void s_PipeRange(PRPC_ASYNC_STATE PipeRange_AsyncHandle, handle_t h, int start, int count,
                 ASYNC_INTPIPE *outpipe);
void s_PipeEcho(PRPC_ASYNC_STATE PipeEcho_AsyncHandle, handle_t h, int a,
                ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int *b);

extern RPC_IF_HANDLE WinRpcFixture_v1_0_c_ifspec;
extern RPC_IF_HANDLE WinRpcFixture_v1_0_s_ifspec;

#ifdef __cplusplus
}
#endif

#endif /* WINRPC_MIDL_STANDIN_FIXTURE_H_H */
