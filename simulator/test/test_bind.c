/*
 * test_bind.c - the simulator's binding and hosting functions (sim_bind.c, sim_host.c) through
 * the library's exports: string bindings, binding handles, authentication and options, the
 * server's endpoints, endpoint map, interfaces, listening, and the call-time checks of
 * sim_call_interface, with the oracle's records and counters.
 */
#include "winrpcsim.h"
#include "test_assert.h"

#include <string.h>

/* ---- helpers ---------------------------------------------------------------------------------- */

static uint16_t *W(const char *s) /* a UTF-16 copy of an ASCII string; tests leak these */
{
    size_t n = strlen(s);
    uint16_t *w = calloc(n + 1, sizeof *w);
    REQUIRE(w != NULL);
    for (size_t i = 0; i < n; i++)
        w[i] = (unsigned char)s[i];
    return w;
}

static int weq(const uint16_t *w, const char *s)
{
    size_t i = 0;
    for (; s[i] != 0; i++)
        if (w == NULL || w[i] != (unsigned char)s[i])
            return 0;
    return w[i] == 0;
}

static void end_clean(void)
{
    for (int i = SIM_COUNT_BINDINGS; i <= SIM_COUNT_EP_ENTRIES; i++)
        CHECK_EQ(sim_counter(i), 0);
    if (sim_misuse_count() != 0) {
        char buf[512];
        for (int i = 0; i < sim_misuse_count(); i++) {
            int k = sim_misuse_get(i, buf, sizeof buf);
            fprintf(stderr, "    misuse %d: %s\n", k, buf);
        }
    }
    CHECK_EQ(sim_misuse_count(), 0);
    sim_reset();
}

static void expect_one_misuse(int kind)
{
    CHECK_EQ(sim_misuse_count(), 1);
    CHECK_EQ(sim_misuse_get(0, NULL, 0), kind);
    sim_misuse_clear();
}

/* An interface: RPC_SERVER_INTERFACE's first fields. */
static WINRPC_IF_HEADER make_if(uint32_t d1, uint16_t major)
{
    WINRPC_IF_HEADER h;
    memset(&h, 0, sizeof h);
    h.Length = 68; /* STRICT test value: the simulator reads Length and InterfaceId only */
    h.InterfaceId.SyntaxGUID.Data1 = d1;
    h.InterfaceId.SyntaxVersion.MajorVersion = major;
    return h;
}

static RPC_BINDING_HANDLE bind_str(const char *s, RPC_STATUS want)
{
    RPC_BINDING_HANDLE h = (RPC_BINDING_HANDLE)1;
    CHECK_EQ(RpcBindingFromStringBindingW(W(s), &h), want);
    if (want != RPC_S_OK)
        CHECK(h == NULL);
    return h;
}

static void free_binding(RPC_BINDING_HANDLE h)
{
    CHECK_EQ(RpcBindingFree(&h), RPC_S_OK);
    CHECK(h == NULL);
}

/* ---- string bindings ------------------------------------------------------------------------ */

static void test_compose_and_parse(void)
{
    RPC_WSTR s = NULL;
    CHECK_EQ(RpcStringBindingComposeW(NULL, W("ncacn_ip_tcp"), W("localhost"), W("4747"), NULL, &s),
             RPC_S_OK);
    CHECK(weq(s, "ncacn_ip_tcp:localhost[4747]"));
    CHECK_EQ(sim_counter(SIM_COUNT_RPC_ALLOCS), 1);
    CHECK_EQ(RpcStringFreeW(&s), RPC_S_OK);
    CHECK(s == NULL);
    CHECK_EQ(RpcStringFreeW(&s), RPC_S_OK); /* NULL: nothing */

    /* Separators in a value are escaped, and a parse gives them back. */
    CHECK_EQ(RpcStringBindingComposeW(W("12345678-1234-1234-1234-123456789abc"), W("ncacn_np"),
                                      W("host"), W("\\pipe\\a[b]"), W("security=x y"), &s),
             RPC_S_OK);
    CHECK(weq(s, "12345678-1234-1234-1234-123456789abc@ncacn_np:host[\\\\pipe\\\\a\\[b\\],security=x y]"));
    RPC_BINDING_HANDLE h = NULL;
    CHECK_EQ(RpcBindingFromStringBindingW(s, &h), RPC_S_OK);
    RPC_WSTR back = NULL;
    CHECK_EQ(RpcBindingToStringBindingW(h, &back), RPC_S_OK);
    CHECK(back != NULL && s != NULL && memcmp(back, s, (strlen("12345678-1234-1234-1234-123456789abc@ncacn_np:host[\\\\pipe\\\\a\\[b\\],security=x y]") + 1) * 2) == 0);
    CHECK_EQ(RpcStringFreeW(&back), RPC_S_OK);
    CHECK_EQ(RpcStringFreeW(&s), RPC_S_OK);
    free_binding(h);

    /* [endpoint=name] is the same endpoint. */
    h = bind_str("ncalrpc:[endpoint=ep1]", RPC_S_OK);
    CHECK_EQ(RpcBindingToStringBindingW(h, &back), RPC_S_OK);
    CHECK(weq(back, "ncalrpc:[ep1]"));
    CHECK_EQ(RpcStringFreeW(&back), RPC_S_OK);
    free_binding(h);
    end_clean();
}

