/*
 * test_ndr.c - the generic call path (src/sim_ndr.h) with hand-written descriptors, the tables
 * the IDL compiler's SimulatorC generates: an interface "NdrTest" shaped like
 * src/test/resources/idl/subset.idl, a C client calling through sim_ndr_start /
 * sim_ndr_call_sync, and a C server (an EPV of C routines registered with
 * RpcServerRegisterIf3) answering. Every copy rule: the server sees other addresses with the
 * same contents; [out] strings, arrays and lists arrive and are freed with sim_ndr_free; a
 * [unique] null stays null; a [ref] null and bad bounds are refused at the start; [in, out]
 * round trips (an array sized by an [in, out] value may shrink; a reply that grows it fails
 * with RPC_X_INVALID_BOUND, nothing copied back); a pipe of structs; the synchronous Ping; the fixture's own operations through
 * the generic path against the simulator's server. Every scenario ends with the oracle empty
 * and the counters back at zero.
 */
#include "winrpcsim.h"
#include "sim_ndr.h"
#include "test_assert.h"
#include "test_fixture.h"

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#define TEST_EP "ndr-srv"

/* ---- the interface's C types ------------------------------------------------------------------ */

typedef struct POINT { int32_t x, y; } POINT;
typedef struct NODE { int32_t value; struct NODE *next; } NODE;
typedef struct SAMPLE { int64_t when; double value; int32_t color; uint8_t tag[4]; } SAMPLE;
typedef struct VEC { uint32_t count; int32_t values[]; } VEC;

typedef struct ASYNC_SAMPLE_PIPE {
    RPC_STATUS (*pull)(char *state, SAMPLE *buf, uint32_t esize, uint32_t *ecount);
    RPC_STATUS (*push)(char *state, SAMPLE *buf, uint32_t ecount);
    RPC_STATUS (*alloc)(char *state, uint32_t bsize, SAMPLE **buf, uint32_t *bcount);
    char *state;
} ASYNC_SAMPLE_PIPE;

typedef struct ASYNC_BYTE_PIPE {
    RPC_STATUS (*pull)(char *state, uint8_t *buf, uint32_t esize, uint32_t *ecount);
    RPC_STATUS (*push)(char *state, uint8_t *buf, uint32_t ecount);
    RPC_STATUS (*alloc)(char *state, uint32_t bsize, uint8_t **buf, uint32_t *bcount);
    char *state;
} ASYNC_BYTE_PIPE;

typedef struct NdrTest_SERVER_EPV {
    void (*Hello)(PRPC_ASYNC_STATE, void *, const uint16_t *, uint16_t **);
    void (*Sum)(PRPC_ASYNC_STATE, void *, uint32_t, int32_t *);
    void (*Swap)(PRPC_ASYNC_STATE, void *, POINT *, int32_t *);
    void (*Fill)(PRPC_ASYNC_STATE, void *, uint32_t, uint8_t *, uint32_t *);
    void (*Chain)(PRPC_ASYNC_STATE, void *, NODE *, NODE **);
    void (*Scaled)(PRPC_ASYNC_STATE, void *, int16_t, uint16_t *);
    void (*Record)(PRPC_ASYNC_STATE, void *, ASYNC_SAMPLE_PIPE *, ASYNC_BYTE_PIPE *, SAMPLE *);
    void (*Ping)(PRPC_ASYNC_STATE, void *);
    void (*Total)(PRPC_ASYNC_STATE, void *, VEC *);
    void (*Grow)(PRPC_ASYNC_STATE, void *, uint32_t *, int32_t *);
} NdrTest_SERVER_EPV;

/* ---- the descriptors ---------------------------------------------------------------------------- */

#define NOEXPR {-1, 0, 0, 0}
#define PRIM(n, sz, fl) static const sim_ndr_type n = {SIM_NDR_PRIM, fl, sz, 0, NULL, NOEXPR, NOEXPR, 0, NULL}
#define PTRSZ ((uint32_t)sizeof(void *))
#define INT SIM_NDR_INTEGER
#define SGN (SIM_NDR_INTEGER | SIM_NDR_SIGNED)

PRIM(t_u8, 1, INT);
PRIM(t_i16, 2, SGN);
PRIM(t_u16, 2, INT);
PRIM(t_i32, 4, SGN);
PRIM(t_u32, 4, INT);
PRIM(t_i64, 8, SGN);
PRIM(t_f64, 8, 0);

static const sim_ndr_type t_wstr = {SIM_NDR_STRING, 0, PTRSZ, 2, NULL, NOEXPR, NOEXPR, 0, NULL};
static const sim_ndr_type t_out_wstr = {SIM_NDR_POINTER, 0, PTRSZ, 0, &t_wstr, NOEXPR, NOEXPR, 0,
                                        NULL};
static const sim_ndr_type t_sum_values = {SIM_NDR_CONF_PTR, 0, PTRSZ, 0, &t_i32, {0, 0, 1, 0},
                                          NOEXPR, 0, NULL};
static const sim_ndr_field f_point[] = {{"x", 0, &t_i32}, {"y", 4, &t_i32}};
static const sim_ndr_type t_point = {SIM_NDR_STRUCT, 0, sizeof(POINT), 0, NULL, NOEXPR, NOEXPR, 2,
                                     f_point};
static const sim_ndr_type t_point_ref = {SIM_NDR_POINTER, 0, PTRSZ, 0, &t_point, NOEXPR, NOEXPR, 0,
                                         NULL};
