package dev.winrpc.async.call;

import static dev.winrpc.async.pipe.PipeInput.APP_FAIL;
import static dev.winrpc.async.pipe.PipeInput.CALL_COMPLETE;
import static dev.winrpc.async.pipe.PipeInput.CALL_FAILED;
import static dev.winrpc.async.pipe.PipeInput.FAILED;
import static dev.winrpc.async.pipe.PipeInput.FAILURE;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.winrpc.async.dispatch.Capability;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.dispatch.NotificationTarget;
import dev.winrpc.async.dispatch.Registration;
import java.time.Duration;
import dev.winrpc.async.pipe.Action;
import dev.winrpc.async.pipe.PipeInput;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.pipe.PipeProtocol;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.pipe.Side;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The state machine of an {@link AsyncCall}: the table, the current state and the path, the
 * step (a switch on the state's {@link Action}), END, and the hand-over of work to the
 * dispatcher's thread. Its parts are the pipe engine ({@link Sender}, {@link Receiver}), the
 * sides' behaviours (the abstract methods, which {@link ClientCall} and {@link ServerCall}
 * implement) and {@link Outcome}. Only {@link AsyncCall} extends it; what callers see is there.
 *
 * @param <R> the reply's Java type
 */
abstract class CallMachine<R> {

    final Dispatcher dispatcher;
    final PipeProtocol table;
    final Reply<R> reply;
    final Memory replyBuffer;
    /** The pipe this side sends (a client's [in], a server's [out]), or null. */
    final Sender sender;
    /** The pipe this side receives (a client's [out], a server's [in]), or null. */
    final Receiver receiver;
    final List<OutParam> outs;
    final CompletableFuture<R> result;
    final CompletableFuture<R> view;
    final Outcome outcome = new Outcome();
    /** What the dispatcher notifies: kept apart so that the notification methods are not the call's API. */
    final NotificationTarget target = new CallNotifications(this);
    final CallTrace trace = new CallTrace(this); // the log lines and the JFR event (CallTrace)
    final CallPath path = new CallPath(trace);
    private volatile boolean ended;
    /** The application gave its decision (a reply, or an abort): [out] values are frozen. */
    volatile boolean replyGiven;

    RPC_ASYNC_STATE async;
    Pointer asyncAddress;
    /** Set once register() returns; guarded by this (see {@link #registered}). */
    Registration registration;

    // ---- dispatcher thread only ----
    /** The runtime has the call: it must be completed (client) or completed or aborted (server). */
    boolean started;
    /** RpcCallComplete arrived and no RpcAsyncCompleteCall has consumed it yet (client). */
    boolean callComplete;
    /** The application (or a failure outside a state's action) asked for the state's "To fail". */
    boolean appFailPending;
    /** COMP was reached by a failure ("If a failure is received go Comp"), not by the pipe's end. */
    boolean compAfterFailure;
    private boolean acting;
    private boolean actAgain;
    boolean endHandled;
    /** The dispatcher closes under the call: no reply or request of the application's can reach it. */
    boolean dispatcherClosing;
    private final WaitBound waitBound = new WaitBound(this);

    CallMachine(Dispatcher dispatcher, Side side, PipeKind kind, Reply<R> reply, PipeWriter<?> writer,
            PipeReader<?> reader, List<OutParam> outs) {
        if (dispatcher == null || reply == null) {
            throw new IllegalArgumentException("a dispatcher and a reply type are required");
        }
        this.dispatcher = dispatcher;
        this.result = new CallFuture<>(dispatcher);
        this.view = result.copy();
        this.table = PipeProtocol.forCall(kind, side);
        this.reply = reply;
        this.outs = List.copyOf(outs);
        if (kind != null && !dispatcher.capabilities().contains(Capability.DISTINCT_EVENTS)) {
            // Only an APC carries the event with the notification. A completion port or an event
            // only says "something happened", and the runtime's Event field, read afterwards,
            // may already hold a later event: the null push's RpcSendComplete then reads as an
            // RpcReceiveComplete, and the table would be driven by a wrong input.
            throw new IllegalArgumentException("a call with async pipes needs APC notification (a "
                    + "dispatcher with " + Capability.DISTINCT_EVENTS + ": an ApcDispatcher); "
                    + dispatcher + " cannot tell RpcSendComplete from RpcReceiveComplete reliably");
        }
        this.replyBuffer = new Memory(reply.bufferSize());
        replyBuffer.clear();
        Sender s = null;
        Receiver r = null;
        int attached = 0;
        try {
            s = writer == null ? null : new Sender(this, writer);
            r = reader == null ? null : new Receiver(this, reader);
            for (OutParam o : this.outs) {
                o.attach(this);
                attached++;
            }
        } catch (RuntimeException e) {
            // One of them belongs to another call: give back what this one took.
            if (s != null) {
                writer.detach(this);
            }
            if (r != null) {
                reader.detach(this);
            }
            for (int i = 0; i < attached; i++) {
                this.outs.get(i).detach(this);
            }
            throw e;
        }
        this.sender = s;
        this.receiver = r;
    }

