/*
 * sim_host.c - the server side of rpcdce.h: endpoints (RpcServerUseProtseq[Ep]W), the binding
 * vector, the endpoint map (RpcEpRegisterW, RpcEpUnregister), interfaces (RpcServerRegisterIf3
 * with flags and a security callback, RpcServerUnregisterIfEx), authentication info
 * (RpcServerRegisterAuthInfoW), listening (RpcServerListen, RpcMgmtStopServerListening,
 * RpcMgmtWaitServerListen, RpcMgmtIsServerListening), and the call: sim_call_interface runs
 * the runtime's call-time checks and then a manager routine, during which
 * RpcServerInqCallAttributesW, RpcImpersonateClient, RpcRevertToSelfEx and
 * RpcBindingInqAuthClientW answer for it. See sim_bind_internal.h for the model and
 * docs/reference/rpc-binding.md for the sources.
 */
#include "sim_bind_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct host_ep {
    struct host_ep *next;
    int protseq;
    wchar16 *name;
} host_ep;

typedef struct host_if {
    struct host_if *next;
    const void *ifspec;
    RPC_SYNTAX_IDENTIFIER id;
    void *epv;
    uint32_t flags;
    PWINRPC_IF_CALLBACK_FN callback;
    int calls;            /* calls of this interface running */
    int unregistered;     /* unregistered while calls ran: kept until they end */
} host_if;

typedef struct ep_entry {
    struct ep_entry *next;
    RPC_SYNTAX_IDENTIFIER id;
    int protseq;
    wchar16 *endpoint;
} ep_entry;

typedef struct auth_info {
    struct auth_info *next;
    uint32_t svc;
    wchar16 *principal;
} auth_info;

typedef struct scall {
    uint32_t magic;
    struct scall *next;
    uint64_t id;
    host_if *iface;
    const void *client;       /* the client's binding record */
    int protseq;
    int has_auth;
    uint32_t level, svc;
    wchar16 *server_principal; /* the principal the client asked for, or NULL */
    wchar16 *client_principal; /* DOMAIN\User of the client */
    uint16_t opnum;
    int impersonators;        /* threads impersonating this call's client */
} scall;

static host_ep *g_eps;
static host_if *g_ifs;
static ep_entry *g_epmap;
static auth_info *g_auth;
static scall *g_calls;
static uint64_t g_call_ids;
static uint32_t g_next_dynamic = 49152u;
static int g_listening, g_stop_requested, g_waiting, g_running;
static pthread_cond_t g_host_cv = PTHREAD_COND_INITIALIZER;

static _Thread_local scall *tl_call;           /* the call dispatched on this thread */
static _Thread_local uint64_t tl_impersonating; /* id of the call whose client this thread is */

/* STRICT: the simulator's own process identity, the "current user" a client without explicit
 * credentials authenticates as. */
static const char SIM_CURRENT_USER[] = "SIM\\user";

static int syntax_eq(const RPC_SYNTAX_IDENTIFIER *a, const RPC_SYNTAX_IDENTIFIER *b)
{
    return memcmp(&a->SyntaxGUID, &b->SyntaxGUID, sizeof a->SyntaxGUID) == 0 &&
           a->SyntaxVersion.MajorVersion == b->SyntaxVersion.MajorVersion;
}

static RPC_SYNTAX_IDENTIFIER if_id(const void *ifspec)
{
    RPC_SYNTAX_IDENTIFIER id;
    memcpy(&id, (const char *)ifspec + offsetof(WINRPC_IF_HEADER, InterfaceId), sizeof id);
    return id;
}

static host_if *iface_find_locked(const RPC_SYNTAX_IDENTIFIER *id, int include_unregistered)
{
    for (host_if *i = g_ifs; i != NULL; i = i->next)
        if (syntax_eq(&i->id, id) && (include_unregistered || !i->unregistered))
            return i;
    return NULL;
}

static host_ep *ep_find_locked(int ps, const wchar16 *name)
{
    for (host_ep *e = g_eps; e != NULL; e = e->next)
        if (e->protseq == ps && w_ieq(e->name, name))
            return e;
    return NULL;
}

/* ---- endpoints -------------------------------------------------------------------------------- */

static RPC_STATUS use_ep(int ps, wchar16 *name /* owned */)
{
    bind_lock();
    RPC_STATUS st = RPC_S_OK;
    /* Microsoft: RPC_S_DUPLICATE_ENDPOINT, "the endpoint is a duplicate". STRICT: also for a
     * second use of the same endpoint by this process, and for the simulator's own scripted
     * server's endpoint. */
    if (ep_find_locked(ps, name) != NULL || (ps == PS_LRPC && w_eq_ascii(name, SIM_PEER_ENDPOINT))) {
        st = RPC_S_DUPLICATE_ENDPOINT;
    } else {
        host_ep *e = calloc(1, sizeof *e);
        if (e == NULL) {
            st = RPC_S_OUT_OF_MEMORY;
        } else {
            e->protseq = ps;
            e->name = name;
            name = NULL;
            e->next = g_eps;
            g_eps = e;
        }
    }
    bind_unlock();
    free(name);
    return st;
}