static const sim_ndr_type t_i32_unique = {SIM_NDR_POINTER, SIM_NDR_UNIQUE, PTRSZ, 0, &t_i32,
                                          NOEXPR, NOEXPR, 0, NULL};
static const sim_ndr_type t_fill_buffer = {SIM_NDR_CONF_PTR, 0, PTRSZ, 0, &t_u8, {0, 0, 1, 0},
                                           {2, 1, 1, 0}, 0, NULL};
static const sim_ndr_type t_u32_ref = {SIM_NDR_POINTER, 0, PTRSZ, 0, &t_u32, NOEXPR, NOEXPR, 0,
                                       NULL};
static const sim_ndr_type t_node;
static const sim_ndr_type t_node_unique = {SIM_NDR_POINTER, SIM_NDR_UNIQUE, PTRSZ, 0, &t_node,
                                           NOEXPR, NOEXPR, 0, NULL};
static const sim_ndr_field f_node[] = {{"value", offsetof(NODE, value), &t_i32},
                                       {"next", offsetof(NODE, next), &t_node_unique}};
static const sim_ndr_type t_node = {SIM_NDR_STRUCT, 0, sizeof(NODE), 0, NULL, NOEXPR, NOEXPR, 2,
                                    f_node};
static const sim_ndr_type t_node_out = {SIM_NDR_POINTER, 0, PTRSZ, 0, &t_node_unique, NOEXPR,
                                        NOEXPR, 0, NULL};
static const sim_ndr_type t_scaled_chars = {SIM_NDR_CONF_PTR, 0, PTRSZ, 0, &t_u16, {0, 0, 2, 1},
                                            NOEXPR, 0, NULL};
static const sim_ndr_type t_tag = {SIM_NDR_FIXED, 0, 4, 4, &t_u8, NOEXPR, NOEXPR, 0, NULL};
static const sim_ndr_field f_sample[] = {{"when", offsetof(SAMPLE, when), &t_i64},
                                         {"value", offsetof(SAMPLE, value), &t_f64},
                                         {"color", offsetof(SAMPLE, color), &t_i32},
                                         {"tag", offsetof(SAMPLE, tag), &t_tag}};
static const sim_ndr_type t_sample = {SIM_NDR_STRUCT, 0, sizeof(SAMPLE), 0, NULL, NOEXPR, NOEXPR,
                                      4, f_sample};
static const sim_ndr_type t_sample_pipe = {SIM_NDR_PIPE, 0, PTRSZ, 0, &t_sample, NOEXPR, NOEXPR, 0,
                                           NULL};
static const sim_ndr_type t_byte_pipe = {SIM_NDR_PIPE, 0, PTRSZ, 0, &t_u8, NOEXPR, NOEXPR, 0, NULL};
static const sim_ndr_type t_sample_ref = {SIM_NDR_POINTER, 0, PTRSZ, 0, &t_sample, NOEXPR, NOEXPR,
                                          0, NULL};
static const sim_ndr_type t_vec_values = {SIM_NDR_CONF_INLINE, 0, 0, 0, &t_i32, {0, 0, 1, 0},
                                          NOEXPR, 0, NULL};
static const sim_ndr_field f_vec[] = {{"count", 0, &t_u32},
                                      {"values", offsetof(VEC, values), &t_vec_values}};
static const sim_ndr_type t_vec = {SIM_NDR_STRUCT, 0, offsetof(VEC, values), 0, NULL, NOEXPR,
                                   NOEXPR, 2, f_vec};
static const sim_ndr_type t_vec_ref = {SIM_NDR_POINTER, 0, PTRSZ, 0, &t_vec, NOEXPR, NOEXPR, 0,
                                       NULL};

#define IN SIM_NDR_IN
#define OUT SIM_NDR_OUT
static const sim_ndr_param p_hello[] = {{"who", IN, &t_wstr}, {"greeting", OUT, &t_out_wstr}};
static const sim_ndr_param p_sum[] = {{"n", IN, &t_u32}, {"values", IN, &t_sum_values}};
static const sim_ndr_param p_swap[] = {{"p", IN | OUT, &t_point_ref},
                                       {"optional", IN | OUT, &t_i32_unique}};
static const sim_ndr_param p_fill[] = {{"max", IN, &t_u32}, {"buffer", OUT, &t_fill_buffer},
                                       {"written", OUT, &t_u32_ref}};
static const sim_ndr_param p_chain[] = {{"list", IN, &t_node_unique},
                                        {"reversed", OUT, &t_node_out}};
static const sim_ndr_param p_scaled[] = {{"n", IN, &t_i16}, {"chars", IN, &t_scaled_chars}};
static const sim_ndr_param p_record[] = {{"samples", IN, &t_sample_pipe},
                                         {"log", OUT, &t_byte_pipe}, {"last", OUT, &t_sample_ref}};
static const sim_ndr_param p_total[] = {{"v", IN, &t_vec_ref}};
/* Grow([in, out] unsigned long *n, [in, out, size_is(*n)] long *values) */
static const sim_ndr_type t_grow_values = {SIM_NDR_CONF_PTR, 0, PTRSZ, 0, &t_i32, {0, 1, 1, 0},
                                           NOEXPR, 0, NULL};
static const sim_ndr_param p_grow[] = {{"n", IN | OUT, &t_u32_ref}, {"values", IN | OUT, &t_grow_values}};

