/*
 * test_subset.c - the generated stub library of src/test/resources/idl/subset.idl off Windows
 * (Subset_sim.c, built by build-stub.sh into libSubset.so): a C client calls the exports of
 * Subset_winrpc.h, a C server (a Subset_SERVER_EPV registered with RpcServerRegisterIf3 for
 * Subset_IfSpec()) answers. Checks NDR's copies: the server sees other addresses with the same
 * contents; [out] strings and arrays arrive and are freed with Subset_Free; a [unique] null
 * stays null; a negative size_is and a [ref] null are refused at the start; [in, out] values,
 * strings (in place) and arrays (length_is of them) round trips; a pipe of structs moves N
 * chunks; the synchronous Ping; the oracle records no misuse.
 * Run by SimulatorCTest (JUnit) after IdlCompiler and build-stub.sh. Prints "ok" and exits 0.
 */
#include "Subset_winrpc.h"
#include "winrpcsim.h"
#include "sim_ndr.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(c)                                                                              \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);           \
            failures++;                                                                       \
        }                                                                                     \
    } while (0)

static _Atomic int srv_failures;
#define SCHECK(c)                                                                             \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "%s:%d: server check failed: %s\n", __FILE__, __LINE__, #c);    \
            atomic_fetch_add(&srv_failures, 1);                                               \
        }                                                                                     \
    } while (0)

static const void *volatile client_addr;

static uint16_t *w(const char *s, uint16_t *buf)
{
    size_t n = strlen(s);
    for (size_t i = 0; i <= n; i++)
        buf[i] = (unsigned char)s[i];
    return buf;
}

static int weq(const uint16_t *a, const char *s)
{
    size_t i = 0;
    for (; s[i] != 0; i++)
        if (a[i] != (unsigned char)s[i])
            return 0;
    return a[i] == 0;
}

/* ---- the server ---- */

static void done(PRPC_ASYNC_STATE s, void *reply)
{
    SCHECK(RpcAsyncCompleteCall(s, reply) == RPC_S_OK);
}

static void s_hello(PRPC_ASYNC_STATE s, void *h, uint16_t *who, uint16_t **greeting)
{
    (void)h;
    SCHECK((const void *)who != client_addr && weq(who, "world"));
    uint16_t *g = Subset_Allocate(16 * sizeof *g);
    w("hi world", g);
    *greeting = g;
    uint32_t r = 0;
    done(s, &r);
}

static void s_sum(PRPC_ASYNC_STATE s, void *h, uint32_t n, int32_t *values)
{
    (void)h;
    SCHECK((const void *)values != client_addr);
    int32_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += values[i];
    done(s, &sum);
}

static void s_swap(PRPC_ASYNC_STATE s, void *h, POINT *p, int32_t *optional)
{
    (void)h;
    SCHECK((const void *)p != client_addr);
    int32_t t = p->x;
    p->x = p->y;
    p->y = t;
    if (optional != NULL)
        *optional += 1;
    done(s, NULL);
}

static void s_fill(PRPC_ASYNC_STATE s, void *h, uint32_t max, uint8_t *buffer, uint32_t *written)
{
    (void)h;
    SCHECK((const void *)buffer != client_addr);
    *written = max - 1;
    for (uint32_t i = 0; i < max; i++)
        buffer[i] = (uint8_t)(0x40 + i);
    int32_t r = 1;
    done(s, &r);
}

static void s_describe(PRPC_ASYNC_STATE s, void *h, RECORD *record, BLOB blob, COLOR *color)
{
    (void)h;
    int32_t r = -1;
    if (record != NULL) {
        SCHECK((const void *)record != client_addr);
        SCHECK(weq(record->name, "rec") && strcmp(record->ansi, "ansi") == 0 && record->alias == NULL);
        SCHECK(record->optional == NULL && record->required != NULL && record->required->x == 7);
        SCHECK(record->count == 3 && record->values[2] == 30 && record->id.Data4[7] == 0x77);
        r = record->values[0] + record->values[1] + record->values[2];
    }
    SCHECK(blob.cb == 2 && blob.data != NULL && blob.data[1] == 0xBB);
    SCHECK(blob.labels[0] != NULL && weq(blob.labels[0], "L0") && blob.labels[1] == NULL);
    SCHECK(weq(blob.required[0], "req"));
    *color = COLOR_BLUE;
    done(s, &r);
}

static void s_scaled(PRPC_ASYNC_STATE s, void *h, int16_t n, uint16_t *chars)
{
    (void)h;
    int32_t r = 0;
    for (int i = 0; i < 2 * n + 1; i++)
        r += chars[i];
    done(s, &r);
}

