package dev.winrpc.async.testing;

import dev.winrpc.async.dispatch.AsyncHandle;
import dev.winrpc.async.raw.Rpcrt4Direct;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.ASYNC_PIPE;
import dev.winrpc.async.raw.RPC_ASYNC_NOTIFICATION_INFO;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Util;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One call dispatched to a {@link JavaServer}: what the manager routine was given (the async
 * handle first, the in parameters, the pipes and [out] b), on which thread, and the server's
 * side of the call, driven with the raw bindings along the pipe state page's server tables.
 *
 * <p>A server hears its client's cancel or disconnect only through
 * {@code RpcServerSubscribeForNotification}. Unless the {@link JavaServer} was made without,
 * the manager routine subscribes (Binding NULL: it runs on the thread the call was dispatched
 * on) to both kinds, by APC to the call's own thread and routine {@link #log}, before the
 * handler starts; {@link #complete} and {@link #abort} unsubscribe first and wait for what the
 * runtime says it queued.
 *
 * <p>The state is the runtime's: this object only views it ({@link RPC_ASYNC_STATE#RPC_ASYNC_STATE(Pointer)}),
 * with JNA's auto-read turned off too, so that no library call reads it after the final
 * completion (the server "must not touch" it then, the server-side pipe page).
 *
 * <p>Everything here except the fields runs on the call's own Java thread (the handler's).
 */
public final class RawServerCall {

    /** A pull or push sequence ended because a notification did not come in time. */
    public static final int NO_NOTIFICATION = -1;
    /** A wait ended because the client cancelled or disconnected. */
    public static final int INTERRUPTED = -2;

    private static final int WAIT_OBJECT_0 = 0;

    private final JavaServer server;
    private final Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();
    private final Kernel32 k32 = RpcRuntime.kernel32();

    /** SIM_OP_* of the operation. */
    public final int op;
    /** The async handle the manager routine received first. */
    public final Pointer pAsync;
    /** The binding handle the manager routine received. */
    public final Pointer hBinding;
    /** Add's a, Sleep's ms, Fail's code, PipeRange's start, PipeEcho's a. */
    public final int arg1;
    /** Add's b, PipeRange's count. */
    public final int arg2;
    /** The [in] pipe (PipeSum, PipeEcho), or null. */
    public final ASYNC_PIPE in;
    /** The [out] pipe (PipeRange, PipeEcho), or null. */
    public final ASYNC_PIPE out;
    /** PipeEcho's [out] int *b, or null. */
    public final Pointer outB;
    /** A view of the runtime's state; JNA auto-read and auto-write are off. */
    public final RPC_ASYNC_STATE state;
    /** The APC routine, when {@link #notifyByApc} chose APC. */
    public final NotificationLog log;
    /** What the call did, for failure messages. */
    public final List<String> trace = new CopyOnWriteArrayList<>();
    /** Completed with this call when its handler has returned. */
    public final CompletableFuture<RawServerCall> done = new CompletableFuture<>();

    /** The Java thread the manager routine ran on. */
    public volatile Thread managerThread;
    /** GetCurrentThreadId() on the manager routine's thread. */
    public volatile int managerThreadId;
    /** Whether that thread was a Java thread that existed before the server started, or a worker of this server. */
    public volatile boolean managerThreadWasJava;
    /** RpcAsyncGetCallStatus of the state in the manager routine. */
    public volatile int statusAtDispatch;
    /** Size and Signature of the state the manager routine received, read there. */
    public volatile int sizeAtDispatch;
    /** Signature of the state the manager routine received, read there. */
    public volatile int signatureAtDispatch;
    /** The call's own Java thread (the handler's). */
    public volatile ApcTarget worker;

    private HANDLE event;
    private volatile boolean ended;
    /** RpcNotification* bits subscribed now. */
    private volatile int subscribed;
    /** NotificationsQueued of the last unsubscription, per RPC_NOTIFICATIONS value (1, 2). */
    private final int[] queued = {-1, -1, -1};
    /** Completed by the manager routine once it has done its part (subscribed, or not). */
    final CompletableFuture<Void> dispatched = new CompletableFuture<>();
    /** A pull returned RPC_S_ASYNC_CALL_PENDING and its RpcReceiveComplete has not run yet. */
    private boolean pullPending;

