/*
 * fixture_h.h - A HAND-WRITTEN STAND-IN for the header Microsoft's MIDL generates from
 * ../fixture.idl and ../fixture.acf with /prefix client "c_" server "s_". It is NOT MIDL's
 * output and is never used by the real build (CMakeLists.txt compiles against MIDL's own
 * fixture_h.h). It exists so that windows-tests/check-mingw.sh can compile (and link-check) the
 * glue with mingw-w64 on a machine without MIDL.
 *
 * It follows MIDL, not the glue: every name below is the one real MIDL output has for the same
 * switches (windows-tests/README.md, "MIDL's names", lists the generated files it was checked
 * against), and FixtureIdlTest derives each of them from fixture.idl and CMakeLists.txt's
 * /prefix and checks this file, fixture_standin.c and the glue against them. In MIDL's order:
 *   - the pipe types of `typedef pipe int INTPIPE`: ASYNC_INTPIPE (struct ASYNC_pipe_INTPIPE,
 *     for [async] operations: pull, push, alloc returning RPC_STATUS, then state) and INTPIPE
 *     (struct pipe_INTPIPE, the synchronous form, void routines), both emitted;
 *   - per operation, because the two prefixes differ, a "client prototype" c_<op> and a
 *     "server prototype" s_<op> ([async]: void, PRPC_ASYNC_STATE <op>_AsyncHandle first, then
 *     the explicit binding handle, pipes by pointer), and no unprefixed <op>;
 *   - with /use_epv, the manager EPV type <interface>_SERVER_EPV (Microsoft's RPC_MGR_EPV page:
 *     "if-name_SERVER_EPV"; tag _<interface>_SERVER_EPV), one function pointer per operation in
 *     the IDL's order, named by the unprefixed operation, typed as the server prototype (as in
 *     real MIDL output with /use_epv and /prefix, windows-tests/README.md, "MIDL and the manager
 *     EPV"). The glue does not name it (whether MIDL 8 adds _v1_0 to the name is not
 *     confirmed); check/epv_layout.c holds FX_SERVER_EPV's layout to it;
 *   - the interface handles: c_WinRpcFixture_v1_0_c_ifspec (defined by the client stub),
 *     WinRpcFixture_v1_0_c_ifspec (declared by the header, defined by no generated file), and
 *     s_WinRpcFixture_v1_0_s_ifspec (defined by the server stub): /prefix renames the server
 *     interface handle too, and there is no unprefixed _s_ifspec.
 * MIDL's "switch prototypes" (sw_<op>, /prefix switch) are left out: nothing uses them.
 * Where MIDL's real header differs, the Windows build (compiled with /we4013 /we4028 /we4029
 * /we4133 and friends on the glue, see CMakeLists.txt) stops with an error at the first line
 * that disagrees: the stand-in cannot hide a mismatch there.
 */
#ifndef WINRPC_MIDL_STANDIN_FIXTURE_H_H
#define WINRPC_MIDL_STANDIN_FIXTURE_H_H

#include <rpc.h>
#include <rpcndr.h>

#ifdef __cplusplus
extern "C" {
#endif

/* interface WinRpcFixture */

typedef struct ASYNC_pipe_INTPIPE {
    RPC_STATUS (__RPC_USER *pull)(char *state, int *buf, unsigned long esize,
                                  unsigned long *ecount);
    RPC_STATUS (__RPC_USER *push)(char *state, int *buf, unsigned long ecount);
    RPC_STATUS (__RPC_USER *alloc)(char *state, unsigned long bsize, int **buf,
                                   unsigned long *bcount);
    char *state;
} ASYNC_INTPIPE;

typedef struct pipe_INTPIPE {
    void (__RPC_USER *pull)(char *state, int *buf, unsigned long esize, unsigned long *ecount);
    void (__RPC_USER *push)(char *state, int *buf, unsigned long ecount);
    void (__RPC_USER *alloc)(char *state, unsigned long bsize, int **buf, unsigned long *bcount);
    char *state;
} INTPIPE;

/* client prototype */
void c_Add(PRPC_ASYNC_STATE Add_AsyncHandle, handle_t h, int a, int b);
/* server prototype */
void s_Add(PRPC_ASYNC_STATE Add_AsyncHandle, handle_t h, int a, int b);

/* client prototype */
void c_Sleep(PRPC_ASYNC_STATE Sleep_AsyncHandle, handle_t h, unsigned long ms);
/* server prototype */
void s_Sleep(PRPC_ASYNC_STATE Sleep_AsyncHandle, handle_t h, unsigned long ms);

/* client prototype */
void c_Fail(PRPC_ASYNC_STATE Fail_AsyncHandle, handle_t h, unsigned long code);
/* server prototype */
void s_Fail(PRPC_ASYNC_STATE Fail_AsyncHandle, handle_t h, unsigned long code);

/* client prototype */
void c_PipeSum(PRPC_ASYNC_STATE PipeSum_AsyncHandle, handle_t h, ASYNC_INTPIPE *inpipe);
/* server prototype */
void s_PipeSum(PRPC_ASYNC_STATE PipeSum_AsyncHandle, handle_t h, ASYNC_INTPIPE *inpipe);

/* client prototype */
void c_PipeRange(PRPC_ASYNC_STATE PipeRange_AsyncHandle, handle_t h, int start, int count,
                 ASYNC_INTPIPE *outpipe);
/* server prototype */
void s_PipeRange(PRPC_ASYNC_STATE PipeRange_AsyncHandle, handle_t h, int start, int count,
                 ASYNC_INTPIPE *outpipe);

/* client prototype */
void c_PipeEcho(PRPC_ASYNC_STATE PipeEcho_AsyncHandle, handle_t h, int a,
                ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int *b);
/* server prototype */
void s_PipeEcho(PRPC_ASYNC_STATE PipeEcho_AsyncHandle, handle_t h, int a,
                ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int *b);

typedef struct _WinRpcFixture_SERVER_EPV {
    void (*Add)(PRPC_ASYNC_STATE Add_AsyncHandle, handle_t h, int a, int b);
    void (*Sleep)(PRPC_ASYNC_STATE Sleep_AsyncHandle, handle_t h, unsigned long ms);
    void (*Fail)(PRPC_ASYNC_STATE Fail_AsyncHandle, handle_t h, unsigned long code);
    void (*PipeSum)(PRPC_ASYNC_STATE PipeSum_AsyncHandle, handle_t h, ASYNC_INTPIPE *inpipe);
    void (*PipeRange)(PRPC_ASYNC_STATE PipeRange_AsyncHandle, handle_t h, int start, int count,
                      ASYNC_INTPIPE *outpipe);
    void (*PipeEcho)(PRPC_ASYNC_STATE PipeEcho_AsyncHandle, handle_t h, int a,
                     ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int *b);
} WinRpcFixture_SERVER_EPV;

extern RPC_IF_HANDLE c_WinRpcFixture_v1_0_c_ifspec;
extern RPC_IF_HANDLE WinRpcFixture_v1_0_c_ifspec;
extern RPC_IF_HANDLE s_WinRpcFixture_v1_0_s_ifspec;

#ifdef __cplusplus
}
#endif

#endif /* WINRPC_MIDL_STANDIN_FIXTURE_H_H */
