package dev.winrpc.async.dispatch;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Owns one platform thread on which the runtime's notifications for the calls registered with
 * it are delivered, one at a time, in the order the runtime issued them.
 *
 * <p>The thread is the dispatcher's alone (netty's event-loop discipline): code that must run
 * on it asserts so ({@link #checkInDispatcherThread()}); other threads hand it work with
 * {@link #execute(Runnable)}, which wakes it. The thread is a daemon thread, started by the
 * constructor and ended by {@link #close()}.
 *
 * <p>The registry of calls, keyed by the native address of each call's RPC_ASYNC_STATE, is
 * also what keeps each call's native memory and target alive until the runtime is done with
 * it. A notification handler that throws does not stop the dispatcher: the exception goes to
 * the call's {@link NotificationTarget#onFailure} and to the handler set with
 * {@link #setExceptionHandler}.
 *
 * <p>{@link #close()} is idempotent and never frees memory the runtime may still write. It is
 * one state machine ({@code OPEN -> CLOSING -> TERMINATED -> RELEASED}): nothing new is
 * registered once it begins; the thread tells every call still registered, lets the calls that
 * end by themselves end while it still delivers their notifications (for at most
 * {@link #CLOSE_DRAIN}), detaches the rest (no more notifications, kept pinned:
 * {@link #stalePinned()}), and ends; its handles are released once no detached call can reach
 * them.
 */
public abstract sealed class Dispatcher implements Executor, AutoCloseable
        permits ApcDispatcher, IocpDispatcher, EventDispatcher, PollingDispatcher {

    /** How long a closing dispatcher keeps delivering to calls that end by themselves. */
    public static final Duration CLOSE_DRAIN = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
    private static final AtomicInteger IDS = new AtomicInteger();

    final Lifecycle lifecycle = new Lifecycle();
    final CallRegistry registry = new CallRegistry();
    final LoopTasks tasks;
    private volatile Consumer<Throwable> exceptionHandler =
            t -> LOG.log(Level.WARNING, "winrpc-async dispatcher: " + t, t);
    private final Set<Capability> capabilities;
    final String name;
    private final LoopThread loop;

    /**
     * Creates the dispatcher's thread with the factory (or a daemon thread named after the
     * dispatcher if factory is null); subclasses start it once their fields are set.
     *
     * @param kind a short name for messages and the thread, e.g. "apc"
     * @param factory the thread factory, or null
     * @param capabilities what this kind of dispatcher can deliver
     */
    Dispatcher(String kind, ThreadFactory factory, Set<Capability> capabilities) {
        this.name = "winrpc-" + kind + "-dispatcher-" + IDS.incrementAndGet();
        this.tasks = new LoopTasks(name);
        this.capabilities = Collections.unmodifiableSet(capabilities.isEmpty()
                ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities));
        this.loop = new LoopThread(name, factory, this::run);
    }

    /**
     * Starts the thread; called by subclass constructors once their fields are set. If the
     * thread cannot be started or does not get ready, the dispatcher's native resources made so
     * far are released and the reason thrown: a failed constructor leaks nothing.
     */
    final void start() {
        Throwable failure;
        try {
            failure = loop.start();
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure != null) {
            lifecycle.terminated();
            releaseIfDone();
            throw failure instanceof RuntimeException ? (RuntimeException) failure : new IllegalStateException(failure);
        }
    }

    // ---- what each kind of dispatcher does ----------------------------------------------------

    /** On the dispatcher thread, before the loop: acquire what needs the thread (its handle). */
    abstract void openOnThread();

    /** Sets the state's NotificationType and {@code u} for this dispatcher (Java fields only). */
    abstract void configure(Registration registration);

    /** Releases what {@link #configure} acquired for a registration, once it is unregistered. */
    void unconfigure(Registration registration) {
    }

    /**
     * Fills {@code info} so that the runtime delivers one kind of server subscription
     * notification (RpcServerSubscribeForNotification) for the registered call through this
     * dispatcher, and returns the RPC_NOTIFICATION_TYPES to subscribe with. Called only where
     * {@link Capability#SERVER_SUBSCRIPTIONS} is one of the {@link #capabilities()}.
     *
     * @param r the call's registration
     * @param event the RPC_ASYNC_EVENT the subscription delivers (RpcClientCancel or
     *        RpcClientDisconnect)
     * @param info filled in for the returned type
     * @return the notification type
     */
    int subscriptionTarget(Registration r, int event, RPC_ASYNC_NOTIFICATION_INFO info) {
        throw new IllegalStateException(this + " cannot deliver server subscriptions");
    }

    /** Makes the thread leave its wait soon (called only when a wake-up is not already pending). */
    abstract void wakeThread();

    /**
     * On the dispatcher thread: waits for something to happen and delivers notifications.
     *
     * @param timeoutMillis how long to wait at most, or {@link Kernel32Ex#INFINITE}
     */
    abstract void waitOnce(int timeoutMillis);

    /** On the dispatcher thread, while closing: delivers every notification already queued. */
    abstract void drainQueued();

    /**
     * Releases the dispatcher's own native resources (its thread handle, its port). Called once,
     * when no registered or detached call can reach them any more.
     */
    abstract void releaseResources();

    // ---- public API ----------------------------------------------------------------------------

    /** {@return what this dispatcher can deliver} */
    public final Set<Capability> capabilities() {
        return capabilities;
    }

    /**
     * Subscribes a server call registered here to its client's cancel or disconnect
     * (RpcServerSubscribeForNotification), delivered through this dispatcher to the call's
     * target as {@code RpcClientCancel} or {@code RpcClientDisconnect}. A dispatcher without
     * {@link Capability#SERVER_SUBSCRIPTIONS} (their notifications do not carry which event
     * happened) returns RPC_S_CANNOT_SUPPORT without calling the runtime.
     *
     * <p>The caller must end the subscription with {@code RpcServerUnsubscribeForNotification}
     * before it completes or aborts the call, and keep the registration until as many
     * notifications have arrived as the runtime says it queued.
     *
     * @param r the call's registration, on this dispatcher
     * @param callHandle the call's handle ({@code RpcAsyncGetCallHandle})
     * @param notification {@code RpcNotificationCallCancel} or {@code RpcNotificationClientDisconnect}
     * @return the RPC_STATUS of the subscription, or RPC_S_CANNOT_SUPPORT
     * @throws IllegalArgumentException if the registration is not this dispatcher's, or the
     *         notification is not one of the two
     */
    public final int subscribe(Registration r, Pointer callHandle, int notification) {
        return ServerSubscription.subscribe(this, r, callHandle, notification);
    }

    /**
     * Registers a client call's state (or any state that is not a server call's): sets its
     * NotificationType and {@code u} for this dispatcher, publishes them with
     * {@link AsyncHandle#publish} (the checks, then the caller's fields only), and makes the
     * call known to the dispatcher, all at once with respect to {@link #close()}. The caller
     * sets {@code state.UserInfo} and {@code state.Flags} beforehand. RpcAsyncRegisterInfo is
     * not called: the runtime refuses a state that has no call behind it yet, and reads the
     * fields when it notifies.
     *
     * @param state an initialised state, not registered anywhere
     * @param target what to notify
     * @return the registration; close it when the runtime is done with the state
     * @throws DispatcherClosedException if the dispatcher is closed or closing
     * @throws IllegalStateException if the state is already registered here
     * @throws IllegalArgumentException if the state cannot be registered (not initialised, ...)
     */
    public final Registration register(RPC_ASYNC_STATE state, NotificationTarget target) {
        return Registrar.register(this, state, target, false);
    }

    /**
     * Registers the state of a call the runtime dispatched to a server's manager routine: as
     * {@link #register}, then RpcAsyncRegisterInfo where it is exported and safe
     * ({@link AsyncHandle#RpcAsyncRegisterHandle}), where Microsoft's server-side example
     * registers the handle. RpcAsyncRegisterInfo is obsolete and the fields are published
     * before it: its failure is reported to the exception handler as an
     * {@link dev.winrpc.async.RpcException}, and the registration stands (a call never notified
     * then ends as any unnotified call does: its deadline, its cancel, the dispatcher's close).
     *
     * @param state the state the manager routine received, not registered anywhere
     * @param target what to notify
     * @return the registration, as {@link #register}'s
     * @throws DispatcherClosedException if the dispatcher is closed or closing
     * @throws IllegalStateException if the state is already registered here
     * @throws IllegalArgumentException if the state cannot be registered
     */
    public final Registration registerServerCall(RPC_ASYNC_STATE state, NotificationTarget target) {
        return Registrar.register(this, state, target, true);
    }

    /** Hook: a registration was added (e.g. the event dispatcher wakes its thread). */
    void registered(Registration r) {
    }

    final void unregister(Registration r) {
        CallRegistry.Removed where = registry.remove(r);
        if (where != CallRegistry.Removed.NONE) {
            unconfigure(r);
        }
        if (where == CallRegistry.Removed.LAST_DETACHED) {
            releaseIfDone();
        }
    }

    /**
     * Runs the task on the dispatcher thread, after the work and notifications already there.
     * A task that throws is reported to the exception handler.
     *
     * @param task what to run
     * @throws RejectedExecutionException if the dispatcher is closed (or closing, unless called
     *         from the dispatcher thread itself)
     */
    @Override
    public final void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        Lifecycle.Phase p = lifecycle.phase();
        if (p != Lifecycle.Phase.OPEN && !(p == Lifecycle.Phase.CLOSING && inDispatcherThread())) {
            throw new RejectedExecutionException(name + " is closed: cannot run " + task);
        }
        tasks.add(task);
        wakeup();
    }

    final void wakeup() {
        if (!inDispatcherThread() && tasks.wakeupPending.compareAndSet(false, true)) {
            // Once the thread has ended there is nothing to wake, and maybe no handle to wake it by.
            lifecycle.whileRunning(() -> {
                try {
                    wakeThread();
                } catch (RuntimeException e) {
                    tasks.wakeupPending.set(false);
                    throw e;
                }
            });
        }
    }

    /**
     * Runs a task on the dispatcher thread once the delay has passed (or a little later: the
     * thread's waits end when a timer is due). No thread of its own: the dispatcher's waits are
     * bounded by its earliest timer. A closed dispatcher runs no timer.
     *
     * @param delay how long to wait, not negative
     * @param task what to run; what it throws goes to the exception handler
     * @return the timer, to cancel it
     * @throws java.util.concurrent.RejectedExecutionException if the dispatcher is closed
     */
    public final Scheduled schedule(Duration delay, Runnable task) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a negative delay: " + delay);
        }
        Scheduled t = Scheduled.after(this, delay, Objects.requireNonNull(task, "task"));
        if (inDispatcherThread()) {
            tasks.addTimer(t);
        } else {
            execute(() -> tasks.addTimer(t));
        }
        return t;
    }

    /** {@return true when called on the dispatcher's thread} */
    public final boolean inDispatcherThread() {
        return loop.isCurrent();
    }

    /**
     * Asserts that the caller is on the dispatcher thread.
     *
     * @throws IllegalStateException naming both threads, if not
     */
    public final void checkInDispatcherThread() {
        if (!inDispatcherThread()) {
            throw new IllegalStateException("must run on " + loop.thread().getName() + ", not on "
                    + Thread.currentThread().getName());
        }
    }

    /** {@return the dispatcher's thread} */
    public final Thread thread() {
        return loop.thread();
    }

    /** {@return the number of calls registered now} */
    public final int registeredCalls() {
        return registry.size();
    }

    /** {@return true once close has begun} */
    public final boolean isClosed() {
        return !lifecycle.isOpen();
    }

    /**
     * Sets what receives exceptions thrown by notification handlers and tasks (after the call's
     * own {@link NotificationTarget#onFailure}). The default logs them at WARNING.
     *
     * @param handler the handler; it must not throw (what it throws is logged and dropped)
     */
    public final void setExceptionHandler(Consumer<Throwable> handler) {
        this.exceptionHandler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Closes the dispatcher (idempotent; see the class comment). Called from another thread, it
     * returns when the dispatcher thread has ended; called on the dispatcher thread (from a
     * handler), it returns at once and the thread ends the calls, then itself, after the
     * handler returns.
     */
    @Override
    public final void close() {
        if (lifecycle.close() && !inDispatcherThread()) {
            tasks.wakeupPending.set(false);
            try {
                wakeup();
            } catch (RuntimeException e) {
                report(e);
            }
        }
        if (!inDispatcherThread() && !loop.join(CLOSE_DRAIN.toMillis() + 25_000)) {
            report(new IllegalStateException(name + " did not end within "
                    + (CLOSE_DRAIN.toSeconds() + 25) + " s of close()"));
        }
    }

    /**
     * Closes the dispatcher after waiting up to {@code timeout} for the calls registered with
     * it to finish on their own; then as {@link #close()}.
     *
     * @param timeout how long to wait for live calls
     * @return true if no call was still registered when the wait ended
     */
    public final boolean closeGracefully(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (registry.size() > 0 && System.nanoTime() < deadline && !inDispatcherThread()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean idle = registry.size() == 0;
        close();
        return idle;
    }

    /** {@return registrations (calls) pinned because a dispatcher closed under them, not yet closed} */
    public static int stalePinned() {
        return CallRegistry.detachedEverywhere();
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- the loop ------------------------------------------------------------------------------

    private void run() {
        try {
            openOnThread();
        } catch (Throwable t) {
            lifecycle.terminated();
            loop.failed(t);
            return;
        }
        loop.ready();
        java.util.function.Consumer<Throwable> reporter = this::report; // one, not one per turn
        try {
            while (lifecycle.isOpen()) {
                boolean more = tasks.runBatch(reporter);
                if (!lifecycle.isOpen()) {
                    break;
                }
                waitOnce(tasks.waitMillis(more, Kernel32Ex.INFINITE));
            }
        } catch (Throwable t) {
            report(t);
            lifecycle.close(); // nothing may register with a loop that has stopped
        }
        try {
            ClosingCalls.end(this);
        } catch (Throwable t) {
            report(t);
        } finally {
            lifecycle.terminated();
            releaseIfDone();
            loop.ended();
        }
    }

    /**
     * Runs a batch of queued tasks and the due timers (see {@link LoopTasks}).
     *
     * @return true if tasks are still queued
     */
    final boolean runTasks() {
        return tasks.runBatch(this::report);
    }

    /**
     * How long the thread's next wait may block: until the next timer, at most {@code cap}.
     *
     * @param tasksLeft what {@link #runTasks} returned
     * @param cap milliseconds, or {@link Kernel32Ex#INFINITE}
     * @return milliseconds, or {@link Kernel32Ex#INFINITE}
     */
    final int waitMillis(boolean tasksLeft, int cap) {
        return tasks.waitMillis(tasksLeft, cap);
    }


    /** TERMINATED with no detached call left: releases the native resources, once. */
    private void releaseIfDone() {
        lifecycle.release(() -> !registry.hasDetached(), () -> {
            try {
                releaseResources();
            } catch (Throwable t) {
                report(t);
            }
        });
    }

    /**
     * Delivers a notification to the call registered at {@code address}: on the dispatcher
     * thread only, never throwing.
     *
     * @param address the native address of the call's RPC_ASYNC_STATE
     * @param event the RPC_ASYNC_EVENT
     */
    final void deliver(long address, int event) {
        Registration r = registry.get(address);
        if (r == null) {
            report(new IllegalStateException(name + ": notification " + event
                    + " for an RPC_ASYNC_STATE at 0x" + Long.toHexString(address)
                    + " that no live call registered"));
            return;
        }
        deliver(r, event);
    }

    final void deliver(Registration r, int event) {
        DispatcherStallEvent stall = StallWatch.begin(); // Flight Recorder, when enabled
        try {
            r.target.onNotification(event);
        } catch (Throwable t) {
            fail(r, t);
        }
        StallWatch.end(stall, name, StallWatch.NOTIFICATION);
    }

    void fail(Registration r, Throwable cause) {
        try {
            r.target.onFailure(cause);
        } catch (Throwable t) {
            cause.addSuppressed(t);
        }
        report(cause);
    }

    /**
     * Passes an exception to the handler set with {@link #setExceptionHandler} (by default, the
     * log). Never throws.
     *
     * @param t what went wrong
     */
    public final void report(Throwable t) {
        try {
            exceptionHandler.accept(t);
        } catch (Throwable ignored) {
            LOG.log(Level.WARNING, "winrpc-async: the exception handler threw", ignored);
        }
    }
}