/* The invokers: the EPV member cast back to its C signature. */
#define V(T, i) (*(T *)a[i])
static void inv_hello(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, const uint16_t *, uint16_t **))fn)(
        s, h, V(const uint16_t *, 0), V(uint16_t **, 1));
}
static void inv_sum(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, uint32_t, int32_t *))fn)(s, h, V(uint32_t, 0),
                                                                   V(int32_t *, 1));
}
static void inv_swap(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, POINT *, int32_t *))fn)(s, h, V(POINT *, 0),
                                                                  V(int32_t *, 1));
}
static void inv_fill(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, uint32_t, uint8_t *, uint32_t *))fn)(
        s, h, V(uint32_t, 0), V(uint8_t *, 1), V(uint32_t *, 2));
}
static void inv_chain(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, NODE *, NODE **))fn)(s, h, V(NODE *, 0), V(NODE **, 1));
}
static void inv_scaled(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, int16_t, uint16_t *))fn)(s, h, V(int16_t, 0),
                                                                   V(uint16_t *, 1));
}
static void inv_record(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, ASYNC_SAMPLE_PIPE *, ASYNC_BYTE_PIPE *, SAMPLE *))fn)(
        s, h, V(ASYNC_SAMPLE_PIPE *, 0), V(ASYNC_BYTE_PIPE *, 1), V(SAMPLE *, 2));
}
static void inv_ping(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    (void)a;
    ((void (*)(PRPC_ASYNC_STATE, void *))fn)(s, h);
}
static void inv_total(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, VEC *))fn)(s, h, V(VEC *, 0));
}
static void inv_grow(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, uint32_t *, int32_t *))fn)(s, h, V(uint32_t *, 0),
                                                                     V(int32_t *, 1));
}

static const sim_ndr_op g_ops[] = {
    {"Hello", 4, 2, p_hello, inv_hello},     {"Sum", 4, 2, p_sum, inv_sum},
    {"Swap", 0, 2, p_swap, inv_swap},        {"Fill", 4, 3, p_fill, inv_fill},
    {"Chain", 4, 2, p_chain, inv_chain},     {"Scaled", 4, 2, p_scaled, inv_scaled},
    {"Record", 4, 3, p_record, inv_record},  {"Ping", 1, 0, NULL, inv_ping},
    {"Total", 4, 1, p_total, inv_total},     {"Grow", 0, 2, p_grow, inv_grow},
};
enum { OP_HELLO, OP_SUM, OP_SWAP, OP_FILL, OP_CHAIN, OP_SCALED, OP_RECORD, OP_PING, OP_TOTAL, OP_GROW };

static const WINRPC_IF_HEADER g_if = {
    (uint32_t)sizeof(WINRPC_IF_HEADER),
    {{0x4e5a1f6cu, 0x8d3bu, 0x4c2au, {0x9b, 0x1e, 0x7f, 0x0a, 0x6d, 0x5c, 0x4b, 0x3a}}, {2, 1}}};
static const sim_ndr_iface g_iface = {"NdrTest", &g_if, 10, g_ops};

/* ---- the server ----------------------------------------------------------------------------------- */

static const void *volatile g_client_addr[2]; /* addresses the client passed, to compare */
static _Atomic int g_server_checks;           /* server-side checks that failed */
static _Atomic int g_null_seen;               /* Swap's optional arrived null */

#define SCHECK(c)                                                                             \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "    server check failed: %s (line %d)\n", #c, __LINE__);        \
            atomic_fetch_add(&g_server_checks, 1);                                            \
        }                                                                                     \
    } while (0)

static void complete(PRPC_ASYNC_STATE s, void *reply)
{
    SCHECK(RpcAsyncCompleteCall(s, reply) == RPC_S_OK);
}

static size_t wlen(const uint16_t *w)
{
    size_t n = 0;
    while (w[n] != 0)
        n++;
    return n;
}

static void s_hello(PRPC_ASYNC_STATE s, void *h, const uint16_t *who, uint16_t **greeting)
{
    (void)h;
    SCHECK(who != NULL && (const void *)who != g_client_addr[0]);
    SCHECK(greeting != NULL && (const void *)greeting != g_client_addr[1] && *greeting == NULL);
    size_t n = wlen(who);
    if (n == 0) { /* leaves the [ref] [out] string null: the reply cannot be made */
        uint32_t r = 0;
        complete(s, &r);
        return;
    }
    uint16_t *g = sim_ndr_alloc((n + 7) * sizeof *g);
    static const char hi[] = "hello ";
    for (size_t i = 0; i < 6; i++)
        g[i] = (uint16_t)hi[i];
    memcpy(g + 6, who, (n + 1) * sizeof *g);
    *greeting = g;
    uint32_t r = 0;
    complete(s, &r);
}

static void s_sum(PRPC_ASYNC_STATE s, void *h, uint32_t n, int32_t *values)
{
    (void)h;
    SCHECK((const void *)values != g_client_addr[0]);
    int32_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += values[i];
    values[0] = -999; /* the server's own copy: the client's array must not change */
    complete(s, &sum);
}

static void s_swap(PRPC_ASYNC_STATE s, void *h, POINT *p, int32_t *optional)
{
    (void)h;
    SCHECK((const void *)p != g_client_addr[0]);
    int32_t t = p->x;
    p->x = p->y;
    p->y = t;
    if (optional == NULL)
        atomic_store(&g_null_seen, 1);
    else
        *optional *= 2;
    complete(s, NULL); /* void: no reply buffer */
}

