package dev.winrpc.async.dispatch;

import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Direct;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * No notification at all (RpcNotificationTypeNone): the dispatcher's thread polls
 * RpcAsyncGetCallStatus for every registered call at a fixed interval and delivers
 * RpcCallComplete once a call's status is no longer RPC_S_ASYNC_CALL_PENDING.
 *
 * <p>Polling says only whether a call has completed, so it serves plain calls; a call with
 * async pipes needs RpcSendComplete and RpcReceiveComplete and must use another dispatcher.
 *
 * <p>A call is registered before the stub starts it, and for a state that has not been used
 * in a call yet RpcAsyncGetCallStatus returns RPC_S_INVALID_BINDING: that status means "not
 * started yet" here, and polling goes on.
 */
public final class PollingDispatcher extends Dispatcher {

    private final long intervalNanos;
    /** Calls whose completion was delivered (Registration has identity equality). */
    private final Set<Registration> completed = ConcurrentHashMap.newKeySet();

    /** Polls every millisecond, on a daemon thread of its own. */
    public PollingDispatcher() {
        this(null, Duration.ofMillis(1));
    }

    /**
     * Starts a polling dispatcher on a thread {@code factory} makes.
     *
     * @param factory makes the dispatcher's thread, or null for a daemon thread of its own
     * @param interval the time between two polls of every call; at least 10 microseconds
     */
    public PollingDispatcher(ThreadFactory factory, Duration interval) {
        super("polling", factory, EnumSet.noneOf(Capability.class));
        if (interval.toNanos() < 10_000) {
            throw new IllegalArgumentException("interval " + interval + " is below 10 us");
        }
        RpcRuntime.ensureAvailable();
        this.intervalNanos = interval.toNanos();
        start();
    }

    @Override
    void openOnThread() {
    }

    @Override
    void configure(Registration r) {
        RPC_ASYNC_STATE s = r.state;
        s.NotificationType = Rpcrt4.RpcNotificationTypeNone;
    }

    @Override
    void unconfigure(Registration r) {
        completed.remove(r);
    }

    @Override
    void wakeThread() {
        LockSupport.unpark(thread());
    }

    @Override
    void waitOnce(int timeoutMillis) {
        long max = timeoutMillis == Kernel32Ex.INFINITE ? intervalNanos
                : Math.min(intervalNanos, timeoutMillis * 1_000_000L);
        LockSupport.parkNanos(this, max);
        poll();
    }

    private void poll() {
        for (Registration r : registry.live()) {
            if (r.isClosed() || completed.contains(r)) {
                continue;
            }
            int status = Rpcrt4Direct.RpcAsyncGetCallStatus(r.state.getPointer());
            if (status != RpcErrors.RPC_S_ASYNC_CALL_PENDING
                    && status != RpcErrors.RPC_S_INVALID_BINDING) {
                completed.add(r);
                deliver(r, Rpcrt4.RpcCallComplete);
            }
        }
    }

    @Override
    void drainQueued() {
        poll();
    }

    @Override
    void releaseResources() {
    }
}
