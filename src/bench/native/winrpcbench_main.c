/*
 * winrpcbench_main.c - the C baseline, standalone: the same scenarios as the JMH benchmarks,
 * driven by the same functions (winrpcbench.c), timed the same way, no JVM in the process.
 *
 *   winrpcbench [-w WARMUP_ITERATIONS] [-i ITERATIONS] [-t ITERATION_MS] [-n RAW_BATCH]
 *               [-k CALLS] [-m PIPE_MIB] [FILTER...]
 *
 * Defaults: 3 warm-up and 5 measurement iterations of 1000 ms, raw batches of 20000
 * notifications, 256 calls per call batch, PipeThroughputBenchmark.VOLUME_MIB MiB per pipe
 * call. A FILTER selects the scenarios whose "scenario/dispatch" name contains it (e.g.
 * "raw-backlog", "/iocp", "fullcall/apc", "pipe-in-4k").
 * Scenarios (docs/benchmarks.md): raw-backlog, raw-stream (RawDeliveryBenchmark.backlog,
 * .stream), e2e (EndToEndBenchmark), fullcall, fullcall-single (FullCallBenchmark.window,
 * .single), each with apc and iocp; pipe-in, pipe-out, pipe-echo (PipeThroughputBenchmark.in,
 * .out, .echo), each with chunks of 4 KiB and 64 KiB (pipe-in-4k, pipe-in-64k, ...), apc only
 * (a pipe call needs APC notification).
 *
 * One line per scenario, in this fixed format (the rate is the mean over the measurement
 * iterations; each iteration's rate is notifications, or MiB through the pipes, / time spent
 * in timed batches):
 *
 *   c-baseline <scenario> <dispatch> <rate> notifications/s min <min> max <max>
 *   c-baseline <scenario> <dispatch> <rate> MiB/s min <min> max <max>
 *
 * Exit status 0, or 1 if a scenario failed (a lost notification, a wrong reply, a misuse or
 * a leaked resource recorded by the simulator).
 */
#include "winrpcbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

enum { S_RAW_BACKLOG, S_RAW_STREAM, S_E2E, S_FULLCALL, S_FULLCALL_SINGLE, S_PIPE_IN, S_PIPE_OUT,
       S_PIPE_ECHO };
static const char *const SCENARIO_NAMES[] = {"raw-backlog", "raw-stream", "e2e", "fullcall",
                                             "fullcall-single", "pipe-in", "pipe-out",
                                             "pipe-echo"};
static const char *const KIND_NAMES[] = {"apc", "iocp"};
/* The pipe scenarios' chunks, in bytes (PipeThroughputBenchmark's chunk parameter). */
static const uint32_t PIPE_CHUNK_BYTES[] = {4096, 65536};

typedef struct rig {
    int scenario, kind;
    uint32_t raw_batch, calls;
    uint32_t chunk_elements, pipe_elements; /* the pipe scenarios */
    int pipe_server;
    wb_loop *loop;
    PRPC_ASYNC_STATE states;
    PRPC_ASYNC_STATE *ptrs;
    wb_apc_desc *desc;
    void *binding;
} rig;

static int rig_open(rig *r)
{
    if (r->scenario >= S_PIPE_IN) {
        /* As the Java benchmark (Simulators.resetForCalls): no fault plan, so no injected
         * delay on any push, pull or notification, and no reply delay. */
        sim_set_fault_plan(NULL);
        sim_set_reply_delay(0);
        const char *endpoint = wb_pipe_server_start(r->chunk_elements);
        if (endpoint == NULL)
            return -1;
        r->pipe_server = 1;
        r->binding = wb_binding_new(endpoint);
        return r->binding != NULL ? 0 : -1;
    }
    r->loop = wb_loop_start(r->kind);
    if (r->loop == NULL)
        return -1;
    /* As the JMH benchmarks: spin for the raw batches, block for the call batches. */
    wb_loop_set_blocking(r->loop, r->scenario >= S_E2E);
    uint32_t n = r->scenario == S_E2E ? r->calls : 1;
    if (r->scenario < S_FULLCALL) {
        r->states = wb_states_new(n);
        r->ptrs = calloc(n, sizeof *r->ptrs);
        if (r->states == NULL || r->ptrs == NULL)
            return -1;
        for (uint32_t i = 0; i < n; i++) {
            r->ptrs[i] = &r->states[i];
            if (wb_loop_register_counter(r->loop, r->ptrs[i]) != 0)
                return -1;
        }
    }
    if (r->scenario == S_RAW_BACKLOG || r->scenario == S_RAW_STREAM) {
        r->desc = wb_apc_desc_new(wb_loop_routine(), r->ptrs[0], RpcCallComplete);
        if (r->desc == NULL)
            return -1;
    }
    if (r->scenario >= S_E2E) {
        sim_set_reply_delay(0);
        r->binding = wb_binding_new(SIM_PEER_ENDPOINT);
        if (r->binding == NULL)
            return -1;
    }
    return 0;
}