    RawServerCall(JavaServer server, int op, Pointer pAsync, Pointer hBinding, int arg1, int arg2,
            Pointer inpipe, Pointer outpipe, Pointer outB) {
        this.server = server;
        this.op = op;
        this.pAsync = pAsync;
        this.hBinding = hBinding;
        this.arg1 = arg1;
        this.arg2 = arg2;
        this.in = inpipe == null ? null : new ASYNC_PIPE(inpipe);
        this.out = outpipe == null ? null : new ASYNC_PIPE(outpipe);
        this.outB = outB;
        this.state = new RPC_ASYNC_STATE(pAsync);
        this.state.setAutoRead(false);
        this.log = new NotificationLog(server.failures);
    }

    /** Aborts the call of a state that no RawServerCall could be made for. */
    static void abortRaw(Pointer pAsync) {
        RPC_ASYNC_STATE s = new RPC_ASYNC_STATE(pAsync);
        s.setAutoRead(false);
        Rpcrt4Direct.RpcAsyncAbortCall(s.getPointer(), RpcErrors.RPC_S_CALL_FAILED);
    }

    void run(ApcTarget self, JavaServer.Handler handler) {
        worker = self;
        try {
            dispatched.get(10, java.util.concurrent.TimeUnit.SECONDS);
            handler.serve(this);
        } catch (Throwable t) {
            server.failures.record(t);
        } finally {
            try {
                if (!ended) {
                    server.failures.record(new AssertionError("op " + op + ": the server neither "
                            + "completed nor aborted the call; trace " + trace));
                    abortIfOpen();
                }
            } finally {
                if (event != null) {
                    k32.CloseHandle(event);
                    event = null;
                }
                done.complete(this);
            }
        }
    }

    void abortIfOpen() {
        if (!ended) {
            abort(RpcErrors.RPC_S_CALL_FAILED);
        }
    }

    /** @return whether the call has had its final completion or abort */
    public boolean ended() {
        return ended;
    }

    /** @return RpcAsyncGetCallStatus of the server's state */
    public int status() {
        return Rpcrt4Direct.RpcAsyncGetCallStatus(state.getPointer());
    }

    /**
     * Seed 000: APC notification to this call's own Java thread (a real handle it opened to
     * itself), registered with the runtime through {@link AsyncHandle#RpcAsyncRegisterHandle}.
     *
     * @param flags 0 or RPC_C_NOTIFY_ON_SEND_COMPLETE
     */
    public void notifyByApc(int flags) {
        state.Flags = flags;
        state.NotificationType = Rpcrt4.RpcNotificationTypeApc;
        RPC_ASYNC_NOTIFICATION_INFO.APC_INFO apc = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
        apc.NotificationRoutine = log;
        apc.hThread = worker.handle();
        state.u.APC = apc;
        register();
    }

    /**
     * Event notification: an auto-reset event, closed when the handler returns.
     *
     * @param flags 0 or RPC_C_NOTIFY_ON_SEND_COMPLETE
     */
    public void notifyByEvent(int flags) {
        event = k32.CreateEvent(null, false, false, null);
        if (event == null) {
            throw new AssertionError("CreateEvent failed: error " + k32.GetLastError());
        }
        state.Flags = flags;
        state.NotificationType = Rpcrt4.RpcNotificationTypeEvent;
        state.u.hEvent = event;
        register();
    }

    private void register() {
        AsyncHandle.Result r = AsyncHandle.RpcAsyncRegisterHandle(state);
        trace.add("registered " + r);
        if (r != AsyncHandle.Result.REGISTERED_WITH_RUNTIME) {
            throw new AssertionError("RpcAsyncRegisterHandle did not register with the simulator: " + r);
        }
    }

    /**
     * In the manager routine, on the thread the call was dispatched on: subscribes to both
     * kinds with Binding NULL, by APC to the call's own thread.
     *
     * @param workerThread the real handle of the call's own thread
     */
    void subscribeInManagerRoutine(HANDLE workerThread) {
        int st = subscribeByApc(null, workerThread);
        trace.add("subscribed in the manager routine -> " + st);
        if (st != RpcErrors.RPC_S_OK) {
            throw new AssertionError("RpcServerSubscribeForNotification(NULL) in the manager "
                    + "routine returned " + st);
        }
    }

