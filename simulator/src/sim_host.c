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
    WINRPC_GUID type;     /* the manager type UUID (nil: registered without one) */
    void *epv;
    uint32_t flags;
    PWINRPC_IF_CALLBACK_FN callback;
    int calls;            /* calls of this interface running */
    int unregistered;     /* unregistered while calls ran: kept until they end */
    int draining;         /* ... by RpcServerUnregisterIf, which waits for them */
} host_if;

/* RpcObjectSetType: an object UUID's manager type. */
typedef struct obj_type {
    struct obj_type *next;
    WINRPC_GUID obj, type;
} obj_type;

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
    int peer;                 /* a call to the simulator's own fixture server (another
                                 "process": no interface of this one, no listening state) */
    int server_done, client_done; /* each side's part of the call has ended (async calls) */
    int manager_pending;      /* the manager routine has not returned yet (or was never run) */
    int server_released;      /* the server's part is over (release_locked) */
} scall;

static host_ep *g_eps;
static host_if *g_ifs;
static ep_entry *g_epmap;
static auth_info *g_auth;
static scall *g_calls;
static obj_type *g_objtypes;
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

static const WINRPC_GUID k_nil_guid;

static int guid_eq(const WINRPC_GUID *a, const WINRPC_GUID *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* A manager type argument: NULL and the nil UUID both mean "no type". */
static WINRPC_GUID type_arg(const WINRPC_GUID *t)
{
    return t != NULL ? *t : k_nil_guid;
}

static unsigned hexv(wchar16 c)
{
    return c >= '0' && c <= '9' ? (unsigned)(c - '0')
           : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
           : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 0u;
}

static uint64_t hexn(const wchar16 *s, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
        v = (v << 4) | hexv(s[k]);
    return v;
}

/* The object UUID of a binding (validated when the binding was made; "" is the nil UUID). */
static WINRPC_GUID guid_of(const wchar16 *s)
{
    WINRPC_GUID g = k_nil_guid;
    if (s == NULL || w_len(s) != 36)
        return g;
    g.Data1 = (uint32_t)hexn(s, 8);
    g.Data2 = (uint16_t)hexn(s + 9, 4);
    g.Data3 = (uint16_t)hexn(s + 14, 4);
    g.Data4[0] = (uint8_t)hexn(s + 19, 2);
    g.Data4[1] = (uint8_t)hexn(s + 21, 2);
    for (int k = 0; k < 6; k++)
        g.Data4[2 + k] = (uint8_t)hexn(s + 24 + 2 * k, 2);
    return g;
}

/* Microsoft (RpcObjectSetType): every object UUID has the nil type unless the server set one. */
static WINRPC_GUID type_of_object_locked(const WINRPC_GUID *obj)
{
    for (obj_type *o = g_objtypes; o != NULL; o = o->next)
        if (guid_eq(&o->obj, obj))
            return o->type;
    return k_nil_guid;
}

/* The registration of an interface with a manager type (NULL: any type). */
static host_if *iface_find_locked(const RPC_SYNTAX_IDENTIFIER *id, const WINRPC_GUID *type,
                                  int include_unregistered)
{
    for (host_if *i = g_ifs; i != NULL; i = i->next)
        if (syntax_eq(&i->id, id) && (type == NULL || guid_eq(&i->type, type)) &&
            (include_unregistered || !i->unregistered))
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
    RPC_SYNTAX_IDENTIFIER id = if_id(IfSpec);
    WINRPC_GUID type = type_arg(MgrTypeUuid);
    bind_lock();
    RPC_STATUS st = RPC_S_OK;
    if (iface_find_locked(&id, &type, 0) != NULL) {
        /* STRICT: a second registration of the same interface and manager type (Microsoft's
         * RPC_S_TYPE_ALREADY_REGISTERED is not listed for RpcServerRegisterIf3). */
        st = RPC_S_ALREADY_REGISTERED;
    } else {
        host_if *i = calloc(1, sizeof *i);
        if (i == NULL) {
            st = RPC_S_OUT_OF_MEMORY;
        } else {
            i->ifspec = IfSpec;
            i->id = id;
            i->type = type;
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

/* Unregisters i; wait: RpcServerUnregisterIf with WaitForCallsToComplete, whose caller waits
 * for its calls (not a misuse). */
static void iface_unregister_locked(host_if *i, int wait)
{
    if (i->calls > 0) {
        if (wait)
            i->draining = 1;
        else
            sim_misuse(SIM_MISUSE_IF_UNREGISTERED_IN_CALL,
                       "RpcServerUnregisterIf[Ex]: the interface has %d call(s) running", i->calls);
        i->unregistered = 1; /* no new calls; the record goes when the last call ends */
    } else {
        iface_drop_locked(i);
    }
}

/* Microsoft (RpcServerUnregisterIf): IfSpec NULL means every interface, MgrTypeUuid NULL every
 * manager type, the nil UUID the registration without a type. */
static RPC_STATUS unregister_locked(RPC_IF_HANDLE IfSpec, WINRPC_GUID *MgrTypeUuid, int wait)
{
    RPC_SYNTAX_IDENTIFIER id;
    if (IfSpec != NULL)
        id = if_id(IfSpec);
    int matched = 0, same_if = 0;
    for (host_if *i = g_ifs, *next; i != NULL; i = next) {
        next = i->next;
        if (i->unregistered || (IfSpec != NULL && !syntax_eq(&i->id, &id)))
            continue;
        same_if = 1;
        if (MgrTypeUuid != NULL && !guid_eq(&i->type, MgrTypeUuid))
            continue;
        matched++;
        iface_unregister_locked(i, wait);
    }
    if (matched > 0 || (IfSpec == NULL && MgrTypeUuid == NULL))
        return RPC_S_OK;
    return IfSpec != NULL && !same_if ? RPC_S_UNKNOWN_IF : RPC_S_UNKNOWN_MGR_TYPE;
}

static int any_draining_locked(void)
{
    for (host_if *i = g_ifs; i != NULL; i = i->next)
        if (i->draining)
            return 1;
    return 0;
}

static int waits_for_itself(const char *fn);

SIM_EXPORT RPC_STATUS RpcServerUnregisterIfEx(RPC_IF_HANDLE IfSpec, WINRPC_GUID *MgrTypeUuid,
                                              int32_t RundownContextHandles)
{
    (void)RundownContextHandles;
    bind_lock();
    RPC_STATUS st = unregister_locked(IfSpec, MgrTypeUuid, 0);
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcServerUnregisterIf(RPC_IF_HANDLE IfSpec, WINRPC_GUID *MgrTypeUuid,
                                            uint32_t WaitForCallsToComplete)
{
    if (WaitForCallsToComplete && waits_for_itself("RpcServerUnregisterIf"))
        return RPC_S_CALL_IN_PROGRESS;
    bind_lock();
    RPC_STATUS st = unregister_locked(IfSpec, MgrTypeUuid, WaitForCallsToComplete != 0);
    /* Microsoft: "wait until all active calls complete". STRICT: until every interface being
     * unregistered this way has no call left (the records go with their last call). */
    while (st == RPC_S_OK && WaitForCallsToComplete && any_draining_locked())
        bind_wait(&g_host_cv);
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcObjectSetType(WINRPC_GUID *ObjUuid, WINRPC_GUID *TypeUuid)
{
    if (ObjUuid == NULL || guid_eq(ObjUuid, &k_nil_guid))
        return RPC_S_INVALID_OBJECT; /* Microsoft: no type for the nil object UUID */
    WINRPC_GUID type = type_arg(TypeUuid);
    bind_lock();
    RPC_STATUS st = RPC_S_OK;
    obj_type **po = &g_objtypes;
    while (*po != NULL && !guid_eq(&(*po)->obj, ObjUuid))
        po = &(*po)->next;
    if (guid_eq(&type, &k_nil_guid)) { /* back to the nil type */
        if (*po != NULL) {
            obj_type *o = *po;
            *po = o->next;
            free(o);
            sim_count(SIM_COUNT_OBJECT_TYPES, -1);
        }
    } else if (*po != NULL) {
        st = RPC_S_ALREADY_REGISTERED; /* STRICT: reset it first, even to the same type */
    } else {
        obj_type *o = calloc(1, sizeof *o);
        if (o == NULL) {
            st = RPC_S_OUT_OF_MEMORY;
        } else {
            o->obj = *ObjUuid;
            o->type = type;
            o->next = g_objtypes;
            g_objtypes = o;
            sim_count(SIM_COUNT_OBJECT_TYPES, 1);
        }
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

/* The runtime's call-time checks for a call on Binding to IfSpec, and the call's record: the
 * interface registration that serves it (by the manager type of the binding's object UUID)
 * and the counts that keep the binding, the interface and listening alive until the call's
 * sides are done (call_side_done_locked). A binding to the simulator's own fixture server
 * (ncalrpc:[SIM_PEER_ENDPOINT] on this host: another "process") skips the server's checks when
 * peer_ok. */
static RPC_STATUS admit_locked(RPC_BINDING_HANDLE Binding, RPC_IF_HANDLE IfSpec, uint16_t OpNum,
                               int peer_ok, scall **out)
{
    *out = NULL;
    RPC_SYNTAX_IDENTIFIER id = if_id(IfSpec);
    sim_binding *b = binding_live_locked(Binding);
    RPC_STATUS st = RPC_S_OK;
    host_if *i = NULL;
    int peer = 0;
    if (b == NULL) {
        sim_misuse(SIM_MISUSE_INVALID_HANDLE, "a call on %p, which is not a live binding handle",
                   Binding);
        return RPC_S_INVALID_BINDING;
    }
    if (b->server_side)
        return RPC_S_WRONG_KIND_OF_BINDING;
    if (!netaddr_is_local(b->netaddr))
        return RPC_S_SERVER_UNAVAILABLE;
    if (peer_ok && b->protseq == PS_LRPC && w_eq_ascii(b->endpoint, SIM_PEER_ENDPOINT)) {
        peer = 1;
    } else {
        if (b->endpoint[0] == 0) { /* partially bound: the runtime asks the endpoint map */
            wchar16 *ep = epmap_lookup_locked(IfSpec, b->protseq);
            if (ep == NULL)
                return EPT_S_NOT_REGISTERED;
            free(b->endpoint);
            b->endpoint = ep;
        }
        WINRPC_GUID obj = guid_of(b->objuuid);
        WINRPC_GUID type = type_of_object_locked(&obj);
        i = iface_find_locked(&id, &type, 0);
        if (ep_find_locked(b->protseq, b->endpoint) == NULL ||
            !accepting_locked(i != NULL ? i : iface_find_locked(&id, NULL, 0))) {
            st = RPC_S_SERVER_UNAVAILABLE; /* no server on the endpoint, or it does not listen */
        } else if (i == NULL) {
            /* STRICT: registered with other manager types only: RPC_S_UNKNOWN_MGR_TYPE. */
            st = iface_find_locked(&id, NULL, 0) != NULL ? RPC_S_UNKNOWN_MGR_TYPE : RPC_S_UNKNOWN_IF;
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
        if (st != RPC_S_OK)
            return st;
    }
    scall *c = calloc(1, sizeof *c);
    if (c == NULL)
        return RPC_S_OUT_OF_MEMORY;
    c->magic = SIM_SCALL_MAGIC;
    c->id = ++g_call_ids;
    c->iface = i;
    c->peer = peer;
    c->client = b;
    c->protseq = b->protseq;
    c->has_auth = b->has_auth;
    c->level = b->has_auth ? b->authn_level : WINRPC_RPC_C_AUTHN_LEVEL_NONE;
    c->svc = b->has_auth ? b->authn_svc : WINRPC_RPC_C_AUTHN_NONE;
    c->server_principal = b->principal != NULL ? w_dup(b->principal) : NULL;
    c->client_principal = b->identity_user != NULL ? w_dup(b->identity_user)
                                                   : w_ascii(SIM_CURRENT_USER);
    c->opnum = OpNum;
    c->manager_pending = 1;
    c->next = g_calls;
    g_calls = c;
    b->calls++;
    if (!peer) {
        i->calls++;
        g_running++;
    }
    *out = c;
    return RPC_S_OK;
}

/* The server's part of the call ends with its side and its manager routine's return (or its
 * dispatch failing): until then the EPV may still be used. It lets the interface and listening
 * go; the client's part lets the binding go; the record goes with both. */
static void release_locked(scall *c)
{
    if (c->server_done && !c->manager_pending && !c->server_released) {
        c->server_released = 1;
        if (c->impersonators > 0)
            sim_misuse(SIM_MISUSE_IMPERSONATION_LEFT,
                       "the call ended with %d thread(s) still impersonating its client",
                       c->impersonators);
        if (!c->peer) {
            host_if *i = c->iface;
            if (--i->calls == 0 && i->unregistered)
                iface_drop_locked(i);
            g_running--;
            finish_if_done_locked();
        }
    }
    if (c->server_released && c->client_done)
        scall_free_locked(c);
}

static void call_side_done_locked(scall *c, int server)
{
    if (server) {
        c->server_done = 1;
    } else if (!c->client_done) {
        c->client_done = 1;
        sim_binding *cb = binding_any_locked(c->client);
        if (cb != NULL && --cb->calls == 0 && cb->freed)
            binding_destroy_locked(cb);
    }
    release_locked(c);
}

/* The manager routine returned, or will never run. */
static void manager_done_locked(scall *c)
{
    c->manager_pending = 0;
    release_locked(c);
}

/* On the runtime's thread, before the manager routine: the security callback (Microsoft: it
 * gets the interface and the call's binding handle; anything but RPC_S_OK refuses the call
 * with RPC_S_ACCESS_DENIED). While it and the manager routine run, a NULL binding handle
 * names this call. */
static RPC_STATUS call_enter(scall *c)
{
    tl_call = c;
    if (c->peer || c->iface->callback == NULL)
        return RPC_S_OK;
    RPC_STATUS st = c->iface->callback((RPC_IF_HANDLE)c->iface->ifspec, c);
    if (st != RPC_S_OK) {
        tl_call = NULL;
        return RPC_S_ACCESS_DENIED;
    }
    return RPC_S_OK;
}

/* The manager routine returned on this thread. */
static void call_leave(scall *c)
{
    int left = 0;
    bind_lock();
    if (tl_impersonating == c->id) {
        tl_impersonating = 0;
        c->impersonators--;
        left = 1;
    }
    manager_done_locked(c);
    bind_unlock();
    if (left)
        sim_misuse(SIM_MISUSE_IMPERSONATION_LEFT,
                   "the call's manager routine returned still impersonating its client");
    tl_call = NULL;
}

typedef struct dispatch_job {
    scall *call;
    SIM_MANAGER_FN manager;
    void *ctx;
    RPC_STATUS status;
} dispatch_job;

static void *dispatch_thread(void *arg)
{
    dispatch_job *j = arg;
    RPC_STATUS st = call_enter(j->call);
    if (st == RPC_S_OK) {
        if (j->manager != NULL)
            st = j->manager(j->ctx, j->call);
        call_leave(j->call);
    } else {
        sim_host_not_run(j->call);
    }
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
    bind_lock();
    scall *c;
    RPC_STATUS st = admit_locked(Binding, IfSpec, OpNum, 0, &c);
    bind_unlock();
    if (st != RPC_S_OK)
        return st;

    /* The runtime's own thread runs the callback and the manager routine. */
    dispatch_job j = {c, Manager, Context, RPC_S_OK};
    pthread_t t;
    if (pthread_create(&t, NULL, dispatch_thread, &j) != 0) {
        j.status = RPC_S_OUT_OF_RESOURCES;
        sim_host_not_run(c);
    } else {
        pthread_join(t, NULL);
    }

    bind_lock();
    call_side_done_locked(c, 1);
    call_side_done_locked(c, 0);
    bind_unlock();
    return j.status;
}

/* ---- the fixture's asynchronous calls (sim_rpc_stubs.c, sim_rpc_endpoint.c) ------------------ */

SIM_HIDDEN RPC_STATUS sim_host_admit(void *Binding, const void *IfSpec, uint16_t OpNum,
                                     sim_admission *out)
{
    bind_lock();
    scall *c;
    RPC_STATUS st = admit_locked(Binding, (RPC_IF_HANDLE)IfSpec, OpNum, 1, &c);
    out->call = c;
    out->peer = c != NULL && c->peer;
    out->epv = c != NULL && !c->peer ? c->iface->epv : NULL;
    bind_unlock();
    return st;
}

SIM_HIDDEN RPC_STATUS sim_host_enter(void *call)
{
    return call_enter(call);
}

SIM_HIDDEN void sim_host_leave(void *call)
{
    call_leave(call);
}

SIM_HIDDEN void sim_host_not_run(void *call)
{
    bind_lock();
    scall *c = scall_live_locked(call);
    if (c != NULL)
        manager_done_locked(c);
    bind_unlock();
}

SIM_HIDDEN void sim_host_side_done(void *call, int server)
{
    bind_lock();
    scall *c = scall_live_locked(call);
    if (c != NULL)
        call_side_done_locked(c, server);
    bind_unlock();
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
    while (g_objtypes != NULL) {
        obj_type *o = g_objtypes;
        g_objtypes = o->next;
        free(o);
        sim_count(SIM_COUNT_OBJECT_TYPES, -1);
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
