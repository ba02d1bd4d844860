/*
 * fx_glue.c - the fixture's C surface (../fx_glue.h) on real Windows, over MIDL's stubs for
 * ../fixture.idl. Built into winrpc_fixture.dll by ../CMakeLists.txt; Java loads it through
 * src/test/java/dev/winrpc/async/testing/FixtureRuntime.java.
 *
 * What the glue is now: MIDL's client stubs made callable from Java, the interface handle, and
 * the C peer server's manager routines, nothing else. Bindings and servers are Java's
 * (RpcBinding, RpcServer: RpcBindingFromStringBindingW, RpcServerUseProtseqEpW,
 * RpcServerRegisterIf3, RpcObjectSetType, ...); the glue neither makes nor registers anything.
 *
 *   - fx_Add ... fx_PipeEcho call MIDL's client stubs c_Add ... c_PipeEcho inside RpcTryExcept
 *     and return the exception code of a failed initial call as the RPC_STATUS; the filter is
 *     RpcExceptionFilter, so that fatal exceptions (an access violation, say) are not swallowed.
 *     The binding handle is whatever Java passes (an RpcBinding's handle).
 *   - fx_IfSpec returns MIDL's server interface handle (FX_MIDL_SERVER_IFSPEC in fx_win.h), for
 *     Java's RpcServerRegisterIf3 / RpcServerUnregisterIf[Ex] / RpcEpRegisterW.
 *   - fx_PeerEpv returns the address of fx_peer.c's FX_SERVER_EPV (the fixture's own C server),
 *     which Java registers like any EPV of its own.
 *   - MIDL runs with /use_epv /no_default_epv (CMakeLists.txt): the server stub calls each
 *     manager routine through the EPV registered with the interface (for the manager type of
 *     the call's object UUID), so no C trampoline stands between rpcrt4 and the registered
 *     routines, and several servers of the interface share the process through manager types.
 *     FX_SERVER_EPV has MIDL's manager EPV layout (one function pointer per operation, in the
 *     IDL's order, asserted below against MIDL's own manager routine prototypes).
 *   - The s_Add ... s_PipeEcho below are never meant to run: real MIDL output for /Oicf with
 *     /use_epv /no_default_epv still names the server-prefixed manager routines in the server
 *     stub's routine table (windows-tests/README.md, "MIDL and the manager EPV"), so they must
 *     exist for the DLL to link. Each aborts its call with FX_STATUS_STATIC_ROUTINE (below), so a
 *     runtime that dispatched through that table instead of the registered EPV shows at once.
 *   - MIDL_user_allocate / MIDL_user_free, which both stubs' MIDL_STUB_DESC name.
 *
 * check-mingw.sh compiles this file with mingw-w64 against the stand-in header in
 * ../midl-standin/, with FX_NO_SEH defined because gcc has no __try/__except: that one macro
 * (FX_GUARDED) is the only part of this file the mingw check does not compile as it is built.
 */
#include "fx_win.h"

#include <stddef.h>
#include <stdint.h>

/* ---- the interface handle and the C server's EPV ----------------------------------------- */

void *WINRPC_ENTRY fx_IfSpec(void)
{
    return (void *)FX_MIDL_SERVER_IFSPEC;
}

const FX_SERVER_EPV *WINRPC_ENTRY fx_PeerEpv(void)
{
    return &fx_peer_epv;
}

/* ---- FX_SERVER_EPV is MIDL's manager EPV ---------------------------------------------------- */

/* The manager routine types, as MIDL declares the server prototypes s_<op> (fixture_h.h) and
 * as its server stub calls them through the EPV: C's default calling convention, MIDL's
 * parameter types. FX_SERVER_EPV's members take fx_glue.h's types (int32_t for int, uint32_t
 * for unsigned long, void * for handle_t, the project's ASYNC_INTPIPE): the same sizes and
 * passing on every Windows ABI (native-headers/check asserts the types field by field). */
typedef void fx_mgr_Add(PRPC_ASYNC_STATE, handle_t, int, int);
typedef void fx_mgr_Sleep(PRPC_ASYNC_STATE, handle_t, unsigned long);
typedef void fx_mgr_Fail(PRPC_ASYNC_STATE, handle_t, unsigned long);
typedef void fx_mgr_PipeSum(PRPC_ASYNC_STATE, handle_t, ASYNC_INTPIPE *);
typedef void fx_mgr_PipeRange(PRPC_ASYNC_STATE, handle_t, int, int, ASYNC_INTPIPE *);
typedef void fx_mgr_PipeEcho(PRPC_ASYNC_STATE, handle_t, int, ASYNC_INTPIPE *, ASYNC_INTPIPE *,
                             int *);