    /** @return RpcAsyncGetCallHandle(pAsync): the call's binding handle */
    public Pointer callHandle() {
        return Rpcrt4Util.RpcAsyncGetCallHandle(pAsync);
    }

    /**
     * RpcServerSubscribeForNotification for both kinds in one call, by APC to thread, with
     * {@link #log} as the routine: JNA marshals the union with its APC member selected.
     *
     * @param binding the call's handle ({@link #callHandle()}), or null on the dispatch thread
     * @param thread a real thread handle with THREAD_SET_CONTEXT
     * @return its status
     */
    public int subscribeByApc(Pointer binding, HANDLE thread) {
        RPC_ASYNC_NOTIFICATION_INFO info = new RPC_ASYNC_NOTIFICATION_INFO();
        info.APC = new RPC_ASYNC_NOTIFICATION_INFO.APC_INFO();
        info.APC.NotificationRoutine = log;
        info.APC.hThread = thread;
        info.setType(RPC_ASYNC_NOTIFICATION_INFO.APC_INFO.class);
        int both = Rpcrt4.RpcNotificationClientDisconnect | Rpcrt4.RpcNotificationCallCancel;
        int st = rpcrt4.RpcServerSubscribeForNotification(binding, both,
                Rpcrt4.RpcNotificationTypeApc, info);
        if (st == RpcErrors.RPC_S_OK) {
            subscribed |= both;
        }
        return st;
    }

    /** @return the RpcNotification* bits this call is subscribed to now */
    public int subscribed() {
        return subscribed;
    }

    /**
     * @param notification RpcNotificationClientDisconnect or RpcNotificationCallCancel
     * @return NotificationsQueued of its last unsubscription, -1 before one
     */
    public int queued(int notification) {
        return queued[notification];
    }

    /**
     * Ends every subscription (Microsoft: before the call completes), and on the call's own
     * thread waits alertably until the notifications the runtime says it queued have run
     * (they may come after the unsubscription; the routine and the thread must be alive then).
     *
     * @param timeoutMs the bound on that wait
     */
    public void unsubscribe(long timeoutMs) {
        for (int kind : new int[] {Rpcrt4.RpcNotificationClientDisconnect,
                Rpcrt4.RpcNotificationCallCancel}) {
            if ((subscribed & kind) == 0) {
                continue;
            }
            subscribed &= ~kind;
            IntByReference q = new IntByReference(-1);
            int st = rpcrt4.RpcServerUnsubscribeForNotification(callHandle(), kind, q);
            trace.add("unsubscribe " + kind + " -> " + st + " (queued " + q.getValue() + ")");
            if (st != RpcErrors.RPC_S_OK) {
                server.failures.record(new AssertionError("RpcServerUnsubscribeForNotification("
                        + kind + ") returned " + st + "; trace " + trace));
                continue;
            }
            queued[kind] = q.getValue();
            int event = kind == Rpcrt4.RpcNotificationCallCancel ? Rpcrt4.RpcClientCancel
                    : Rpcrt4.RpcClientDisconnect;
            if (worker != null && Thread.currentThread() == worker.thread()) {
                worker.awaitAlertably(() -> log.count(event) >= q.getValue(), timeoutMs);
                if (log.count(event) != q.getValue()) {
                    server.failures.record(new AssertionError("the runtime queued " + q.getValue()
                            + " notification(s) " + event + ", the server received "
                            + log.count(event) + "; trace " + trace));
                }
            }
        }
    }

    /** @return whether the client's cancel or disconnect has been seen (APC notification) */
    public boolean interrupted() {
        return log.count(Rpcrt4.RpcClientCancel) > 0 || log.count(Rpcrt4.RpcClientDisconnect) > 0;
    }

