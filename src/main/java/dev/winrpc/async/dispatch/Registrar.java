package dev.winrpc.async.dispatch;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * {@link Dispatcher#register} and {@link Dispatcher#registerServerCall}: a state's notification
 * fields set for the dispatcher and published, the call made known to it, all at once with
 * respect to the dispatcher's close ({@link Lifecycle#whileOpen}, with a constant function: no
 * lambda or status array per registration); for a server's state, then
 * RpcAsyncRegisterInfo where it is safe.
 */
final class Registrar {

    private Registrar() {
    }

    /** The registration step of a client's state, and of a server's; constants, so nothing is captured. */
    private static final ToLongFunction<Registration> CLIENT = r -> add(r, false);
    private static final ToLongFunction<Registration> SERVER = r -> add(r, true);

    static Registration register(Dispatcher d, RPC_ASYNC_STATE state, NotificationTarget target, boolean server) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(target, "target");
        Registration r = new Registration(d, state, target);
        long registerInfo = d.lifecycle.whileOpen(r, server ? SERVER : CLIENT);
        if (registerInfo == Lifecycle.CLOSED) {
            throw new DispatcherClosedException(d.name + " is closed: cannot register a call");
        }
        if (registerInfo != RpcErrors.RPC_S_OK) {
            d.report(RpcException.runtimeFailure("RpcAsyncRegisterInfo", (int) registerInfo));
        }
        d.registered(r);
        return r;
    }

    /** Under the lifecycle's lock, while OPEN: @return RpcAsyncRegisterInfo's status, or RPC_S_OK */
    private static long add(Registration r, boolean server) {
        Dispatcher d = r.dispatcher;
        if (!d.registry.add(r)) {
            throw new IllegalStateException("the RPC_ASYNC_STATE at 0x" + Long.toHexString(r.stateAddress)
                    + " is already registered with " + d);
        }
        try {
            d.configure(r);
            AsyncHandle.publish(r.state);
        } catch (RuntimeException | Error e) {
            d.registry.remove(r);
            d.unconfigure(r);
            throw e;
        }
        if (server && RpcRuntime.isRegisterInfoSafe()) {
            return RpcRuntime.rpcrt4().RpcAsyncRegisterInfo(r.state);
        }
        return RpcErrors.RPC_S_OK;
    }
}
