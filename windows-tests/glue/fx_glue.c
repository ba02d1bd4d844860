/*
 * fx_glue.c - the fixture's C surface (../fx_glue.h) on real Windows, over MIDL's stubs for
 * ../fixture.idl. Built into winrpc_fixture.dll by ../CMakeLists.txt; Java loads it through
 * src/test/java/dev/winrpc/async/testing/FixtureRuntime.java.
 *
 * Server side
 *   - Endpoints are ncalrpc endpoints (RpcServerUseProtseqEp), which need no administrator
 *     rights. Windows has no call that gives an endpoint back, so an endpoint, once used, stays
 *     open until the process ends; starting the same name again reuses it.
 *   - The interface is registered once, while at least one endpoint serves, with
 *     RpcServerRegisterIfEx(RPC_IF_AUTOLISTEN | RPC_IF_ALLOW_LOCAL_ONLY) and an entry point
 *     vector of the trampolines s_Add ... s_PipeEcho below. Auto-listen (rather than
 *     RpcServerListen / RpcMgmtStopServerListening, which act on every interface of the process)
 *     because this DLL is a guest in a JVM: it must not stop anyone else's RPC server.
 *   - Every interface of a process can be reached through every one of its endpoints
 *     (RpcServerUseProtseqEp's remarks), so the endpoint a binding names cannot select the
 *     manager routines. Instead each endpoint has an object UUID derived from its name; every
 *     binding fx_BindingCreate makes carries it (RpcStringBindingCompose's ObjUuid), and each
 *     trampoline reads it back (RpcBindingInqObject on the call's binding handle, the explicit
 *     handle_t h of the IDL) and calls the FX_SERVER_EPV of the endpoint that has it. A call
 *     for an endpoint that does not serve (any more) is aborted with RPC_S_CALL_FAILED_DNE.
 *   - fx_ServerStop stops dispatching to the endpoint's EPV at once and waits, at most
 *     FX_STOP_WAIT_MS, until the endpoint's manager routines that are running have returned;
 *     when it was the last endpoint serving, it also unregisters the interface with
 *     WaitForCallsToComplete (on a helper thread, waited for within the same bound), which
 *     waits for every call of the interface to end. Past the bound it returns
 *     RPC_S_CALL_IN_PROGRESS, as the simulator does (the EPV must then stay valid).
 *   - The manager routines of the fixture's own C server (fx_peer.c) are an FX_SERVER_EPV like
 *     any other, served on FX_PEER_ENDPOINT, started the first time a binding names it.
 *
 * Client side
 *   - fx_BindingCreate composes "<object-uuid>@ncalrpc:[<endpoint>]" and calls
 *     RpcBindingFromStringBinding. Unlike the simulator it does not contact the server: a
 *     binding to an endpoint nobody serves fails at the call, not here.
 *   - fx_Add ... fx_PipeEcho call MIDL's client stubs inside RpcTryExcept and return the
 *     exception code of a failed initial call as the RPC_STATUS; the filter is
 *     RpcExceptionFilter, so that fatal exceptions (an access violation, say) are not swallowed.
 *
 * check-mingw.sh compiles this file with mingw-w64 against the stand-in header in
 * ../midl-standin/, with FX_NO_SEH defined because gcc has no __try/__except: that one macro
 * (FX_GUARDED) is the only part of this file the mingw check does not compile as it is built.
 */
#include "fx_win.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define FX_MAX_ENDPOINTS 64
#define FX_EP_NAME_MAX 64       /* endpoint names, bytes including the NUL */
#define FX_STOP_WAIT_MS 10000u  /* fx_ServerStop's bound */

typedef struct fx_endpoint {
    char name[FX_EP_NAME_MAX];
    UUID object;                /* carried by every binding to this endpoint */
    int in_use;                 /* the slot holds this name */
    int protseq_used;           /* RpcServerUseProtseqEp done (open until the process ends) */
    int serving;                /* calls are dispatched to epv */
    const FX_SERVER_EPV *epv;
    long entered;               /* manager routines of this endpoint running now */
} fx_endpoint;

/* g_lock guards the table and is held only briefly (the trampolines take it on every call);
 * g_control serialises start and stop, which may wait (never while holding g_lock). */