    /**
     * Waits for a notification: with APC, alertably until more than seenBefore notifications of
     * that event have run (false if the client cancels or disconnects first, or on timeout);
     * with Event, until the event is signalled, then checks the state's Event field.
     *
     * @param rpcEvent the RPC_ASYNC_EVENT wanted
     * @param seenBefore {@code log.count(rpcEvent)} before the operation that will cause it
     * @param timeoutMs the bound
     * @return whether it came
     */
    public boolean awaitNotification(int rpcEvent, int seenBefore, long timeoutMs) {
        if (event != null) {
            int w = k32.WaitForSingleObject(event, (int) timeoutMs);
            if (w != WAIT_OBJECT_0) {
                trace.add("event wait for " + rpcEvent + " returned 0x" + Integer.toHexString(w));
                return false;
            }
            int written = (Integer) state.readField("Event");
            trace.add("event signalled, Event " + written);
            return written == rpcEvent;
        }
        worker.awaitAlertably(() -> log.count(rpcEvent) > seenBefore || interrupted(), timeoutMs);
        return log.count(rpcEvent) > seenBefore;
    }

    /**
     * Waits alertably until the client's cancel or disconnect notification has run.
     *
     * @param timeoutMs the bound
     * @return whether it did
     */
    public boolean awaitInterruption(long timeoutMs) {
        return worker.awaitAlertably(this::interrupted, timeoutMs);
    }

    /** What a sequence of pulls got. */
    public record Pulled(int status, int[] values, int pulls, int pending) {
        /** @return whether the pipe was pulled to its end */
        public boolean ok() {
            return status == RpcErrors.RPC_S_OK;
        }
    }

