/*
 * fx_win.h - what the Windows glue sees: the Windows SDK, MIDL's header for fixture.idl, and
 * fx_glue.h (the surface Java calls) side by side.
 *
 * fx_glue.h includes the project's own declaration of the ABI (native-headers/winrpc_async.h),
 * which by default uses the SDK's names. Here the SDK's own declarations are in scope too, so
 * ours get the prefix winrpc_ (WINRPC_NAME, as native-headers/check/sdk_agreement.c does), and
 * the names fx_glue.h uses unprefixed (PRPC_ASYNC_STATE, RPC_STATUS, ASYNC_INTPIPE) resolve to
 * the SDK's and MIDL's. Both declarations are asserted to agree field by field by
 * native-headers/check.
 *
 * "fixture_h.h" is MIDL's output (CMakeLists.txt puts its directory first on the include
 * path). windows-tests/check-mingw.sh, which has no MIDL, compiles against the hand-written
 * stand-in in ../midl-standin/ instead.
 */
#ifndef WINRPC_FX_WIN_H
#define WINRPC_FX_WIN_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>

#include "fixture_h.h"

/* The server interface handle MIDL generates for fixture.idl with CMakeLists.txt's /prefix
 * server "s_": the server prefix renames it too (s_<interface>_v<major>_<minor>_s_ifspec, in the
 * real MIDL output listed in ../README.md, "MIDL's names"); there is no unprefixed
 * WinRpcFixture_v1_0_s_ifspec. The one place the glue names it. FixtureIdlTest derives the name
 * from fixture.idl and CMakeLists.txt and checks this definition. */
#define FX_MIDL_SERVER_IFSPEC s_WinRpcFixture_v1_0_s_ifspec

#define WINRPC_NAME(x) winrpc_##x
#define WINRPC_NO_PROTOTYPES /* the SDK declares the rpcrt4 functions */
#include "../fx_glue.h"

/* RPC_ASYNC_EVENT's RpcClientCancel (4; Windows Vista and later). Spelled as a number because
 * mingw-w64's <rpcasync.h> declares only the first three values (docs/reference/abi.md). */
#define FX_EVENT_CLIENT_CANCEL 4

/* fx_peer.c: the six manager routines of the C server (fx_glue.c's fx_PeerEpv hands them to
 * Java, which registers them with RpcServerRegisterIf3 like any EPV of its own). */
extern const FX_SERVER_EPV fx_peer_epv;

/* fx_peer.c: how many notifications its APC routine has received (check/peer_on_simulator.c
 * reads it on the simulator; not exported from the DLL). */
uint32_t fx_peer_apc_notifications(void);

#endif /* WINRPC_FX_WIN_H */