/* The manager EPV MIDL's server stub reads: one entry per operation, in the IDL's order. */
typedef struct fx_manager_epv {
    fx_mgr_Add *Add;
    fx_mgr_Sleep *Sleep;
    fx_mgr_Fail *Fail;
    fx_mgr_PipeSum *PipeSum;
    fx_mgr_PipeRange *PipeRange;
    fx_mgr_PipeEcho *PipeEcho;
} fx_manager_epv;

/* The types above are MIDL's: each is the type of MIDL's server prototype (a mismatch stops
 * the build here, on Windows against MIDL's real header). */
#define FX_IS_MIDL_ROUTINE(routine, type) _Generic(&(routine), type *: 1, default: 0)
_Static_assert(FX_IS_MIDL_ROUTINE(s_Add, fx_mgr_Add), "s_Add is not MIDL's Add");
_Static_assert(FX_IS_MIDL_ROUTINE(s_Sleep, fx_mgr_Sleep), "s_Sleep is not MIDL's Sleep");
_Static_assert(FX_IS_MIDL_ROUTINE(s_Fail, fx_mgr_Fail), "s_Fail is not MIDL's Fail");
_Static_assert(FX_IS_MIDL_ROUTINE(s_PipeSum, fx_mgr_PipeSum), "s_PipeSum is not MIDL's PipeSum");
_Static_assert(FX_IS_MIDL_ROUTINE(s_PipeRange, fx_mgr_PipeRange),
               "s_PipeRange is not MIDL's PipeRange");
_Static_assert(FX_IS_MIDL_ROUTINE(s_PipeEcho, fx_mgr_PipeEcho),
               "s_PipeEcho is not MIDL's PipeEcho");

/* ... and FX_SERVER_EPV, which Java fills and registers, has that layout. */
#define FX_SAME_SLOT(m) (offsetof(fx_manager_epv, m) == offsetof(FX_SERVER_EPV, m) && \
                         sizeof(((fx_manager_epv *)0)->m) == sizeof(((FX_SERVER_EPV *)0)->m))
_Static_assert(sizeof(fx_manager_epv) == sizeof(FX_SERVER_EPV), "FX_SERVER_EPV's size");
_Static_assert(FX_SAME_SLOT(Add) && FX_SAME_SLOT(Sleep) && FX_SAME_SLOT(Fail) &&
                   FX_SAME_SLOT(PipeSum) && FX_SAME_SLOT(PipeRange) && FX_SAME_SLOT(PipeEcho),
               "FX_SERVER_EPV's members are MIDL's manager EPV's, in the IDL's order");
_Static_assert(sizeof(int) == sizeof(int32_t) && sizeof(unsigned long) == sizeof(uint32_t) &&
                   sizeof(handle_t) == sizeof(void *),
               "MIDL's parameter types and fx_glue.h's have the same sizes");

/* ---- the routines MIDL's routine table names, never reached ---------------------------------- */

/* The status of a call that reached the routines below: bit 29 (the "customer" bit of Windows
 * status codes) set, so that no runtime or system status is the same, and spelled out in
 * windows-tests/README.md ("How the Windows glue works"). Not RPC_S_UNKNOWN_MGR_TYPE: the
 * runtime itself fails a call with that when no manager of the call's type is registered. */
#define FX_STATUS_STATIC_ROUTINE 0x20F1E9F0u

/* Reached only if rpcrt4 called the server stub's static routine table instead of the EPV
 * registered with the interface (every registration passes one; /no_default_epv leaves the
 * interface without a default). */
static void unreachable_manager(PRPC_ASYNC_STATE pAsync)
{
    RpcAsyncAbortCall(pAsync, (unsigned long)FX_STATUS_STATIC_ROUTINE);
}

void s_Add(PRPC_ASYNC_STATE pAsync, handle_t h, int a, int b)
{
    (void)h, (void)a, (void)b;
    unreachable_manager(pAsync);
}

void s_Sleep(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long ms)
{
    (void)h, (void)ms;
    unreachable_manager(pAsync);
}

void s_Fail(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long code)
{
    (void)h, (void)code;
    unreachable_manager(pAsync);
}