static SRWLOCK g_lock = SRWLOCK_INIT;
static SRWLOCK g_control = SRWLOCK_INIT;
static fx_endpoint g_eps[FX_MAX_ENDPOINTS];
static int g_serving;           /* endpoints serving (under g_lock and g_control) */
static int g_registered;        /* the interface is registered (under g_control) */
static HANDLE g_unregistering;  /* an unregister that outlived its bound (under g_control) */

/* ---- names and object UUIDs -------------------------------------------------------------- */

/* A name ncalrpc accepts as an endpoint, and short: letters, digits, '-', '_', '.'. */
static int name_ok(const char *name)
{
    if (name == NULL || name[0] == '\0' || strlen(name) >= FX_EP_NAME_MAX)
        return 0;
    for (const char *c = name; *c != '\0'; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 *c == '-' || *c == '_' || *c == '.';
        if (!ok)
            return 0;
    }
    return 1;
}

static uint64_t fnv1a64(const char *s, uint64_t h)
{
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

/* The object UUID of an endpoint: a function of its name alone (so that a client needs nothing
 * but the name), never nil, with RFC 9562's version 8 ("custom") and variant bits. */
static void endpoint_uuid(const char *name, UUID *u)
{
    uint64_t a = fnv1a64(name, 0xcbf29ce484222325ull);
    uint64_t b = fnv1a64(name, a ^ 0x9e3779b97f4a7c15ull);
    u->Data1 = (unsigned long)(a >> 32);
    u->Data2 = (unsigned short)(a >> 16);
    u->Data3 = (unsigned short)((a & 0x0FFFu) | 0x8000u);
    for (int i = 0; i < 8; i++)
        u->Data4[i] = (unsigned char)(b >> (56 - 8 * i));
    u->Data4[0] = (unsigned char)((u->Data4[0] & 0x3Fu) | 0x80u);
}

static void uuid_string(const UUID *u, char out[37])
{
    snprintf(out, 37, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             (unsigned long)u->Data1, (unsigned)u->Data2, (unsigned)u->Data3,
             (unsigned)u->Data4[0], (unsigned)u->Data4[1], (unsigned)u->Data4[2],
             (unsigned)u->Data4[3], (unsigned)u->Data4[4], (unsigned)u->Data4[5],
             (unsigned)u->Data4[6], (unsigned)u->Data4[7]);
}

/* Under g_lock. */
static fx_endpoint *find_locked(const char *name)
{
    for (int i = 0; i < FX_MAX_ENDPOINTS; i++)
        if (g_eps[i].in_use && strcmp(g_eps[i].name, name) == 0)
            return &g_eps[i];
    return NULL;
}

/* ---- the trampolines: MIDL's manager routines, dispatched to an FX_SERVER_EPV -------------- */

/* Finds the EPV of the endpoint the call came for and counts the routine as running; or, if no
 * endpoint serves that call, aborts it (the pipe state page, server tables: D, "To fail": A) and
 * returns NULL. */
static const FX_SERVER_EPV *enter(PRPC_ASYNC_STATE pAsync, handle_t h, fx_endpoint **ep_out)
{
    UUID object;
    const FX_SERVER_EPV *epv = NULL;
    fx_endpoint *ep = NULL;
    if (RpcBindingInqObject(h, &object) == RPC_S_OK) {
        AcquireSRWLockExclusive(&g_lock);
        for (int i = 0; i < FX_MAX_ENDPOINTS; i++) {
            fx_endpoint *e = &g_eps[i];
            if (e->in_use && e->serving && e->epv != NULL &&
                memcmp(&e->object, &object, sizeof object) == 0) {
                ep = e;
                epv = e->epv;
                e->entered++;
                break;
            }
        }
        ReleaseSRWLockExclusive(&g_lock);
    }
    if (epv == NULL)
        RpcAsyncAbortCall(pAsync, (unsigned long)RPC_S_CALL_FAILED_DNE);
    *ep_out = ep;
    return epv;
}

static void leave(fx_endpoint *ep)
{
    AcquireSRWLockExclusive(&g_lock);
    ep->entered--;
    ReleaseSRWLockExclusive(&g_lock);
}

/* The manager routines MIDL's server stub calls (fixture_h.h declares them, with /prefix
 * server "s_"). They convert MIDL's types to fx_glue.h's (the same sizes on every Windows ABI:
 * int and int32_t, unsigned long and uint32_t are 32 bits). */
void s_Add(PRPC_ASYNC_STATE pAsync, handle_t h, int a, int b)
{
    fx_endpoint *ep;
    const FX_SERVER_EPV *epv = enter(pAsync, h, &ep);
    if (epv != NULL) {
        epv->Add(pAsync, (void *)h, (int32_t)a, (int32_t)b);
        leave(ep);
    }
}

void s_Sleep(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long ms)
{
    fx_endpoint *ep;
    const FX_SERVER_EPV *epv = enter(pAsync, h, &ep);
    if (epv != NULL) {
        epv->Sleep(pAsync, (void *)h, (uint32_t)ms);
        leave(ep);
    }
}

void s_Fail(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long code)
{
    fx_endpoint *ep;
    const FX_SERVER_EPV *epv = enter(pAsync, h, &ep);
    if (epv != NULL) {
        epv->Fail(pAsync, (void *)h, (uint32_t)code);
        leave(ep);
    }
}

void s_PipeSum(PRPC_ASYNC_STATE pAsync, handle_t h, ASYNC_INTPIPE *inpipe)
{
    fx_endpoint *ep;
    const FX_SERVER_EPV *epv = enter(pAsync, h, &ep);
    if (epv != NULL) {
        epv->PipeSum(pAsync, (void *)h, inpipe);
        leave(ep);
    }
}

void s_PipeRange(PRPC_ASYNC_STATE pAsync, handle_t h, int start, int count,
                 ASYNC_INTPIPE *outpipe)
{
    fx_endpoint *ep;
    const FX_SERVER_EPV *epv = enter(pAsync, h, &ep);
    if (epv != NULL) {
        epv->PipeRange(pAsync, (void *)h, (int32_t)start, (int32_t)count, outpipe);
        leave(ep);
    }
}

void s_PipeEcho(PRPC_ASYNC_STATE pAsync, handle_t h, int a, ASYNC_INTPIPE *inpipe,
                ASYNC_INTPIPE *outpipe, int *b)
{
    fx_endpoint *ep;
    const FX_SERVER_EPV *epv = enter(pAsync, h, &ep);
    if (epv != NULL) {
        epv->PipeEcho(pAsync, (void *)h, (int32_t)a, inpipe, outpipe, (int32_t *)b);
        leave(ep);
    }
}

/* The manager EPV registered with the interface: one entry per operation, in the IDL's order,
 * each typed as MIDL declares the manager routine (the initialiser below is where a mismatch
 * between this file and MIDL's header stops the Windows build). */
typedef struct fx_manager_epv {
    void (*Add)(PRPC_ASYNC_STATE, handle_t, int, int);
    void (*Sleep)(PRPC_ASYNC_STATE, handle_t, unsigned long);
    void (*Fail)(PRPC_ASYNC_STATE, handle_t, unsigned long);
    void (*PipeSum)(PRPC_ASYNC_STATE, handle_t, ASYNC_INTPIPE *);
    void (*PipeRange)(PRPC_ASYNC_STATE, handle_t, int, int, ASYNC_INTPIPE *);
    void (*PipeEcho)(PRPC_ASYNC_STATE, handle_t, int, ASYNC_INTPIPE *, ASYNC_INTPIPE *, int *);
} fx_manager_epv;

static fx_manager_epv g_manager_epv = {s_Add, s_Sleep, s_Fail, s_PipeSum, s_PipeRange,
                                       s_PipeEcho};

/* ---- server start and stop ---------------------------------------------------------------- */

static DWORD WINAPI unregister_thread(LPVOID unused)
{
    (void)unused;
    return (DWORD)RpcServerUnregisterIf(FX_MIDL_SERVER_IFSPEC, NULL, TRUE);
}

/* Under g_control: waits (at most wait_ms) for an unregister that outlived its bound. */
static int unregister_finished_control(DWORD wait_ms)
{
    if (g_unregistering == NULL)
        return 1;
    if (WaitForSingleObject(g_unregistering, wait_ms) != WAIT_OBJECT_0)
        return 0;
    CloseHandle(g_unregistering);
    g_unregistering = NULL;
    return 1;
}

/* Under g_control: RpcServerUnregisterIf with WaitForCallsToComplete, bounded. */
static RPC_STATUS unregister_control(DWORD wait_ms)
{
    g_registered = 0;
    HANDLE t = CreateThread(NULL, 0, unregister_thread, NULL, 0, NULL);
    if (t == NULL) /* no thread: unregister without waiting */
        return RpcServerUnregisterIf(FX_MIDL_SERVER_IFSPEC, NULL, FALSE);
    if (WaitForSingleObject(t, wait_ms) == WAIT_OBJECT_0) {
        DWORD code = (DWORD)RPC_S_OK;
        GetExitCodeThread(t, &code);
        CloseHandle(t);
        return (RPC_STATUS)code;
    }
    g_unregistering = t; /* the next start waits for it */
    return RPC_S_CALL_IN_PROGRESS;
}

/* Under g_control. */
static RPC_STATUS start_control(const char *name, const FX_SERVER_EPV *epv)
{
    RPC_STATUS st = RPC_S_OK;
    AcquireSRWLockExclusive(&g_lock);
    fx_endpoint *ep = find_locked(name);
    if (ep != NULL && ep->serving) {
        ReleaseSRWLockExclusive(&g_lock);
        return RPC_S_DUPLICATE_ENDPOINT;
    }
    if (ep == NULL) {
        for (int i = 0; i < FX_MAX_ENDPOINTS && ep == NULL; i++)
            if (!g_eps[i].in_use)
                ep = &g_eps[i];
        if (ep == NULL) {
            ReleaseSRWLockExclusive(&g_lock);
            return RPC_S_OUT_OF_RESOURCES;
        }
        memset(ep, 0, sizeof *ep);
        memcpy(ep->name, name, strlen(name) + 1);
        endpoint_uuid(name, &ep->object);
        ep->in_use = 1;
    }
    int protseq_used = ep->protseq_used;
    ReleaseSRWLockExclusive(&g_lock);

    if (!protseq_used) {
        st = RpcServerUseProtseqEpA((RPC_CSTR) "ncalrpc", RPC_C_PROTSEQ_MAX_REQS_DEFAULT,
                                    (RPC_CSTR)name, NULL);
        if (st != RPC_S_OK)
            return st;
        AcquireSRWLockExclusive(&g_lock);
        ep->protseq_used = 1;
        ReleaseSRWLockExclusive(&g_lock);
    }
    if (!g_registered) {
        if (!unregister_finished_control(FX_STOP_WAIT_MS))
            return RPC_S_CALL_IN_PROGRESS;
        st = RpcServerRegisterIfEx(FX_MIDL_SERVER_IFSPEC, NULL,
                                   (RPC_MGR_EPV *)&g_manager_epv,
                                   RPC_IF_AUTOLISTEN | RPC_IF_ALLOW_LOCAL_ONLY,
                                   RPC_C_LISTEN_MAX_CALLS_DEFAULT, NULL);
        if (st != RPC_S_OK)
            return st;
        g_registered = 1;
    }
    AcquireSRWLockExclusive(&g_lock);
    ep->epv = epv;
    ep->serving = 1;
    g_serving++;
    ReleaseSRWLockExclusive(&g_lock);
    return RPC_S_OK;
}

RPC_STATUS WINRPC_ENTRY fx_ServerStart(const char *endpoint, const FX_SERVER_EPV *epv)
{
    if (!name_ok(endpoint) || epv == NULL)
        return RPC_S_INVALID_ARG;
    /* The C server's endpoint is always taken, as the simulator's "sim-peer" is. */
    if (strcmp(endpoint, FX_PEER_ENDPOINT) == 0)
        return RPC_S_DUPLICATE_ENDPOINT;
    AcquireSRWLockExclusive(&g_control);
    RPC_STATUS st = start_control(endpoint, epv);
    ReleaseSRWLockExclusive(&g_control);
    return st;
}

RPC_STATUS fx_peer_ensure_started(void)
{
    RPC_STATUS st = RPC_S_OK;
    AcquireSRWLockExclusive(&g_control);
    AcquireSRWLockShared(&g_lock);
    fx_endpoint *ep = find_locked(FX_PEER_ENDPOINT);
    int serving = ep != NULL && ep->serving;
    ReleaseSRWLockShared(&g_lock);
    if (!serving)
        st = start_control(FX_PEER_ENDPOINT, &fx_peer_epv);
    ReleaseSRWLockExclusive(&g_control);
    return st;
}

RPC_STATUS WINRPC_ENTRY fx_ServerStop(const char *endpoint)
{
    if (!name_ok(endpoint) || strcmp(endpoint, FX_PEER_ENDPOINT) == 0)
        return RPC_S_INVALID_ARG;
    AcquireSRWLockExclusive(&g_control);
    AcquireSRWLockExclusive(&g_lock);
    fx_endpoint *ep = find_locked(endpoint);
    if (ep == NULL || !ep->serving) {
        ReleaseSRWLockExclusive(&g_lock);
        ReleaseSRWLockExclusive(&g_control);
        return RPC_S_INVALID_ARG;
    }
    ep->serving = 0; /* from now on its calls are aborted, never dispatched to epv */
    g_serving--;
    int last = g_serving == 0;
    ReleaseSRWLockExclusive(&g_lock);

    ULONGLONG deadline = GetTickCount64() + FX_STOP_WAIT_MS;
    long entered;
    for (;;) {
        AcquireSRWLockShared(&g_lock);
        entered = ep->entered;
        ReleaseSRWLockShared(&g_lock);
        if (entered == 0 || GetTickCount64() >= deadline)
            break;
        Sleep(2);
    }
    RPC_STATUS st = RPC_S_OK;
    if (entered != 0) {
        st = RPC_S_CALL_IN_PROGRESS; /* the EPV must stay valid until they return */
    } else {
        AcquireSRWLockExclusive(&g_lock);
        ep->epv = NULL;
        ReleaseSRWLockExclusive(&g_lock);
    }
    if (last && g_registered) {
        ULONGLONG now = GetTickCount64();
        DWORD left = now < deadline ? (DWORD)(deadline - now) : 0;
        RPC_STATUS u = unregister_control(left);
        if (st == RPC_S_OK)
            st = u;
    }
    ReleaseSRWLockExclusive(&g_control);
    return st;
}

/* ---- bindings ----------------------------------------------------------------------------- */

RPC_STATUS WINRPC_ENTRY fx_BindingCreate(const char *endpoint, void **phBinding)
{
    if (phBinding == NULL || !name_ok(endpoint))
        return RPC_S_INVALID_ARG;
    *phBinding = NULL;
    if (strcmp(endpoint, FX_PEER_ENDPOINT) == 0) {
        RPC_STATUS started = fx_peer_ensure_started();
        if (started != RPC_S_OK)
            return started;
    }
    UUID object;
    char object_string[37];
    endpoint_uuid(endpoint, &object);
    uuid_string(&object, object_string);
    RPC_CSTR string_binding = NULL;
    RPC_STATUS st = RpcStringBindingComposeA((RPC_CSTR)object_string, (RPC_CSTR) "ncalrpc", NULL,
                                             (RPC_CSTR)endpoint, NULL, &string_binding);
    if (st != RPC_S_OK)
        return st;
    RPC_BINDING_HANDLE h = NULL;
    st = RpcBindingFromStringBindingA(string_binding, &h);
    RpcStringFreeA(&string_binding);
    if (st == RPC_S_OK)
        *phBinding = h;
    return st;
}

RPC_STATUS WINRPC_ENTRY fx_BindingFree(void **phBinding)
{
    if (phBinding == NULL)
        return RPC_S_INVALID_ARG;
    RPC_BINDING_HANDLE h = (RPC_BINDING_HANDLE)*phBinding;
    RPC_STATUS st = RpcBindingFree(&h);
    if (st == RPC_S_OK)
        *phBinding = NULL;
    return st;
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
