/*
 * sim_bind.c - the client side of rpcdce.h: string bindings (compose, parse, escaping),
 * binding handles, their authentication information and options, RpcEpResolveBinding and
 * RpcMgmtIsServerListening. See sim_bind_internal.h for the model and
 * docs/reference/rpc-binding.md for the sources.
 *
 * String binding syntax (Microsoft, "String Binding"):
 *     [ObjectUUID@]ProtocolSequence:[NetworkAddress][[Endpoint][,Option=Value]...]
 * A backslash escapes the next character in every field, so that '@', ':', '[', ']', ',' and
 * '=' can appear in a value; RpcStringBindingComposeW escapes them, and the parser removes
 * the escapes (so an ncacn_np endpoint's backslashes are written doubled).
 */
#include "sim_bind_internal.h"

#include <stdlib.h>
#include <string.h>

static pthread_mutex_t g_bind_mu = PTHREAD_MUTEX_INITIALIZER;
SIM_HIDDEN void bind_lock(void) { pthread_mutex_lock(&g_bind_mu); }
SIM_HIDDEN void bind_unlock(void) { pthread_mutex_unlock(&g_bind_mu); }
SIM_HIDDEN void bind_wait(pthread_cond_t *cv) { pthread_cond_wait(cv, &g_bind_mu); }

static sim_binding *g_bindings;

/* Strings and vectors handed out: a small open list (tests hold few at a time). */
typedef struct alloc_rec { void *p; struct alloc_rec *next; } alloc_rec;
static alloc_rec *g_allocs;

/* ---- UTF-16 helpers ------------------------------------------------------------------------- */

SIM_HIDDEN size_t w_len(const wchar16 *s)
{
    size_t n = 0;
    if (s != NULL)
        while (s[n] != 0)
            n++;
    return n;
}

static wchar16 *w_ndup(const wchar16 *s, size_t n)
{
    wchar16 *d = malloc((n + 1) * sizeof *d);
    if (d == NULL)
        return NULL;
    if (n > 0)
        memcpy(d, s, n * sizeof *d);
    d[n] = 0;
    return d;
}

SIM_HIDDEN wchar16 *w_dup(const wchar16 *s) { return w_ndup(s, w_len(s)); }

SIM_HIDDEN wchar16 *w_ascii(const char *s)
{
    size_t n = strlen(s);
    wchar16 *d = malloc((n + 1) * sizeof *d);
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        d[i] = (unsigned char)s[i];
    return d;
}

SIM_HIDDEN int w_eq_ascii(const wchar16 *w, const char *a)
{
    size_t i = 0;
    for (; a[i] != 0; i++)
        if (w[i] != (unsigned char)a[i])
            return 0;
    return w[i] == 0;
}

static wchar16 lower(wchar16 c) { return (c >= 'A' && c <= 'Z') ? (wchar16)(c + 32) : c; }