static void s_fill(PRPC_ASYNC_STATE s, void *h, uint32_t max, uint8_t *buffer, uint32_t *written)
{
    (void)h;
    SCHECK((const void *)buffer != g_client_addr[0] && (const void *)written != g_client_addr[1]);
    for (uint32_t i = 0; i < max; i++)
        SCHECK(buffer[i] == 0); /* [out] targets are zeroed */
    *written = max / 2;
    for (uint32_t i = 0; i < max; i++)
        buffer[i] = (uint8_t)(i + 1);
    int32_t r = (int32_t)max;
    complete(s, &r);
}

static void s_chain(PRPC_ASYNC_STATE s, void *h, NODE *list, NODE **reversed)
{
    (void)h;
    int32_t n = 0;
    NODE *rev = NULL;
    for (NODE *k = list; k != NULL; k = k->next) {
        SCHECK((const void *)k != g_client_addr[0] && (const void *)k != g_client_addr[1]);
        NODE *m = sim_ndr_alloc(sizeof *m);
        m->value = k->value;
        m->next = rev;
        rev = m;
        n++;
    }
    *reversed = rev;
    complete(s, &n);
}

static void s_scaled(PRPC_ASYNC_STATE s, void *h, int16_t n, uint16_t *chars)
{
    (void)h;
    int32_t r = 0;
    for (int i = 0; i < n * 2 + 1; i++)
        r += chars[i];
    complete(s, &r);
}

/* Pulls the samples (waiting on the state's event when a pull pends), logs one byte per
 * sample, answers the last one. */
static void s_record(PRPC_ASYNC_STATE s, void *h, ASYNC_SAMPLE_PIPE *in, ASYNC_BYTE_PIPE *out,
                     SAMPLE *last)
{
    (void)h;
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    s->u.hEvent = ev;
    s->NotificationType = RpcNotificationTypeEvent;
    int32_t count = 0;
    uint8_t log[64];
    SAMPLE buf[4];
    for (;;) {
        uint32_t got = 0;
        RPC_STATUS st = in->pull(in->state, buf, 4, &got);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            SCHECK(WaitForSingleObject(ev, 10000) == SIM_WAIT_OBJECT_0);
            continue;
        }
        SCHECK(st == RPC_S_OK);
        if (st != RPC_S_OK || got == 0)
            break;
        for (uint32_t i = 0; i < got; i++) {
            if (count < 64)
                log[count] = buf[i].tag[0];
            *last = buf[i];
            count++;
        }
    }
    if (count > 0) /* a push of 0 elements would be the null push */
        SCHECK(out->push(out->state, log, (uint32_t)(count < 64 ? count : 64)) == RPC_S_OK);
    SCHECK(out->push(out->state, NULL, 0) == RPC_S_OK);
    complete(s, &count);
    CloseHandle(ev);
}

static void s_ping(PRPC_ASYNC_STATE s, void *h)
{
    (void)h;
    uint8_t yes = 1;
    complete(s, &yes);
}

static void s_total(PRPC_ASYNC_STATE s, void *h, VEC *v)
{
    (void)h;
    SCHECK((const void *)v != g_client_addr[0]);
    int32_t sum = 0;
    for (uint32_t i = 0; i < v->count; i++)
        sum += v->values[i];
    complete(s, &sum);
}

/* Shrinks an [in, out] size_is of 3 or more to 2, raises one of 2 to 3 (which the reply refuses) */
static void s_grow(PRPC_ASYNC_STATE s, void *h, uint32_t *n, int32_t *values)
{
    (void)h;
    SCHECK((const void *)values != g_client_addr[0]);
    if (*n >= 3) {
        *n = 2;
        values[0] = 7;
        values[1] = 8;
    } else {
        *n = 3; /* the copies hold 2: a reply that cannot be made */
    }
    complete(s, NULL);
}

static const NdrTest_SERVER_EPV g_epv = {s_hello, s_sum, s_swap, s_fill, s_chain, s_scaled,
                                         s_record, s_ping, s_total, s_grow};

static void serve(void)
{
    uint16_t wp[256], we[256];
    RPC_STATUS st = RpcServerUseProtseqEpW(tfx_w("ncalrpc", wp), 10, tfx_w(TEST_EP, we), NULL);
    REQUIRE(st == RPC_S_OK || st == RPC_S_DUPLICATE_ENDPOINT);
    REQUIRE(RpcServerRegisterIf3((void *)&g_if, NULL, (void *)&g_epv, WINRPC_RPC_IF_AUTOLISTEN,
                                 WINRPC_RPC_C_LISTEN_MAX_CALLS_DEFAULT, (uint32_t)-1, NULL,
                                 NULL) == RPC_S_OK);
}

static void stop(void)
{
    CHECK_EQ(RpcServerUnregisterIf((void *)&g_if, NULL, 1), RPC_S_OK);
}

/* ---- the client ------------------------------------------------------------------------------------ */

typedef struct cli {
    RPC_ASYNC_STATE st;
    HANDLE ev;
    void *hb;
} cli;

static void cli_open(cli *c, const char *ep)
{
    memset(c, 0, sizeof *c);
    REQUIRE(RpcAsyncInitializeHandle(&c->st, sizeof c->st) == RPC_S_OK);
    c->ev = CreateEventW(NULL, 0, 0, NULL);
    REQUIRE(c->ev != NULL);
    c->st.NotificationType = RpcNotificationTypeEvent;
    c->st.u.hEvent = c->ev;
    REQUIRE(tfx_bind(ep, &c->hb) == RPC_S_OK);
}