static int rig_close(rig *r)
{
    int rc = 0;
    wb_binding_free(r->binding);
    if (r->pipe_server && wb_pipe_server_stop() != 0)
        rc = -1;
    if (r->loop != NULL)
        wb_loop_stop(r->loop);
    wb_apc_desc_free(r->desc);
    free(r->ptrs);
    wb_states_free(r->states);
    return rc;
}

static int produce(rig *r)
{
    int32_t n = r->kind == WB_APC
                    ? wb_produce_apc(wb_loop_thread(r->loop), r->desc, r->raw_batch)
                    : wb_produce_iocp(wb_loop_port(r->loop), r->ptrs[0], RpcCallComplete,
                                      r->raw_batch);
    return n == (int32_t)r->raw_batch ? 0 : -1;
}

/* One batch: returns the notifications it delivered (the bytes it moved, for a pipe call), or
 * -1, and adds the timed part to *ns. */
static int64_t rig_batch(rig *r, uint64_t *ns)
{
    uint64_t t0, t1;
    switch (r->scenario) {
    case S_RAW_BACKLOG:
        /* Untimed: park the loop thread at the gate, queue the batch behind it. */
        wb_loop_gate_close(r->loop);
        wb_loop_expect(r->loop, r->raw_batch);
        if (produce(r) != 0)
            return -1;
        t0 = mono_ns();
        if (wb_loop_release_await(r->loop) != 0)
            return -1;
        t1 = mono_ns();
        *ns += t1 - t0;
        return r->raw_batch;
    case S_RAW_STREAM:
        t0 = mono_ns();
        wb_loop_expect(r->loop, r->raw_batch);
        if (produce(r) != 0 || wb_loop_await(r->loop) != 0)
            return -1;
        t1 = mono_ns();
        *ns += t1 - t0;
        return r->raw_batch;
    case S_E2E:
        t0 = mono_ns();
        wb_loop_expect(r->loop, r->calls);
        if (wb_calls_start(r->ptrs, r->calls, r->binding) != (int32_t)r->calls ||
            wb_loop_await(r->loop) != 0 ||
            wb_calls_complete(r->ptrs, r->calls) != (int32_t)r->calls)
            return -1;
        t1 = mono_ns();
        *ns += t1 - t0;
        return r->calls;
    case S_FULLCALL:
        t0 = mono_ns();
        if (wb_fullcall_batch(r->loop, r->binding, r->calls) != 0)
            return -1;
        t1 = mono_ns();
        *ns += t1 - t0;
        return r->calls;
    case S_FULLCALL_SINGLE:
        t0 = mono_ns();
        if (wb_fullcall_batch(r->loop, r->binding, 1) != 0)
            return -1;
        t1 = mono_ns();
        *ns += t1 - t0;
        return 1;
    case S_PIPE_IN:
    case S_PIPE_OUT:
    case S_PIPE_ECHO: {
        /* One call; what it moved through its pipes, in bytes (echo: both ways). */
        int dir = r->scenario == S_PIPE_IN ? WB_PIPE_IN
                  : r->scenario == S_PIPE_OUT ? WB_PIPE_OUT : WB_PIPE_ECHO;
        t0 = mono_ns();
        if (wb_pipe_call(r->binding, dir, r->chunk_elements, r->pipe_elements) != 0)
            return -1;
        t1 = mono_ns();
        *ns += t1 - t0;
        return (int64_t)r->pipe_elements * 4 * (dir == WB_PIPE_ECHO ? 2 : 1);
    }
    default:
        return -1;
    }
}

/* One iteration of about ms milliseconds: returns notifications (bytes) per second, or -1. */
static double iteration(rig *r, uint32_t ms)
{
    uint64_t end = mono_ns() + (uint64_t)ms * 1000000ull;
    uint64_t timed = 0;
    int64_t n = 0;
    do {
        int64_t b = rig_batch(r, &timed);
        if (b < 0)
            return -1;
        n += b;
    } while (mono_ns() < end);
    return timed > 0 ? (double)n * 1e9 / (double)timed : -1;
}

static int matches(int argc, char **argv, int first, const char *name)
{
    if (first >= argc)
        return 1;
    for (int i = first; i < argc; i++)
        if (strstr(name, argv[i]) != NULL)
            return 1;
    return 0;
}

static long arg_num(const char *opt, const char *v)
{
    char *end = NULL;
    long n = v != NULL ? strtol(v, &end, 10) : -1;
    if (v == NULL || *end != '\0' || n <= 0) {
        fprintf(stderr, "winrpcbench: %s needs a positive number\n", opt);
        exit(2);
    }
    return n;
}

