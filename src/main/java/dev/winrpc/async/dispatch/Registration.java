package dev.winrpc.async.dispatch;

import com.sun.jna.Pointer;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;

/**
 * A call's state registered with a dispatcher: the "register the asynchronous handle" step
 * done.
 *
 * <p>While registered, the dispatcher holds the state (and so its native memory) and the
 * target strongly: nothing the runtime may still write is freed. Close the registration once
 * the runtime is done with the state (after the final RpcAsyncCompleteCall or
 * RpcAsyncAbortCall); closing is idempotent and may happen on any thread.
 */
public final class Registration implements AutoCloseable {

    final Dispatcher dispatcher;
    final RPC_ASYNC_STATE state;
    /** The state's native address. */
    final Pointer statePointer;
    /** The state's native address as a number: the key of the dispatcher's registry. */
    final long stateAddress;
    final NotificationTarget target;
    private volatile boolean closed;

    Registration(Dispatcher dispatcher, RPC_ASYNC_STATE state, NotificationTarget target) {
        this.dispatcher = dispatcher;
        this.state = state;
        this.statePointer = state.getPointer();
        this.stateAddress = Pointer.nativeValue(statePointer);
        this.target = target;
    }

    /** {@return the registered state} */
    public RPC_ASYNC_STATE state() {
        return state;
    }

    /** {@return the dispatcher that notifies it} */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** {@return the target it notifies} */
    public NotificationTarget target() {
        return target;
    }

    /** {@return true once {@link #close()} ran} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Unregisters: the dispatcher forgets the state and lets go of it. Call only when the
     * runtime is done with the state.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            dispatcher.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "Registration[RPC_ASYNC_STATE@0x" + Long.toHexString(stateAddress) + " on " + dispatcher + "]";
    }
}