    /**
     * Seed 002's server IN table: P (pull) and WP (wait for RpcReceiveComplete after
     * RPC_S_ASYNC_CALL_PENDING) until the null pull, or until maxElements have been pulled.
     * A failed pull, a missing notification or the client's cancel or disconnect ends it.
     *
     * @param bufElements the pull buffer's capacity, in elements
     * @param maxElements stop (with status RPC_S_ASYNC_CALL_PENDING) once this many were pulled
     * @param timeoutMs the bound on each wait
     * @return the values and the status: RPC_S_OK at the pipe's end, a pull's failure,
     *         {@link #NO_NOTIFICATION} or {@link #INTERRUPTED}
     */
    public Pulled pull(int bufElements, int maxElements, long timeoutMs) {
        Memory buf = new Memory(4L * bufElements);
        IntByReference n = new IntByReference();
        List<Integer> got = new ArrayList<>();
        int pulls = 0;
        int pending = 0;
        int status;
        for (;;) {
            if (got.size() >= maxElements) {
                status = RpcErrors.RPC_S_ASYNC_CALL_PENDING;
                break;
            }
            int seen = log.count(Rpcrt4.RpcReceiveComplete);
            n.setValue(-1);
            int st = in.pull(buf, bufElements, n);
            pulls++;
            trace.add("pull -> " + st + " (" + n.getValue() + ")");
            if (st == RpcErrors.RPC_S_OK) {
                if (n.getValue() == 0) {
                    status = st;
                    break;
                }
                for (int v : buf.getIntArray(0, n.getValue())) {
                    got.add(v);
                }
            } else if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
                pending++;
                pullPending = true;
                if (!awaitNotification(Rpcrt4.RpcReceiveComplete, seen, timeoutMs)) {
                    if (interrupted()) {
                        // To fail: go to A. But first let the pending pull settle (the runtime
                        // wakes it when the call fails), so that no later pull is made while
                        // one is pending.
                        worker.awaitAlertably(() -> log.count(Rpcrt4.RpcReceiveComplete) > seen,
                                timeoutMs);
                        pullPending = log.count(Rpcrt4.RpcReceiveComplete) == seen;
                        status = INTERRUPTED;
                    } else {
                        status = NO_NOTIFICATION;
                    }
                    break;
                }
                pullPending = false;
            } else {
                status = st;
                break;
            }
        }
        return new Pulled(status, got.stream().mapToInt(Integer::intValue).toArray(), pulls, pending);
    }

    /**
     * One pull, for a test that wants to see what a single pull returns. Never call it while a
     * pull is pending (after RPC_S_ASYNC_CALL_PENDING and before its RpcReceiveComplete).
     *
     * @param bufElements the pull buffer's capacity
     * @return the pull's status
     */
    public int pullOnce(int bufElements) {
        if (pullPending) {
            throw new IllegalStateException("a pull is pending: wait for its RpcReceiveComplete");
        }
        Memory buf = new Memory(4L * bufElements);
        IntByReference n = new IntByReference(-1);
        int st = in.pull(buf, bufElements, n);
        trace.add("pullOnce -> " + st + " (" + n.getValue() + ")");
        return st;
    }

    /**
     * {@link #pull(int, int, long)} to the pipe's end.
     *
     * @param bufElements the pull buffer's capacity
     * @param timeoutMs the bound on each wait
     * @return what was pulled
     */
    public Pulled pullAll(int bufElements, long timeoutMs) {
        return pull(bufElements, Integer.MAX_VALUE, timeoutMs);
    }

    /**
     * Seed 002's server OUT table: P (push a chunk), WP (wait for its RpcSendComplete), then NP
     * (the null push) and WNP (wait for its RpcSendComplete). Each chunk is a buffer of its own,
     * untouched until its RpcSendComplete. Needs Flags RPC_C_NOTIFY_ON_SEND_COMPLETE.
     *
     * @param values the elements
     * @param chunk elements per push
     * @param timeoutMs the bound on each wait
     * @return RPC_S_OK, a push's failure, {@link #NO_NOTIFICATION} or {@link #INTERRUPTED}
     */
    public int pushAll(int[] values, int chunk, long timeoutMs) {
        for (int i = 0; i < values.length; i += chunk) {
            int k = Math.min(chunk, values.length - i);
            Memory buf = new Memory(4L * k);
            buf.write(0, values, i, k);
            int st = pushAndWait(buf, k, timeoutMs);
            Reference.reachabilityFence(buf);
            if (st != RpcErrors.RPC_S_OK) {
                return st;
            }
        }
        return pushAndWait(null, 0, timeoutMs);
    }

    private int pushAndWait(Memory buf, int k, long timeoutMs) {
        int seen = log.count(Rpcrt4.RpcSendComplete);
        int st = out.push(buf, k);
        trace.add("push " + k + " -> " + st);
        if (st != RpcErrors.RPC_S_OK) {
            return st;
        }
        if (!awaitNotification(Rpcrt4.RpcSendComplete, seen, timeoutMs)) {
            return interrupted() ? INTERRUPTED : NO_NOTIFICATION;
        }
        return RpcErrors.RPC_S_OK;
    }

    /**
     * Sets PipeEcho's [out] b.
     *
     * @param b the value
     */
    public void setB(int b) {
        outB.setInt(0, b);
    }

    /**
     * RpcAsyncCompleteCall(pAsync, &reply): the server's final completion.
     *
     * @param reply the int reply
     * @return its status
     */
    public int complete(int reply) {
        return complete(reply, true);
    }

    /**
     * RpcAsyncCompleteCall(pAsync, &reply), after ending the subscriptions or (a misuse the
     * oracle records, for tests of it) without.
     *
     * @param reply the int reply
     * @param unsubscribeFirst whether to end the subscriptions first
     * @return its status
     */
    public int complete(int reply, boolean unsubscribeFirst) {
        if (unsubscribeFirst) {
            unsubscribe(10_000);
        } else {
            subscribed = 0; // the completion ends them
        }
        Memory r = new Memory(4);
        r.setInt(0, reply);
        int st = Rpcrt4Direct.RpcAsyncCompleteCall(state.getPointer(), r);
        trace.add("complete(" + reply + ") -> " + st);
        // The simulator refuses (not final) a completion before the pipes are finished, and a
        // NULL reply; anything else ends the server's side.
        if (st != RpcErrors.RPC_X_PIPE_DISCIPLINE_ERROR && st != RpcErrors.RPC_S_INVALID_ARG) {
            ended = true;
        }
        return st;
    }

    /**
     * RpcAsyncAbortCall(pAsync, code): the server's final abort.
     *
     * @param code the fault for the client (nonzero)
     * @return its status
     */
    public int abort(int code) {
        unsubscribe(10_000);
        int st = Rpcrt4Direct.RpcAsyncAbortCall(state.getPointer(), code);
        trace.add("abort(" + code + ") -> " + st);
        if (st != RpcErrors.RPC_S_INVALID_ARG) {
            ended = true;
        }
        return st;
    }

    @Override
    public String toString() {
        return "RawServerCall(op " + op + ", " + trace + ")";
    }
}