int main(int argc, char **argv)
{
    uint32_t warmups = 3, iterations = 5, ms = 1000, raw_batch = 20000, calls = 256;
    uint32_t pipe_mib = WB_PIPE_VOLUME_MIB;
    int first = 1;
    while (first < argc && argv[first][0] == '-') {
        const char *o = argv[first];
        const char *v = first + 1 < argc ? argv[first + 1] : NULL;
        if (strcmp(o, "-w") == 0)
            warmups = (uint32_t)arg_num(o, v);
        else if (strcmp(o, "-i") == 0)
            iterations = (uint32_t)arg_num(o, v);
        else if (strcmp(o, "-t") == 0)
            ms = (uint32_t)arg_num(o, v);
        else if (strcmp(o, "-n") == 0)
            raw_batch = (uint32_t)arg_num(o, v);
        else if (strcmp(o, "-k") == 0)
            calls = (uint32_t)arg_num(o, v);
        else if (strcmp(o, "-m") == 0 && arg_num(o, v) <= 256)
            pipe_mib = (uint32_t)arg_num(o, v);
        else {
            fprintf(stderr, "usage: winrpcbench [-w WARMUPS] [-i ITERATIONS] [-t MS] "
                            "[-n RAW_BATCH] [-k CALLS] [-m PIPE_MIB (at most 256)] "
                            "[FILTER...]\n");
            return 2;
        }
        first += 2;
    }
    printf("# winrpcbench: the C baseline on the runtime simulator; %u warm-up and %u "
           "measurement iterations of %u ms; raw batches of %u, call batches of %u, %u MiB "
           "per pipe call\n",
           warmups, iterations, ms, raw_batch, calls, pipe_mib);
    fflush(stdout);
    int failed = 0;
    for (int s = S_RAW_BACKLOG; s <= S_PIPE_ECHO; s++) {
        int pipe = s >= S_PIPE_IN;
        /* The other scenarios run once per dispatch kind; the pipe ones (APC only) once per
         * chunk size. */
        int variants = pipe ? (int)(sizeof PIPE_CHUNK_BYTES / sizeof PIPE_CHUNK_BYTES[0]) : 2;
        for (int v = 0; v < variants; v++) {
            rig r;
            memset(&r, 0, sizeof r);
            r.scenario = s;
            r.kind = pipe ? WB_APC : v;
            r.raw_batch = raw_batch;
            r.calls = calls;
            char scenario[48];
            if (pipe) {
                r.chunk_elements = PIPE_CHUNK_BYTES[v] / 4u;
                r.pipe_elements = pipe_mib * (1024u * 1024u / 4u);
                snprintf(scenario, sizeof scenario, "%s-%uk", SCENARIO_NAMES[s],
                         PIPE_CHUNK_BYTES[v] / 1024u);
            } else {
                snprintf(scenario, sizeof scenario, "%s", SCENARIO_NAMES[s]);
            }
            char name[64];
            snprintf(name, sizeof name, "%s/%s", scenario, KIND_NAMES[r.kind]);
            if (!matches(argc, argv, first, name))
                continue;
            double sum = 0, min = 0, max = 0;
            int ok = rig_open(&r) == 0;
            for (uint32_t i = 0; ok && i < warmups; i++)
                ok = iteration(&r, ms) > 0;
            for (uint32_t i = 0; ok && i < iterations; i++) {
                double rate = iteration(&r, ms);
                ok = rate > 0;
                if (pipe)
                    rate /= 1024.0 * 1024.0; /* bytes/s to MiB/s */
                sum += rate;
                min = i == 0 || rate < min ? rate : min;
                max = i == 0 || rate > max ? rate : max;
            }
            if (ok && r.loop != NULL && wb_loop_errors(r.loop) != 0) {
                fprintf(stderr, "winrpcbench: %s: %lld bad notifications or failed calls\n",
                        name, (long long)wb_loop_errors(r.loop));
                ok = 0;
            }
            if (rig_close(&r) != 0)
                ok = 0;
            if (wb_sim_check_clean(name) != 0)
                ok = 0;
            if (!ok) {
                printf("c-baseline %s %s FAILED\n", scenario, KIND_NAMES[r.kind]);
                failed = 1;
            } else if (pipe) {
                printf("c-baseline %s %s %.1f MiB/s min %.1f max %.1f\n", scenario,
                       KIND_NAMES[r.kind], sum / iterations, min, max);
            } else {
                printf("c-baseline %s %s %.0f notifications/s min %.0f max %.0f\n", scenario,
                       KIND_NAMES[r.kind], sum / iterations, min, max);
            }
            fflush(stdout);
        }
    }
    return failed;
}