static void test_bad_string_bindings(void)
{
    bind_str("", RPC_S_INVALID_STRING_BINDING);
    bind_str("ncalrpc", RPC_S_INVALID_STRING_BINDING);          /* no ':' */
    bind_str(":host", RPC_S_INVALID_STRING_BINDING);            /* no protseq */
    bind_str("ncalrpc:[ep", RPC_S_INVALID_STRING_BINDING);      /* no ']' */
    bind_str("ncalrpc:[ep]x", RPC_S_INVALID_STRING_BINDING);    /* after ']' */
    bind_str("ncalrpc:[ep,noequals]", RPC_S_INVALID_STRING_BINDING);
    bind_str("ncalrpc:[ep,=v]", RPC_S_INVALID_STRING_BINDING);
    bind_str("ncalrpc:x\\", RPC_S_INVALID_STRING_BINDING);      /* dangling escape */
    bind_str("not-a-uuid@ncalrpc:", RPC_S_INVALID_STRING_UUID);
    bind_str("ncadg_ip_udp:host[1]", RPC_S_PROTSEQ_NOT_SUPPORTED);
    bind_str("bogus:host", RPC_S_PROTSEQ_NOT_SUPPORTED);
    bind_str("NCALRPC:[x]", RPC_S_PROTSEQ_NOT_SUPPORTED);
    bind_str("ncacn_ip_tcp:host[http]", RPC_S_INVALID_ENDPOINT_FORMAT);
    bind_str("ncacn_ip_tcp:host[70000]", RPC_S_INVALID_ENDPOINT_FORMAT);
    bind_str("ncacn_np:host[pipe]", RPC_S_INVALID_ENDPOINT_FORMAT);
    bind_str("ncalrpc:[a\\\\b]", RPC_S_INVALID_ENDPOINT_FORMAT);
    RPC_BINDING_HANDLE h = NULL;
    CHECK_EQ(RpcBindingFromStringBindingW(NULL, &h), RPC_S_INVALID_STRING_BINDING);
    /* A NULL out-parameter: Windows would fault; the simulator refuses and records it. */
    CHECK_EQ(RpcBindingFromStringBindingW(W("ncalrpc:"), NULL), RPC_S_INVALID_ARG);
    expect_one_misuse(SIM_MISUSE_BAD_ARGUMENT);
    end_clean();
}

/* ---- handles, auth, options ----------------------------------------------------------------- */