static RPC_STATUS cli_complete(cli *c, void *reply)
{
    RPC_STATUS st;
    uint64_t end = ta_now_ms() + 10000;
    while ((st = RpcAsyncCompleteCall(&c->st, reply)) == RPC_S_ASYNC_CALL_PENDING &&
           ta_now_ms() < end)
        (void)WaitForSingleObject(c->ev, 200);
    return st;
}

/* Waits (until end) for the notification of a pending pull: pulling again before it is a pipe
 * discipline error, so a wait that times out under load must not lead to another pull. */
static int cli_notified(cli *c, uint64_t end)
{
    while (ta_now_ms() < end)
        if (WaitForSingleObject(c->ev, 200) == SIM_WAIT_OBJECT_0)
            return 1;
    return 0;
}

static void cli_close(cli *c)
{
    CHECK(CloseHandle(c->ev));
    CHECK_EQ(tfx_unbind(&c->hb), RPC_S_OK);
}

/* Nothing left, nothing recorded, no failed server check. */
static void end_clean(void)
{
    tfx_counters_zero();
    tfx_no_misuse();
    CHECK_EQ(atomic_load(&g_server_checks), 0);
    atomic_store(&g_server_checks, 0);
    sim_reset();
}

/* The oracle holds exactly one misuse, of this kind; it is cleared. */
#define EXPECT_ONE_MISUSE(kind)                                                               \
    do {                                                                                      \
        CHECK_EQ(sim_misuse_count(), 1);                                                      \
        CHECK_EQ(sim_misuse_get(0, NULL, 0), (kind));                                         \
        sim_misuse_clear();                                                                   \
    } while (0)

/* ---- the scenarios ------------------------------------------------------------------------------ */

static void test_in_copies_and_out_data(void)
{
    serve();
    cli c;

    /* Hello: an [in] string copied, an [out] string allocated for the client */
    cli_open(&c, TEST_EP);
    uint16_t who[256];
    tfx_w("world", who);
    uint16_t *greeting = (uint16_t *)(uintptr_t)1; /* overwritten by the reply */
    const uint16_t *whop = who;
    uint16_t **gp = &greeting;
    void *a_hello[] = {&whop, &gp};
    g_client_addr[0] = who;
    g_client_addr[1] = &greeting;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_HELLO, &c.st, c.hb, a_hello), RPC_S_OK);
    uint32_t r32 = 99;
    CHECK_EQ(cli_complete(&c, &r32), RPC_S_OK);
    CHECK_EQ(r32, 0);
    uint16_t expect[256];
    tfx_w("hello world", expect);
    REQUIRE(greeting != NULL && greeting != (uint16_t *)(uintptr_t)1);
    CHECK(memcmp(greeting, expect, 12 * sizeof *expect) == 0);
    sim_ndr_free(greeting);
    cli_close(&c);

    /* Sum: a conformant [in] array of size_is(n); the server's writes stay its own */
    cli_open(&c, TEST_EP);
    int32_t values[5] = {1, 2, 3, 4, 5};
    uint32_t n = 5;
    int32_t *vp = values;
    void *a_sum[] = {&n, &vp};
    g_client_addr[0] = values;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_SUM, &c.st, c.hb, a_sum), RPC_S_OK);
    int32_t r = 0;
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 15);
    CHECK_EQ(values[0], 1);
    cli_close(&c);

    /* Fill: [out] conformant array, length_is(*written) of it written back */
    cli_open(&c, TEST_EP);
    uint8_t buffer[10];
    memset(buffer, 0xEE, sizeof buffer);
    uint32_t max = 10, written = 0;
    uint8_t *bp = buffer;
    uint32_t *wp = &written;
    void *a_fill[] = {&max, &bp, &wp};
    g_client_addr[0] = buffer;
    g_client_addr[1] = &written;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_FILL, &c.st, c.hb, a_fill), RPC_S_OK);
    CHECK_EQ(buffer[0], 0xEE); /* nothing is written before the final completion */
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 10);
    CHECK_EQ(written, 5);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(buffer[i], i + 1);
    CHECK_EQ(buffer[5], 0xEE); /* beyond length_is: untouched */
    cli_close(&c);

    /* Chain: a [unique] list deep-copied in; a new list out, freed with sim_ndr_free */
    cli_open(&c, TEST_EP);
    NODE n3 = {3, NULL}, n2 = {2, &n3}, n1 = {1, &n2};
    NODE *list = &n1, *reversed = NULL;
    NODE **rp = &reversed;
    void *a_chain[] = {&list, &rp};
    g_client_addr[0] = &n1;
    g_client_addr[1] = &n2;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_CHAIN, &c.st, c.hb, a_chain), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 3);
    int32_t seen[3] = {0, 0, 0};
    int k = 0;
    for (NODE *m = reversed; m != NULL && k < 3; m = m->next)
        seen[k++] = m->value;
    CHECK_EQ(k, 3);
    CHECK(seen[0] == 3 && seen[1] == 2 && seen[2] == 1);
    while (reversed != NULL) {
        NODE *next = reversed->next;
        CHECK(reversed != &n1 && reversed != &n2 && reversed != &n3);
        sim_ndr_free(reversed);
        reversed = next;
    }
    /* ... and an empty [unique] list stays null both ways */
    list = NULL;
    reversed = &n1;
    REQUIRE(RpcAsyncInitializeHandle(&c.st, sizeof c.st) == RPC_S_OK);
    c.st.NotificationType = RpcNotificationTypeEvent;
    c.st.u.hEvent = c.ev;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_CHAIN, &c.st, c.hb, a_chain), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 0);
    CHECK(reversed == NULL);
    cli_close(&c);

    /* Total: a struct with a conformant array of its own count's size */
    cli_open(&c, TEST_EP);
    VEC *v = malloc(sizeof *v + 4 * sizeof(int32_t));
    REQUIRE(v != NULL);
    v->count = 4;
    for (int i = 0; i < 4; i++)
        v->values[i] = 10 * (i + 1);
    void *a_total[] = {&v};
    g_client_addr[0] = v;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_TOTAL, &c.st, c.hb, a_total), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 100);
    free(v);
    cli_close(&c);

    /* Grow: an [in, out] array sized by an [in, out] value may shrink, but not grow */
    cli_open(&c, TEST_EP);
    uint32_t gn = 3;
    int32_t gv[3] = {1, 2, 3};
    uint32_t *gnp = &gn;
    int32_t *gvp = gv;
    void *a_grow[] = {&gnp, &gvp};
    g_client_addr[0] = gv;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_GROW, &c.st, c.hb, a_grow), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, NULL), RPC_S_OK);
    CHECK(gn == 2 && gv[0] == 7 && gv[1] == 8 && gv[2] == 3);
    cli_close(&c);
    cli_open(&c, TEST_EP);
    CHECK_EQ(sim_ndr_start(&g_iface, OP_GROW, &c.st, c.hb, a_grow), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, NULL), SIM_RPC_S_INVALID_BOUND);
    CHECK(gn == 2 && gv[0] == 7 && gv[1] == 8 && gv[2] == 3); /* nothing copied back */
    cli_close(&c);

    /* Scaled: size_is(n * 2 + 1) */
    cli_open(&c, TEST_EP);
    uint16_t chars[5] = {1, 2, 3, 4, 5};
    int16_t sn = 2;
    uint16_t *cp = chars;
    void *a_scaled[] = {&sn, &cp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_SCALED, &c.st, c.hb, a_scaled), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 15);
    cli_close(&c);

    stop();
    end_clean();
}

