package dev.winrpc.async.call;

import static dev.winrpc.async.pipe.PipeInput.APP_FAIL;
import static dev.winrpc.async.pipe.PipeInput.CALL_COMPLETE;
import static dev.winrpc.async.pipe.PipeInput.CALL_FAILED;
import static dev.winrpc.async.pipe.PipeInput.FAILED;
import static dev.winrpc.async.pipe.PipeInput.FAILURE;
import static dev.winrpc.async.pipe.PipeInput.NO_NOTIFICATION;
import static dev.winrpc.async.pipe.PipeInput.OK;
import static dev.winrpc.async.pipe.PipeInput.PULLED_DATA;
import static dev.winrpc.async.pipe.PipeInput.PULLED_END;
import static dev.winrpc.async.pipe.PipeInput.PULL_PENDING;
import static dev.winrpc.async.pipe.PipeInput.RECEIVED_DATA;
import static dev.winrpc.async.pipe.PipeInput.RECEIVED_END;
import static dev.winrpc.async.pipe.PipeInput.RECEIVE_FAILED;
import static dev.winrpc.async.pipe.PipeInput.SENT_LAST;
import static dev.winrpc.async.pipe.PipeInput.SENT_MORE;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.dispatch.NotificationTarget;
import dev.winrpc.async.dispatch.PollingDispatcher;
import dev.winrpc.async.dispatch.Registration;
import dev.winrpc.async.pipe.IllegalPipeTransitionException;
import dev.winrpc.async.pipe.PipeInput;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.pipe.PipeProtocol;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.pipe.Side;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.raw.Rpcrt4Direct;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One asynchronous call, client or server, driven through its state table: for a call with
 * async pipes, the seed's table for its pipe kind and side ({@link PipeProtocol}); for a plain
 * call, the library's own short table ({@link #plainTable(Side)}).
 *
 * <p>Everything that moves the call happens on its dispatcher's thread: notifications arrive
 * there, and what the application asks for from other threads is handed over. Every move goes
 * through the table; a notification the current state does not expect takes the state's "To
 * fail" transition and is reported to the dispatcher's exception handler. The call is completed
 * or aborted exactly once, and the call's native memory (its state, pipe structures, buffers,
 * [out] parameters) and callbacks stay pinned, through the dispatcher's registration, until the
 * table reaches END and the runtime is done; after END every use throws.
 *
 * <p>END reached by a failed pipe operation ("On failure go to End") ends the protocol, but not
 * the runtime's call: the library then makes the one final completion every started call needs
 * (a client waits for RpcCallComplete and calls RpcAsyncCompleteCall; a server calls
 * RpcAsyncAbortCall) before it lets go of the memory.
 *
 * @param <R> the reply's Java type
 */
public abstract class AsyncCall<R> implements NotificationTarget {

    private static final Set<Integer> RUNTIME_STATUSES = runtimeStatuses();
    /** The RPC_NOTIFICATIONS a server call subscribes to, each on its own. */
    private static final int[] CLIENT_NOTIFICATIONS = {Rpcrt4.RpcNotificationCallCancel,
            Rpcrt4.RpcNotificationClientDisconnect};
    /** How long a call whose dispatcher closed waits for the runtime to end it. */
    private static final long UNNOTIFIED_COMPLETION_NANOS = 5_000_000_000L;

    final Dispatcher dispatcher;
    final Rpcrt4 rpcrt4;
    final Side side;
    /** Null for a plain call. */
    final PipeKind kind;
    /** Null for a plain call. */
    final PipeProtocol table;
    final Reply<R> reply;
    final Memory replyBuffer;
    final PipeWriter<?> writer;
    final PipeReader<?> reader;
    final List<OutParam> outs;
    final CompletableFuture<R> result = new CompletableFuture<>();
    /** A server's: completed when the runtime says the client cancelled or went away. */
    final CompletableFuture<RpcException> clientGone = new CompletableFuture<>();
    /**
     * Every state the call entered, appended on the dispatcher thread, read (copied) from any
     * thread. Not a CopyOnWriteArrayList: a pipe call makes two or three transitions per chunk,
     * and copying the whole path on each of them made a streaming call quadratic in its number
     * of chunks (about 60 KB allocated per 4 KiB chunk on average over a 16 MiB call).
     */
    private final List<PipeState> path = Collections.synchronizedList(new ArrayList<>());
    private volatile PipeState state;
    private volatile boolean ended;
    volatile boolean replyGiven;

    RPC_ASYNC_STATE async;
    Pointer asyncAddress;
    /** Set once register() returns; guarded by this (see {@link #registered}). */
    Registration registration;

