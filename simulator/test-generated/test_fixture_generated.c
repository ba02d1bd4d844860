/*
 * test_fixture_generated.c - the stub library generated from windows-tests/fixture.idl off
 * Windows (WinRpcFixture_sim.c, built by build-stub.sh into libWinRpcFixture.so): a C client
 * calls WinRpcFixture_Add and WinRpcFixture_PipeEcho, served by the simulator's own server
 * (ncalrpc:[SIM_PEER_ENDPOINT]) and by this process with the peer's EPV (fx_PeerEpv()) registered
 * for WinRpcFixture_IfSpec(); the oracle records no misuse. Run by SimulatorCTest (JUnit).
 * Prints "ok" and exits 0.
 */
#include "WinRpcFixture_winrpc.h"
#include "winrpcsim.h"

#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c)                                                                              \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);           \
            failures++;                                                                       \
        }                                                                                     \
    } while (0)

static uint16_t *w(const char *s, uint16_t *buf)
{
    size_t n = strlen(s);
    for (size_t i = 0; i <= n; i++)
        buf[i] = (unsigned char)s[i];
    return buf;
}

static void calls(const char *binding)
{
    uint16_t wb[64];
    void *h = NULL;
    CHECK(RpcBindingFromStringBindingW(w(binding, wb), &h) == RPC_S_OK);
    HANDLE ev = CreateEventW(NULL, 0, 0, NULL);
    RPC_ASYNC_STATE st;
    memset(&st, 0, sizeof st);
    CHECK(RpcAsyncInitializeHandle(&st, sizeof st) == RPC_S_OK);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    int32_t r = 0;
    RPC_STATUS s = WinRpcFixture_Add(&st, h, 40, 2);
    CHECK(s == RPC_S_OK);
    for (int i = 0; i < 100 && (s = RpcAsyncCompleteCall(&st, &r)) == RPC_S_ASYNC_CALL_PENDING; i++)
        (void)WaitForSingleObject(ev, 200);
    CHECK(s == RPC_S_OK && r == 42);

    memset(&st, 0, sizeof st);
    CHECK(RpcAsyncInitializeHandle(&st, sizeof st) == RPC_S_OK);
    st.NotificationType = RpcNotificationTypeEvent;
    st.u.hEvent = ev;
    /* Add may have completed before its first RpcAsyncCompleteCall, leaving the event set:
     * a stale signal would send the pull below again before its RpcReceiveComplete. */
    CHECK(ResetEvent(ev));
    ASYNC_INTPIPE in, out;
    int32_t b = -1;
    CHECK(WinRpcFixture_PipeEcho(&st, h, 1000, &in, &out, &b) == RPC_S_OK);
    int32_t data[3] = {1, 2, 3};
    CHECK(in.push(in.state, data, 3) == RPC_S_OK);
    CHECK(in.push(in.state, data, 3) == RPC_S_OK);
    CHECK(in.push(in.state, NULL, 0) == RPC_S_OK);
    int32_t got[16];
    uint32_t total = 0;
    for (int guard = 0; guard < 200;) {
        uint32_t n = 0;
        s = out.pull(out.state, got + total, 16 - total, &n);
        if (s == RPC_S_ASYNC_CALL_PENDING) {
            /* pull again only once the pending pull was notified (a timeout is a failure, not
             * a reason to pull: that would be a pipe discipline error) */
            int notified = WaitForSingleObject(ev, 10000) == SIM_WAIT_OBJECT_0;
            CHECK(notified);
            if (!notified)
                break;
            guard++;
            continue;
        }
        CHECK(s == RPC_S_OK);
        if (s != RPC_S_OK || n == 0)
            break;
        total += n;
    }
    CHECK(total == 6 && got[0] == 1001 && got[5] == 1003);
    for (int i = 0; i < 100 && (s = RpcAsyncCompleteCall(&st, &r)) == RPC_S_ASYNC_CALL_PENDING; i++)
        (void)WaitForSingleObject(ev, 200);
    CHECK(s == RPC_S_OK && b == 6);
    CHECK(CloseHandle(ev));
    CHECK(RpcBindingFree(&h) == RPC_S_OK);
}

int main(void)
{
    calls("ncalrpc:[" SIM_PEER_ENDPOINT "]");
    uint16_t wp[64], we[64];
    CHECK(RpcServerUseProtseqEpW(w("ncalrpc", wp), 10, w("fixture-gen", we), NULL) == RPC_S_OK);
    CHECK(RpcServerRegisterIf3(WinRpcFixture_IfSpec(), NULL, (void *)fx_PeerEpv(),
                               WINRPC_RPC_IF_AUTOLISTEN, WINRPC_RPC_C_LISTEN_MAX_CALLS_DEFAULT,
                               (uint32_t)-1, NULL, NULL) == RPC_S_OK);
    calls("ncalrpc:[fixture-gen]");
    CHECK(RpcServerUnregisterIf(WinRpcFixture_IfSpec(), NULL, 1) == RPC_S_OK);
    CHECK(sim_quiesce(10000) == 1);
    int misuses = sim_misuse_count();
    for (int i = 0; i < misuses; i++) {
        char m[512];
        fprintf(stderr, "misuse %d: ", sim_misuse_get(i, m, sizeof m));
        fprintf(stderr, "%s\n", m);
    }
    CHECK(misuses == 0);
    if (failures == 0)
        printf("ok\n");
    return failures == 0 ? 0 : 1;
}
