package dev.winrpc.async.bench;

import dev.winrpc.async.raw.Rpcrt4Direct;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.NotificationTarget;
import dev.winrpc.async.dispatch.Registration;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.Simulator;

/**
 * A full plain call through the library as it is today (the raw bindings and a dispatcher, as
 * the tests' RawCall, without its CompletableFuture): RpcAsyncInitializeHandle, register with
 * the dispatcher (which writes the notification fields and calls RpcAsyncRegisterInfo),
 * WinRpcFixture_Add(state, binding, i, 1) (the generated stub library); on RpcCallComplete, on the dispatcher thread,
 * RpcAsyncCompleteCall, check the reply, close the registration, count.
 *
 * <p>One object per call slot, reused from call to call (its RPC_ASYNC_STATE and reply buffer
 * too: the state is initialised again before each call, as Windows requires), so that what
 * allocates per call is the library and JNA, not the benchmark.
 */
final class PlainCall implements NotificationTarget {

    private final WinRpcFixtureNative fx = Simulator.fixture();
    private final RPC_ASYNC_STATE state = new RPC_ASYNC_STATE();
    private final Pointer address = state.getPointer();
    private final Memory reply = new Memory(4);
    private final Counter done;
    private Registration registration;
    private int expect;

    PlainCall(Counter done) {
        this.done = done;
    }

    /** Starts WinRpcFixture_Add(i, 1) through the dispatcher. */
    void start(Dispatcher d, Pointer binding, int i) {
        int st = Rpcrt4Direct.RpcAsyncInitializeHandle(address, RPC_ASYNC_STATE.SIZE);
        if (st != RpcErrors.RPC_S_OK) {
            throw new IllegalStateException("RpcAsyncInitializeHandle: " + st);
        }
        expect = i + 1;
        registration = d.register(state, this);
        st = fx.WinRpcFixture_Add(address, binding, i, 1);
        if (st != RpcErrors.RPC_S_OK) {
            registration.close();
            throw new IllegalStateException("WinRpcFixture_Add: " + st);
        }
    }

    @Override
    public void onNotification(int event) {
        if (event != Rpcrt4.RpcCallComplete) {
            done.error();
            return;
        }
        int st = Rpcrt4Direct.RpcAsyncCompleteCall(address, reply);
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            return;
        }
        registration.close();
        if (st != RpcErrors.RPC_S_OK || reply.getInt(0) != expect) {
            done.error();
        }
        done.countOne();
    }

    @Override
    public void onFailure(Throwable cause) {
        done.onFailure(cause);
    }
}