SIM_EXPORT RPC_STATUS RpcServerUseProtseqEpW(RPC_WSTR Protseq, uint32_t MaxCalls, RPC_WSTR Endpoint,
                                             void *SecurityDescriptor)
{
    (void)MaxCalls;
    (void)SecurityDescriptor; /* STRICT: accepted and not enforced (no SSPI, no tokens) */
    if (Protseq == NULL || Endpoint == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcServerUseProtseqEpW: %s is NULL",
                   Protseq == NULL ? "Protseq" : "Endpoint");
        return RPC_S_INVALID_ARG;
    }
    int ps = protseq_of(Protseq);
    if (ps == PS_NONE)
        return RPC_S_PROTSEQ_NOT_SUPPORTED;
    RPC_STATUS st = endpoint_check(ps, Endpoint);
    if (st != RPC_S_OK)
        return st;
    wchar16 *name = w_dup(Endpoint);
    return name == NULL ? RPC_S_OUT_OF_MEMORY : use_ep(ps, name);
}

SIM_EXPORT RPC_STATUS RpcServerUseProtseqW(RPC_WSTR Protseq, uint32_t MaxCalls, void *SecurityDescriptor)
{
    (void)MaxCalls;
    (void)SecurityDescriptor;
    if (Protseq == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcServerUseProtseqW: Protseq is NULL");
        return RPC_S_INVALID_ARG;
    }
    int ps = protseq_of(Protseq);
    if (ps == PS_NONE)
        return RPC_S_PROTSEQ_NOT_SUPPORTED;
    /* A dynamic endpoint: a port from the dynamic range, a pipe or an LRPC name of the
     * runtime's choosing (STRICT: the simulator's names). */
    char buf[64];
    bind_lock();
    uint32_t n = g_next_dynamic++;
    bind_unlock();
    if (ps == PS_TCP)
        snprintf(buf, sizeof buf, "%u", n);
    else if (ps == PS_NP)
        snprintf(buf, sizeof buf, "\\pipe\\sim-%u-%u", (unsigned)getpid(), n);
    else
        snprintf(buf, sizeof buf, "LRPC-sim-%u-%u", (unsigned)getpid(), n);
    wchar16 *name = w_ascii(buf);
    return name == NULL ? RPC_S_OUT_OF_MEMORY : use_ep(ps, name);
}

SIM_EXPORT RPC_STATUS RpcServerInqBindings(RPC_BINDING_VECTOR **BindingVector)
{
    if (BindingVector == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcServerInqBindings: BindingVector is NULL");
        return RPC_S_INVALID_ARG;
    }
    *BindingVector = NULL;
    bind_lock();
    uint32_t n = 0;
    for (host_ep *e = g_eps; e != NULL; e = e->next)
        n++;
    if (n == 0) {
        bind_unlock();
        return RPC_S_NO_BINDINGS;
    }
    RPC_BINDING_VECTOR *v = calloc(1, sizeof *v + n * sizeof v->BindingH[0]);
    RPC_STATUS st = v == NULL || alloc_track_locked(v) != 0 ? RPC_S_OUT_OF_MEMORY : RPC_S_OK;
    if (st != RPC_S_OK) {
        free(v);
        bind_unlock();
        return st;
    }
    for (host_ep *e = g_eps; e != NULL; e = e->next) {
        sim_binding *b = binding_new_locked();
        if (b == NULL)
            break;
        b->server_side = 1;
        b->protseq = e->protseq;
        b->objuuid = w_ascii("");
        b->netaddr = w_ascii(e->protseq == PS_LRPC ? "" : "localhost");
        b->endpoint = w_dup(e->name);
        b->options = w_ascii("");
        v->BindingH[v->Count++] = b;
    }
    *BindingVector = v;
    bind_unlock();
    return RPC_S_OK;
}

SIM_EXPORT RPC_STATUS RpcBindingVectorFree(RPC_BINDING_VECTOR **BindingVector)
{
    if (BindingVector == NULL || *BindingVector == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcBindingVectorFree: no vector");
        return RPC_S_INVALID_ARG;
    }
    RPC_BINDING_VECTOR *v = *BindingVector;
    bind_lock();
    if (!alloc_untrack_locked(v)) {
        bind_unlock();
        sim_misuse(SIM_MISUSE_INVALID_HANDLE, "RpcBindingVectorFree: %p is not a vector the "
                   "runtime handed out (or freed twice)", (void *)v);
        return RPC_S_INVALID_ARG;
    }
    for (uint32_t i = 0; i < v->Count; i++) {
        sim_binding *b = binding_any_locked(v->BindingH[i]);
        if (b != NULL) /* STRICT: a handle the caller freed already is not freed again */
            binding_destroy_locked(b);
    }
    bind_unlock();
    free(v);
    *BindingVector = NULL;
    return RPC_S_OK;
}

