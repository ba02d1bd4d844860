package dev.winrpc.async.testing;

import dev.winrpc.async.raw.Rpcrt4Direct;
import com.sun.jna.Memory;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.NotificationTarget;
import dev.winrpc.async.dispatch.Registration;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * A plain fixture call (Add, Sleep, Fail) driven with the raw bindings and a dispatcher, for
 * tests of the dispatch layer: on RpcCallComplete it calls RpcAsyncCompleteCall and, once that
 * is final, unregisters and completes {@link #result}.
 */
public final class RawCall implements NotificationTarget {

    private final Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
    public final RPC_ASYNC_STATE state = new RPC_ASYNC_STATE();
    private final Memory reply = new Memory(4);
    public final CompletableFuture<Integer> result = new CompletableFuture<>();
    public volatile Thread notifiedOn;
    private Registration registration;
    private IntConsumer onEvent = e -> { };

    /** @param onEvent runs first on each notification (on the dispatcher thread) */
    public RawCall onEvent(IntConsumer onEvent) {
        this.onEvent = onEvent;
        return this;
    }

    /** Initialises the state and registers it. */
    public RawCall register(Dispatcher d) {
        RpcException.check("RpcAsyncInitializeHandle",
                rpcrt4.RpcAsyncInitializeHandle(state, RPC_ASYNC_STATE.SIZE));
        registration = d.register(state, this);
        return this;
    }

    public Registration registration() {
        return registration;
    }

    /** Checks the status of a fixture stub call; on failure unregisters and fails. */
    public RawCall started(int status) {
        if (status != RpcErrors.RPC_S_OK) {
            registration.close();
            result.completeExceptionally(RpcException.runtimeFailure("fx stub", status));
        }
        return this;
    }

    @Override
    public void onNotification(int event) {
        notifiedOn = Thread.currentThread();
        onEvent.accept(event);
        if (event != Rpcrt4.RpcCallComplete) {
            return;
        }
        completeIfDone();
    }

    /** Calls RpcAsyncCompleteCall; if final, unregisters and completes the result. */
    public boolean completeIfDone() {
        int st = Rpcrt4Direct.RpcAsyncCompleteCall(state.getPointer(), reply);
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            return false;
        }
        registration.close();
        if (st == RpcErrors.RPC_S_OK) {
            result.complete(reply.getInt(0));
        } else {
            result.completeExceptionally(RpcException.serverFault("RpcAsyncCompleteCall", st));
        }
        return true;
    }

    @Override
    public void onFailure(Throwable cause) {
        result.completeExceptionally(cause);
    }
}
