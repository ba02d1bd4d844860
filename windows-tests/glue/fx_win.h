/*
 * fx_win.h - what the fixture's C server (fx_peer.c) sees on Windows: the Windows SDK, MIDL's
 * server-run header for fixture.idl and the stub library's header that IdlCompiler generates
 * beside it, in the order and with the settings of the generated server glue
 * (WinRpcFixture_glue_s.c): the SDK's and MIDL's names are the ones in scope (RPC_STATUS,
 * PRPC_ASYNC_STATE, MIDL's ASYNC_INTPIPE), winrpc_async.h's own declarations get the prefix
 * winrpc_, and the manager EPV type is the generated WinRpcFixture_SERVER_EPV, whose layout the
 * generated glue asserts against MIDL's manager prototypes.
 *
 * "WinRpcFixture_s_h.h" is MIDL's output (the generated project's server run, every operation
 * [async]); windows-tests/check-mingw.sh, which has no MIDL, compiles against the generated
 * stand-in of it (MidlStandin, the one IdlWindowsGlueTest uses) instead.
 */
#ifndef WINRPC_FX_WIN_H
#define WINRPC_FX_WIN_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdint.h>

#include "WinRpcFixture_s_h.h" /* MIDL's */

#define WINRPC_NAME(x) winrpc_##x
#define WINRPC_NO_PROTOTYPES /* the SDK declares the rpcrt4 functions */
#define WINRPC_MIDL_TYPES    /* the IDL's types are MIDL's */
#include "WinRpcFixture_winrpc.h"

/* The element type of MIDL's ASYNC_INTPIPE: MIDL spells fixture.idl's `typedef pipe int INTPIPE`
 * with int. The generated stand-in check-mingw.sh compiles against spells every 32-bit integer
 * long (the IDL model does not tell int from long; both are 32 bits on every Windows ABI), so the
 * script passes -DFX_PIPE_ELEMENT=long. */
#ifndef FX_PIPE_ELEMENT
#define FX_PIPE_ELEMENT int
#endif

/* fx_peer.c: the six manager routines of the C server, and the one export of
 * winrpc_fixture_peer.dll that hands them to Java (glue/fx_peer.def), which registers them with
 * RpcServerRegisterIf3 and WinRpcFixture.dll's WinRpcFixture_IfSpec() like any EPV of its own. */
extern const WinRpcFixture_SERVER_EPV fx_peer_epv;
const WinRpcFixture_SERVER_EPV *WINRPC_ENTRY fx_PeerEpv(void);

/* fx_peer.c: how many notifications its APC routine has received (check/peer_on_simulator.c
 * reads it on the simulator; not exported from the DLL). */
uint32_t fx_peer_apc_notifications(void);

#endif /* WINRPC_FX_WIN_H */