/* ---- the endpoint map ------------------------------------------------------------------------- */

SIM_HIDDEN wchar16 *epmap_lookup_locked(const void *ifspec, int protseq)
{
    RPC_SYNTAX_IDENTIFIER id = if_id(ifspec);
    for (ep_entry *e = g_epmap; e != NULL; e = e->next)
        if (e->protseq == protseq && syntax_eq(&e->id, &id))
            return w_dup(e->endpoint);
    return NULL;
}

static RPC_STATUS check_vector_locked(RPC_BINDING_VECTOR *v)
{
    if (v == NULL || v->Count == 0)
        return RPC_S_NO_BINDINGS;
    for (uint32_t i = 0; i < v->Count; i++) {
        sim_binding *b = binding_live_locked(v->BindingH[i]);
        if (b == NULL) {
            sim_misuse(SIM_MISUSE_INVALID_HANDLE, "binding vector: %p is not a live binding",
                       v->BindingH[i]);
            return RPC_S_INVALID_BINDING;
        }
        if (b->endpoint[0] == 0)
            return RPC_S_INVALID_BINDING;
    }
    return RPC_S_OK;
}

SIM_EXPORT RPC_STATUS RpcEpRegisterW(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *BindingVector,
                                     void *UuidVector, RPC_WSTR Annotation)
{
    (void)UuidVector; /* STRICT: object UUIDs are not mapped; entries match any */
    (void)Annotation;
    if (IfSpec == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcEpRegisterW: IfSpec is NULL");
        return RPC_S_INVALID_ARG;
    }
    RPC_SYNTAX_IDENTIFIER id = if_id(IfSpec);
    bind_lock();
    RPC_STATUS st = check_vector_locked(BindingVector);
    for (uint32_t i = 0; st == RPC_S_OK && i < BindingVector->Count; i++) {
        sim_binding *b = binding_live_locked(BindingVector->BindingH[i]);
        ep_entry *e = g_epmap;
        for (; e != NULL; e = e->next) /* Microsoft: replaces an entry with the same key */
            if (e->protseq == b->protseq && syntax_eq(&e->id, &id) && w_ieq(e->endpoint, b->endpoint))
                break;
        if (e != NULL)
            continue;
        e = calloc(1, sizeof *e);
        if (e == NULL || (e->endpoint = w_dup(b->endpoint)) == NULL) {
            free(e);
            st = RPC_S_OUT_OF_MEMORY;
            break;
        }
        e->id = id;
        e->protseq = b->protseq;
        e->next = g_epmap;
        g_epmap = e;
        sim_count(SIM_COUNT_EP_ENTRIES, 1);
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcEpUnregister(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *BindingVector,
                                      void *UuidVector)
{
    (void)UuidVector;
    if (IfSpec == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcEpUnregister: IfSpec is NULL");
        return RPC_S_INVALID_ARG;
    }
    RPC_SYNTAX_IDENTIFIER id = if_id(IfSpec);
    bind_lock();
    RPC_STATUS st = check_vector_locked(BindingVector);
    int removed = 0;
    for (uint32_t i = 0; st == RPC_S_OK && i < BindingVector->Count; i++) {
        sim_binding *b = binding_live_locked(BindingVector->BindingH[i]);
        for (ep_entry **pe = &g_epmap; *pe != NULL; pe = &(*pe)->next) {
            ep_entry *e = *pe;
            if (e->protseq == b->protseq && syntax_eq(&e->id, &id) && w_ieq(e->endpoint, b->endpoint)) {
                *pe = e->next;
                free(e->endpoint);
                free(e);
                sim_count(SIM_COUNT_EP_ENTRIES, -1);
                removed++;
                break;
            }
        }
    }
    if (st == RPC_S_OK && removed == 0)
        st = EPT_S_NOT_REGISTERED;
    bind_unlock();
    return st;
}

/* ---- interfaces and authentication ----------------------------------------------------------- */

SIM_EXPORT RPC_STATUS RpcServerRegisterIf3(RPC_IF_HANDLE IfSpec, WINRPC_GUID *MgrTypeUuid,
    void *MgrEpv, uint32_t Flags, uint32_t MaxCalls, uint32_t MaxRpcSize,
    PWINRPC_IF_CALLBACK_FN IfCallback, void *SecurityDescriptor)
{
    (void)MaxCalls;
    (void)MaxRpcSize;
    (void)SecurityDescriptor; /* STRICT: accepted, not enforced */
    if (IfSpec == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcServerRegisterIf3: IfSpec is NULL");
        return RPC_S_INVALID_ARG;
    }
    static const WINRPC_GUID nil;
    if (MgrTypeUuid != NULL && memcmp(MgrTypeUuid, &nil, sizeof nil) != 0)
        return RPC_S_UNKNOWN_MGR_TYPE; /* STRICT: manager types are not simulated */
    RPC_SYNTAX_IDENTIFIER id = if_id(IfSpec);
    bind_lock();
    RPC_STATUS st = RPC_S_OK;
    if (iface_find_locked(&id, 0) != NULL) {
        st = RPC_S_ALREADY_REGISTERED; /* STRICT: a second registration of the same interface */
    } else {
        host_if *i = calloc(1, sizeof *i);
        if (i == NULL) {
            st = RPC_S_OUT_OF_MEMORY;
        } else {
            i->ifspec = IfSpec;
            i->id = id;
            i->epv = MgrEpv;
            i->flags = Flags;
            i->callback = IfCallback;
            i->next = g_ifs;
            g_ifs = i;
            sim_count(SIM_COUNT_INTERFACES, 1);
        }
    }
    bind_unlock();
    return st;
}

static void iface_drop_locked(host_if *i)
{
    for (host_if **pi = &g_ifs; *pi != NULL; pi = &(*pi)->next)
        if (*pi == i) {
            *pi = i->next;
            free(i);
            sim_count(SIM_COUNT_INTERFACES, -1);
            return;
        }
}

static void iface_unregister_locked(host_if *i)
{
    if (i->calls > 0) {
        sim_misuse(SIM_MISUSE_IF_UNREGISTERED_IN_CALL,
                   "RpcServerUnregisterIfEx: the interface has %d call(s) running", i->calls);
        i->unregistered = 1; /* no new calls; the record goes when the last call ends */
    } else {
        iface_drop_locked(i);
    }
}

SIM_EXPORT RPC_STATUS RpcServerUnregisterIfEx(RPC_IF_HANDLE IfSpec, WINRPC_GUID *MgrTypeUuid,
                                              int32_t RundownContextHandles)
{
    (void)MgrTypeUuid;
    (void)RundownContextHandles;
    bind_lock();
    RPC_STATUS st = RPC_S_OK;
    if (IfSpec == NULL) { /* Microsoft: NULL unregisters every interface */
        for (host_if *i = g_ifs, *next; i != NULL; i = next) {
            next = i->next;
            if (!i->unregistered)
                iface_unregister_locked(i);
        }
    } else {
        RPC_SYNTAX_IDENTIFIER id = if_id(IfSpec);
        host_if *i = iface_find_locked(&id, 0);
        if (i == NULL)
            st = RPC_S_UNKNOWN_IF;
        else
            iface_unregister_locked(i);
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcServerRegisterAuthInfoW(RPC_WSTR ServerPrincName, uint32_t AuthnSvc,
                                                 void *GetKeyFn, void *Arg)
{
    (void)GetKeyFn;
    (void)Arg;
    if (AuthnSvc == WINRPC_RPC_C_AUTHN_NONE || !sim_known_authn_svc(AuthnSvc))
        return RPC_S_UNKNOWN_AUTHN_SERVICE;
    auth_info *a = calloc(1, sizeof *a);
    if (a == NULL)
        return RPC_S_OUT_OF_MEMORY;
    a->svc = AuthnSvc == WINRPC_RPC_C_AUTHN_DEFAULT ? WINRPC_RPC_C_AUTHN_WINNT : AuthnSvc;
    a->principal = ServerPrincName != NULL ? w_dup(ServerPrincName) : NULL;
    bind_lock();
    a->next = g_auth;
    g_auth = a;
    bind_unlock();
    return RPC_S_OK;
}

/* ---- listening ------------------------------------------------------------------------------- */

/* Listening ends once a stop was asked for and no call runs. */
static void finish_if_done_locked(void)
{
    if (g_listening && g_stop_requested && g_running == 0) {
        g_listening = 0;
        g_stop_requested = 0;
        sim_count(SIM_COUNT_LISTENING, -1);
    }
    pthread_cond_broadcast(&g_host_cv);
}

static int g_wait_pending; /* an RpcServerListen(DontWait) not yet waited for */

/* A wait for the end of every call, made by a call's own thread, would wait for itself.
 * STRICT: Windows' pages do not say; the simulator refuses with RPC_S_CALL_IN_PROGRESS and
 * records the misuse instead of hanging. */
static int waits_for_itself(const char *fn)
{
    if (tl_call == NULL)
        return 0;
    sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "%s on a thread running a call: it would wait for itself", fn);
    return 1;
}

SIM_EXPORT RPC_STATUS RpcServerListen(uint32_t MinimumCallThreads, uint32_t MaxCalls, uint32_t DontWait)
{
    (void)MinimumCallThreads;
    (void)MaxCalls;
    if (!DontWait && waits_for_itself("RpcServerListen"))
        return RPC_S_CALL_IN_PROGRESS;
    bind_lock();
    RPC_STATUS st = RPC_S_OK;
    if (g_listening)
        st = RPC_S_ALREADY_LISTENING;
    else if (g_eps == NULL)
        st = RPC_S_NO_PROTSEQS_REGISTERED;
    if (st == RPC_S_OK) {
        g_listening = 1;
        g_stop_requested = 0;
        sim_count(SIM_COUNT_LISTENING, 1);
        if (DontWait) {
            g_wait_pending = 1;
        } else {
            /* Microsoft: returns once RpcMgmtStopServerListening was called and every call has
             * completed. */
            while (g_listening)
                bind_wait(&g_host_cv);
        }
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcMgmtStopServerListening(RPC_BINDING_HANDLE Binding)
{
    bind_lock();
    RPC_STATUS st = RPC_S_OK;
    if (Binding != NULL) {
        /* Another server's: Microsoft denies remote management calls unless the server set an
         * authorization function (RpcMgmtSetAuthorizationFn), which the simulator does not
         * have. */
        st = binding_live_locked(Binding) != NULL ? RPC_S_ACCESS_DENIED : RPC_S_INVALID_BINDING;
        if (st == RPC_S_INVALID_BINDING)
            sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                       "RpcMgmtStopServerListening: %p is not a live binding handle", Binding);
    } else if (!g_listening || g_stop_requested) {
        st = RPC_S_NOT_LISTENING;
    } else {
        g_stop_requested = 1; /* calls in flight run to their end; no new call is taken */
        finish_if_done_locked();
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcMgmtWaitServerListen(void)
{
    if (waits_for_itself("RpcMgmtWaitServerListen"))
        return RPC_S_CALL_IN_PROGRESS;
    bind_lock();
    RPC_STATUS st = RPC_S_OK;
    if (!g_wait_pending)
        st = RPC_S_NOT_LISTENING;
    else if (g_waiting)
        st = RPC_S_ALREADY_LISTENING; /* Microsoft: another thread is waiting already */
    if (st == RPC_S_OK) {
        g_waiting = 1;
        while (g_listening)
            bind_wait(&g_host_cv);
        g_waiting = 0;
        g_wait_pending = 0;
    }
    bind_unlock();
    return st;
}

/* Whether a call to the interface may be taken now. */
static int accepting_locked(const host_if *i)
{
    return (g_listening && !g_stop_requested) || (i != NULL && (i->flags & WINRPC_RPC_IF_AUTOLISTEN));
}

static int any_autolisten_locked(void)
{
    for (host_if *i = g_ifs; i != NULL; i = i->next)
        if (!i->unregistered && (i->flags & WINRPC_RPC_IF_AUTOLISTEN))
            return 1;
    return 0;
}

SIM_EXPORT RPC_STATUS RpcMgmtIsServerListening(RPC_BINDING_HANDLE Binding)
{
    bind_lock();
    RPC_STATUS st;
    sim_binding *b = binding_live_locked(Binding);
    if (Binding == NULL) { /* this process's own server */
        st = (g_listening && !g_stop_requested) || any_autolisten_locked() ? RPC_S_OK
                                                                           : RPC_S_NOT_LISTENING;
    } else if (b == NULL) {
        sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                   "RpcMgmtIsServerListening: %p is not a live binding handle", Binding);
        st = RPC_S_INVALID_BINDING;
    } else if (!netaddr_is_local(b->netaddr) || b->endpoint[0] == 0 ||
               ep_find_locked(b->protseq, b->endpoint) == NULL) {
        /* STRICT: nothing there to ask (Microsoft lists only RPC_S_NOT_LISTENING for a server
         * that does not listen; with no server at all the call cannot be made). */
        st = RPC_S_SERVER_UNAVAILABLE;
    } else {
        st = (g_listening && !g_stop_requested) || any_autolisten_locked() ? RPC_S_OK
                                                                           : RPC_S_NOT_LISTENING;
    }
    bind_unlock();
    return st;
}

/* ---- a call ----------------------------------------------------------------------------------- */

static int server_knows_svc_locked(uint32_t svc)
{
    for (auth_info *a = g_auth; a != NULL; a = a->next)
        if (a->svc == svc)
            return 1;
    return 0;
}

static void scall_free_locked(scall *c)
{
    for (scall **pc = &g_calls; *pc != NULL; pc = &(*pc)->next)
        if (*pc == c) {
            *pc = c->next;
            break;
        }
    free(c->server_principal);
    free(c->client_principal);
    c->magic = 0;
    free(c);
}

static scall *scall_live_locked(const void *h)
{
    for (scall *c = g_calls; c != NULL; c = c->next)
        if (c == h)
            return c;
    return NULL;
}

typedef struct dispatch_job {
    scall *call;
    host_if *iface;
    SIM_MANAGER_FN manager;
    void *ctx;
    RPC_STATUS status;
} dispatch_job;

static void *dispatch_thread(void *arg)
{
    dispatch_job *j = arg;
    tl_call = j->call;
    RPC_STATUS st = RPC_S_OK;
    if (j->iface->callback != NULL) {
        /* Microsoft: the callback gets the interface and the call's binding handle; anything
         * but RPC_S_OK refuses the call with RPC_S_ACCESS_DENIED. */
        st = j->iface->callback((RPC_IF_HANDLE)j->iface->ifspec, j->call);
        if (st != RPC_S_OK)
            st = RPC_S_ACCESS_DENIED;
    }
    if (st == RPC_S_OK && j->manager != NULL)
        st = j->manager(j->ctx, j->call);
    if (tl_impersonating == j->call->id) {
        tl_impersonating = 0;
        bind_lock();
        j->call->impersonators--;
        bind_unlock();
        sim_misuse(SIM_MISUSE_IMPERSONATION_LEFT,
                   "the call's manager routine returned still impersonating its client");
    }
    tl_call = NULL;
    j->status = st;
    return NULL;
}

SIM_EXPORT RPC_STATUS sim_call_interface(RPC_BINDING_HANDLE Binding, RPC_IF_HANDLE IfSpec,
                                         uint16_t OpNum, SIM_MANAGER_FN Manager, void *Context)
{
    if (IfSpec == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "sim_call_interface: IfSpec is NULL");
        return RPC_S_INVALID_ARG;
    }
    RPC_SYNTAX_IDENTIFIER id = if_id(IfSpec);
    bind_lock();
    sim_binding *b = binding_live_locked(Binding);
    RPC_STATUS st = RPC_S_OK;
    host_if *i = NULL;
    if (b == NULL) {
        sim_misuse(SIM_MISUSE_INVALID_HANDLE, "a call on %p, which is not a live binding handle",
                   Binding);
        st = RPC_S_INVALID_BINDING;
    } else if (b->server_side) {
        st = RPC_S_WRONG_KIND_OF_BINDING;
    } else if (!netaddr_is_local(b->netaddr)) {
        st = RPC_S_SERVER_UNAVAILABLE;
    } else {
        if (b->endpoint[0] == 0) { /* partially bound: the runtime asks the endpoint map */
            wchar16 *ep = epmap_lookup_locked(IfSpec, b->protseq);
            if (ep == NULL) {
                st = EPT_S_NOT_REGISTERED;
            } else {
                free(b->endpoint);
                b->endpoint = ep;
            }
        }
        i = iface_find_locked(&id, 0);
        if (st != RPC_S_OK) {
        } else if (ep_find_locked(b->protseq, b->endpoint) == NULL || !accepting_locked(i)) {
            st = RPC_S_SERVER_UNAVAILABLE; /* no server on the endpoint, or it does not listen */
        } else if (i == NULL) {
            st = RPC_S_UNKNOWN_IF;
        } else if ((i->flags & WINRPC_RPC_IF_ALLOW_LOCAL_ONLY) && b->protseq == PS_TCP) {
            /* Microsoft (RpcServerRegisterIf2): remote calls are refused, and so are local
             * calls over ncacn_* and ncadg_* other than ncacn_np. */
            st = RPC_S_ACCESS_DENIED;
        } else if ((i->flags & WINRPC_RPC_IF_ALLOW_SECURE_ONLY) &&
                   (!b->has_auth || b->authn_level <= WINRPC_RPC_C_AUTHN_LEVEL_NONE)) {
            st = RPC_S_ACCESS_DENIED;
        } else if (i->callback != NULL && !(i->flags & WINRPC_RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH) &&
                   !b->has_auth) {
            /* Microsoft: with a security callback and without
             * RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH, unauthenticated calls are refused before
             * the callback. */
            st = RPC_S_ACCESS_DENIED;
        } else if (b->has_auth && b->protseq != PS_LRPC && !server_knows_svc_locked(b->authn_svc)) {
            /* STRICT: over the network the server must have registered the client's
             * authentication service (ncalrpc authenticates without it). */
            st = RPC_S_UNKNOWN_AUTHN_SERVICE;
        }
    }
    scall *c = NULL;
    if (st == RPC_S_OK) {
        c = calloc(1, sizeof *c);
        if (c == NULL) {
            st = RPC_S_OUT_OF_MEMORY;
        } else {
            c->magic = SIM_SCALL_MAGIC;
            c->id = ++g_call_ids;
            c->iface = i;
            c->client = b;
            c->protseq = b->protseq;
            c->has_auth = b->has_auth;
            c->level = b->has_auth ? b->authn_level : WINRPC_RPC_C_AUTHN_LEVEL_NONE;
            c->svc = b->has_auth ? b->authn_svc : WINRPC_RPC_C_AUTHN_NONE;
            c->server_principal = b->principal != NULL ? w_dup(b->principal) : NULL;
            c->client_principal = b->identity_user != NULL ? w_dup(b->identity_user)
                                                           : w_ascii(SIM_CURRENT_USER);
            c->opnum = OpNum;
            c->next = g_calls;
            g_calls = c;
            b->calls++;
            i->calls++;
            g_running++;
        }
    }
    bind_unlock();
    if (st != RPC_S_OK)
        return st;

    /* The runtime's own thread runs the callback and the manager routine. */
    dispatch_job j = {c, i, Manager, Context, RPC_S_OK};
    pthread_t t;
    if (pthread_create(&t, NULL, dispatch_thread, &j) != 0) {
        j.status = RPC_S_OUT_OF_RESOURCES;
    } else {
        pthread_join(t, NULL);
    }

    bind_lock();
    if (c->impersonators > 0)
        sim_misuse(SIM_MISUSE_IMPERSONATION_LEFT,
                   "the call ended with %d thread(s) still impersonating its client",
                   c->impersonators);
    sim_binding *cb = binding_any_locked(c->client);
    if (cb != NULL && --cb->calls == 0 && cb->freed)
        binding_destroy_locked(cb);
    if (--i->calls == 0 && i->unregistered)
        iface_drop_locked(i);
    g_running--;
    scall_free_locked(c);
    finish_if_done_locked();
    bind_unlock();
    return j.status;
}

/* The call a server binding handle names: NULL for the call on this thread. Records misuse of
 * a handle that names no call; *st says why there is none. */
static scall *call_of_locked(const void *h, const char *fn, RPC_STATUS *st)
{
    if (h == NULL) {
        *st = tl_call != NULL ? RPC_S_OK : RPC_S_NO_CALL_ACTIVE;
        return tl_call;
    }
    scall *c = scall_live_locked(h);
    if (c != NULL) {
        *st = RPC_S_OK;
        return c;
    }
    if (binding_live_locked(h) != NULL) {
        *st = RPC_S_WRONG_KIND_OF_BINDING; /* a client's binding, not a call's */
        return NULL;
    }
    sim_misuse(SIM_MISUSE_INVALID_HANDLE, "%s: %p names no call in progress", fn, h);
    *st = RPC_S_INVALID_BINDING;
    return NULL;
}

/* Copies a name into a caller's buffer of *len bytes: ERROR_MORE_DATA with the length it needs
 * if it does not fit. */
static int fits(const wchar16 *name, uint32_t len_bytes)
{
    return (w_len(name) + 1) * sizeof(wchar16) <= len_bytes;
}

SIM_EXPORT RPC_STATUS RpcServerInqCallAttributesW(RPC_BINDING_HANDLE ClientBinding, void *RpcCallAttributes)
{
    if (RpcCallAttributes == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcServerInqCallAttributesW: no attributes");
        return RPC_S_INVALID_ARG;
    }
    RPC_CALL_ATTRIBUTES_V2_W *a = RpcCallAttributes;
    /* STRICT: version 2 only (the layout the library binds). */
    if (a->Version != WINRPC_RPC_CALL_ATTRIBUTES_VERSION_2)
        return RPC_S_INVALID_ARG;
    bind_lock();
    RPC_STATUS st;
    scall *c = call_of_locked(ClientBinding, "RpcServerInqCallAttributesW", &st);
    if (c != NULL) {
        /* Principal names: Microsoft: if a buffer is too small, ERROR_MORE_DATA and the
         * lengths needed; STRICT: nothing else is filled then. An unauthenticated call has no
         * client principal (length 0). */
        const wchar16 *spn = c->server_principal;
        const wchar16 *cpn = c->has_auth ? c->client_principal : NULL;
        int more = 0;
        if ((a->Flags & WINRPC_RPC_QUERY_SERVER_PRINCIPAL_NAME) && spn != NULL &&
            (a->ServerPrincipalName == NULL || !fits(spn, a->ServerPrincipalNameBufferLength))) {
            a->ServerPrincipalNameBufferLength = (uint32_t)((w_len(spn) + 1) * sizeof(wchar16));
            more = 1;
        }
        if ((a->Flags & WINRPC_RPC_QUERY_CLIENT_PRINCIPAL_NAME) && cpn != NULL &&
            (a->ClientPrincipalName == NULL || !fits(cpn, a->ClientPrincipalNameBufferLength))) {
            a->ClientPrincipalNameBufferLength = (uint32_t)((w_len(cpn) + 1) * sizeof(wchar16));
            more = 1;
        }
        if (more) {
            st = WINRPC_ERROR_MORE_DATA;
        } else {
            if (a->Flags & WINRPC_RPC_QUERY_SERVER_PRINCIPAL_NAME) {
                size_t n = spn != NULL ? w_len(spn) + 1 : 0;
                if (n > 0)
                    memcpy(a->ServerPrincipalName, spn, n * sizeof(wchar16));
                a->ServerPrincipalNameBufferLength = (uint32_t)(n * sizeof(wchar16));
            }
            if (a->Flags & WINRPC_RPC_QUERY_CLIENT_PRINCIPAL_NAME) {
                size_t n = cpn != NULL ? w_len(cpn) + 1 : 0;
                if (n > 0)
                    memcpy(a->ClientPrincipalName, cpn, n * sizeof(wchar16));
                a->ClientPrincipalNameBufferLength = (uint32_t)(n * sizeof(wchar16));
            }
            a->AuthenticationLevel = c->level;
            a->AuthenticationService = c->svc;
            a->NullSession = 0;
            a->KernelModeCaller = 0;
            a->ProtocolSequence = c->protseq == PS_TCP ? WINRPC_RPC_PROTSEQ_TCP
                                  : c->protseq == PS_NP ? WINRPC_RPC_PROTSEQ_NMP
                                                        : WINRPC_RPC_PROTSEQ_LRPC;
            if (a->Flags & WINRPC_RPC_QUERY_IS_CLIENT_LOCAL)
                a->IsClientLocal = WINRPC_rcclLocal; /* every client of the simulator is */
            /* Microsoft: the client's process id on ncalrpc only. */
            if (a->Flags & WINRPC_RPC_QUERY_CLIENT_PID)
                a->ClientPID = c->protseq == PS_LRPC ? (void *)(uintptr_t)getpid() : NULL;
            a->CallStatus = 0;
            a->CallType = WINRPC_rctNormal;
            a->OpNum = c->opnum;
            memcpy(&a->InterfaceUuid, &c->iface->id.SyntaxGUID, sizeof a->InterfaceUuid);
        }
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcImpersonateClient(RPC_BINDING_HANDLE BindingHandle)
{
    bind_lock();
    RPC_STATUS st;
    scall *c = call_of_locked(BindingHandle, "RpcImpersonateClient", &st);
    if (c != NULL) {
        if (!c->has_auth) {
            /* STRICT: an unauthenticated client has no security context to take on. */
            st = RPC_S_NO_CONTEXT_AVAILABLE;
        } else if (tl_impersonating != c->id) {
            if (tl_impersonating != 0) { /* another call's client: switch */
                for (scall *o = g_calls; o != NULL; o = o->next)
                    if (o->id == tl_impersonating)
                        o->impersonators--;
            }
            tl_impersonating = c->id;
            c->impersonators++;
        }
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcRevertToSelfEx(RPC_BINDING_HANDLE BindingHandle)
{
    bind_lock();
    RPC_STATUS st;
    scall *c = call_of_locked(BindingHandle, "RpcRevertToSelfEx", &st);
    if (c != NULL && tl_impersonating != 0) {
        for (scall *o = g_calls; o != NULL; o = o->next)
            if (o->id == tl_impersonating)
                o->impersonators--;
        tl_impersonating = 0;
    }
    bind_unlock();
    return st; /* reverting while not impersonating does nothing (RPC_S_OK) */
}

SIM_EXPORT int32_t sim_is_impersonating(void) { return tl_impersonating != 0; }

SIM_EXPORT RPC_STATUS RpcBindingInqAuthClientW(RPC_BINDING_HANDLE ClientBinding, RPC_AUTHZ_HANDLE *Privs,
    RPC_WSTR *ServerPrincName, uint32_t *AuthnLevel, uint32_t *AuthnSvc, uint32_t *AuthzSvc)
{
    if (ServerPrincName != NULL)
        *ServerPrincName = NULL;
    bind_lock();
    RPC_STATUS st;
    scall *c = call_of_locked(ClientBinding, "RpcBindingInqAuthClientW", &st);
    if (c != NULL && !c->has_auth) {
        st = RPC_S_BINDING_HAS_NO_AUTH;
    } else if (c != NULL) {
        if (ServerPrincName != NULL && c->server_principal != NULL) {
            *ServerPrincName = rpcstr_give_locked(w_dup(c->server_principal));
            if (*ServerPrincName == NULL)
                st = RPC_S_OUT_OF_MEMORY;
        }
        /* Privs: for RPC_C_AUTHZ_NAME-style services, the client's principal name, owned by
         * the runtime and valid for the call. */
        if (Privs != NULL)
            *Privs = c->client_principal;
        if (AuthnLevel != NULL)
            *AuthnLevel = c->level;
        if (AuthnSvc != NULL)
            *AuthnSvc = c->svc;
        if (AuthzSvc != NULL)
            *AuthzSvc = WINRPC_RPC_C_AUTHZ_NONE;
    }
    bind_unlock();
    return st;
}

SIM_HIDDEN void host_reset_locked(void)
{
    while (g_eps != NULL) {
        host_ep *e = g_eps;
        g_eps = e->next;
        free(e->name);
        free(e);
    }
    for (host_if *i = g_ifs, *next; i != NULL; i = next) {
        next = i->next;
        if (i->calls == 0)
            iface_drop_locked(i);
    }
    while (g_epmap != NULL) {
        ep_entry *e = g_epmap;
        g_epmap = e->next;
        free(e->endpoint);
        free(e);
        sim_count(SIM_COUNT_EP_ENTRIES, -1);
    }
    while (g_auth != NULL) {
        auth_info *a = g_auth;
        g_auth = a->next;
        free(a->principal);
        free(a);
    }
    if (g_listening && g_running == 0) {
        g_listening = 0;
        g_stop_requested = 0;
        sim_count(SIM_COUNT_LISTENING, -1);
    }
    g_wait_pending = 0;
    pthread_cond_broadcast(&g_host_cv);
}

/* sim_reset's part: forget the server and every binding, string and vector. */
SIM_HIDDEN void sim_bind_reset(void)
{
    bind_lock();
    host_reset_locked();
    bind_reset_locked();
    bind_unlock();
}