static void s_record(PRPC_ASYNC_STATE s, void *h, ASYNC_SAMPLE_PIPE *in, ASYNC_BYTE_PIPE *out,
                     SAMPLE *last)
{
    (void)h;
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    s->u.hEvent = ev;
    s->NotificationType = RpcNotificationTypeEvent;
    int32_t count = 0;
    uint8_t log[64];
    for (;;) {
        SAMPLE buf[4];
        uint32_t got = 0;
        RPC_STATUS st = in->pull(in->state, buf, 4, &got);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            SCHECK(WaitForSingleObject(ev, 10000) == SIM_WAIT_OBJECT_0);
            continue;
        }
        SCHECK(st == RPC_S_OK);
        if (st != RPC_S_OK || got == 0)
            break;
        for (uint32_t i = 0; i < got; i++, count++) {
            if (count < 64)
                log[count] = buf[i].tag[0];
            *last = buf[i];
        }
    }
    SCHECK(out->push(out->state, log, (uint32_t)(count < 64 ? count : 64)) == RPC_S_OK);
    SCHECK(out->push(out->state, NULL, 0) == RPC_S_OK);
    done(s, &count);
    CloseHandle(ev);
}

static void s_ping(PRPC_ASYNC_STATE s, void *h)
{
    (void)h;
    uint8_t yes = 1;
    done(s, &yes);
}

/* [in, out, string]: the name upper-cased in place, the tag cut to its first character */
static void s_rename(PRPC_ASYNC_STATE s, void *h, uint16_t *name, char *tag)
{
    (void)h;
    SCHECK((const void *)name != client_addr);
    for (size_t i = 0; name[i] != 0; i++)
        if (name[i] >= 'a' && name[i] <= 'z')
            name[i] = (uint16_t)(name[i] - 'a' + 'A');
    int32_t r = tag == NULL ? -1 : (int32_t)strlen(tag);
    if (tag != NULL && tag[0] != 0)
        tag[1] = 0;
    done(s, &r);
}

/* [in, out] conformant and fixed arrays: rotated left by one, negated */
static void s_rotate(PRPC_ASYNC_STATE s, void *h, uint32_t n, int32_t *values, int16_t *quad)
{
    (void)h;
    SCHECK((const void *)values != client_addr);
    if (n > 0) {
        int32_t first = values[0];
        memmove(values, values + 1, (n - 1) * sizeof *values);
        values[n - 1] = first;
    }
    for (int i = 0; i < 4; i++)
        quad[i] = (int16_t)-quad[i];
    done(s, NULL);
}

/* [in, out, size_is(max), length_is(used)]: the used elements plus one */
static void s_window(PRPC_ASYNC_STATE s, void *h, uint32_t max, uint32_t used, uint8_t *window)
{
    (void)h;
    (void)max;
    SCHECK((const void *)window != client_addr);
    for (uint32_t i = 0; i < used; i++)
        window[i] = (uint8_t)(window[i] + 1);
    int32_t r = (int32_t)used;
    done(s, &r);
}

static const Subset_SERVER_EPV epv = {s_hello, s_sum, s_swap, s_fill, s_describe, s_scaled,
                                      s_record, s_ping, s_rename, s_rotate, s_window};

/* ---- the client ---- */

static RPC_ASYNC_STATE st;
static HANDLE ev;

static void begin(void)
{
    memset(&st, 0, sizeof st);
    CHECK(RpcAsyncInitializeHandle(&st, sizeof st) == RPC_S_OK);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    /* the last call may have completed before its first RpcAsyncCompleteCall, leaving the
     * event set: a stale signal must not pass for this call's RpcReceiveComplete */
    CHECK(ResetEvent(ev));
}

static RPC_STATUS finish(void *reply)
{
    RPC_STATUS s;
    for (int i = 0; i < 100 && (s = RpcAsyncCompleteCall(&st, reply)) == RPC_S_ASYNC_CALL_PENDING; i++)
        (void)WaitForSingleObject(ev, 200);
    return s;
}