static void test_in_out_round_trip(void)
{
    serve();
    cli c;
    cli_open(&c, TEST_EP);
    POINT p = {1, 2};
    int32_t opt = 21;
    POINT *pp = &p;
    int32_t *op = &opt;
    void *a_swap[] = {&pp, &op};
    g_client_addr[0] = &p;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_SWAP, &c.st, c.hb, a_swap), RPC_S_OK);
    CHECK(p.x == 1 && p.y == 2);
    CHECK_EQ(cli_complete(&c, NULL), RPC_S_OK); /* void: no reply buffer */
    CHECK(p.x == 2 && p.y == 1);
    CHECK_EQ(opt, 42);
    CHECK_EQ(atomic_load(&g_null_seen), 0);
    cli_close(&c);

    /* a [unique] [in, out] null stays null */
    cli_open(&c, TEST_EP);
    op = NULL;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_SWAP, &c.st, c.hb, a_swap), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, NULL), RPC_S_OK);
    CHECK(op == NULL);
    CHECK(p.x == 1 && p.y == 2);
    CHECK_EQ(atomic_load(&g_null_seen), 1);
    atomic_store(&g_null_seen, 0);
    cli_close(&c);
    stop();
    end_clean();
}

static void test_refused_at_start(void)
{
    serve();
    cli c;
    cli_open(&c, TEST_EP);
    int32_t r = 0;
    /* a [ref] array that is null */
    uint32_t n = 3;
    int32_t *vp = NULL;
    void *a_sum[] = {&n, &vp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_SUM, &c.st, c.hb, a_sum), SIM_RPC_X_NULL_REF_POINTER);
    /* a [ref] string that is null */
    const uint16_t *whop = NULL;
    uint16_t *greeting = NULL;
    uint16_t **gp = &greeting;
    void *a_hello[] = {&whop, &gp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_HELLO, &c.st, c.hb, a_hello), SIM_RPC_X_NULL_REF_POINTER);
    /* an [out] pointer that is null */
    uint32_t max = 4;
    uint8_t buffer[4];
    uint8_t *bp = buffer;
    uint32_t *wp = NULL;
    void *a_fill[] = {&max, &bp, &wp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_FILL, &c.st, c.hb, a_fill), SIM_RPC_X_NULL_REF_POINTER);
    /* a conformant array whose size is negative (short n = -1: n * 2 + 1 = -1) */
    uint16_t chars[1] = {7};
    int16_t sn = -1;
    uint16_t *cp = chars;
    void *a_scaled[] = {&sn, &cp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_SCALED, &c.st, c.hb, a_scaled), SIM_RPC_S_INVALID_BOUND);
    /* an embedded [ref]-less null next is fine, but a [ref] top-level struct pointer is not */
    VEC *v = NULL;
    void *a_total[] = {&v};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_TOTAL, &c.st, c.hb, a_total), SIM_RPC_X_NULL_REF_POINTER);
    /* none of these started a call: the state still makes one */
    int32_t values[2] = {20, 22};
    n = 2;
    vp = values;
    CHECK_EQ(sim_ndr_start(&g_iface, OP_SUM, &c.st, c.hb, a_sum), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 42);
    cli_close(&c);
    stop();
    end_clean();
}