    // ---- dispatcher thread only ----
    boolean started;
    boolean finalized;
    boolean replyAvailable;
    boolean awaitingCallComplete;
    boolean receiveReady;
    /** The server was told RpcClientCancel. */
    boolean clientCancelled;
    /** A pull returned RPC_S_ASYNC_CALL_PENDING and its RpcReceiveComplete has not come yet. */
    boolean pullPending;
    boolean cancelIssued;
    boolean cancelAbortive = true;
    /** An abortive RpcAsyncCancelCall has been made: the runtime ends the call at once. */
    boolean abortiveCancelIssued;
    boolean noMoreNotifications;
    int outstandingSends;
    int finalStatus = RpcErrors.RPC_S_ASYNC_CALL_PENDING;
    int abortCode = RpcErrors.RPC_S_CALL_FAILED;
    Throwable failure;
    R serverReply;
    boolean serverReplySet;
    /** The application (or a failure outside a state's action) asked for the state's "To fail". */
    boolean appFailPending;
    /** COMP was reached by a failure ("If a failure is received go Comp"), not by the pipe's end. */
    boolean failedIntoComp;
    /** A server's subscriptions (RPC_NOTIFICATIONS bits) not yet ended; set on the runtime's thread. */
    volatile int subscribedKinds;
    /** The call handle the subscriptions were made with. */
    Pointer callHandle;
    /** Subscription notifications the runtime says it queued (by RPC_NOTIFICATIONS value), at unsubscribe. */
    private final int[] queuedByKind = new int[3];
    /** ... and those that reached the call. */
    private final int[] receivedByKind = new int[3];
    /** END was handled while subscription notifications were still on their way. */
    private boolean releaseWhenSettled;
    private boolean acting;
    private boolean actAgain;
    private boolean endHandled;

    AsyncCall(Dispatcher dispatcher, Side side, Reply<R> reply, PipeWriter<?> writer,
            PipeReader<?> reader, List<OutParam> outs) {
        if (dispatcher == null || reply == null) {
            throw new IllegalArgumentException("a dispatcher and a reply type are required");
        }
        this.dispatcher = dispatcher;
        this.rpcrt4 = RpcRuntime.rpcrt4();
        this.side = side;
        this.reply = reply;
        this.writer = writer;
        this.reader = reader;
        this.outs = List.copyOf(outs);
        PipeReader<?> in = side == Side.CLIENT ? null : reader;
        PipeWriter<?> out = side == Side.CLIENT ? null : writer;
        boolean hasIn = side == Side.CLIENT ? writer != null : in != null;
        boolean hasOut = side == Side.CLIENT ? reader != null : out != null;
        this.kind = hasIn && hasOut ? PipeKind.IN_OUT : hasIn ? PipeKind.IN : hasOut ? PipeKind.OUT : null;
        this.table = kind == null ? null : PipeProtocol.of(kind, side);
        if (kind != null && !(dispatcher instanceof ApcDispatcher)) {
            // Only an APC carries the event with the notification. A completion port or an event
            // only says "something happened", and the runtime's Event field, read afterwards,
            // may already hold a later event: the null push's RpcSendComplete then reads as an
            // RpcReceiveComplete, and the table would be driven by a wrong input.
            throw new IllegalArgumentException("a call with async pipes needs APC notification "
                    + "(an ApcDispatcher): " + dispatcher + " cannot tell RpcSendComplete from "
                    + "RpcReceiveComplete reliably" + (dispatcher instanceof PollingDispatcher
                    ? ", it only polls for completion" : ""));
        }
        this.replyBuffer = new Memory(reply.size());
        replyBuffer.clear();
        if (writer != null) {
            writer.attach(this);
        }
        if (reader != null) {
            reader.attach(this);
        }
        for (OutParam o : this.outs) {
            o.attach(this);
        }
    }

    // ---- what callers see ------------------------------------------------------------------------

    /** @return the state the call is in now */
    public final PipeState state() {
        return state;
    }

    /** @return the states the call went through, from its first; for logging and tests */
    public final List<PipeState> path() {
        return Collections.unmodifiableList(new ArrayList<>(path));
    }

    /** @return the pipe kind, or empty for a plain call */
    public final Optional<PipeKind> pipeKind() {
        return Optional.ofNullable(kind);
    }

    /** @return the side of the call */
    public final Side side() {
        return side;
    }

    /** @return true once the call reached END and the runtime is done with it */
    public final boolean ended() {
        return ended;
    }

    /** @return the dispatcher that notifies the call */
    public final Dispatcher dispatcher() {
        return dispatcher;
    }

    /** @return the table's title, e.g. "IN_OUT pipe, client", or "plain call, server" */
    public final String title() {
        return table != null ? table.title() : "plain call, " + side.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + title() + ", " + state + ", path " + path + "]";
    }