void s_PipeSum(PRPC_ASYNC_STATE pAsync, handle_t h, ASYNC_INTPIPE *inpipe)
{
    (void)h, (void)inpipe;
    unreachable_manager(pAsync);
}

void s_PipeRange(PRPC_ASYNC_STATE pAsync, handle_t h, int start, int count,
                 ASYNC_INTPIPE *outpipe)
{
    (void)h, (void)start, (void)count, (void)outpipe;
    unreachable_manager(pAsync);
}

void s_PipeEcho(PRPC_ASYNC_STATE pAsync, handle_t h, int a, ASYNC_INTPIPE *inpipe,
                ASYNC_INTPIPE *outpipe, int *b)
{
    (void)h, (void)a, (void)inpipe, (void)outpipe, (void)b;
    unreachable_manager(pAsync);
}

/* ---- client stubs --------------------------------------------------------------------------- */

#ifdef FX_NO_SEH
/* check-mingw.sh only (gcc has no __try/__except); never built into the fixture DLL. */
#define FX_GUARDED(status, call)                                                              \
    do {                                                                                      \
        (void)(status);                                                                       \
        call;                                                                                 \
    } while (0)
#else
/* MIDL's client stubs report a failed initial call by raising an exception: its code is the
 * RPC_STATUS. RpcExceptionFilter lets fatal exceptions through (Microsoft's recommended
 * filter for RpcExcept). */
#define FX_GUARDED(status, call)                                                              \
    RpcTryExcept                                                                              \
    {                                                                                         \
        call;                                                                                 \
    }                                                                                         \
    RpcExcept(RpcExceptionFilter(RpcExceptionCode()))                                         \
    {                                                                                         \
        (status) = (RPC_STATUS)RpcExceptionCode();                                            \
    }                                                                                         \
    RpcEndExcept
#endif

RPC_STATUS WINRPC_ENTRY fx_Add(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a, int32_t b)
{
    RPC_STATUS st = RPC_S_OK;
    FX_GUARDED(st, c_Add(pAsync, (handle_t)hBinding, (int)a, (int)b));
    return st;
}

RPC_STATUS WINRPC_ENTRY fx_Sleep(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t ms)
{
    RPC_STATUS st = RPC_S_OK;
    FX_GUARDED(st, c_Sleep(pAsync, (handle_t)hBinding, (unsigned long)ms));
    return st;
}

RPC_STATUS WINRPC_ENTRY fx_Fail(PRPC_ASYNC_STATE pAsync, void *hBinding, uint32_t code)
{
    RPC_STATUS st = RPC_S_OK;
    FX_GUARDED(st, c_Fail(pAsync, (handle_t)hBinding, (unsigned long)code));
    return st;
}

RPC_STATUS WINRPC_ENTRY fx_PipeSum(PRPC_ASYNC_STATE pAsync, void *hBinding, ASYNC_INTPIPE *inpipe)
{
    RPC_STATUS st = RPC_S_OK;
    FX_GUARDED(st, c_PipeSum(pAsync, (handle_t)hBinding, inpipe));
    return st;
}

RPC_STATUS WINRPC_ENTRY fx_PipeRange(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t start,
                                     int32_t count, ASYNC_INTPIPE *outpipe)
{
    RPC_STATUS st = RPC_S_OK;
    FX_GUARDED(st, c_PipeRange(pAsync, (handle_t)hBinding, (int)start, (int)count, outpipe));
    return st;
}

RPC_STATUS WINRPC_ENTRY fx_PipeEcho(PRPC_ASYNC_STATE pAsync, void *hBinding, int32_t a,
                                    ASYNC_INTPIPE *inpipe, ASYNC_INTPIPE *outpipe, int32_t *b)
{
    RPC_STATUS st = RPC_S_OK;
    FX_GUARDED(st, c_PipeEcho(pAsync, (handle_t)hBinding, (int)a, inpipe, outpipe, (int *)b));
    return st;
}

/* ---- MIDL's memory routines ---------------------------------------------------------------- */

void __RPC_FAR *__RPC_USER MIDL_user_allocate(size_t len)
{
    return HeapAlloc(GetProcessHeap(), 0, len != 0 ? len : 1);
}

void __RPC_USER MIDL_user_free(void __RPC_FAR *ptr)
{
    if (ptr != NULL)
        HeapFree(GetProcessHeap(), 0, ptr);
}