/* The oracle still sees the generic call's misuses; a reply with a [ref] null fails the call. */
static void test_misuse_and_a_bad_reply(void)
{
    serve();
    cli c;
    cli_open(&c, TEST_EP);
    ASYNC_SAMPLE_PIPE in;
    ASYNC_BYTE_PIPE out;
    SAMPLE last;
    ASYNC_SAMPLE_PIPE *inp = &in;
    ASYNC_BYTE_PIPE *outp = &out;
    SAMPLE *lastp = &last;
    void *a_record[] = {&inp, &outp, &lastp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_RECORD, &c.st, c.hb, a_record), RPC_S_OK);
    /* a second call on a state in a call: refused and recorded, its copies freed */
    int32_t values[2] = {1, 2};
    uint32_t n = 2;
    int32_t *vp = values;
    void *a_sum[] = {&n, &vp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_SUM, &c.st, c.hb, a_sum), RPC_S_INVALID_ASYNC_HANDLE);
    EXPECT_ONE_MISUSE(SIM_MISUSE_BAD_ARGUMENT);
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    uint8_t log[4];
    for (uint64_t end = ta_now_ms() + 10000;;) {
        uint32_t got = 0;
        RPC_STATUS st = out.pull(out.state, log, 4, &got);
        if (st == RPC_S_ASYNC_CALL_PENDING && cli_notified(&c, end))
            continue;
        CHECK_EQ(st, RPC_S_OK);
        if (st != RPC_S_OK || got == 0)
            break;
    }
    int32_t r = -1;
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 0);
    cli_close(&c);

    /* the server leaves a [ref] [out] string null: the client's call fails with
     * RPC_X_NULL_REF_POINTER and its [out] target is not written */
    cli_open(&c, TEST_EP);
    uint16_t empty[1] = {0};
    const uint16_t *whop = empty;
    uint16_t *greeting = (uint16_t *)(uintptr_t)8;
    uint16_t **gp = &greeting;
    void *a_hello[] = {&whop, &gp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_HELLO, &c.st, c.hb, a_hello), RPC_S_OK);
    uint32_t e = 0;
    CHECK_EQ(cli_complete(&c, &e), SIM_RPC_X_NULL_REF_POINTER);
    CHECK(greeting == (uint16_t *)(uintptr_t)8);
    cli_close(&c);
    stop();
    end_clean();
}

static void test_pipe_of_structs(void)
{
    serve();
    cli c;
    cli_open(&c, TEST_EP);
    ASYNC_SAMPLE_PIPE in;
    ASYNC_BYTE_PIPE out;
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    SAMPLE last;
    memset(&last, 0, sizeof last);
    ASYNC_SAMPLE_PIPE *inp = &in;
    ASYNC_BYTE_PIPE *outp = &out;
    SAMPLE *lastp = &last;
    void *a_record[] = {&inp, &outp, &lastp};
    CHECK_EQ(sim_ndr_start(&g_iface, OP_RECORD, &c.st, c.hb, a_record), RPC_S_OK);
    REQUIRE(in.push != NULL && out.pull != NULL);
    enum { CHUNKS = 5, PER = 3 };
    for (int k = 0; k < CHUNKS; k++) {
        SAMPLE chunk[PER];
        memset(chunk, 0, sizeof chunk);
        for (int i = 0; i < PER; i++) {
            int idx = k * PER + i;
            chunk[i].when = 1000000000000LL + idx;
            chunk[i].value = idx + 0.5;
            chunk[i].color = idx % 3;
            chunk[i].tag[0] = (uint8_t)(100 + idx);
            chunk[i].tag[3] = 0x5A;
        }
        CHECK_EQ(in.push(in.state, chunk, PER), RPC_S_OK);
    }
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    uint8_t log[64];
    uint32_t total = 0;
    uint64_t end = ta_now_ms() + 10000;
    for (;;) {
        uint32_t got = 0;
        RPC_STATUS st = out.pull(out.state, log + total, (uint32_t)(sizeof log - total), &got);
        if (st == RPC_S_ASYNC_CALL_PENDING && cli_notified(&c, end))
            continue;
        CHECK_EQ(st, RPC_S_OK);
        if (st != RPC_S_OK || got == 0)
            break;
        total += got;
    }
    CHECK_EQ(total, CHUNKS * PER);
    for (uint32_t i = 0; i < total; i++)
        CHECK_EQ(log[i], 100 + i);
    int32_t r = 0;
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, CHUNKS * PER);
    CHECK_EQ(last.when, 1000000000000LL + CHUNKS * PER - 1);
    CHECK(last.value == CHUNKS * PER - 1 + 0.5);
    CHECK_EQ(last.tag[3], 0x5A);
    cli_close(&c);
    stop();
    end_clean();
}

static void test_sync_ping(void)
{
    serve();
    void *hb = NULL;
    REQUIRE(tfx_bind(TEST_EP, &hb) == RPC_S_OK);
    uint8_t yes = 0;
    CHECK_EQ(sim_ndr_call_sync(&g_iface, OP_PING, hb, NULL, &yes), RPC_S_OK);
    CHECK_EQ(yes, 1);
    /* a synchronous call's refusals are its status too */
    uint32_t n = 1;
    int32_t *vp = NULL;
    void *a_sum[] = {&n, &vp};
    int32_t r = 0;
    CHECK_EQ(sim_ndr_call_sync(&g_iface, OP_SUM, hb, a_sum, &r), SIM_RPC_X_NULL_REF_POINTER);
    int32_t values[1] = {9};
    vp = values;
    CHECK_EQ(sim_ndr_call_sync(&g_iface, OP_SUM, hb, a_sum, &r), RPC_S_OK);
    CHECK_EQ(r, 9);
    CHECK_EQ(tfx_unbind(&hb), RPC_S_OK);
    stop();
    end_clean();
}

