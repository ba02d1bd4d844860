package dev.winrpc.async.dispatch;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Util;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>{@link #close()} is idempotent: it stops accepting work, runs the notifications already
 * queued, fails every call still registered with a {@link DispatcherClosedException}, ends the
 * thread and releases its handles. A call failed that way is switched to
 * RpcNotificationTypeNone, so the runtime does not notify a thread or port that no one serves,
 * and is finished by polling. It never frees memory the runtime may still write: the
 * states of calls failed that way stay pinned, and the handles the runtime may still use stay
 * open, until each such call's registration is closed (when the runtime is done with it);
 * {@link #stalePinned()} counts them.
 */
public abstract class Dispatcher implements Executor, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
    private static final AtomicInteger IDS = new AtomicInteger();

    /** Registrations whose dispatcher closed while the runtime could still write their state. */
    private static final Set<Registration> STALE = ConcurrentHashMap.newKeySet();

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    private final AtomicInteger lifecycle = new AtomicInteger(OPEN);
    final LongObjectMap<Registration> registry = new LongObjectMap<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile Throwable startFailure;
    /** Guards waking the thread against releasing the handle it is woken through. */
    private final Object wakeLock = new Object();
    private boolean resourcesReleased;
    /** This dispatcher's registrations failed by close while the runtime could still write them. */
    private final Set<Registration> stale = ConcurrentHashMap.newKeySet();
    /** Set once, when close kept the dispatcher's native resources open for stale calls. */
    private volatile boolean resourcesKept;
    private volatile Consumer<Throwable> exceptionHandler =
            t -> LOG.log(Level.WARNING, "winrpc-async dispatcher: " + t, t);
    private final String name;
    private final Thread thread;

    /**
     * Creates the dispatcher's thread with the factory (or a daemon thread named after the
     * dispatcher if factory is null), starts it, and waits until it is ready.
     *
     * @param kind a short name for messages and the thread, e.g. "apc"
     * @param factory the thread factory, or null
     */
    Dispatcher(String kind, ThreadFactory factory) {
        this.name = "winrpc-" + kind + "-dispatcher-" + IDS.incrementAndGet();
        Runnable body = this::run;
        Thread t;
        if (factory == null) {
            t = new Thread(body, name);
            t.setDaemon(true);
        } else {
            t = factory.newThread(body);
            if (t == null) {
                throw new IllegalArgumentException("the thread factory returned null");
            }
        }
        Threads.requirePlatformThread(t, name + "'s thread");
        this.thread = t;
    }

    /** Starts the thread; called by subclass constructors once their fields are set. */
    final void start() {
        thread.start();
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new DispatcherClosedException(name + ": interrupted while starting");
        }
        if (startFailure != null) {
            terminated(); // the thread has ended or is ending
            RuntimeException e = startFailure instanceof RuntimeException
                    ? (RuntimeException) startFailure : new IllegalStateException(startFailure);
            throw e;
        }
    }

    private void terminated() {
        try {
            terminated.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
     * dispatcher, and returns the RPC_NOTIFICATION_TYPES to subscribe with; or returns
     * {@link Rpcrt4#RpcNotificationTypeNone} if this kind of dispatcher
     * cannot tell such a notification apart from the call's own.
     *
     * @param r the call's registration
     * @param event the RPC_ASYNC_EVENT the subscription delivers (RpcClientCancel or
     *        RpcClientDisconnect)
     * @param info filled in for the returned type
     * @return the notification type, or RpcNotificationTypeNone
     */
    int subscriptionTarget(Registration r, int event, RPC_ASYNC_NOTIFICATION_INFO info) {
        return Rpcrt4.RpcNotificationTypeNone;
    }

    /** Makes the thread leave its wait soon (called only when a wake-up is not already pending). */
    abstract void wakeThread();

    /** On the dispatcher thread: waits for something to happen and delivers notifications. */
    abstract void waitOnce();

    /** On the dispatcher thread, while closing: delivers every notification already queued. */
    abstract void drainQueued();

    /**
     * Releases the dispatcher's own native resources (its thread handle, its port). Called on
     * the dispatcher thread when it ends, or, if calls it failed at close could still be
     * notified then, later on whatever thread unregisters the last of them: a handle the
     * runtime may still use is never closed (its value could come to name another object).
     */
    abstract void releaseResources();

    // ---- public API ----------------------------------------------------------------------------

    /**
     * Subscribes a server call registered here to its client's cancel or disconnect
     * (RpcServerSubscribeForNotification), delivered through this dispatcher to the call's
     * target as {@code RpcClientCancel} or {@code RpcClientDisconnect}. An {@link ApcDispatcher}
     * and an {@link IocpDispatcher} can; an {@link EventDispatcher} and a
     * {@link PollingDispatcher} cannot (their notifications do not carry which event happened)
     * and return RPC_S_CANNOT_SUPPORT without calling the runtime.
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
        Objects.requireNonNull(r, "registration");
        if (r.dispatcher != this) {
            throw new IllegalArgumentException(r + " is not registered with " + this);
        }
        int event;
        if (notification == Rpcrt4.RpcNotificationCallCancel) {
            event = Rpcrt4.RpcClientCancel;
        } else if (notification == Rpcrt4.RpcNotificationClientDisconnect) {
            event = Rpcrt4.RpcClientDisconnect;
        } else {
            throw new IllegalArgumentException("notification " + notification + " is neither "
                    + "RpcNotificationCallCancel nor RpcNotificationClientDisconnect");
        }
        RPC_ASYNC_NOTIFICATION_INFO info = new RPC_ASYNC_NOTIFICATION_INFO();
        int type = subscriptionTarget(r, event, info);
        if (type == Rpcrt4.RpcNotificationTypeNone) {
            return RpcErrors.RPC_S_CANNOT_SUPPORT;
        }
        info.write();
        return RpcRuntime.rpcrt4().RpcServerSubscribeForNotification(callHandle,
                notification, type, info);
    }

    /**
     * Registers a call's state: sets its NotificationType and {@code u} for this dispatcher,
     * publishes them with {@link Rpcrt4Util#RpcAsyncRegisterHandle} (the checks, then the
     * caller's fields, then RpcAsyncRegisterInfo where safe), and makes the call known to the
     * dispatcher. The caller sets {@code state.UserInfo} and {@code state.Flags} beforehand.
     *
     * @param state an initialised state, not registered anywhere
     * @param target what to notify
     * @return the registration; close it when the runtime is done with the state
     * @throws DispatcherClosedException if the dispatcher is closed or closing
     * @throws IllegalStateException if the state is already registered here
     * @throws IllegalArgumentException if the state cannot be registered (not initialised, ...)
     */
    public final Registration register(RPC_ASYNC_STATE state, NotificationTarget target) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(target, "target");
        requireOpen("register a call");
        Registration r = new Registration(this, state, target);
        if (registry.putIfAbsent(r.peer, r) != null) {
            throw new IllegalStateException("the RPC_ASYNC_STATE at 0x" + Long.toHexString(r.peer)
                    + " is already registered with " + this);
        }
        try {
            if (lifecycle.get() != OPEN) {
                throw new DispatcherClosedException(name + " is closed: cannot register a call");
            }
            configure(r);
            Rpcrt4Util.RpcAsyncRegisterHandle(state);
        } catch (RuntimeException | Error e) {
            registry.remove(r.peer);
            unconfigure(r);
            throw e;
        }
        registered(r);
        return r;
    }

    /** Hook: a registration was added (e.g. the event dispatcher wakes its thread). */
    void registered(Registration r) {
    }

    final void unregister(Registration r) {
        if (registry.get(r.peer) == r) {
            registry.remove(r.peer);
            unconfigure(r);
        }
        if (STALE.remove(r)) {
            unconfigure(r);
            stale.remove(r);
            releaseIfNoStaleCalls();
        }
    }

    private void releaseIfNoStaleCalls() {
        synchronized (stale) {
            if (resourcesKept && stale.isEmpty()) {
                resourcesKept = false;
                try {
                    release();
                } catch (Throwable t) {
                    report(t);
                }
            }
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
        if (lifecycle.get() != OPEN && !(inDispatcherThread() && lifecycle.get() == CLOSING)) {
            throw new RejectedExecutionException(name + " is closed: cannot run " + task);
        }
        tasks.add(task);
        wakeup();
    }

    final void wakeup() {
        if (!inDispatcherThread() && wakeupPending.compareAndSet(false, true)) {
            synchronized (wakeLock) {
                if (resourcesReleased) {
                    return; // the thread has ended: nothing to wake, and no handle to wake it by
                }
                try {
                    wakeThread();
                } catch (RuntimeException e) {
                    wakeupPending.set(false);
                    throw e;
                }
            }
        }
    }

    private void release() {
        synchronized (wakeLock) {
            if (!resourcesReleased) {
                resourcesReleased = true;
                releaseResources();
            }
        }
    }

    /** @return true when called on the dispatcher's thread */
    public final boolean inDispatcherThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Asserts that the caller is on the dispatcher thread.
     *
     * @throws IllegalStateException naming both threads, if not
     */
    public final void checkInDispatcherThread() {
        if (!inDispatcherThread()) {
            throw new IllegalStateException("must run on " + thread.getName() + ", not on "
                    + Thread.currentThread().getName());
        }
    }

    /** @return the dispatcher's thread */
    public final Thread thread() {
        return thread;
    }

    /** @return the number of calls registered now */
    public final int registeredCalls() {
        return registry.size();
    }

    /** @return true once close has begun */
    public final boolean isClosed() {
        return lifecycle.get() != OPEN;
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
     * handler), it returns at once and the thread ends after the handler returns.
     */
    @Override
    public final void close() {
        if (lifecycle.compareAndSet(OPEN, CLOSING)) {
            if (!inDispatcherThread()) {
                wakeupPending.set(false);
                try {
                    wakeup();
                } catch (RuntimeException e) {
                    report(e);
                }
            }
        }
        if (!inDispatcherThread() && thread.isAlive()) {
            try {
                thread.join(30_000);
                if (thread.isAlive()) {
                    report(new IllegalStateException(name + " did not end within 30 s of close()"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    /** @return registrations (calls) pinned forever because a dispatcher closed under them */
    public static int stalePinned() {
        return STALE.size();
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
            startFailure = t;
            lifecycle.set(CLOSED);
            started.countDown();
            terminated.countDown();
            return;
        }
        started.countDown();
        try {
            while (lifecycle.get() == OPEN) {
                runTasks();
                if (lifecycle.get() != OPEN) {
                    break;
                }
                waitOnce();
            }
            finishClose();
        } catch (Throwable t) {
            report(t);
            finishClose();
        } finally {
            lifecycle.set(CLOSED);
            terminated.countDown();
        }
    }

    final void runTasks() {
        wakeupPending.set(false);
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (Throwable t) {
                report(t);
            }
        }
    }

    private void finishClose() {
        try {
            drainQueued();
        } catch (Throwable t) {
            report(t);
        }
        runTasks();
        List<Registration> live = registry.values();
        synchronized (stale) {
            resourcesKept = true;
            for (Registration r : live) {
                registry.remove(r.peer);
                stale.add(r);
                STALE.add(r);
            }
        }
        for (Registration r : live) {
            // Nothing will wait for this call's notifications any more: tell the runtime not to
            // send them (to a thread that is about to end, or a port about to be drained by
            // nobody). The application finishes the call by polling RpcAsyncGetCallStatus.
            try {
                r.state.NotificationType = Rpcrt4.RpcNotificationTypeNone;
                r.state.writeField("NotificationType");
            } catch (Throwable t) {
                report(t);
            }
            fail(r, new DispatcherClosedException(name + " closed while the call on the "
                    + "RPC_ASYNC_STATE at 0x" + Long.toHexString(r.peer) + " was in flight; "
                    + "it is no longer notified: finish it by polling RpcAsyncGetCallStatus"));
        }
        runTasks();
        // Calls failed above may have finished (and unregistered) already; if none is left,
        // nothing can reach the dispatcher's handles any more.
        releaseIfNoStaleCalls();
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
        try {
            r.target.onNotification(event);
        } catch (Throwable t) {
            fail(r, t);
        }
    }

    private void fail(Registration r, Throwable cause) {
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

    private void requireOpen(String what) {
        if (lifecycle.get() != OPEN) {
            throw new DispatcherClosedException(name + " is closed: cannot " + what);
        }
    }
}
