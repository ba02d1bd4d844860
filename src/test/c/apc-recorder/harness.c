/*
 * Executes the APC recorder bytes shipped by ApcRecorderCode (in apc_code.h, written by
 * ApcRecorderCodeTest): copies them into an mmap'ed page, patches LIT_RING / LIT_FALLBACK, makes it RX and
 * calls it with the ABI's convention (ABI_MS: ms_abi, ABI_STDCALL: stdcall, else the host's C convention).
 * Prints "OK <n>" and exits 0 when every check passed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "apc_code.h"

#if defined(ABI_MS)
#define CONV __attribute__((ms_abi))
#elif defined(ABI_STDCALL)
#define CONV __attribute__((stdcall))
#else
#define CONV
#endif

typedef void (CONV *routine_t)(void *, void *, int32_t);

#define CAP 1024u
struct slot { void *p; int32_t ev; };
static struct ring { uint32_t head, tail; struct slot s[CAP]; } ring;
static void *fb_p, *fb_c;
static int32_t fb_e;
static int fb_n;
static int fails, checks;

#define CHECK(c) do { checks++; if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static CONV __attribute__((noinline)) void fallback(void *p, void *c, int32_t e) {
    fb_p = p; fb_c = c; fb_e = e; fb_n++;
}

#if UINTPTR_MAX > 0xffffffffu
#define BASE ((uintptr_t)0x1234567890abcdefull)
#define CTX ((void *)(uintptr_t)0xfedcba9876543210ull)
#else
#define BASE ((uintptr_t)0x90abcdefu)
#define CTX ((void *)(uintptr_t)0xfedcba98u)
#endif

static inline uintptr_t sp(void) {
    uintptr_t v;
#if defined(__i386__)
    __asm__ volatile("movl %%esp, %0" : "=r"(v));
#elif defined(__x86_64__)
    __asm__ volatile("movq %%rsp, %0" : "=r"(v));
#else
    __asm__ volatile("mov %0, sp" : "=r"(v));
#endif
    return v;
}

/* Calls r n times, draining as it goes when drain; many values live across the calls (callee-saved). */
static __attribute__((noinline)) uint32_t loop(routine_t r, uint32_t n, int drain) {
    volatile uint32_t canary = 0xC0FFEE11u;
    uint32_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
    uintptr_t before = sp();
    for (uint32_t i = 0; i < n; i++) {
        r((void *)(BASE + i), CTX, -(int32_t)i - 1);
        a = a * 3 + i; b ^= a + i; c += b >> 3; d = d * 7 + c; e += d ^ i; f ^= e + a;
        if (drain) {
            uint32_t t = ring.head & (CAP - 1);
            if (ring.s[t].p != (void *)(BASE + i) || ring.s[t].ev != -(int32_t)i - 1) fails++;
            ring.head++;
        }
    }
    CHECK(sp() == before);
    CHECK(canary == 0xC0FFEE11u);
    return a ^ b ^ c ^ d ^ e ^ f;
}

static uint32_t expected(uint32_t n) {
    uint32_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
    for (uint32_t i = 0; i < n; i++) {
        a = a * 3 + i; b ^= a + i; c += b >> 3; d = d * 7 + c; e += d ^ i; f ^= e + a;
    }
    return a ^ b ^ c ^ d ^ e ^ f;
}

int main(void) {
    unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { puts("mmap failed"); return 2; }
    memcpy(page, APC_CODE, sizeof APC_CODE);
    void *lits[2] = { &ring, (void *)fallback };
    memcpy(page + APC_LITERALS, lits, sizeof lits);
    if (mprotect(page, 4096, PROT_READ | PROT_EXEC) != 0) { puts("mprotect failed"); return 2; }
    __builtin___clear_cache((char *)page, (char *)page + 4096);
    routine_t r = (routine_t)(void *)page;
    CHECK(sizeof(struct slot) == 2 * sizeof(void *));

    /* records land in order, across the uint32 wraparound */
    ring.head = ring.tail = 0xFFFFFFF0u;
    uint32_t v = loop(r, 40, 0);
    CHECK(v == expected(40));
    CHECK(ring.tail == 0xFFFFFFF0u + 40u);
    CHECK(ring.head == 0xFFFFFFF0u);
    CHECK(fb_n == 0);
    for (uint32_t i = 0; i < 40; i++) {
        uint32_t s = (0xFFFFFFF0u + i) & (CAP - 1);
        CHECK(ring.s[s].p == (void *)(BASE + i));
        CHECK(ring.s[s].ev == -(int32_t)i - 1);
    }

    /* head honoured: 1023 pending, one more is recorded, the next goes to the fallback unchanged */
    memset(&ring, 0, sizeof ring);
    ring.head = 0xFFFFFE00u;
    ring.tail = ring.head + CAP - 1;
    r((void *)BASE, CTX, -7);
    CHECK(fb_n == 0);
    CHECK(ring.tail == ring.head + CAP);
    CHECK(ring.s[(ring.head + CAP - 1) & (CAP - 1)].p == (void *)BASE);
    CHECK(ring.s[(ring.head + CAP - 1) & (CAP - 1)].ev == -7);
    static struct ring snap;
    memcpy(&snap, &ring, sizeof ring);
    r((void *)(BASE + 5), CTX, INT32_MIN);
    CHECK(fb_n == 1);
    CHECK(fb_p == (void *)(BASE + 5));
    CHECK(fb_c == CTX);
    CHECK(fb_e == INT32_MIN);
    CHECK(memcmp(&snap, &ring, sizeof ring) == 0);
    /* many fallback calls keep the stack balanced too */
    v = loop(r, 3000, 0);
    CHECK(v == expected(3000));
    CHECK(fb_n == 3001);
    CHECK(fb_p == (void *)(BASE + 2999));
    CHECK(fb_e == -3000);
    CHECK(memcmp(&snap, &ring, sizeof ring) == 0);

    /* a long run with the consumer draining: the ring wraps several times */
    fb_n = 0;
    ring.head = ring.tail = 0xFFFFFF00u;
    int before = fails;
    v = loop(r, 5000, 1);
    CHECK(fails == before);
    CHECK(v == expected(5000));
    CHECK(fb_n == 0);
    CHECK(ring.tail == 0xFFFFFF00u + 5000u);

    if (fails) { printf("%d of %d checks failed\n", fails, checks); return 1; }
    printf("OK %d\n", checks);
    return 0;
}