/* The simulator's own server serves the fixture only. */
static void test_peer_serves_fixture_only(void)
{
    void *hb = NULL;
    REQUIRE(tfx_bind(SIM_PEER_ENDPOINT, &hb) == RPC_S_OK);
    uint8_t yes = 0;
    CHECK_EQ(sim_ndr_call_sync(&g_iface, OP_PING, hb, NULL, &yes), SIM_RPC_S_UNKNOWN_IF);
    CHECK_EQ(tfx_unbind(&hb), RPC_S_OK);
    end_clean();
}

/* ---- the fixture through the generic path --------------------------------------------------------- */

static const sim_ndr_type t_int_pipe = {SIM_NDR_PIPE, 0, PTRSZ, 0, &t_i32, NOEXPR, NOEXPR, 0, NULL};
static const sim_ndr_type t_i32_ref = {SIM_NDR_POINTER, 0, PTRSZ, 0, &t_i32, NOEXPR, NOEXPR, 0,
                                       NULL};
static const sim_ndr_param p_add[] = {{"a", IN, &t_i32}, {"b", IN, &t_i32}};
static const sim_ndr_param p_echo[] = {{"a", IN, &t_i32}, {"inpipe", IN, &t_int_pipe},
                                       {"outpipe", OUT, &t_int_pipe}, {"b", OUT, &t_i32_ref}};
static void inv_add(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, int32_t, int32_t))fn)(s, h, V(int32_t, 0),
                                                                V(int32_t, 1));
}
static void inv_echo(void (*fn)(void), PRPC_ASYNC_STATE s, void *h, void *const *a)
{
    ((void (*)(PRPC_ASYNC_STATE, void *, int32_t, ASYNC_INTPIPE *, ASYNC_INTPIPE *,
               int32_t *))fn)(s, h, V(int32_t, 0), V(ASYNC_INTPIPE *, 1), V(ASYNC_INTPIPE *, 2),
                              V(int32_t *, 3));
}
/* Only Add (0) and PipeEcho (5) are described; the others are never called here. */
static const sim_ndr_op g_fx_ops[] = {
    {"Add", 4, 2, p_add, inv_add}, {"Sleep", 4, 0, NULL, NULL}, {"Fail", 4, 0, NULL, NULL},
    {"PipeSum", 4, 0, NULL, NULL}, {"PipeRange", 4, 0, NULL, NULL},
    {"PipeEcho", 4, 4, p_echo, inv_echo},
};

static void test_fixture_on_the_generic_path(void)
{
    sim_ndr_iface fx = {"WinRpcFixture", fx_IfSpec(), 6, g_fx_ops};
    cli c;
    cli_open(&c, SIM_PEER_ENDPOINT);
    int32_t a = 40, b = 2, r = 0;
    void *a_add[] = {&a, &b};
    CHECK_EQ(sim_ndr_start(&fx, 0, &c.st, c.hb, a_add), RPC_S_OK);
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(r, 42);
    cli_close(&c);

    cli_open(&c, SIM_PEER_ENDPOINT);
    ASYNC_INTPIPE in, out;
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    int32_t count = -1;
    ASYNC_INTPIPE *inp = &in, *outp = &out;
    int32_t *cp = &count;
    int32_t add = 100;
    void *a_echo[] = {&add, &inp, &outp, &cp};
    CHECK_EQ(sim_ndr_start(&fx, 5, &c.st, c.hb, a_echo), RPC_S_OK);
    int32_t data[4] = {1, 2, 3, 4};
    CHECK_EQ(in.push(in.state, data, 4), RPC_S_OK);
    CHECK_EQ(in.push(in.state, NULL, 0), RPC_S_OK);
    int32_t got[8];
    uint32_t total = 0;
    uint64_t end = ta_now_ms() + 10000;
    for (;;) {
        uint32_t n = 0;
        RPC_STATUS st = out.pull(out.state, got + total, 8 - total, &n);
        if (st == RPC_S_ASYNC_CALL_PENDING && cli_notified(&c, end))
            continue;
        CHECK_EQ(st, RPC_S_OK);
        if (st != RPC_S_OK || n == 0)
            break;
        total += n;
    }
    CHECK_EQ(total, 4);
    for (uint32_t i = 0; i < total && i < 4; i++)
        CHECK_EQ(got[i], data[i] + 100);
    CHECK_EQ(cli_complete(&c, &r), RPC_S_OK);
    CHECK_EQ(count, 4);
    cli_close(&c);
    end_clean();
}

int main(void)
{
    (void)tfx_serve; /* the fixture's own server helpers: this interface registers itself */
    (void)tfx_stop;
    TA_RUN(test_in_copies_and_out_data);
    TA_RUN(test_in_out_round_trip);
    TA_RUN(test_refused_at_start);
    TA_RUN(test_misuse_and_a_bad_reply);
    TA_RUN(test_pipe_of_structs);
    TA_RUN(test_sync_ping);
    TA_RUN(test_peer_serves_fixture_only);
    TA_RUN(test_fixture_on_the_generic_path);
    return ta_exit_code();
}
