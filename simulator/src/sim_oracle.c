/*
 * sim_oracle.c - the misuse record and the live-resource counters of the runtime simulator.
 *
 * The misuse record keeps the first SIM_MISUSE_KEEP entries {kind, detail} and counts every
 * entry, kept or not, so a test that floods the oracle still sees how many misuses happened.
 * Counters are atomic 64-bit integers indexed by SIM_COUNT_*.
 *
 * Setting the environment variable WINRPCSIM_TRACE_MISUSE (to anything) also prints every
 * misuse to stderr as it is recorded, which helps when a Java test only reports a count.
 */
#include "sim_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_MISUSE_KEEP 4096
#define SIM_MISUSE_DETAIL_MAX 1024

typedef struct misuse_entry {
    int kind;
    char *detail; /* NULL if the copy could not be allocated: reads back as "" */
} misuse_entry;

static pthread_mutex_t m_mu = PTHREAD_MUTEX_INITIALIZER;
static misuse_entry m_entries[SIM_MISUSE_KEEP];
static int32_t m_kept;  /* entries stored in m_entries */
static int64_t m_total; /* entries recorded since the last clear, kept or not */

static _Atomic int64_t g_counters[SIM_COUNT__MAX];

static int trace_enabled(void)
{
    static _Atomic int cached = -1;
    int v = atomic_load(&cached);
    if (v < 0) {
        v = getenv("WINRPCSIM_TRACE_MISUSE") != NULL;
        atomic_store(&cached, v);
    }
    return v;
}

SIM_HIDDEN void sim_misuse(int kind, const char *fmt, ...)
{
    char buf[SIM_MISUSE_DETAIL_MAX];
    va_list ap;

    buf[0] = '\0';
    if (fmt != NULL) {
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
    }
    size_t len = strlen(buf);
    char *copy = malloc(len + 1);
    if (copy != NULL)
        memcpy(copy, buf, len + 1);

    pthread_mutex_lock(&m_mu);
    m_total++;
    if (m_kept < SIM_MISUSE_KEEP) {
        m_entries[m_kept].kind = kind;
        m_entries[m_kept].detail = copy;
        m_kept++;
        copy = NULL;
    }
    pthread_mutex_unlock(&m_mu);
    free(copy);

    if (trace_enabled())
        fprintf(stderr, "winrpcsim: misuse %d: %s\n", kind, buf);
}

SIM_EXPORT int32_t sim_misuse_count(void)
{
    pthread_mutex_lock(&m_mu);
    int64_t total = m_total;
    pthread_mutex_unlock(&m_mu);
    return total > INT32_MAX ? INT32_MAX : (int32_t)total;
}

SIM_EXPORT int32_t sim_misuse_get(int32_t index, char *buf, int32_t buflen)
{
    int32_t kind = 0;

    pthread_mutex_lock(&m_mu);
    if (index >= 0 && index < m_kept) {
        kind = m_entries[index].kind;
        if (buf != NULL && buflen > 0) {
            const char *d = m_entries[index].detail != NULL ? m_entries[index].detail : "";
            size_t n = strlen(d);
            if (n > (size_t)buflen - 1)
                n = (size_t)buflen - 1;
            memcpy(buf, d, n);
            buf[n] = '\0';
        }
    } else if (buf != NULL && buflen > 0) {
        buf[0] = '\0';
    }
    pthread_mutex_unlock(&m_mu);
    return kind;
}

SIM_EXPORT void sim_misuse_clear(void)
{
    pthread_mutex_lock(&m_mu);
    for (int32_t i = 0; i < m_kept; i++) {
        free(m_entries[i].detail);
        m_entries[i].detail = NULL;
        m_entries[i].kind = 0;
    }
    m_kept = 0;
    m_total = 0;
    pthread_mutex_unlock(&m_mu);
}

SIM_HIDDEN void sim_count(int which, int64_t delta)
{
    /* An index out of range is a simulator bug, not a caller's: ignore it rather than write
     * outside the array; sim_counter() answers -1 for such an index. */
    if (which < 0 || which >= SIM_COUNT__MAX)
        return;
    atomic_fetch_add(&g_counters[which], delta);
}

/* The counter's current value, or -1 for an index outside 0 .. SIM_COUNT__MAX - 1. */
SIM_EXPORT int64_t sim_counter(int32_t which)
{
    if (which < 0 || which >= SIM_COUNT__MAX)
        return -1;
    return atomic_load(&g_counters[which]);
}