    // ---- the tables ------------------------------------------------------------------------------

    private static final Map<PipeState, Map<PipeInput, PipeState>> PLAIN_CLIENT = new EnumMap<>(PipeState.class);
    private static final Map<PipeState, Map<PipeInput, PipeState>> PLAIN_SERVER = new EnumMap<>(PipeState.class);

    static {
        // A plain call (no pipe) is not in seed 002. Its table is the seed's, with the pipe
        // states left out: the client makes the call, waits for the completion (and may cancel
        // while it waits), completes; the server is dispatched, then completes or aborts, and
        // aborts when its client cancels or goes away while the reply is not yet given.
        plain(PLAIN_CLIENT, PipeState.C, OK, PipeState.WCOMP);
        plain(PLAIN_CLIENT, PipeState.C, FAILED, PipeState.END);
        plain(PLAIN_CLIENT, PipeState.C, APP_FAIL, PipeState.CAN);
        plain(PLAIN_CLIENT, PipeState.WCOMP, CALL_COMPLETE, PipeState.COMP);
        plain(PLAIN_CLIENT, PipeState.WCOMP, APP_FAIL, PipeState.CAN);
        plain(PLAIN_CLIENT, PipeState.WCOMP, NO_NOTIFICATION, PipeState.CAN);
        plain(PLAIN_CLIENT, PipeState.CAN, OK, PipeState.WCOMP);
        plain(PLAIN_CLIENT, PipeState.CAN, FAILED, PipeState.WCOMP);
        plain(PLAIN_CLIENT, PipeState.COMP, OK, PipeState.END);
        plain(PLAIN_CLIENT, PipeState.COMP, FAILED, PipeState.END);
        plain(PLAIN_SERVER, PipeState.D, OK, PipeState.COMP);
        plain(PLAIN_SERVER, PipeState.D, APP_FAIL, PipeState.A);
        plain(PLAIN_SERVER, PipeState.COMP, APP_FAIL, PipeState.A);
        plain(PLAIN_SERVER, PipeState.COMP, FAILURE, PipeState.A);
        plain(PLAIN_SERVER, PipeState.COMP, OK, PipeState.END);
        plain(PLAIN_SERVER, PipeState.COMP, FAILED, PipeState.END);
        plain(PLAIN_SERVER, PipeState.A, OK, PipeState.END);
        plain(PLAIN_SERVER, PipeState.A, FAILED, PipeState.END);
    }

    private static void plain(Map<PipeState, Map<PipeInput, PipeState>> t, PipeState from,
            PipeInput in, PipeState to) {
        t.computeIfAbsent(from, k -> new EnumMap<>(PipeInput.class)).put(in, to);
    }

