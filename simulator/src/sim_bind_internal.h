/*
 * sim_bind_internal.h - what sim_bind.c (string bindings, binding handles, authentication and
 * options: the client side of rpcdce.h) and sim_host.c (the server side: endpoints, the
 * endpoint map, interfaces, listening, the call-time checks, call attributes and
 * impersonation) share. Not exported.
 *
 * Model. One process-wide registry guarded by one mutex (bind_lock), apart from the async
 * call machinery's g_lock: nothing here calls into that part, and neither the security
 * callback nor a manager routine is ever called with bind_lock held. Every handle the runtime
 * hands out (binding handles, the server binding handle of a call, strings, binding vectors)
 * is recorded, so a handle that is not live is recognised (RPC_S_INVALID_BINDING, recorded as
 * SIM_MISUSE_INVALID_HANDLE) and never dereferenced.
 *
 * Lifetimes. Endpoints and authentication info live for the process, as on Windows (rpcrt4 has
 * no function that gives them back); sim_reset() forgets them so that each test starts anew.
 * Bindings, strings and vectors count in SIM_COUNT_BINDINGS / SIM_COUNT_RPC_ALLOCS until they
 * are freed; listening counts in SIM_COUNT_LISTENING, registered interfaces in
 * SIM_COUNT_INTERFACES and endpoint-map entries in SIM_COUNT_EP_ENTRIES until they are undone,
 * so what a test leaks fails it.
 */
#ifndef SIM_BIND_INTERNAL_H
#define SIM_BIND_INTERNAL_H

#include "sim_internal.h"

#define SIM_BINDING_MAGIC 0x53424e44u   /* "SBND": a binding handle */
#define SIM_SCALL_MAGIC 0x5343414cu     /* "SCAL": a call's server binding handle */
#define SIM_WSTR_MAX 1024u              /* longest string binding or component, characters */

enum { PS_NONE = 0, PS_LRPC, PS_TCP, PS_NP };

typedef uint16_t wchar16;

typedef struct sim_binding {
    uint32_t magic;
    struct sim_binding *next;
    int server_side;          /* from RpcServerInqBindings: not for calls */
    int protseq;              /* PS_* */
    wchar16 *objuuid, *netaddr, *endpoint, *options; /* owned; never NULL ("" if absent) */
    int has_auth;
    wchar16 *principal;       /* owned, NULL if none */
    uint32_t authn_level, authn_svc, authz_svc;
    int has_identity;
    wchar16 *identity_user;   /* DOMAIN\User from SEC_WINNT_AUTH_IDENTITY_W, or NULL */
    RPC_SECURITY_QOS qos;
    int has_qos;
    uintptr_t opts[16];       /* RpcBindingSetOption values by option number */
    int calls;                /* calls in flight on it */
    int freed;                /* RpcBindingFree'd while calls were in flight */
} sim_binding;

/* bind_lock: the registry's one mutex. */
SIM_HIDDEN void bind_lock(void);
SIM_HIDDEN void bind_unlock(void);
/* Waits on cv with bind_lock held (released while waiting). */
SIM_HIDDEN void bind_wait(pthread_cond_t *cv);

/* UTF-16 helpers. */
SIM_HIDDEN size_t w_len(const wchar16 *s);
SIM_HIDDEN wchar16 *w_dup(const wchar16 *s);              /* NULL -> "" */
SIM_HIDDEN wchar16 *w_ascii(const char *s);
SIM_HIDDEN int w_eq_ascii(const wchar16 *w, const char *a); /* exact */
SIM_HIDDEN int w_ieq(const wchar16 *a, const wchar16 *b);   /* ASCII letters without case */
SIM_HIDDEN void w_to_utf8(const wchar16 *w, char *out, size_t outlen); /* ASCII, '?' else */

/* Protocol sequences: PS_* of a name; PS_NONE for an unknown one. */
SIM_HIDDEN int protseq_of(const wchar16 *name);
SIM_HIDDEN const char *protseq_name(int ps);
/* Whether an endpoint is well formed for the protocol sequence: RPC_S_OK or
 * RPC_S_INVALID_ENDPOINT_FORMAT. */
SIM_HIDDEN RPC_STATUS endpoint_check(int ps, const wchar16 *ep);
/* Whether a network address names this (the only) host. */
SIM_HIDDEN int netaddr_is_local(const wchar16 *addr);

/* The binding registry (bind_lock held). A live handle, or NULL. */
SIM_HIDDEN sim_binding *binding_live_locked(const void *h);
SIM_HIDDEN sim_binding *binding_new_locked(void);
/* A binding record, live or freed while calls were in flight, or NULL. */
SIM_HIDDEN sim_binding *binding_any_locked(const void *h);
SIM_HIDDEN int sim_known_authn_svc(uint32_t svc);
SIM_HIDDEN void binding_destroy_locked(sim_binding *b);
/* Strings and vectors the runtime hands out. */
SIM_HIDDEN wchar16 *rpcstr_give_locked(wchar16 *s);   /* records s; NULL stays NULL */
SIM_HIDDEN int alloc_track_locked(void *p);           /* 0 on success */
SIM_HIDDEN int alloc_untrack_locked(void *p);         /* 1 if p was recorded */

/* sim_host.c: the endpoint map lookup RpcEpResolveBinding uses. Returns an owned copy of the
 * endpoint registered for (interface, protseq), or NULL. */
SIM_HIDDEN wchar16 *epmap_lookup_locked(const void *ifspec, int protseq);
/* sim_host.c: forget every server object (sim_reset). */
SIM_HIDDEN void host_reset_locked(void);
SIM_HIDDEN void bind_reset_locked(void);

#endif /* SIM_BIND_INTERNAL_H */