static void test_handles_auth_options(void)
{
    RPC_BINDING_HANDLE h = bind_str("ncacn_ip_tcp:127.0.0.1[4000]", RPC_S_OK);
    CHECK_EQ(sim_counter(SIM_COUNT_BINDINGS), 1);
    uint32_t lvl = 0, svc = 0;
    CHECK_EQ(RpcBindingInqAuthInfoExW(h, NULL, &lvl, &svc, NULL, NULL, 0, NULL), RPC_S_BINDING_HAS_NO_AUTH);
    CHECK_EQ(RpcBindingSetAuthInfoExW(h, NULL, 9, WINRPC_RPC_C_AUTHN_WINNT, NULL, 0, NULL),
             RPC_S_UNKNOWN_AUTHN_LEVEL);
    CHECK_EQ(RpcBindingSetAuthInfoExW(h, NULL, 6, 77, NULL, 0, NULL), RPC_S_UNKNOWN_AUTHN_SERVICE);
    RPC_SECURITY_QOS q = {1, WINRPC_RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH, 0, WINRPC_RPC_C_IMP_LEVEL_IMPERSONATE};
    SEC_WINNT_AUTH_IDENTITY_W id = {W("alice"), 5, W("CORP"), 4, W("pw"), 2, WINRPC_SEC_WINNT_AUTH_IDENTITY_UNICODE};
    CHECK_EQ(RpcBindingSetAuthInfoExW(h, W("host/srv"), WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                      WINRPC_RPC_C_AUTHN_WINNT, &id, 0, &q), RPC_S_OK);
    RPC_WSTR spn = NULL;
    RPC_SECURITY_QOS got = {0};
    CHECK_EQ(RpcBindingInqAuthInfoExW(h, &spn, &lvl, &svc, NULL, NULL, 1, &got), RPC_S_OK);
    CHECK(weq(spn, "host/srv"));
    CHECK_EQ(lvl, WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
    CHECK_EQ(svc, WINRPC_RPC_C_AUTHN_WINNT);
    CHECK_EQ(got.ImpersonationType, WINRPC_RPC_C_IMP_LEVEL_IMPERSONATE);
    CHECK_EQ(got.Capabilities, WINRPC_RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH);
    CHECK_EQ(RpcStringFreeW(&spn), RPC_S_OK);

    uintptr_t v = 1;
    CHECK_EQ(RpcBindingInqOption(h, WINRPC_RPC_C_OPT_CALL_TIMEOUT, &v), RPC_S_OK);
    CHECK_EQ(v, 0);
    CHECK_EQ(RpcBindingSetOption(h, WINRPC_RPC_C_OPT_CALL_TIMEOUT, 2500), RPC_S_OK);
    CHECK_EQ(RpcBindingInqOption(h, WINRPC_RPC_C_OPT_CALL_TIMEOUT, &v), RPC_S_OK);
    CHECK_EQ(v, 2500);
    CHECK_EQ(RpcBindingSetOption(h, 99, 1), RPC_S_INVALID_ARG);

    /* A copy carries the auth info and options, and is a handle of its own. */
    RPC_BINDING_HANDLE c = NULL;
    CHECK_EQ(RpcBindingCopy(h, &c), RPC_S_OK);
    CHECK(c != NULL && c != h);
    CHECK_EQ(sim_counter(SIM_COUNT_BINDINGS), 2);
    CHECK_EQ(RpcBindingInqOption(c, WINRPC_RPC_C_OPT_CALL_TIMEOUT, &v), RPC_S_OK);
    CHECK_EQ(v, 2500);
    CHECK_EQ(RpcBindingInqAuthInfoExW(c, NULL, &lvl, NULL, NULL, NULL, 0, NULL), RPC_S_OK);
    CHECK_EQ(lvl, WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
    free_binding(c);
    free_binding(h);

    /* A freed handle, and a handle that never was: refused and recorded. */
    RPC_BINDING_HANDLE gone = h;
    CHECK_EQ(RpcBindingFree(&gone), RPC_S_INVALID_BINDING);
    expect_one_misuse(SIM_MISUSE_INVALID_HANDLE);
    RPC_BINDING_HANDLE fake = (RPC_BINDING_HANDLE)&v;
    CHECK_EQ(RpcBindingFree(&fake), RPC_S_INVALID_BINDING);
    expect_one_misuse(SIM_MISUSE_INVALID_HANDLE);
    CHECK_EQ(RpcBindingSetOption((RPC_BINDING_HANDLE)&v, WINRPC_RPC_C_OPT_CALL_TIMEOUT, 1), RPC_S_INVALID_BINDING);
    expect_one_misuse(SIM_MISUSE_INVALID_HANDLE);
    RPC_WSTR notours = W("x");
    CHECK_EQ(RpcStringFreeW(&notours), RPC_S_INVALID_ARG);
    expect_one_misuse(SIM_MISUSE_INVALID_HANDLE);
    end_clean();
}

/* ---- the server ------------------------------------------------------------------------------- */

static WINRPC_IF_HEADER g_if1;
static _Atomic int g_callback_calls;
static _Atomic RPC_STATUS g_callback_verdict;
static void *_Atomic g_callback_if;

static RPC_STATUS callback(RPC_IF_HANDLE ifspec, void *ctx)
{
    atomic_fetch_add(&g_callback_calls, 1);
    atomic_store(&g_callback_if, ifspec);
    /* The call is in progress during the callback: its attributes are there. */
    RPC_CALL_ATTRIBUTES_V2_W a;
    memset(&a, 0, sizeof a);
    a.Version = 2;
    CHECK_EQ(RpcServerInqCallAttributesW(ctx, &a), RPC_S_OK);
    return atomic_load(&g_callback_verdict);
}

typedef struct mgr_seen {
    RPC_CALL_ATTRIBUTES_V2_W a;
    uint16_t cpn[64], spn[64];
    RPC_STATUS inq, imp, rev, inq_null;
    int impersonating_inside;
    int leave_impersonating;
} mgr_seen;

static RPC_STATUS manager(void *ctx, RPC_BINDING_HANDLE call)
{
    mgr_seen *m = ctx;
    memset(&m->a, 0, sizeof m->a);
    m->a.Version = 2;
    m->a.Flags = WINRPC_RPC_QUERY_CLIENT_PRINCIPAL_NAME | WINRPC_RPC_QUERY_SERVER_PRINCIPAL_NAME |
                 WINRPC_RPC_QUERY_IS_CLIENT_LOCAL | WINRPC_RPC_QUERY_CLIENT_PID;
    m->a.ClientPrincipalName = m->cpn;
    m->a.ClientPrincipalNameBufferLength = sizeof m->cpn;
    m->a.ServerPrincipalName = m->spn;
    m->a.ServerPrincipalNameBufferLength = sizeof m->spn;
    m->inq = RpcServerInqCallAttributesW(call, &m->a);
    RPC_CALL_ATTRIBUTES_V2_W b;
    memset(&b, 0, sizeof b);
    b.Version = 2;
    m->inq_null = RpcServerInqCallAttributesW(NULL, &b);
    m->imp = RpcImpersonateClient(call);
    m->impersonating_inside = sim_is_impersonating();
    m->rev = m->leave_impersonating ? RPC_S_OK : RpcRevertToSelfEx(call);
    return 42;
}

static void start_server(const char *ps, const char *ep, uint32_t flags, PWINRPC_IF_CALLBACK_FN cb)
{
    g_if1 = make_if(0x11111111u, 1);
    CHECK_EQ(RpcServerUseProtseqEpW(W(ps), 10, W(ep), NULL), RPC_S_OK);
    CHECK_EQ(RpcServerRegisterIf3(&g_if1, NULL, NULL, flags, 10, (uint32_t)-1, cb, NULL), RPC_S_OK);
    CHECK_EQ(RpcServerListen(1, 10, 1), RPC_S_OK);
}

static void stop_server(void)
{
    CHECK_EQ(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    CHECK_EQ(RpcMgmtWaitServerListen(), RPC_S_OK);
    CHECK_EQ(RpcServerUnregisterIfEx(&g_if1, NULL, 1), RPC_S_OK);
}

static void test_endpoints_and_listening(void)
{
    CHECK_EQ(RpcServerListen(1, 10, 1), RPC_S_NO_PROTSEQS_REGISTERED);
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncadg_ip_udp"), 10, W("1"), NULL), RPC_S_PROTSEQ_NOT_SUPPORTED);
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncacn_ip_tcp"), 10, W("port"), NULL), RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncalrpc"), 10, W("ep-a"), NULL), RPC_S_OK);
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncalrpc"), 10, W("ep-a"), NULL), RPC_S_DUPLICATE_ENDPOINT);
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncalrpc"), 10, W(SIM_PEER_ENDPOINT), NULL), RPC_S_DUPLICATE_ENDPOINT);
    CHECK_EQ(RpcServerUseProtseqW(W("ncacn_ip_tcp"), 10, NULL), RPC_S_OK);
    RPC_BINDING_VECTOR *v = NULL;
    CHECK_EQ(RpcServerInqBindings(&v), RPC_S_OK);
    REQUIRE(v != NULL);
    CHECK_EQ(v->Count, 2);
    CHECK_EQ(sim_counter(SIM_COUNT_RPC_ALLOCS), 1);
    /* A server's binding is for the endpoint map, not for calls. */
    WINRPC_IF_HEADER ifh = make_if(0x22222222u, 1);
    CHECK_EQ(sim_call_interface(v->BindingH[0], &ifh, 0, NULL, NULL), RPC_S_WRONG_KIND_OF_BINDING);
    CHECK_EQ(RpcEpRegisterW(&ifh, v, NULL, NULL), RPC_S_OK);
    CHECK_EQ(sim_counter(SIM_COUNT_EP_ENTRIES), 2);
    /* A partial binding resolves through the endpoint map. */
    RPC_BINDING_HANDLE h = bind_str("ncacn_ip_tcp:localhost", RPC_S_OK);
    WINRPC_IF_HEADER other = make_if(0x33333333u, 1);
    CHECK_EQ(RpcEpResolveBinding(h, &other), EPT_S_NOT_REGISTERED);
    CHECK_EQ(RpcEpResolveBinding(h, &ifh), RPC_S_OK);
    RPC_WSTR s = NULL;
    CHECK_EQ(RpcBindingToStringBindingW(h, &s), RPC_S_OK);
    /* The first dynamic endpoint of this process's simulator. */
    CHECK(weq(s, "ncacn_ip_tcp:localhost[49152]"));
    CHECK_EQ(RpcStringFreeW(&s), RPC_S_OK);
    CHECK_EQ(RpcMgmtIsServerListening(h), RPC_S_NOT_LISTENING);
    CHECK_EQ(RpcServerListen(1, 10, 1), RPC_S_OK);
    CHECK_EQ(sim_counter(SIM_COUNT_LISTENING), 1);
    CHECK_EQ(RpcServerListen(1, 10, 1), RPC_S_ALREADY_LISTENING);
    CHECK_EQ(RpcMgmtIsServerListening(h), RPC_S_OK);
    CHECK_EQ(RpcMgmtIsServerListening(NULL), RPC_S_OK);
    CHECK_EQ(RpcMgmtStopServerListening(h), RPC_S_ACCESS_DENIED); /* remote stop: refused */
    CHECK_EQ(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    CHECK_EQ(RpcMgmtStopServerListening(NULL), RPC_S_NOT_LISTENING);
    CHECK_EQ(RpcMgmtWaitServerListen(), RPC_S_OK);
    CHECK_EQ(RpcMgmtWaitServerListen(), RPC_S_NOT_LISTENING);
    CHECK_EQ(RpcMgmtIsServerListening(h), RPC_S_NOT_LISTENING);
    CHECK_EQ(RpcEpUnregister(&ifh, v, NULL), RPC_S_OK);
    CHECK_EQ(RpcEpUnregister(&ifh, v, NULL), EPT_S_NOT_REGISTERED);
    CHECK_EQ(RpcBindingVectorFree(&v), RPC_S_OK);
    CHECK(v == NULL);
    RPC_BINDING_HANDLE nowhere = bind_str("ncalrpc:[nobody]", RPC_S_OK);
    CHECK_EQ(RpcMgmtIsServerListening(nowhere), RPC_S_SERVER_UNAVAILABLE);
    free_binding(nowhere);
    free_binding(h);
    CHECK_EQ(RpcServerUnregisterIfEx(&ifh, NULL, 1), RPC_S_UNKNOWN_IF);
    end_clean();
}

static void test_call_time_checks(void)
{
    mgr_seen m;
    memset(&m, 0, sizeof m);
    /* No server at all. */
    RPC_BINDING_HANDLE h = bind_str("ncalrpc:[srv1]", RPC_S_OK);
    g_if1 = make_if(0x11111111u, 1);
    CHECK_EQ(sim_call_interface(h, &g_if1, 0, manager, &m), RPC_S_SERVER_UNAVAILABLE);
    start_server("ncalrpc", "srv1", 0, NULL);
    /* Another interface: unknown. Another major version: unknown too. */
    WINRPC_IF_HEADER other = make_if(0x99999999u, 1), v2 = make_if(0x11111111u, 2);
    CHECK_EQ(sim_call_interface(h, &other, 0, manager, &m), RPC_S_UNKNOWN_IF);
    CHECK_EQ(sim_call_interface(h, &v2, 0, manager, &m), RPC_S_UNKNOWN_IF);
    /* Another host: unavailable. */
    RPC_BINDING_HANDLE far = bind_str("ncalrpc:otherhost[srv1]", RPC_S_OK);
    CHECK_EQ(sim_call_interface(far, &g_if1, 0, manager, &m), RPC_S_SERVER_UNAVAILABLE);
    free_binding(far);
    /* An unauthenticated call runs: no principal, no impersonation. */
    CHECK_EQ(sim_call_interface(h, &g_if1, 7, manager, &m), 42);
    CHECK_EQ(m.inq, RPC_S_OK);
    CHECK_EQ(m.inq_null, RPC_S_OK);
    CHECK_EQ(m.a.AuthenticationLevel, WINRPC_RPC_C_AUTHN_LEVEL_NONE);
    CHECK_EQ(m.a.ProtocolSequence, WINRPC_RPC_PROTSEQ_LRPC);
    CHECK_EQ(m.a.IsClientLocal, WINRPC_rcclLocal);
    CHECK(m.a.ClientPID != NULL);
    CHECK_EQ(m.a.OpNum, 7);
    CHECK_EQ(m.a.InterfaceUuid.Data1, 0x11111111u);
    CHECK_EQ(m.a.ClientPrincipalNameBufferLength, 0);
    CHECK_EQ(m.imp, RPC_S_NO_CONTEXT_AVAILABLE);
    CHECK_EQ(m.impersonating_inside, 0);
    /* Authenticated: the principal, the level, impersonation. */
    SEC_WINNT_AUTH_IDENTITY_W id = {W("bob"), 3, W("CORP"), 4, W("pw"), 2, WINRPC_SEC_WINNT_AUTH_IDENTITY_UNICODE};
    CHECK_EQ(RpcBindingSetAuthInfoExW(h, W("srv/p"), WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                      WINRPC_RPC_C_AUTHN_WINNT, &id, 0, NULL), RPC_S_OK);
    CHECK_EQ(sim_call_interface(h, &g_if1, 1, manager, &m), 42);
    CHECK_EQ(m.inq, RPC_S_OK);
    CHECK(weq(m.cpn, "CORP\\bob"));
    CHECK(weq(m.spn, "srv/p"));
    CHECK_EQ(m.a.AuthenticationLevel, WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
    CHECK_EQ(m.a.AuthenticationService, WINRPC_RPC_C_AUTHN_WINNT);
    CHECK_EQ(m.imp, RPC_S_OK);
    CHECK_EQ(m.impersonating_inside, 1);
    CHECK_EQ(m.rev, RPC_S_OK);
    CHECK_EQ(sim_is_impersonating(), 0);
    /* Leaving the call impersonating is recorded. */
    m.leave_impersonating = 1;
    CHECK_EQ(sim_call_interface(h, &g_if1, 1, manager, &m), 42);
    expect_one_misuse(SIM_MISUSE_IMPERSONATION_LEFT);
    /* Outside a call. */
    RPC_CALL_ATTRIBUTES_V2_W a;
    memset(&a, 0, sizeof a);
    a.Version = 2;
    CHECK_EQ(RpcServerInqCallAttributesW(NULL, &a), RPC_S_NO_CALL_ACTIVE);
    CHECK_EQ(RpcImpersonateClient(NULL), RPC_S_NO_CALL_ACTIVE);
    CHECK_EQ(RpcRevertToSelfEx(NULL), RPC_S_NO_CALL_ACTIVE);
    CHECK_EQ(RpcImpersonateClient(h), RPC_S_WRONG_KIND_OF_BINDING);
    /* Stopped: no new call. */
    stop_server();
    CHECK_EQ(sim_call_interface(h, &g_if1, 0, manager, &m), RPC_S_SERVER_UNAVAILABLE);
    free_binding(h);
    end_clean();
}

static void test_interface_flags(void)
{
    mgr_seen m;
    memset(&m, 0, sizeof m);
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncacn_ip_tcp"), 10, W("4801"), NULL), RPC_S_OK);
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncacn_np"), 10, W("\\pipe\\flags"), NULL), RPC_S_OK);
    start_server("ncalrpc", "flags", WINRPC_RPC_IF_ALLOW_LOCAL_ONLY | WINRPC_RPC_IF_ALLOW_SECURE_ONLY, NULL);
    CHECK_EQ(RpcServerRegisterIf3(&g_if1, NULL, NULL, 0, 10, 0, NULL, NULL), RPC_S_ALREADY_REGISTERED);
    RPC_BINDING_HANDLE lrpc = bind_str("ncalrpc:[flags]", RPC_S_OK);
    RPC_BINDING_HANDLE tcp = bind_str("ncacn_ip_tcp:localhost[4801]", RPC_S_OK);
    RPC_BINDING_HANDLE np = bind_str("ncacn_np:[\\\\pipe\\\\flags]", RPC_S_OK);
    /* SECURE_ONLY: an unauthenticated client is refused. */
    CHECK_EQ(sim_call_interface(lrpc, &g_if1, 0, manager, &m), RPC_S_ACCESS_DENIED);
    RPC_BINDING_HANDLE all[] = {lrpc, tcp, np};
    for (int i = 0; i < 3; i++)
        CHECK_EQ(RpcBindingSetAuthInfoExW(all[i], NULL, WINRPC_RPC_C_AUTHN_LEVEL_PKT_INTEGRITY,
                                          WINRPC_RPC_C_AUTHN_WINNT, NULL, 0, NULL), RPC_S_OK);
    CHECK_EQ(sim_call_interface(lrpc, &g_if1, 0, manager, &m), 42);
    /* LOCAL_ONLY: ncacn_ip_tcp refused; ncacn_np (local) allowed once the service is known. */
    CHECK_EQ(sim_call_interface(tcp, &g_if1, 0, manager, &m), RPC_S_ACCESS_DENIED);
    CHECK_EQ(sim_call_interface(np, &g_if1, 0, manager, &m), RPC_S_UNKNOWN_AUTHN_SERVICE);
    CHECK_EQ(RpcServerRegisterAuthInfoW(W("srv"), WINRPC_RPC_C_AUTHN_WINNT, NULL, NULL), RPC_S_OK);
    CHECK_EQ(sim_call_interface(np, &g_if1, 0, manager, &m), 42);
    CHECK_EQ(m.a.ProtocolSequence, WINRPC_RPC_PROTSEQ_NMP);
    CHECK(m.a.ClientPID == NULL);
    stop_server();
    free_binding(lrpc);
    free_binding(tcp);
    free_binding(np);
    end_clean();
}

static void test_security_callback(void)
{
    mgr_seen m;
    memset(&m, 0, sizeof m);
    start_server("ncalrpc", "cb", 0, callback);
    RPC_BINDING_HANDLE h = bind_str("ncalrpc:[cb]", RPC_S_OK);
    /* With a callback and without ALLOW_CALLBACKS_WITH_NO_AUTH, no unauthenticated call. */
    atomic_store(&g_callback_calls, 0);
    CHECK_EQ(sim_call_interface(h, &g_if1, 0, manager, &m), RPC_S_ACCESS_DENIED);
    CHECK_EQ(atomic_load(&g_callback_calls), 0);
    CHECK_EQ(RpcBindingSetAuthInfoExW(h, NULL, WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                      WINRPC_RPC_C_AUTHN_WINNT, NULL, 0, NULL), RPC_S_OK);
    atomic_store(&g_callback_verdict, RPC_S_OK);
    CHECK_EQ(sim_call_interface(h, &g_if1, 0, manager, &m), 42);
    CHECK_EQ(atomic_load(&g_callback_calls), 1);
    CHECK(atomic_load(&g_callback_if) == (void *)&g_if1);
    atomic_store(&g_callback_verdict, 1234);
    CHECK_EQ(sim_call_interface(h, &g_if1, 0, manager, &m), RPC_S_ACCESS_DENIED);
    CHECK_EQ(atomic_load(&g_callback_calls), 2);
    stop_server();
    free_binding(h);
    end_clean();
}

/* ---- misuse: a binding freed / an interface unregistered while calls run --------------------- */

typedef struct inside {
    RPC_BINDING_HANDLE binding;
    RPC_STATUS free_status, unreg_status;
} inside;

static RPC_STATUS free_own_binding(void *ctx, RPC_BINDING_HANDLE call)
{
    (void)call;
    inside *in = ctx;
    in->free_status = RpcBindingFree(&in->binding);
    in->unreg_status = RpcServerUnregisterIfEx(&g_if1, NULL, 1);
    return RPC_S_OK;
}

static void test_free_and_unregister_in_call(void)
{
    start_server("ncalrpc", "inflight", 0, NULL);
    inside in = {bind_str("ncalrpc:[inflight]", RPC_S_OK), 0, 0};
    RPC_BINDING_HANDLE b = in.binding;
    CHECK_EQ(sim_call_interface(b, &g_if1, 0, free_own_binding, &in), RPC_S_OK);
    CHECK_EQ(in.free_status, RPC_S_OK);
    CHECK(in.binding == NULL);
    CHECK_EQ(in.unreg_status, RPC_S_OK);
    CHECK_EQ(sim_misuse_count(), 2);
    int k0 = sim_misuse_get(0, NULL, 0), k1 = sim_misuse_get(1, NULL, 0);
    CHECK(k0 + k1 == SIM_MISUSE_BINDING_FREED_IN_CALL + SIM_MISUSE_IF_UNREGISTERED_IN_CALL);
    sim_misuse_clear();
    /* Both went when the call ended. */
    CHECK_EQ(sim_counter(SIM_COUNT_BINDINGS), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_INTERFACES), 0);
    CHECK_EQ(RpcServerUnregisterIfEx(&g_if1, NULL, 1), RPC_S_UNKNOWN_IF);
    CHECK_EQ(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    CHECK_EQ(RpcMgmtWaitServerListen(), RPC_S_OK);
    end_clean();
}

typedef struct self_stop {
    RPC_STATUS stop, wait;
} self_stop;

static RPC_STATUS stop_from_inside(void *ctx, RPC_BINDING_HANDLE call)
{
    (void)call;
    self_stop *s = ctx;
    s->stop = RpcMgmtStopServerListening(NULL);
    s->wait = RpcMgmtWaitServerListen();
    return RPC_S_OK;
}

static void test_stop_from_inside_a_call(void)
{
    start_server("ncalrpc", "selfstop", 0, NULL);
    RPC_BINDING_HANDLE h = bind_str("ncalrpc:[selfstop]", RPC_S_OK);
    self_stop s = {-1, -1};
    CHECK_EQ(sim_call_interface(h, &g_if1, 0, stop_from_inside, &s), RPC_S_OK);
    CHECK_EQ(s.stop, RPC_S_OK);               /* stopping from a call is fine ... */
    CHECK_EQ(s.wait, RPC_S_CALL_IN_PROGRESS); /* ... waiting for every call from one is not */
    expect_one_misuse(SIM_MISUSE_BAD_ARGUMENT);
    CHECK_EQ(sim_counter(SIM_COUNT_LISTENING), 0); /* listening ended with the call */
    CHECK_EQ(RpcMgmtWaitServerListen(), RPC_S_OK);
    CHECK_EQ(RpcServerUnregisterIfEx(&g_if1, NULL, 1), RPC_S_OK);
    free_binding(h);
    end_clean();
}

/* Many threads call at once on one binding and on bindings of their own, while the main
 * thread queries the server: every call is taken, and everything is given back. */
static _Atomic int g_in_manager, g_max_in_manager;

static RPC_STATUS counting_manager(void *ctx, RPC_BINDING_HANDLE call)
{
    (void)ctx;
    int now = atomic_fetch_add(&g_in_manager, 1) + 1;
    int seen = atomic_load(&g_max_in_manager);
    while (now > seen && !atomic_compare_exchange_weak(&g_max_in_manager, &seen, now)) {
    }
    RPC_CALL_ATTRIBUTES_V2_W a;
    memset(&a, 0, sizeof a);
    a.Version = 2;
    RPC_STATUS st = RpcServerInqCallAttributesW(call, &a);
    atomic_fetch_sub(&g_in_manager, 1);
    return st == RPC_S_OK ? 7 : st;
}

typedef struct caller { RPC_BINDING_HANDLE shared; int ok; } caller;

static void *caller_thread(void *arg)
{
    caller *c = arg;
    for (int i = 0; i < 200; i++) {
        RPC_BINDING_HANDLE own = NULL;
        if (RpcBindingCopy(c->shared, &own) != RPC_S_OK)
            continue;
        if (sim_call_interface(c->shared, &g_if1, 1, counting_manager, NULL) == 7 &&
            sim_call_interface(own, &g_if1, 2, counting_manager, NULL) == 7)
            c->ok++;
        RpcBindingFree(&own);
    }
    return NULL;
}

static void test_concurrent_calls(void)
{
    start_server("ncalrpc", "many", 0, NULL);
    RPC_BINDING_HANDLE h = bind_str("ncalrpc:[many]", RPC_S_OK);
    enum { N = 6 };
    pthread_t t[N];
    caller c[N];
    for (int i = 0; i < N; i++) {
        c[i].shared = h;
        c[i].ok = 0;
        REQUIRE(pthread_create(&t[i], NULL, caller_thread, &c[i]) == 0);
    }
    for (int i = 0; i < 200; i++)
        CHECK_EQ(RpcMgmtIsServerListening(h), RPC_S_OK);
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(c[i].ok, 200);
    }
    CHECK_EQ(atomic_load(&g_in_manager), 0);
    CHECK_EQ(sim_counter(SIM_COUNT_BINDINGS), 1);
    stop_server();
    free_binding(h);
    end_clean();
}

static void test_leaks_are_counted_and_reset(void)
{
    RPC_BINDING_HANDLE h = bind_str("ncalrpc:[leak]", RPC_S_OK);
    (void)h;
    RPC_WSTR s = NULL;
    CHECK_EQ(RpcStringBindingComposeW(NULL, W("ncalrpc"), NULL, W("leak"), NULL, &s), RPC_S_OK);
    start_server("ncalrpc", "leak", WINRPC_RPC_IF_AUTOLISTEN, NULL);
    CHECK_EQ(sim_counter(SIM_COUNT_BINDINGS), 1);
    CHECK_EQ(sim_counter(SIM_COUNT_RPC_ALLOCS), 1);
    CHECK_EQ(sim_counter(SIM_COUNT_LISTENING), 1);
    CHECK_EQ(sim_counter(SIM_COUNT_INTERFACES), 1);
    sim_reset();
    for (int i = SIM_COUNT_BINDINGS; i <= SIM_COUNT_EP_ENTRIES; i++)
        CHECK_EQ(sim_counter(i), 0);
    /* Everything was forgotten: the endpoint can be used again. */
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncalrpc"), 10, W("leak"), NULL), RPC_S_OK);
    end_clean();
}

static void test_autolisten(void)
{
    mgr_seen m;
    memset(&m, 0, sizeof m);
    g_if1 = make_if(0x44444444u, 1);
    CHECK_EQ(RpcServerUseProtseqEpW(W("ncalrpc"), 10, W("auto"), NULL), RPC_S_OK);
    CHECK_EQ(RpcServerRegisterIf3(&g_if1, NULL, NULL, WINRPC_RPC_IF_AUTOLISTEN, 10, 0, NULL, NULL), RPC_S_OK);
    RPC_BINDING_HANDLE h = bind_str("ncalrpc:[auto]", RPC_S_OK);
    CHECK_EQ(RpcMgmtIsServerListening(h), RPC_S_OK);
    CHECK_EQ(sim_call_interface(h, &g_if1, 0, manager, &m), 42);
    CHECK_EQ(RpcServerUnregisterIfEx(&g_if1, NULL, 1), RPC_S_OK);
    CHECK_EQ(sim_call_interface(h, &g_if1, 0, manager, &m), RPC_S_SERVER_UNAVAILABLE);
    free_binding(h);
    end_clean();
}

int main(void)
{
    sim_reset();
    TA_RUN(test_compose_and_parse);
    TA_RUN(test_bad_string_bindings);
    TA_RUN(test_handles_auth_options);
    TA_RUN(test_endpoints_and_listening);
    TA_RUN(test_call_time_checks);
    TA_RUN(test_interface_flags);
    TA_RUN(test_security_callback);
    TA_RUN(test_free_and_unregister_in_call);
    TA_RUN(test_stop_from_inside_a_call);
    TA_RUN(test_concurrent_calls);
    TA_RUN(test_leaks_are_counted_and_reset);
    TA_RUN(test_autolisten);
    return ta_exit_code();
}
