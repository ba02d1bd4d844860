/*
 * fixture_standin.c - link-check only, NEVER RUN. check-mingw.sh links the glue into a DLL
 * with mingw-w64 to prove that every rpcrt4 and kernel32 function it uses exists in the import
 * libraries and that the exports in ../glue/winrpc_fixture.def resolve. MIDL's stubs do not
 * exist there, so this file defines what MIDL's fixture_c.c and fixture_s.c would, and nothing
 * else: the client stubs c_Add ... c_PipeEcho and c_WinRpcFixture_v1_0_c_ifspec (fixture_c.c),
 * and s_WinRpcFixture_v1_0_s_ifspec (fixture_s.c), whose /Oicf routine table names the manager
 * routines s_Add ... s_PipeEcho even with /use_epv /no_default_epv (real MIDL output,
 * ../README.md, "MIDL and the manager EPV"): the table below does too, so the glue must define
 * them here as it must on Windows. WinRpcFixture_v1_0_c_ifspec, which MIDL's
 * header declares but no generated file defines, is left undefined here too, so that glue
 * using it fails to link as it would on Windows. A DLL linked with this file cannot make or
 * serve a call: the stubs raise RPC_S_CANNOT_SUPPORT, and the interface handles are NULL.
 */
#include <windows.h>
#include <rpc.h>

#include "fixture_h.h"

/* fixture_c.c */
RPC_IF_HANDLE c_WinRpcFixture_v1_0_c_ifspec = NULL;

/* fixture_s.c */
RPC_IF_HANDLE s_WinRpcFixture_v1_0_s_ifspec = NULL;

/* fixture_s.c's WinRpcFixture_ServerRoutineTable, of SERVER_ROUTINEs there (not static here,
 * so that the linker keeps it and its references). */
void (*const WinRpcFixture_ServerRoutineTable[])(void) = {
    (void (*)(void))s_Add,     (void (*)(void))s_Sleep,     (void (*)(void))s_Fail,
    (void (*)(void))s_PipeSum, (void (*)(void))s_PipeRange, (void (*)(void))s_PipeEcho};

static void standin(void)
{
    RpcRaiseException(RPC_S_CANNOT_SUPPORT);
}

void c_Add(PRPC_ASYNC_STATE p, handle_t h, int a, int b)
{
    (void)p, (void)h, (void)a, (void)b;
    standin();
}

void c_Sleep(PRPC_ASYNC_STATE p, handle_t h, unsigned long ms)
{
    (void)p, (void)h, (void)ms;
    standin();
}

void c_Fail(PRPC_ASYNC_STATE p, handle_t h, unsigned long code)
{
    (void)p, (void)h, (void)code;
    standin();
}

void c_PipeSum(PRPC_ASYNC_STATE p, handle_t h, ASYNC_INTPIPE *in)
{
    (void)p, (void)h, (void)in;
    standin();
}

void c_PipeRange(PRPC_ASYNC_STATE p, handle_t h, int start, int count, ASYNC_INTPIPE *out)
{
    (void)p, (void)h, (void)start, (void)count, (void)out;
    standin();
}

void c_PipeEcho(PRPC_ASYNC_STATE p, handle_t h, int a, ASYNC_INTPIPE *in, ASYNC_INTPIPE *out,
                int *b)
{
    (void)p, (void)h, (void)a, (void)in, (void)out, (void)b;
    standin();
}
