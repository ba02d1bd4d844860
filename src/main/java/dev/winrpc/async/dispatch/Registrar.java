package dev.winrpc.async.dispatch;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import java.util.Objects;

/**
 * {@link Dispatcher#register} and {@link Dispatcher#registerServerCall}: a state's notification
 * fields set for the dispatcher and published, the call made known to it, all at once with
 * respect to the dispatcher's close ({@link Lifecycle#whileOpen}); for a server's state, then
 * RpcAsyncRegisterInfo where it is safe.
 */
final class Registrar {

    private Registrar() {
    }

    static Registration register(Dispatcher d, RPC_ASYNC_STATE state, NotificationTarget target, boolean server) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(target, "target");
        Registration r = new Registration(d, state, target);
        int[] registerInfo = {RpcErrors.RPC_S_OK};
        boolean open = d.lifecycle.whileOpen(() -> {
            if (!d.registry.add(r)) {
                throw new IllegalStateException("the RPC_ASYNC_STATE at 0x" + Long.toHexString(r.stateAddress)
                        + " is already registered with " + d);
            }
            try {
                d.configure(r);
                AsyncHandle.publish(state);
            } catch (RuntimeException | Error e) {
                d.registry.remove(r);
                d.unconfigure(r);
                throw e;
            }
            if (server && RpcRuntime.isRegisterInfoSafe()) {
                registerInfo[0] = RpcRuntime.rpcrt4().RpcAsyncRegisterInfo(state);
            }
        });
        if (!open) {
            throw new DispatcherClosedException(d.name + " is closed: cannot register a call");
        }
        if (registerInfo[0] != RpcErrors.RPC_S_OK) {
            d.report(RpcException.runtimeFailure("RpcAsyncRegisterInfo", registerInfo[0]));
        }
        d.registered(r);
        return r;
    }
}