int main(void)
{
    uint16_t wb[64], wb2[64];
    RPC_STATUS s = RpcServerUseProtseqEpW(w("ncalrpc", wb), 10, w("subset-srv", wb2), NULL);
    CHECK(s == RPC_S_OK);
    CHECK(RpcServerRegisterIf3(Subset_IfSpec(), NULL, (void *)&epv, WINRPC_RPC_IF_AUTOLISTEN,
                               WINRPC_RPC_C_LISTEN_MAX_CALLS_DEFAULT, (uint32_t)-1, NULL,
                               NULL) == RPC_S_OK);
    void *h = NULL;
    CHECK(RpcBindingFromStringBindingW(w("ncalrpc:[subset-srv]", wb), &h) == RPC_S_OK);
    ev = CreateEventW(NULL, 0, 0, NULL);
    int32_t r = 0;

    /* Hello: [in] string, [out] string freed with Subset_Free */
    begin();
    uint16_t *greeting = NULL;
    client_addr = w("world", wb);
    CHECK(Subset_Hello(&st, h, wb, &greeting) == RPC_S_OK);
    uint32_t e = 9;
    CHECK(finish(&e) == RPC_S_OK && e == 0);
    CHECK(greeting != NULL && weq(greeting, "hi world"));
    Subset_Free(greeting);

    /* Sum */
    begin();
    int32_t values[4] = {1, 2, 3, 4};
    client_addr = values;
    CHECK(Subset_Sum(&st, h, 4, values) == RPC_S_OK);
    CHECK(finish(&r) == RPC_S_OK && r == 10);
    /* a [ref] null is refused at the start; the state makes a call after it */
    CHECK(Subset_Sum(&st, h, 4, NULL) == SIM_RPC_X_NULL_REF_POINTER);

    /* Swap: [in, out], and a [unique] null stays null */
    begin();
    POINT p = {1, 2};
    int32_t opt = 41;
    client_addr = &p;
    CHECK(Subset_Swap(&st, h, &p, &opt) == RPC_S_OK);
    CHECK(finish(NULL) == RPC_S_OK && p.x == 2 && p.y == 1 && opt == 42);
    begin();
    CHECK(Subset_Swap(&st, h, &p, NULL) == RPC_S_OK);
    CHECK(finish(NULL) == RPC_S_OK && p.x == 1 && p.y == 2);

    /* Fill: [out] array, length_is(*written) of it */
    begin();
    uint8_t buffer[8];
    memset(buffer, 0, sizeof buffer);
    uint32_t written = 0;
    client_addr = buffer;
    CHECK(Subset_Fill(&st, h, 8, buffer, &written) == RPC_S_OK);
    CHECK(finish(&r) == RPC_S_OK && written == 7 && buffer[0] == 0x40 && buffer[6] == 0x46);
    CHECK(buffer[7] == 0);

    /* Describe: a [unique] conformant struct and a struct by value with strings and arrays */
    begin();
    RECORD *rec = calloc(1, sizeof *rec + 2 * sizeof(int32_t));
    POINT req = {7, 8};
    uint16_t name[8], label[8], reqs[8];
    char ansi[] = "ansi";
    rec->name = w("rec", name);
    rec->ansi = ansi;
    rec->required = &req;
    rec->id.Data4[7] = 0x77;
    rec->count = 3;
    rec->values[0] = 10;
    rec->values[1] = 20;
    rec->values[2] = 30;
    uint8_t data[2] = {0xAA, 0xBB};
    BLOB blob;
    memset(&blob, 0, sizeof blob);
    blob.cb = 2;
    blob.data = data;
    blob.labels[0] = w("L0", label);
    blob.required[0] = w("req", reqs);
    COLOR color = 0;
    client_addr = rec;
    CHECK(Subset_Describe(&st, h, rec, blob, &color) == RPC_S_OK);
    CHECK(finish(&r) == RPC_S_OK && r == 60 && color == COLOR_BLUE);
    begin();
    CHECK(Subset_Describe(&st, h, NULL, blob, &color) == RPC_S_OK);
    CHECK(finish(&r) == RPC_S_OK && r == -1);
    /* an embedded [ref] null is refused too */
    blob.required[0] = NULL;
    CHECK(Subset_Describe(&st, h, rec, blob, &color) == SIM_RPC_X_NULL_REF_POINTER);
    free(rec);

    /* Scaled: size_is(n * 2 + 1); a negative one is refused */
    begin();
    uint16_t chars[5] = {1, 1, 1, 1, 1};
    CHECK(Subset_Scaled(&st, h, 2, chars) == RPC_S_OK);
    CHECK(finish(&r) == RPC_S_OK && r == 5);
    CHECK(Subset_Scaled(&st, h, -1, chars) == SIM_RPC_S_INVALID_BOUND);

    /* Record: a pipe of structs, N chunks, and a pipe of bytes back */
    begin();
    ASYNC_SAMPLE_PIPE in;
    ASYNC_BYTE_PIPE out;
    SAMPLE last;
    memset(&last, 0, sizeof last);
    CHECK(Subset_Record(&st, h, &in, &out, &last) == RPC_S_OK);
    enum { N = 6, PER = 2 };
    for (int k = 0; k < N; k++) {
        SAMPLE chunk[PER];
        memset(chunk, 0, sizeof chunk);
        for (int i = 0; i < PER; i++) {
            chunk[i].when = k * PER + i;
            chunk[i].value = 0.25 * (k * PER + i);
            chunk[i].color = COLOR_GREEN;
            chunk[i].tag[0] = (uint8_t)(k * PER + i);
        }
        CHECK(in.push(in.state, chunk, PER) == RPC_S_OK);
    }
    CHECK(in.push(in.state, NULL, 0) == RPC_S_OK);
    uint8_t log[64];
    uint32_t total = 0;
    for (int guard = 0; guard < 200;) {
        uint32_t got = 0;
        s = out.pull(out.state, log + total, (uint32_t)(sizeof log - total), &got);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            /* pull again only once the pending pull has been notified (under load 200 ms may pass) */
            while (WaitForSingleObject(ev, 200) != SIM_WAIT_OBJECT_0 && guard < 200)
                guard++;
            guard++;
            continue;
        }
        CHECK(s == RPC_S_OK);
        if (s != RPC_S_OK || got == 0)
            break;
        total += got;
    }
    CHECK(total == N * PER && log[N * PER - 1] == N * PER - 1);
    CHECK(finish(&r) == RPC_S_OK && r == N * PER);
    CHECK(last.when == N * PER - 1 && last.value == 0.25 * (N * PER - 1) && last.color == COLOR_GREEN);

    /* Ping: synchronous */
    uint8_t yes = 0;
    CHECK(Subset_Ping(h, &yes) == RPC_S_OK && yes == 1);

    /* Rename: [in, out, string] replaced in the caller's buffers; a [unique] null stays null */
    begin();
    uint16_t rname[8];
    char rtag[] = "tag";
    client_addr = w("abc", rname);
    CHECK(Subset_Rename(&st, h, rname, rtag) == RPC_S_OK);
    CHECK(finish(&r) == RPC_S_OK && r == 3 && weq(rname, "ABC") && strcmp(rtag, "t") == 0);
    begin();
    CHECK(Subset_Rename(&st, h, rname, NULL) == RPC_S_OK);
    CHECK(finish(&r) == RPC_S_OK && r == -1 && weq(rname, "ABC"));

    /* Rotate: [in, out] conformant and fixed arrays, other addresses at the server */
    begin();
    int32_t rvals[3] = {1, 2, 3};
    int16_t quad[4] = {1, -2, 3, -4};
    client_addr = rvals;
    CHECK(Subset_Rotate(&st, h, 3, rvals, quad) == RPC_S_OK);
    CHECK(finish(NULL) == RPC_S_OK && rvals[0] == 2 && rvals[1] == 3 && rvals[2] == 1);
    CHECK(quad[0] == -1 && quad[1] == 2 && quad[2] == -3 && quad[3] == 4);

    /* Window: synchronous, length_is(used) elements both ways, the rest of the buffer untouched */
    uint8_t win[4] = {1, 2, 9, 9};
    int32_t wr = 0;
    client_addr = win;
    CHECK(Subset_Window(h, 4, 2, win, &wr) == RPC_S_OK);
    CHECK(wr == 2 && win[0] == 2 && win[1] == 3 && win[2] == 9 && win[3] == 9);

    CHECK(RpcBindingFree(&h) == RPC_S_OK);
    CHECK(CloseHandle(ev));
    CHECK(RpcServerUnregisterIf(Subset_IfSpec(), NULL, 1) == RPC_S_OK);
    CHECK(sim_quiesce(10000) == 1);
    CHECK(sim_counter(SIM_COUNT_ASYNC_STATES) == 0 && sim_counter(SIM_COUNT_PIPE_BUFFERS) == 0);
    int misuses = sim_misuse_count();
    for (int i = 0; i < misuses; i++) {
        char m[512];
        fprintf(stderr, "misuse %d: ", sim_misuse_get(i, m, sizeof m));
        fprintf(stderr, "%s\n", m);
    }
    CHECK(misuses == 0);
    CHECK(atomic_load(&srv_failures) == 0);
    if (failures == 0)
        printf("ok\n");
    return failures == 0 ? 0 : 1;
}