    // ---- the table -------------------------------------------------------------------------------

    final boolean accepts(PipeInput input) {
        PipeState s = path.current();
        return s != null && table.next(s, input).isPresent();
    }

    final Action action() {
        return table.action(path.current());
    }

    final void begin(PipeState initial) {
        path.enter(initial);
    }

    /** Moves the call through its table. Dispatcher thread only. */
    final void apply(PipeInput input) {
        PipeState to = table.require(path.current(), input);
        if (to == PipeState.COMP && (input == FAILURE || input == FAILED || input == CALL_FAILED)) {
            compAfterFailure = true;
        }
        path.enter(to);
    }

    /** The state's "To fail", where it has one. */
    final void failIfPossible() {
        if (accepts(APP_FAIL)) {
            apply(APP_FAIL);
        }
    }

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
                if (sender != null) {
                    sender.releaseCovered(); // if no push took them (see Sender.onSendCompleteNotified)
                }
            } while (actAgain && !ended);
        } finally {
            acting = false;
        }
    }

    /** @return true if the call moved */
    private boolean step() {
        Action action = action();
        if (appFailPending && action != Action.MAKE_CALL && action != Action.DISPATCH && accepts(APP_FAIL)) {
            // (C and D are left by the code that starts or accepts the call: a cancel asked for
            // from inside the stub is taken, as C's "To fail", once the stub has returned.)
            appFailPending = false;
            apply(APP_FAIL);
            return true;
        }
        switch (action) {
            case MAKE_CALL:
            case DISPATCH:
                return false; // left by start/accept
            case PUSH:
                return sender.push();
            case WAIT_SEND:
                return sender.afterSend();
            case NULL_PUSH:
                return sender.nullPush();
            case WAIT_NULL_PUSH:
                return sender.afterNullPush();
            case PULL:
                return receiver.pull(false);
            case WAIT_PULL:
                return receiver.afterReceive();
            case CANCEL:
                appFailPending = false; // the failure path is taken
                return cancelAction();
            case ABORT:
                appFailPending = false;
                return abortAction();
            case WAIT_COMPLETION:
                if (callComplete) {
                    apply(CALL_COMPLETE);
                    return true;
                }
                return false;
            case COMPLETE:
                return completeAction();
            case END:
                end();
                return false;
            default:
                throw new IllegalStateException(table.title() + ": no action for " + action);
        }
    }

    // ---- what the sides do where they differ (dispatcher thread) ---------------------------------

    /** Action CANCEL (client tables only): RpcAsyncCancelCall. @return true if the call moved */
    abstract boolean cancelAction();

    /** Action ABORT (server tables only): RpcAsyncAbortCall. @return true if the call moved */
    abstract boolean abortAction();

    /** Action COMPLETE: RpcAsyncCompleteCall. @return true if the call moved */
    abstract boolean completeAction();

    /** The runtime's RpcCallComplete. */
    abstract void onCallComplete();

    /** RpcClientCancel or RpcClientDisconnect (a server subscription's). @return true to act on it */
    abstract boolean onClientGone(int event);

    /** The dispatcher closes under the call: no new work, and the call must end now. */
    abstract void onDispatcherClosing();

    /** END with the runtime's call unfinished: its one final completion. @return false to wait */
    abstract boolean finishRuntimeCall();

    /** @return what the application is told at END: the failure, or null for a success */
    abstract Throwable failureAtEnd();

    /** @return the reply, at END after a success */
    abstract R successValue();

    /** @return how long a server may wait for its null push's send completion (WNP) */
    Duration nullPushBound() {
        throw new IllegalStateException(table.title() + ": only a server waits for its null push");
    }

    /** @return true if the registration may be closed at END (no notification still owed to it) */
    boolean registrationReleasable() {
        return true;
    }

    // ---- END ------------------------------------------------------------------------------------

    /** END: the final completion the runtime still needs, then let go and tell the application. */
    private void end() {
        if (endHandled) {
            return;
        }
        if (started && !outcome.isFinalized() && !finishRuntimeCall()) {
            return; // waits for a notification
        }
        endHandled = true;
        unbound();
        Throwable failure = failureAtEnd();
        R value = null;
        if (failure == null) {
            try {
                value = successValue();
            } catch (Throwable t) {
                failure = t;
            }
        }
        // The pipe ends are settled before END is published: a thread that sees ended() (a
        // late receive() or subscribe()) then sees how they ended.
        if (failure == null) {
            if (sender != null) {
                // A call that ended well has sent everything, whether or not an RpcSendComplete
                // said so (the null push's may be read as the RpcCallComplete after it).
                sender.onSendComplete();
            }
            if (receiver != null) {
                receiver.reader.end();
            }
        } else {
            failPipes(failure);
        }
        trace.ended(failure);
        ended = true;
        if (registrationReleasable()) {
            releaseRegistration();
        }
        if (failure == null) {
            result.complete(value);
        } else {
            result.completeExceptionally(failure);
        }
    }

    private void failPipes(Throwable cause) {
        if (sender != null) {
            sender.writer.fail(cause);
        }
        if (receiver != null) {
            receiver.reader.fail(cause);
        }
    }

    /**
     * Bounds a wait the table leaves unbounded (see {@code WaitBound}).
     *
     * @param limit how long the wait may last
     * @param onExpiry what to do then (escalate), on the dispatcher thread, before the call acts
     */
    final void bound(Duration limit, Runnable onExpiry) {
        waitBound.start(limit, onExpiry);
    }

    /** Ends the bound of {@link #bound}, if one runs. */
    final void unbound() {
        waitBound.stop();
    }

    final void failEverything(Throwable cause) {
        failPipes(cause);
        result.completeExceptionally(cause);
    }

    // ---- handing work to the dispatcher thread ---------------------------------------------------

    /**
     * Runs r on the dispatcher thread (at once if this is it).
     *
     * @throws DispatcherClosedException if the dispatcher is closing or closed: r will not run.
     *         A call registered before the close began is ended by the close (ClosingCalls).
     */
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
            return;
        }
        try {
            dispatcher.execute(guarded);
        } catch (RejectedExecutionException closing) {
            DispatcherClosedException e = new DispatcherClosedException(dispatcher + " is closing or closed: "
                    + "the close ends this call (" + table.title() + "; no operation on it is taken any more)");
            e.initCause(closing);
            throw e;
        }
    }

    /**
     * As {@link #onDispatcher}, for what an ended call or a close makes moot (a cancel, a
     * request, a server's reply): dropped then.
     */
    final void onDispatcherIfLive(Runnable r) {
        if (!ended) {
            try {
                onDispatcher(r);
            } catch (DispatcherClosedException closing) {
                // The close fails the call: nothing is left to cancel, request or reply to.
            }
        }
    }

    /** Runs application code (a Flow subscriber) on the dispatcher thread; its exception fails the call. */
    final void deliverSafely(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            outcome.fail(t);
            dispatcher.report(t);
            appFailPending = true; // taken by the next step, never in the middle of one
        }
    }

    /**
     * Records the registration register() returned. A notification may reach the call between
     * register() publishing it and this (a server call that a client cancels at once): if the
     * call has already ended by then, the registration is closed here.
     */
    final synchronized void registered(Registration r) {
        registration = r;
        if (ended && registrationReleasable()) {
            r.close();
        }
    }

    final synchronized void releaseRegistration() {
        if (registration != null) {
            registration.close();
        }
    }

    /** @return true once the call reached END and the runtime is done with it */
    final boolean isEnded() {
        return ended;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + table.title() + ", " + path.current() + ", path " + path + "]";
    }

    /** The call ended without ever being registered (a server call that could not be accepted). */
    final void markEnded() {
        ended = true;
    }

    /** A call refused before it started lets its pipe ends and [out] parameters go. */
    final void detachAll() {
        if (sender != null) {
            sender.writer.detach(this);
        }
        if (receiver != null) {
            receiver.reader.detach(this);
        }
        for (OutParam o : outs) {
            o.detach(this);
        }
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
        return ended && outcome.succeeded();
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
            outcome.fail(cause);
            appFailPending = true;
            act();
        });
    }

    final void internalFailure(Throwable t) {
        dispatcher.report(t);
        outcome.fail(t);
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

    /** A notification the state does not expect: reported, and the state's "To fail" taken. */
    final void unexpected(String what) {
        IllegalStateException e = new IllegalStateException(table.title() + ": unexpected " + what
                + " in state " + path.current() + " (path " + path + ")");
        dispatcher.report(e);
        outcome.fail(e);
        failIfPossible();
    }
}