    /**
     * The library's table for a plain call (no pipe), which seed 002 does not cover.
     *
     * @param side client or server
     * @return (state, input) to next state
     */
    public static Map<PipeState, Map<PipeInput, PipeState>> plainTable(Side side) {
        Map<PipeState, Map<PipeInput, PipeState>> t = side == Side.CLIENT ? PLAIN_CLIENT : PLAIN_SERVER;
        Map<PipeState, Map<PipeInput, PipeState>> copy = new EnumMap<>(PipeState.class);
        t.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(v)));
        return Collections.unmodifiableMap(copy);
    }

    final Optional<PipeState> next(PipeState from, PipeInput input) {
        if (table != null) {
            return table.next(from, input);
        }
        Map<PipeInput, PipeState> row = (side == Side.CLIENT ? PLAIN_CLIENT : PLAIN_SERVER).get(from);
        return Optional.ofNullable(row == null ? null : row.get(input));
    }

    final boolean accepts(PipeInput input) {
        PipeState s = state;
        return s != null && next(s, input).isPresent();
    }

    final void begin(PipeState initial) {
        state = initial;
        path.add(initial);
    }

    /** Moves the call through its table. Dispatcher thread only. */
    final void apply(PipeInput input) {
        PipeState from = state;
        PipeState to = next(from, input).orElseThrow(() -> table != null
                ? new IllegalPipeTransitionException(table, from, input)
                : new IllegalStateException(title() + ": no transition from " + from + " on " + input));
        if (to == PipeState.COMP && (input == FAILURE || input == FAILED || input == CALL_FAILED)) {
            failedIntoComp = true;
        }
        state = to;
        path.add(to);
    }

    // ---- handing work to the dispatcher thread ---------------------------------------------------

    final void onDispatcher(Runnable r) {
        Runnable guarded = () -> {
            try {
                r.run();
            } catch (Throwable t) {
                internalFailure(t);
            }
        };
        if (dispatcher.inDispatcherThread()) {
            guarded.run();
        } else {
            dispatcher.execute(guarded);
        }
    }

    final void onDispatcherIfLive(Runnable r) {
        if (!ended) {
            onDispatcher(r);
        }
    }

    /** Runs application code (a Flow subscriber) on the dispatcher thread; its exception fails the call. */
    final void deliverSafely(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            failure = failure == null ? t : failure;
            dispatcher.report(t);
            appFailPending = true; // taken by the next step, never in the middle of one
        }
    }

    /**
     * Records the registration register() returned. A notification may reach the call between
     * register() publishing it and this (a server call that a client cancels at once): if the
     * call has already ended by then, the registration is closed here.
     *
     * @param r the registration
     */
    final synchronized void registered(Registration r) {
        registration = r;
        if (ended) {
            r.close();
        }
    }

    private synchronized void releaseRegistration() {
        if (registration != null) {
            registration.close();
        }
    }

    /** The call ended without ever being registered (a server call that could not be accepted). */
    final void markEnded() {
        ended = true;
    }

    final void checkNotEnded() {
        if (ended) {
            throw endedException("use");
        }
    }

    final IllegalStateException endedException(String what) {
        return new IllegalStateException("cannot " + what + ": the call has ended (" + path + ")");
    }

    final boolean succeeded() {
        return ended && finalStatus == RpcErrors.RPC_S_OK && failure == null;
    }

    final void checkOutWritable() {
        if (replyGiven || ended) {
            throw new IllegalStateException("[out] parameters may be set only before the call is "
                    + "completed: " + this);
        }
    }

    /** The application fails the call: a client cancels it, a server aborts it. */
    final void failFromApplication(Throwable cause) {
        onDispatcherIfLive(() -> {
            failure = failure == null ? cause : failure;
            appFailPending = true;
            act();
        });
    }

    private void failIfPossible() {
        if (accepts(APP_FAIL)) {
            apply(APP_FAIL);
        }
    }

    private void internalFailure(Throwable t) {
        dispatcher.report(t);
        failure = failure == null ? t : failure;
        if (!ended) {
            try {
                appFailPending = true;
                act();
            } catch (Throwable again) {
                t.addSuppressed(again);
                dispatcher.report(again);
            }
        }
    }

    // ---- notifications ---------------------------------------------------------------------------

    @Override
    public final void onNotification(int event) {
        try {
            if (event == Rpcrt4.RpcClientCancel || event == Rpcrt4.RpcClientDisconnect) {
                receivedByKind[event == Rpcrt4.RpcClientCancel ? Rpcrt4.RpcNotificationCallCancel
                        : Rpcrt4.RpcNotificationClientDisconnect]++;
                if (endHandled) {
                    // A subscription's notification queued before the subscription ended: the
                    // registration was kept for it (see handleEnd).
                    if (releaseWhenSettled && !notificationsOwed()) {
                        releaseWhenSettled = false;
                        releaseRegistration();
                    }
                    return;
                }
            }
            handle(event);
            act();
        } catch (Throwable t) {
            internalFailure(t);
        }
    }

    private void handle(int event) {
        switch (event) {
            case Rpcrt4.RpcCallComplete:
                if (side == Side.SERVER) {
                    unexpected("RpcCallComplete on a server call");
                    return;
                }
                replyAvailable = true;
                PipeState s = state;
                if (s == PipeState.WCOMP || s == PipeState.COMP || s == PipeState.END
                        || isWaitSendState(s) || s == PipeState.CAN) {
                    return; // the state's own step reads replyAvailable
                }
                if (isWaitReceiveState(s)) {
                    // "If a failure is received": the call ended while a pull was pending.
                    failure = failure == null ? new RpcException(RpcException.Kind.RUNTIME_FAILURE,
                            "RpcCallComplete", RpcErrors.RPC_S_CALL_FAILED, null) : failure;
                    apply(FAILURE);
                    return;
                }
                // The call ended while the library was doing something of its own (waiting for
                // the application's data or demand): the state's "To fail".
                failIfPossible();
                return;
            case Rpcrt4.RpcSendComplete:
                if (outstandingSends == 0) {
                    unexpected("RpcSendComplete with no push outstanding");
                    return;
                }
                outstandingSends = 0; // several pushes may collapse into one notification
                if (writer != null) {
                    writer.sendsCompleted();
                }
                return;
            case Rpcrt4.RpcReceiveComplete:
                if (!isWaitReceiveState(state)) {
                    if (pullPending) {
                        // The call left its wait (a cancel, a failure) with a pull outstanding:
                        // this is the runtime waking that pull, which nobody will make again.
                        pullPending = false;
                        return;
                    }
                    unexpected("RpcReceiveComplete while not waiting for a pull");
                    return;
                }
                pullPending = false;
                receiveReady = true;
                return;
            case Rpcrt4.RpcClientCancel:
            case Rpcrt4.RpcClientDisconnect:
                if (side != Side.SERVER) {
                    unexpected("a server notification on a client call");
                    return;
                }
                boolean cancel = event == Rpcrt4.RpcClientCancel;
                if (cancel && clientCancelled) {
                    return; // seen already (RpcServerTestCancel found it before it was notified)
                }
                clientCancelled |= cancel;
                abortCode = cancel ? RpcErrors.RPC_S_CALL_CANCELLED : RpcErrors.RPC_S_CALL_FAILED;
                RpcException gone = new RpcException(RpcException.Kind.RUNTIME_FAILURE,
                        cancel ? "RpcClientCancel" : "RpcClientDisconnect", abortCode, null);
                if (failure == null) {
                    failure = gone;
                }
                clientGone.complete(gone);
                if (accepts(FAILURE)) {
                    apply(FAILURE);
                } else {
                    failIfPossible();
                }
                return;
            default:
                unexpected("notification " + event);
        }
    }

    /** A notification the state does not expect: reported, and the state's "To fail" taken. */
    private void unexpected(String what) {
        IllegalStateException e = new IllegalStateException(title() + ": unexpected " + what
                + " in state " + state + " (path " + path + ")");
        dispatcher.report(e);
        failure = failure == null ? e : failure;
        failIfPossible();
    }

    @Override
    public final void onFailure(Throwable cause) {
        try {
            failure = failure == null ? cause : failure;
            if (cause instanceof DispatcherClosedException) {
                // No notification will reach this call again. Cancel (client) or abort (server)
                // what can be, and tell the application now; the runtime may still write the
                // call's memory, which stays pinned (see Dispatcher#close).
                noMoreNotifications = true;
                if (accepts(NO_NOTIFICATION)) {
                    apply(NO_NOTIFICATION);
                } else {
                    failIfPossible();
                }
                act();
                failEverything(cause);
            } else {
                failIfPossible();
                act();
            }
        } catch (Throwable t) {
            dispatcher.report(t);
        }
    }

    // ---- the states' actions ---------------------------------------------------------------------

    /** Performs the current state's action while one can be performed. Dispatcher thread only. */
    final void act() {
        if (acting) {
            actAgain = true;
            return;
        }
        acting = true;
        try {
            do {
                actAgain = false;
                while (!ended && step()) {
                    // each step made one transition
                }
            } while (actAgain && !ended);
        } finally {
            acting = false;
        }
    }

    /** @return true if the call moved */
    private boolean step() {
        if (appFailPending && state != PipeState.C && state != PipeState.D && accepts(APP_FAIL)) {
            // (C and D are left by the code that starts or accepts the call: a cancel asked for
            // from inside the stub is taken, as C's "To fail", once the stub has returned.)
            appFailPending = false;
            apply(APP_FAIL);
            return true;
        }
        PipeState s = state;
        if (s == PipeState.CAN || s == PipeState.A) {
            appFailPending = false; // the failure path is taken
        }
        switch (s) {
            case C:
            case D:
                return false; // left by start/accept
            case END:
                handleEnd();
                return false;
            case CAN:
                if (!cancelIssued) {
                    cancelIssued = true;
                    abortiveCancelIssued = cancelAbortive;
                    int st = Rpcrt4Direct.RpcAsyncCancelCall(asyncAddress, cancelAbortive);
                    apply(st == RpcErrors.RPC_S_OK ? OK : FAILED);
                } else {
                    apply(OK);
                }
                return true;
            case A:
                abortNative(abortCode);
                apply(OK);
                return true;
            case COMP:
                return side == Side.CLIENT ? completeClient() : completeServer();
            case WCOMP:
                if (replyAvailable || noMoreNotifications) {
                    apply(CALL_COMPLETE);
                    return true;
                }
                return false;
            case NP:
                return nullPush();
            case WNP:
                if (outstandingSends == 0) {
                    apply(SENT_LAST); // "If a success is received"
                    return true;
                }
                return false;
            default:
                if (isSendState(s)) {
                    return push();
                }
                if (isReceiveState(s)) {
                    return pull(false);
                }
                if (isWaitSendState(s)) {
                    return afterSend();
                }
                if (isWaitReceiveState(s)) {
                    return receiveReady && pull(true);
                }
                throw new IllegalStateException(title() + ": no action for state " + s);
        }
    }

    /** P or PS where this side pushes. */
    final boolean isSendState(PipeState s) {
        if (writer == null) {
            return false;
        }
        return s == PipeState.PS || (s == PipeState.P && (kind == PipeKind.IN) == (side == Side.CLIENT));
    }

    /** P or PL where this side pulls. */
    final boolean isReceiveState(PipeState s) {
        if (reader == null) {
            return false;
        }
        return s == PipeState.PL || (s == PipeState.P && (kind == PipeKind.OUT) == (side == Side.CLIENT));
    }

    /** WS, WP or WPS where this side waits for a send. */
    final boolean isWaitSendState(PipeState s) {
        if (writer == null) {
            return false;
        }
        return s == PipeState.WS || s == PipeState.WPS
                || (s == PipeState.WP && side == Side.SERVER && kind == PipeKind.OUT);
    }

    /** WP or WPL where this side waits for a pull. */
    final boolean isWaitReceiveState(PipeState s) {
        if (reader == null) {
            return false;
        }
        return s == PipeState.WPL || (s == PipeState.WP && (kind == PipeKind.OUT) == (side == Side.CLIENT));
    }

    private boolean push() {
        if (!writer.hasChunk()) {
            if (writer.drained() && !writer.nullPushed && side == Side.SERVER) {
                // A server's out pipe with no element at all: its first push is the null push.
                return nullPushFrom(true);
            }
            return false; // waiting for the application's next chunk
        }
        PipeWriter.Chunk k = writer.queue.poll();
        int st = writer.pipe.push(k.memory, k.count);
        if (st != RpcErrors.RPC_S_OK) {
            failure = failure == null ? RpcException.runtimeFailure("ASYNC_PIPE.push", st) : failure;
            k.sent.completeExceptionally(failure);
            apply(FAILED);
            return true;
        }
        writer.inFlight.add(k);
        outstandingSends++;
        apply(OK);
        return true;
    }

    private boolean nullPush() {
        if (writer.nullPushed) {
            apply(OK); // done already, from P (an empty pipe)
            return true;
        }
        return nullPushFrom(false);
    }

    private boolean nullPushFrom(boolean fromPushState) {
        int st = writer.pipe.push(null, 0);
        if (st != RpcErrors.RPC_S_OK) {
            failure = failure == null ? RpcException.runtimeFailure("ASYNC_PIPE.push (null push)", st) : failure;
            apply(FAILED);
            return true;
        }
        writer.nullPushed = true;
        outstandingSends++;
        apply(OK);
        return true;
    }

    /** In a wait-for-send state: decide where to go once nothing is outstanding. */
    private boolean afterSend() {
        if (side == Side.CLIENT && replyAvailable && accepts(CALL_FAILED)) {
            // "If a failure RpcCallComplete is received go Comp": the call ended before the
            // client sent everything.
            apply(CALL_FAILED);
            return true;
        }
        if (side == Side.SERVER && failure != null && accepts(FAILURE)) {
            apply(FAILURE);
            return true;
        }
        if (outstandingSends > 0) {
            return false;
        }
        if (writer.hasChunk()) {
            apply(SENT_MORE);
            return true;
        }
        if (writer.drained()) {
            apply(SENT_LAST);
            return true;
        }
        return false; // waiting for the application
    }

    private boolean pull(boolean afterNotification) {
        PipeReader<?> r = reader;
        if (!afterNotification && !r.wantsData()) {
            return false;
        }
        receiveReady = false;
        int st = r.pipe.pull(r.buffer, r.chunkElements(), r.count);
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            pullPending = true;
            if (afterNotification) {
                return false; // not there yet after all: wait for the next RpcReceiveComplete
            }
            apply(PULL_PENDING);
            return true;
        }
        if (st != RpcErrors.RPC_S_OK) {
            failure = failure == null ? RpcException.runtimeFailure("ASYNC_PIPE.pull", st) : failure;
            r.fail(failure);
            apply(afterNotification ? RECEIVE_FAILED : FAILED);
            return true;
        }
        int n = r.count.getValue();
        if (n == 0) {
            r.end();
        } else {
            deliverChunk(r, n);
        }
        if (appFailPending && accepts(APP_FAIL)) {
            // The application's subscriber threw on this chunk or on the end: the state's "To
            // fail", before the table moves on (and past a Comp that could only complete).
            appFailPending = false;
            apply(APP_FAIL);
            return true;
        }
        if (n == 0) {
            apply(afterNotification ? RECEIVED_END : PULLED_END);
        } else {
            apply(afterNotification ? RECEIVED_DATA : PULLED_DATA);
        }
        return true;
    }

    private static <T> void deliverChunk(PipeReader<T> r, int n) {
        r.deliver(r.codec().decode(r.buffer, n));
    }

    private boolean completeClient() {
        if (!started) {
            // The OUT client's "On failure go to Comp" after a call that never started: there
            // is nothing for RpcAsyncCompleteCall to complete.
            finalized = true;
            apply(FAILED);
            return true;
        }
        if (awaitingCallComplete && !replyAvailable && !noMoreNotifications) {
            return false;
        }
        int st = noMoreNotifications ? completeUnnotified()
                : Rpcrt4Direct.RpcAsyncCompleteCall(asyncAddress, replyBuffer);
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            // Not final: the reply is not there yet. Comp is done once it is.
            awaitingCallComplete = true;
            replyAvailable = false;
            return false;
        }
        finalized = true;
        finalStatus = st;
        apply(st == RpcErrors.RPC_S_OK ? OK : FAILED);
        return true;
    }

    private boolean completeServer() {
        if ((failure == null || clientCancelled) && !serverReplySet && !failedIntoComp) {
            // Waiting for the application's reply. After a client's cancel the server may still
            // finish (a non-abortive cancel asks, it does not end the call): its reply goes, and
            // the application hears of the cancel through ServerCall#clientGone. Comp has no
            // "To fail", and completing here without the application's reply would hand the
            // client a reply nobody gave. Comp reached by a failure (the pipe broke) does not
            // wait: the table completes, and the client does not get that reply.
            return false;
        }
        if (serverReplySet && (failure == null || clientCancelled)) {
            reply.write(replyBuffer, serverReply);
        } else {
            replyBuffer.clear(); // the call has failed: the reply is discarded by the runtime
        }
        if (writer != null && !writer.nullPushed) {
            // Comp reached by a failure while the out pipe was still open (WP/WPS: "If a failure
            // is received go Comp"): a server completes only after it ended its out pipe.
            // Best effort: when the call has already failed the push fails too, and the runtime
            // accepts the completion anyway.
            writer.nullPushed = true;
            writer.pipe.push(null, 0);
        }
        boolean appReply = serverReplySet && (failure == null || clientCancelled) && !failedIntoComp;
        endSubscriptions();
        int st = Rpcrt4Direct.RpcAsyncCompleteCall(asyncAddress, replyBuffer);
        finalized = true;
        finalStatus = st;
        if (st == RpcErrors.RPC_S_OK && appReply) {
            failure = null; // the application's reply went: the cancel was answered by it
        }
        if (st != RpcErrors.RPC_S_OK && failure == null) {
            failure = RpcException.runtimeFailure("RpcAsyncCompleteCall", st);
        }
        apply(st == RpcErrors.RPC_S_OK ? OK : FAILED);
        return true;
    }

    /**
     * The client's final RpcAsyncCompleteCall when no notification can reach the call any more
     * (its dispatcher closed): an abortive cancel makes the runtime end the call at once, then
     * RpcAsyncCompleteCall is retried for a bounded time. If the runtime still holds the call
     * after that, the result stays RPC_S_ASYNC_CALL_PENDING, the failure is reported, and the
     * call's memory stays pinned for good (see Dispatcher#close).
     *
     * @return RpcAsyncCompleteCall's final result, or RPC_S_ASYNC_CALL_PENDING
     */
    private int completeUnnotified() {
        if (!abortiveCancelIssued) {
            abortiveCancelIssued = true;
            cancelIssued = true;
            Rpcrt4Direct.RpcAsyncCancelCall(asyncAddress, true); // its result changes nothing here
        }
        long deadline = System.nanoTime() + UNNOTIFIED_COMPLETION_NANOS;
        int st;
        while ((st = Rpcrt4Direct.RpcAsyncCompleteCall(asyncAddress, replyBuffer))
                == RpcErrors.RPC_S_ASYNC_CALL_PENDING && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            dispatcher.report(new IllegalStateException(title() + ": the runtime still held the "
                    + "call " + UNNOTIFIED_COMPLETION_NANOS / 1_000_000_000L + " s after an abortive "
                    + "cancel; its memory stays pinned"));
        }
        return st;
    }

    /**
     * A server's subscriptions to its client's cancel and disconnect, made when the call was
     * accepted (see ServerCall), on the dispatcher thread with the call's handle. A cancel made
     * before the subscription is never notified: RpcServerTestCancel finds it. (A disconnect
     * before it shows as the pipes' or the completion's failure.)
     *
     * @param r the call's registration
     */
    final void subscribeClientNotifications(Registration r) {
        callHandle = dev.winrpc.async.raw.Rpcrt4Util.RpcAsyncGetCallHandle(asyncAddress);
        int kinds = 0;
        for (int kind : CLIENT_NOTIFICATIONS) {
            int st = dispatcher.subscribe(r, callHandle, kind);
            if (st == RpcErrors.RPC_S_OK) {
                kinds |= kind;
            } else if (st != RpcErrors.RPC_S_CANNOT_SUPPORT) {
                dispatcher.report(RpcException.runtimeFailure("RpcServerSubscribeForNotification", st));
            }
        }
        subscribedKinds = kinds;
        if ((kinds & Rpcrt4.RpcNotificationCallCancel) != 0
                && rpcrt4.RpcServerTestCancel(callHandle) == RpcErrors.RPC_S_OK) {
            // The client cancelled before the subscription: that cancel is never notified.
            handle(Rpcrt4.RpcClientCancel);
        }
    }

    /** Ends the subscriptions before the final RpcAsyncCompleteCall or RpcAsyncAbortCall. */
    private void endSubscriptions() {
        int kinds = subscribedKinds;
        if (kinds == 0) {
            return;
        }
        subscribedKinds = 0;
        for (int kind : CLIENT_NOTIFICATIONS) {
            if ((kinds & kind) == 0) {
                continue;
            }
            com.sun.jna.ptr.IntByReference queued = new com.sun.jna.ptr.IntByReference();
            int st = rpcrt4.RpcServerUnsubscribeForNotification(callHandle, kind, queued);
            if (st == RpcErrors.RPC_S_OK) {
                queuedByKind[kind] = queued.getValue();
            } else {
                dispatcher.report(RpcException.runtimeFailure("RpcServerUnsubscribeForNotification", st));
            }
        }
    }

    private boolean notificationsOwed() {
        return queuedByKind[Rpcrt4.RpcNotificationCallCancel] > receivedByKind[Rpcrt4.RpcNotificationCallCancel]
                || queuedByKind[Rpcrt4.RpcNotificationClientDisconnect]
                        > receivedByKind[Rpcrt4.RpcNotificationClientDisconnect];
    }

    private void abortNative(int code) {
        if (finalized) {
            throw new IllegalStateException(title() + ": the call was already completed or aborted");
        }
        finalized = true;
        endSubscriptions();
        int st = Rpcrt4Direct.RpcAsyncAbortCall(asyncAddress, code);
        finalStatus = code;
        if (failure == null) {
            failure = RpcException.serverFault("RpcAsyncAbortCall", code);
        }
        if (st != RpcErrors.RPC_S_OK) {
            dispatcher.report(RpcException.runtimeFailure("RpcAsyncAbortCall", st));
        }
    }

    /** END: the final completion the runtime still needs, then let go and tell the application. */
    private void handleEnd() {
        if (endHandled) {
            return;
        }
        if (started && !finalized) {
            if (side == Side.SERVER) {
                abortNative(RpcErrors.RPC_S_CALL_FAILED);
            } else {
                if (!replyAvailable && !noMoreNotifications) {
                    return; // wait for RpcCallComplete, then complete
                }
                int st = noMoreNotifications ? completeUnnotified()
                        : Rpcrt4Direct.RpcAsyncCompleteCall(asyncAddress, replyBuffer);
                if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
                    replyAvailable = false;
                    return;
                }
                finalized = true;
                finalStatus = st;
            }
        }
        endHandled = true;
        ended = true;
        if (notificationsOwed()) {
            // The runtime queued subscription notifications that have not arrived: they will,
            // to this registration, which stays until they have (the runtime may still use it).
            releaseWhenSettled = true;
        } else {
            releaseRegistration();
        }
        if (side == Side.CLIENT && finalized && finalStatus != RpcErrors.RPC_S_OK
                && !RUNTIME_STATUSES.contains(finalStatus)) {
            // The server's fault is what the call ended with; a pipe failure on the way there
            // was its consequence.
            failure = statusException(finalStatus);
        }
        if (failure == null && finalStatus == RpcErrors.RPC_S_OK) {
            R value;
            try {
                value = side == Side.CLIENT ? reply.read(replyBuffer) : serverReply;
            } catch (Throwable t) {
                failEverything(t);
                return;
            }
            if (writer != null) {
                writer.sendsCompleted();
            }
            if (reader != null) {
                reader.end();
            }
            result.complete(value);
        } else {
            failEverything(failure != null ? failure : statusException(finalStatus));
        }
    }

    private RpcException statusException(int status) {
        return RUNTIME_STATUSES.contains(status)
                ? RpcException.runtimeFailure("RpcAsyncCompleteCall", status)
                : RpcException.serverFault("RpcAsyncCompleteCall", status);
    }

    private void failEverything(Throwable cause) {
        if (writer != null) {
            writer.fail(cause);
        }
        if (reader != null) {
            reader.fail(cause);
        }
        result.completeExceptionally(cause);
    }

    private static Set<Integer> runtimeStatuses() {
        Set<Integer> s = new HashSet<>();
        for (java.lang.reflect.Field f : RpcErrors.class.getFields()) {
            try {
                s.add(f.getInt(null));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        s.remove(RpcErrors.RPC_S_OK);
        return Collections.unmodifiableSet(s);
    }
}