SIM_HIDDEN int w_ieq(const wchar16 *a, const wchar16 *b)
{
    size_t i = 0;
    for (; a[i] != 0 && b[i] != 0; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return a[i] == b[i];
}

SIM_HIDDEN void w_to_utf8(const wchar16 *w, char *out, size_t outlen)
{
    size_t i = 0;
    for (; w != NULL && w[i] != 0 && i + 1 < outlen; i++)
        out[i] = w[i] < 128 ? (char)w[i] : '?';
    if (outlen > 0)
        out[i] = 0;
}

/* ---- protocol sequences, endpoints, addresses ------------------------------------------------ */

SIM_HIDDEN int protseq_of(const wchar16 *name)
{
    if (name == NULL)
        return PS_NONE;
    /* STRICT: protocol sequence names match exactly, in lower case, as Microsoft spells them. */
    if (w_eq_ascii(name, "ncalrpc"))
        return PS_LRPC;
    if (w_eq_ascii(name, "ncacn_ip_tcp"))
        return PS_TCP;
    if (w_eq_ascii(name, "ncacn_np"))
        return PS_NP;
    return PS_NONE;
}

SIM_HIDDEN const char *protseq_name(int ps)
{
    switch (ps) {
    case PS_LRPC: return "ncalrpc";
    case PS_TCP: return "ncacn_ip_tcp";
    case PS_NP: return "ncacn_np";
    default: return "?";
    }
}

SIM_HIDDEN RPC_STATUS endpoint_check(int ps, const wchar16 *ep)
{
    size_t n = w_len(ep);
    if (n == 0 || n > 255)
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    if (ps == PS_TCP) {
        /* A port number, 1 to 65535 (Microsoft: "Endpoint: Internet port number"). */
        uint32_t v = 0;
        for (size_t i = 0; i < n; i++) {
            if (ep[i] < '0' || ep[i] > '9' || n > 5)
                return RPC_S_INVALID_ENDPOINT_FORMAT;
            v = v * 10u + (uint32_t)(ep[i] - '0');
        }
        return v >= 1 && v <= 65535 ? RPC_S_OK : RPC_S_INVALID_ENDPOINT_FORMAT;
    }
    if (ps == PS_NP) {
        /* "\pipe\name" (Microsoft: "Endpoint: Name of the pipe ... \\pipe\\pipename"). */
        static const char pfx[] = "\\pipe\\";
        if (n <= sizeof pfx - 1)
            return RPC_S_INVALID_ENDPOINT_FORMAT;
        for (size_t i = 0; i < sizeof pfx - 1; i++)
            if (lower(ep[i]) != (unsigned char)pfx[i])
                return RPC_S_INVALID_ENDPOINT_FORMAT;
        return RPC_S_OK;
    }
    /* ncalrpc: STRICT: a name without a backslash (Microsoft: "up to 53 characters", which the
     * simulator does not enforce; a backslash would name an object directory). */
    for (size_t i = 0; i < n; i++)
        if (ep[i] == '\\')
            return RPC_S_INVALID_ENDPOINT_FORMAT;
    return RPC_S_OK;
}

SIM_HIDDEN int netaddr_is_local(const wchar16 *a)
{
    /* STRICT: the simulator is one host, reached as "", "localhost", "127.0.0.1", "::1" or ".";
     * every other address has no server (RPC_S_SERVER_UNAVAILABLE at call time). */
    return a == NULL || a[0] == 0 || w_ieq(a, (const wchar16[]){'l','o','c','a','l','h','o','s','t',0}) ||
           w_eq_ascii(a, "127.0.0.1") || w_eq_ascii(a, "::1") || w_eq_ascii(a, ".");
}

static int is_uuid(const wchar16 *s)
{
    if (w_len(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        wchar16 c = s[i];
        int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return 0;
    }
    return 1;
}

/* ---- the registry --------------------------------------------------------------------------- */

SIM_HIDDEN sim_binding *binding_live_locked(const void *h)
{
    if (h == NULL)
        return NULL;
    for (sim_binding *b = g_bindings; b != NULL; b = b->next)
        if (b == h && !b->freed)
            return b;
    return NULL;
}

SIM_HIDDEN sim_binding *binding_any_locked(const void *h)
{
    for (sim_binding *b = g_bindings; b != NULL; b = b->next)
        if (b == h)
            return b;
    return NULL;
}

SIM_HIDDEN sim_binding *binding_new_locked(void)
{
    sim_binding *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    b->magic = SIM_BINDING_MAGIC;
    b->next = g_bindings;
    g_bindings = b;
    sim_count(SIM_COUNT_BINDINGS, 1);
    return b;
}

SIM_HIDDEN void binding_destroy_locked(sim_binding *b)
{
    for (sim_binding **pb = &g_bindings; *pb != NULL; pb = &(*pb)->next)
        if (*pb == b) {
            *pb = b->next;
            break;
        }
    free(b->objuuid);
    free(b->netaddr);
    free(b->endpoint);
    free(b->options);
    free(b->principal);
    free(b->identity_user);
    b->magic = 0;
    free(b);
    sim_count(SIM_COUNT_BINDINGS, -1);
}

SIM_HIDDEN int alloc_track_locked(void *p)
{
    alloc_rec *r = malloc(sizeof *r);
    if (r == NULL)
        return -1;
    r->p = p;
    r->next = g_allocs;
    g_allocs = r;
    sim_count(SIM_COUNT_RPC_ALLOCS, 1);
    return 0;
}

SIM_HIDDEN int alloc_untrack_locked(void *p)
{
    for (alloc_rec **pr = &g_allocs; *pr != NULL; pr = &(*pr)->next)
        if ((*pr)->p == p) {
            alloc_rec *r = *pr;
            *pr = r->next;
            free(r);
            sim_count(SIM_COUNT_RPC_ALLOCS, -1);
            return 1;
        }
    return 0;
}

SIM_HIDDEN wchar16 *rpcstr_give_locked(wchar16 *s)
{
    if (s != NULL && alloc_track_locked(s) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* ---- composing and parsing ------------------------------------------------------------------ */

typedef struct wbuf { wchar16 *p; size_t n, cap; int oom; } wbuf;

static void wb_put(wbuf *b, wchar16 c)
{
    if (b->n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        wchar16 *p = realloc(b->p, cap * sizeof *p);
        if (p == NULL) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    b->p[b->n++] = c;
    b->p[b->n] = 0;
}

static int special(wchar16 c)
{
    return c == '@' || c == ':' || c == '[' || c == ']' || c == ',' || c == '=' || c == '\\';
}

/* Appends s, escaping the separators; in options, ',' and '=' are structure, not escaped. */
static void wb_field(wbuf *b, const wchar16 *s, int options)
{
    for (size_t i = 0; s != NULL && s[i] != 0; i++) {
        if (special(s[i]) && !(options && (s[i] == ',' || s[i] == '=')))
            wb_put(b, '\\');
        wb_put(b, s[i]);
    }
}

static wchar16 *compose(const wchar16 *obj, const wchar16 *ps, const wchar16 *addr,
                        const wchar16 *ep, const wchar16 *opts)
{
    wbuf b = {0};
    if (obj != NULL && obj[0] != 0) {
        wb_field(&b, obj, 0);
        wb_put(&b, '@');
    }
    wb_field(&b, ps, 0);
    wb_put(&b, ':');
    wb_field(&b, addr, 0);
    int has_ep = ep != NULL && ep[0] != 0, has_opts = opts != NULL && opts[0] != 0;
    if (has_ep || has_opts) {
        wb_put(&b, '[');
        wb_field(&b, ep, 0);
        if (has_opts) {
            wb_put(&b, ',');
            wb_field(&b, opts, 1);
        }
        wb_put(&b, ']');
    }
    if (b.p == NULL)
        wb_put(&b, 0);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

typedef struct parsed {
    wchar16 *obj, *ps, *addr, *ep, *opts;
} parsed;

static void parsed_free(parsed *p)
{
    free(p->obj);
    free(p->ps);
    free(p->addr);
    free(p->ep);
    free(p->opts);
    memset(p, 0, sizeof *p);
}

/* Reads an unescaped field up to one of the stop characters (or the end); *pos moves past it.
 * Returns NULL when out of memory or on a dangling escape (*bad set). */
static wchar16 *field(const wchar16 *s, size_t *pos, const char *stops, int *bad, int keep_structure)
{
    wbuf b = {0};
    size_t i = *pos;
    for (; s[i] != 0; i++) {
        if (s[i] == '\\') {
            if (s[i + 1] == 0) {
                *bad = 1;
                break;
            }
            if (keep_structure && (s[i + 1] == ',' || s[i + 1] == '='))
                wb_put(&b, '\\');
            wb_put(&b, s[++i]);
            continue;
        }
        if (s[i] < 128 && strchr(stops, (char)s[i]) != NULL)
            break;
        wb_put(&b, s[i]);
    }
    *pos = i;
    if (b.p == NULL)
        wb_put(&b, 0);
    if (b.oom || *bad) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

static RPC_STATUS parse(const wchar16 *s, parsed *out)
{
    memset(out, 0, sizeof *out);
    size_t n = w_len(s);
    if (n == 0 || n > SIM_WSTR_MAX)
        return RPC_S_INVALID_STRING_BINDING;
    int bad = 0;
    size_t pos = 0;
    /* An object UUID if an unescaped '@' comes before the first unescaped ':'. */
    wchar16 *first = field(s, &pos, "@:", &bad, 0);
    if (first == NULL)
        return bad ? RPC_S_INVALID_STRING_BINDING : RPC_S_OUT_OF_MEMORY;
    if (s[pos] == '@') {
        out->obj = first;
        pos++;
        out->ps = field(s, &pos, ":", &bad, 0);
        if (out->ps == NULL)
            goto fail;
    } else {
        out->obj = w_ascii("");
        out->ps = first;
    }
    if (s[pos] != ':' || out->ps[0] == 0)
        goto invalid;
    pos++;
    out->addr = field(s, &pos, "[", &bad, 0);
    if (out->addr == NULL)
        goto fail;
    if (s[pos] == '[') {
        pos++;
        out->ep = field(s, &pos, ",]", &bad, 0);
        if (out->ep == NULL)
            goto fail;
        if (s[pos] == ',') {
            pos++;
            out->opts = field(s, &pos, "]", &bad, 1);
            if (out->opts == NULL)
                goto fail;
        }
        if (s[pos] != ']' || s[pos + 1] != 0)
            goto invalid;
        /* "[endpoint=name]" names the endpoint too (Microsoft, "String Binding"). */
        static const char kw[] = "endpoint=";
        size_t k = 0;
        while (kw[k] != 0 && lower(out->ep[k]) == (unsigned char)kw[k])
            k++;
        if (kw[k] == 0) {
            wchar16 *e = w_dup(out->ep + k);
            free(out->ep);
            out->ep = e;
            if (e == NULL)
                goto fail;
        }
    } else if (s[pos] != 0) {
        goto invalid;
    }
    if (out->ep == NULL)
        out->ep = w_ascii("");
    if (out->opts == NULL)
        out->opts = w_ascii("");
    if (out->obj == NULL || out->ep == NULL || out->opts == NULL)
        goto fail;
    /* Options: name=value pairs. */
    if (out->opts[0] != 0) {
        int eq = 0, len = 0;
        for (size_t i = 0;; i++) {
            wchar16 c = out->opts[i];
            if (c == '\\' && out->opts[i + 1] != 0) {
                i++;
                len++;
                continue;
            }
            if (c == ',' || c == 0) {
                if (eq != 1 || len == 0)
                    goto invalid;
                eq = 0;
                len = 0;
                if (c == 0)
                    break;
            } else if (c == '=') {
                if (len == 0)
                    goto invalid;
                eq++;
            } else {
                len++;
            }
        }
    }
    if (out->obj[0] != 0 && !is_uuid(out->obj)) {
        parsed_free(out);
        return RPC_S_INVALID_STRING_UUID;
    }
    int ps = protseq_of(out->ps);
    if (ps == PS_NONE) {
        parsed_free(out);
        return RPC_S_PROTSEQ_NOT_SUPPORTED;
    }
    if (out->ep[0] != 0) {
        RPC_STATUS st = endpoint_check(ps, out->ep);
        if (st != RPC_S_OK) {
            parsed_free(out);
            return st;
        }
    }
    return RPC_S_OK;
invalid:
    parsed_free(out);
    return RPC_S_INVALID_STRING_BINDING;
fail:
    parsed_free(out);
    return bad ? RPC_S_INVALID_STRING_BINDING : RPC_S_OUT_OF_MEMORY;
}

/* ---- client functions ------------------------------------------------------------------------ */

SIM_EXPORT RPC_STATUS RpcStringBindingComposeW(RPC_WSTR ObjUuid, RPC_WSTR ProtSeq,
    RPC_WSTR NetworkAddr, RPC_WSTR Endpoint, RPC_WSTR Options, RPC_WSTR *StringBinding)
{
    if (StringBinding == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcStringBindingComposeW: StringBinding is NULL");
        return RPC_S_INVALID_ARG;
    }
    *StringBinding = NULL;
    /* Compose only joins and escapes: it checks nothing (Microsoft: the string is checked when
     * a binding is made from it). STRICT: an object UUID, if given, must be well formed. */
    if (ObjUuid != NULL && ObjUuid[0] != 0 && !is_uuid(ObjUuid))
        return RPC_S_INVALID_STRING_UUID;
    if (w_len(ProtSeq) + w_len(NetworkAddr) + w_len(Endpoint) + w_len(Options) > SIM_WSTR_MAX)
        return RPC_S_INVALID_STRING_BINDING;
    wchar16 *s = compose(ObjUuid, ProtSeq, NetworkAddr, Endpoint, Options);
    if (s == NULL)
        return RPC_S_OUT_OF_MEMORY;
    bind_lock();
    *StringBinding = rpcstr_give_locked(s);
    bind_unlock();
    return *StringBinding != NULL ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
}

SIM_EXPORT RPC_STATUS RpcStringFreeW(RPC_WSTR *String)
{
    if (String == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcStringFreeW: String is NULL");
        return RPC_S_INVALID_ARG;
    }
    if (*String == NULL)
        return RPC_S_OK; /* Microsoft: a NULL string is allowed, nothing happens */
    bind_lock();
    int known = alloc_untrack_locked(*String);
    bind_unlock();
    if (!known) {
        sim_misuse(SIM_MISUSE_INVALID_HANDLE,
                   "RpcStringFreeW: %p is not a string the runtime handed out (or freed twice)",
                   (void *)*String);
        return RPC_S_INVALID_ARG;
    }
    free(*String);
    *String = NULL;
    return RPC_S_OK;
}

SIM_EXPORT RPC_STATUS RpcBindingFromStringBindingW(RPC_WSTR StringBinding,
                                                    RPC_BINDING_HANDLE *Binding)
{
    if (Binding == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcBindingFromStringBindingW: Binding is NULL");
        return RPC_S_INVALID_ARG;
    }
    *Binding = NULL;
    parsed p;
    RPC_STATUS st = parse(StringBinding, &p);
    if (st != RPC_S_OK)
        return st;
    bind_lock();
    sim_binding *b = binding_new_locked();
    if (b == NULL) {
        bind_unlock();
        parsed_free(&p);
        return RPC_S_OUT_OF_MEMORY;
    }
    b->protseq = protseq_of(p.ps);
    b->objuuid = p.obj;
    b->netaddr = p.addr;
    b->endpoint = p.ep;
    b->options = p.opts;
    free(p.ps);
    *Binding = b;
    bind_unlock();
    return RPC_S_OK;
}

/* Resolves a binding handle argument: a live binding, or records the misuse and returns NULL. */
static sim_binding *live_or_misuse_locked(const void *h, const char *fn)
{
    sim_binding *b = binding_live_locked(h);
    if (b == NULL)
        sim_misuse(SIM_MISUSE_INVALID_HANDLE, "%s: %p is not a live binding handle", fn, h);
    return b;
}

SIM_EXPORT RPC_STATUS RpcBindingToStringBindingW(RPC_BINDING_HANDLE Binding,
                                                  RPC_WSTR *StringBinding)
{
    if (StringBinding == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcBindingToStringBindingW: StringBinding is NULL");
        return RPC_S_INVALID_ARG;
    }
    *StringBinding = NULL;
    bind_lock();
    sim_binding *b = live_or_misuse_locked(Binding, "RpcBindingToStringBindingW");
    RPC_STATUS st = RPC_S_INVALID_BINDING;
    if (b != NULL) {
        wchar16 *ps = w_ascii(protseq_name(b->protseq));
        wchar16 *s = ps == NULL ? NULL : compose(b->objuuid, ps, b->netaddr, b->endpoint, b->options);
        free(ps);
        *StringBinding = rpcstr_give_locked(s);
        st = *StringBinding != NULL ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcBindingFree(RPC_BINDING_HANDLE *Binding)
{
    if (Binding == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcBindingFree: Binding is NULL");
        return RPC_S_INVALID_ARG;
    }
    bind_lock();
    sim_binding *b = live_or_misuse_locked(*Binding, "RpcBindingFree");
    if (b == NULL) {
        bind_unlock();
        return RPC_S_INVALID_BINDING;
    }
    if (b->calls > 0) {
        /* Microsoft: a binding must not be freed while calls made on it are outstanding. The
         * simulator keeps the record until they end, and records the misuse. */
        sim_misuse(SIM_MISUSE_BINDING_FREED_IN_CALL,
                   "RpcBindingFree: binding %p has %d call(s) in flight", (void *)b, b->calls);
        b->freed = 1;
    } else {
        binding_destroy_locked(b);
    }
    *Binding = NULL;
    bind_unlock();
    return RPC_S_OK;
}

static RPC_STATUS copy_auth(sim_binding *d, const sim_binding *s)
{
    d->has_auth = s->has_auth;
    d->authn_level = s->authn_level;
    d->authn_svc = s->authn_svc;
    d->authz_svc = s->authz_svc;
    d->has_identity = s->has_identity;
    d->has_qos = s->has_qos;
    d->qos = s->qos;
    memcpy(d->opts, s->opts, sizeof d->opts);
    if (s->principal != NULL && (d->principal = w_dup(s->principal)) == NULL)
        return RPC_S_OUT_OF_MEMORY;
    if (s->identity_user != NULL && (d->identity_user = w_dup(s->identity_user)) == NULL)
        return RPC_S_OUT_OF_MEMORY;
    return RPC_S_OK;
}

SIM_EXPORT RPC_STATUS RpcBindingCopy(RPC_BINDING_HANDLE SourceBinding,
                                     RPC_BINDING_HANDLE *DestinationBinding)
{
    if (DestinationBinding == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcBindingCopy: DestinationBinding is NULL");
        return RPC_S_INVALID_ARG;
    }
    *DestinationBinding = NULL;
    bind_lock();
    sim_binding *s = live_or_misuse_locked(SourceBinding, "RpcBindingCopy");
    if (s == NULL) {
        bind_unlock();
        return RPC_S_INVALID_BINDING;
    }
    sim_binding *d = binding_new_locked();
    RPC_STATUS st = d == NULL ? RPC_S_OUT_OF_MEMORY : RPC_S_OK;
    if (d != NULL) {
        d->server_side = s->server_side;
        d->protseq = s->protseq;
        d->objuuid = w_dup(s->objuuid);
        d->netaddr = w_dup(s->netaddr);
        d->endpoint = w_dup(s->endpoint);
        d->options = w_dup(s->options);
        st = copy_auth(d, s);
        if (st == RPC_S_OK && (d->objuuid == NULL || d->netaddr == NULL || d->endpoint == NULL ||
                               d->options == NULL))
            st = RPC_S_OUT_OF_MEMORY;
        if (st != RPC_S_OK)
            binding_destroy_locked(d);
        else
            *DestinationBinding = d;
    }
    bind_unlock();
    return st;
}

static int known_authn_svc(uint32_t svc)
{
    return svc == WINRPC_RPC_C_AUTHN_NONE || svc == WINRPC_RPC_C_AUTHN_WINNT ||
           svc == WINRPC_RPC_C_AUTHN_GSS_NEGOTIATE || svc == WINRPC_RPC_C_AUTHN_GSS_KERBEROS ||
           svc == WINRPC_RPC_C_AUTHN_GSS_SCHANNEL || svc == WINRPC_RPC_C_AUTHN_DEFAULT;
}

SIM_HIDDEN int sim_known_authn_svc(uint32_t svc) { return known_authn_svc(svc); }

SIM_EXPORT RPC_STATUS RpcBindingSetAuthInfoExW(RPC_BINDING_HANDLE Binding, RPC_WSTR ServerPrincName,
    uint32_t AuthnLevel, uint32_t AuthnSvc, RPC_AUTH_IDENTITY_HANDLE AuthIdentity,
    uint32_t AuthzSvc, RPC_SECURITY_QOS *SecurityQos)
{
    if (AuthnLevel > WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
        return RPC_S_UNKNOWN_AUTHN_LEVEL;
    if (!known_authn_svc(AuthnSvc))
        return RPC_S_UNKNOWN_AUTHN_SERVICE;
    if (SecurityQos != NULL &&
        (SecurityQos->Version < 1 || SecurityQos->Version > 5 ||
         SecurityQos->ImpersonationType > WINRPC_RPC_C_IMP_LEVEL_DELEGATE ||
         SecurityQos->IdentityTracking > WINRPC_RPC_C_QOS_IDENTITY_DYNAMIC))
        return RPC_S_INVALID_ARG;
    /* The identity is read now (Microsoft: with RPC_C_QOS_IDENTITY_STATIC the runtime copies
     * it); the simulator keeps only DOMAIN\User, never the password. */
    wchar16 *user = NULL;
    if (AuthIdentity != NULL) {
        const SEC_WINNT_AUTH_IDENTITY_W *id = AuthIdentity;
        if (!(id->Flags & WINRPC_SEC_WINNT_AUTH_IDENTITY_UNICODE) || id->User == NULL ||
            id->UserLength > SIM_WSTR_MAX || id->DomainLength > SIM_WSTR_MAX)
            return RPC_S_INVALID_ARG;
        wbuf wb = {0};
        for (uint32_t i = 0; id->Domain != NULL && i < id->DomainLength; i++)
            wb_put(&wb, id->Domain[i]);
        if (id->Domain != NULL && id->DomainLength > 0)
            wb_put(&wb, '\\');
        for (uint32_t i = 0; i < id->UserLength; i++)
            wb_put(&wb, id->User[i]);
        if (wb.oom || wb.p == NULL) {
            free(wb.p);
            return RPC_S_OUT_OF_MEMORY;
        }
        user = wb.p;
    }
    wchar16 *spn = ServerPrincName != NULL ? w_dup(ServerPrincName) : NULL;
    bind_lock();
    sim_binding *b = live_or_misuse_locked(Binding, "RpcBindingSetAuthInfoExW");
    RPC_STATUS st = RPC_S_INVALID_BINDING;
    if (b != NULL && b->server_side) {
        st = RPC_S_WRONG_KIND_OF_BINDING;
    } else if (b != NULL) {
        free(b->principal);
        free(b->identity_user);
        b->principal = spn;
        b->identity_user = user;
        spn = user = NULL;
        b->authn_svc = AuthnSvc == WINRPC_RPC_C_AUTHN_DEFAULT ? WINRPC_RPC_C_AUTHN_WINNT : AuthnSvc;
        /* STRICT: RPC_C_AUTHN_LEVEL_DEFAULT reads back as RPC_C_AUTHN_LEVEL_CONNECT (the DCE
         * default Microsoft names for it); RPC_C_AUTHN_NONE makes the level NONE. */
        b->authn_level = AuthnSvc == WINRPC_RPC_C_AUTHN_NONE ? WINRPC_RPC_C_AUTHN_LEVEL_NONE
                         : AuthnLevel == WINRPC_RPC_C_AUTHN_LEVEL_DEFAULT
                             ? WINRPC_RPC_C_AUTHN_LEVEL_CONNECT
                             : AuthnLevel;
        b->authz_svc = AuthzSvc;
        b->has_identity = AuthIdentity != NULL;
        b->has_qos = SecurityQos != NULL;
        if (SecurityQos != NULL) {
            b->qos = *SecurityQos;
            b->qos.Version = 1;
        }
        b->has_auth = AuthnSvc != WINRPC_RPC_C_AUTHN_NONE;
        st = RPC_S_OK;
    }
    bind_unlock();
    free(spn);
    free(user);
    return st;
}

SIM_EXPORT RPC_STATUS RpcBindingInqAuthInfoExW(RPC_BINDING_HANDLE Binding, RPC_WSTR *ServerPrincName,
    uint32_t *AuthnLevel, uint32_t *AuthnSvc, RPC_AUTH_IDENTITY_HANDLE *AuthIdentity,
    uint32_t *AuthzSvc, uint32_t RpcQosVersion, RPC_SECURITY_QOS *SecurityQOS)
{
    if (ServerPrincName != NULL)
        *ServerPrincName = NULL;
    bind_lock();
    sim_binding *b = live_or_misuse_locked(Binding, "RpcBindingInqAuthInfoExW");
    RPC_STATUS st = RPC_S_INVALID_BINDING;
    if (b != NULL && !b->has_auth) {
        st = RPC_S_BINDING_HAS_NO_AUTH;
    } else if (b != NULL) {
        st = RPC_S_OK;
        if (SecurityQOS != NULL && (RpcQosVersion < 1 || RpcQosVersion > 5))
            st = RPC_S_INVALID_ARG;
        if (st == RPC_S_OK && ServerPrincName != NULL && b->principal != NULL) {
            *ServerPrincName = rpcstr_give_locked(w_dup(b->principal));
            if (*ServerPrincName == NULL)
                st = RPC_S_OUT_OF_MEMORY;
        }
        if (st == RPC_S_OK) {
            if (AuthnLevel != NULL)
                *AuthnLevel = b->authn_level;
            if (AuthnSvc != NULL)
                *AuthnSvc = b->authn_svc;
            if (AuthzSvc != NULL)
                *AuthzSvc = b->authz_svc;
            /* STRICT: the identity handle is the runtime's; the simulator hands out none. */
            if (AuthIdentity != NULL)
                *AuthIdentity = NULL;
            if (SecurityQOS != NULL) {
                RPC_SECURITY_QOS q = b->has_qos ? b->qos : (RPC_SECURITY_QOS){1, 0, 0, 0};
                q.Version = 1;
                *SecurityQOS = q; /* the V1 fields, whatever RpcQosVersion says */
            }
        }
    }
    bind_unlock();
    return st;
}

static int known_option(uint32_t option)
{
    return option >= WINRPC_RPC_C_OPT_BINDING_NONCAUSAL && option <= WINRPC_RPC_C_OPT_DONT_LINGER;
}

SIM_EXPORT RPC_STATUS RpcBindingSetOption(RPC_BINDING_HANDLE hBinding, uint32_t option,
                                          uintptr_t optionValue)
{
    bind_lock();
    sim_binding *b = live_or_misuse_locked(hBinding, "RpcBindingSetOption");
    RPC_STATUS st = RPC_S_INVALID_BINDING;
    if (b != NULL) {
        /* STRICT: the options of rpcdce.h only; the message-queue options (1 to 8) belong to a
         * protocol sequence the simulator does not support. */
        st = known_option(option) ? RPC_S_OK : RPC_S_INVALID_ARG;
        if (st == RPC_S_OK)
            b->opts[option] = optionValue;
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcBindingInqOption(RPC_BINDING_HANDLE hBinding, uint32_t option,
                                          uintptr_t *pOptionValue)
{
    if (pOptionValue == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcBindingInqOption: pOptionValue is NULL");
        return RPC_S_INVALID_ARG;
    }
    bind_lock();
    sim_binding *b = live_or_misuse_locked(hBinding, "RpcBindingInqOption");
    RPC_STATUS st = RPC_S_INVALID_BINDING;
    if (b != NULL) {
        st = known_option(option) ? RPC_S_OK : RPC_S_INVALID_ARG;
        if (st == RPC_S_OK)
            *pOptionValue = b->opts[option]; /* 0 until set: no timeout, causal, ... */
    }
    bind_unlock();
    return st;
}

SIM_EXPORT RPC_STATUS RpcEpResolveBinding(RPC_BINDING_HANDLE Binding, RPC_IF_HANDLE IfSpec)
{
    if (IfSpec == NULL) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "RpcEpResolveBinding: IfSpec is NULL");
        return RPC_S_INVALID_ARG;
    }
    bind_lock();
    sim_binding *b = live_or_misuse_locked(Binding, "RpcEpResolveBinding");
    RPC_STATUS st = RPC_S_INVALID_BINDING;
    if (b != NULL) {
        st = RPC_S_OK;
        if (b->endpoint[0] == 0) { /* a partially bound handle: ask the endpoint map */
            wchar16 *ep = netaddr_is_local(b->netaddr) ? epmap_lookup_locked(IfSpec, b->protseq) : NULL;
            if (ep == NULL) {
                st = EPT_S_NOT_REGISTERED;
            } else {
                free(b->endpoint);
                b->endpoint = ep;
            }
        }
    }
    bind_unlock();
    return st;
}

SIM_HIDDEN void bind_reset_locked(void)
{
    while (g_bindings != NULL)
        binding_destroy_locked(g_bindings);
    while (g_allocs != NULL) {
        alloc_rec *r = g_allocs;
        g_allocs = r->next;
        free(r->p);
        free(r);
        sim_count(SIM_COUNT_RPC_ALLOCS, -1);
    }
}
