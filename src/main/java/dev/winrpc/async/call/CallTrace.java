package dev.winrpc.async.call;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.dispatch.IocpDispatcher;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a call tells the outside about itself: its transitions and its end as {@link Logger}
 * lines at DEBUG on the logger {@value #LOGGER} (no logging library: {@code System.Logger}
 * routes to whatever the application uses), and a {@link CallEvent} for Flight Recorder.
 *
 * <p>One line per transition: {@code call 7 CLIENT [IN pipe, client] WS -> PS} (the first
 * transition, into the table's first state, reads {@code start -> C}), and one at the end:
 * {@code call 7 CLIENT [IN pipe, client] ended OK RPC_S_OK (0), sent 100 chunks (409600 bytes),
 * received 0 chunks (0 bytes), path C, (WS PS) x100, WS, NP, WCOMP, COMP, END} (the operation's
 * name after the status, when the application gave one; the path as {@link CallPath#bounded()}).
 * Nothing is logged per notification at INFO or above. Disabled, each transition costs one
 * {@code isLoggable} check, and the event is not even made unless a recording has it enabled
 * when the call starts. A call that never reaches END (one a closing dispatcher had to detach)
 * has no end line and no event.
 *
 * <p>Counts (chunks and bytes through the pipes) are kept on the dispatcher's thread; the
 * operation's name may be set from any thread.
 */
final class CallTrace {

    /** The logger's name. */
    static final String LOGGER = "dev.winrpc.async.call";

    private static final Logger LOG = System.getLogger(LOGGER);
    /**
     * Asks whether the event is enabled, so that a call makes its own only then: whether an
     * event is enabled is its type's, not the instance's ({@link jdk.jfr.Event#isEnabled()}).
     */
    private static final CallEvent PROBE = new CallEvent();
    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    private final CallMachine<?> call;
    /** Begun when the call was made, if a recording had the event enabled then; else null. */
    private final CallEvent event;
    private volatile String operation = "";
    // ---- dispatcher thread only ----
    private int chunksSent;
    private long bytesSent;
    private int chunksReceived;
    private long bytesReceived;

    CallTrace(CallMachine<?> call) {
        this.call = call;
        if (PROBE.isEnabled()) {
            CallEvent e = new CallEvent();
            e.begin();
            this.event = e;
        } else {
            this.event = null;
        }
    }

    /** @param name the operation's name, for the event and the end line (null for none) */
    void operation(String name) {
        operation = name == null ? "" : name;
    }

    /** @return the operation's name, or "" */
    String operation() {
        return operation;
    }

    /**
     * The call entered a state.
     *
     * @param from the state it left, or null for its first
     * @param to the state it entered
     */
    void moved(PipeState from, PipeState to) {
        if (LOG.isLoggable(Level.DEBUG)) {
            log(prefix() + (from == null ? "start" : from.name()) + " -> " + to.name());
        }
    }

    /** Logs at DEBUG; a logger that throws does not fail the call (its line is lost). */
    private static void log(String line) {
        try {
            LOG.log(Level.DEBUG, line);
        } catch (RuntimeException brokenLogger) {
            // The log is an observer: the call goes on without the line.
        }
    }

    /** @param bytes a chunk of this many bytes was pushed */
    void sent(long bytes) {
        chunksSent++;
        bytesSent += bytes;
    }

    /** @param bytes a chunk of this many bytes was pulled */
    void received(long bytes) {
        chunksReceived++;
        bytesReceived += bytes;
    }

    /**
     * The call reached END (dispatcher thread): its end line, and its event.
     *
     * @param failure what the application is told, or null for a success
     */
    void ended(Throwable failure) {
        boolean log = LOG.isLoggable(Level.DEBUG);
        if (!log && (event == null || !event.shouldCommit())) {
            return;
        }
        String outcome = outcomeOf(failure);
        int status = statusOf(failure);
        String path = call.path.bounded();
        if (log) {
            log(prefix() + "ended " + outcome + " " + RpcException.nameOf(status) + " (" + status
                    + ")" + (operation.isEmpty() ? "" : ", operation " + operation) + ", sent " + chunksSent
                    + " chunks (" + bytesSent + " bytes), received " + chunksReceived + " chunks ("
                    + bytesReceived + " bytes), path " + path);
        }
        if (event != null) {
            event.end();
            if (event.shouldCommit()) {
                event.callId = id;
                event.side = call.table.side().name();
                event.operation = operation;
                event.table = call.table.title();
                event.notification = notificationOf(call.dispatcher);
                event.outcome = outcome;
                event.status = status;
                event.statusName = RpcException.nameOf(status);
                event.chunksSent = chunksSent;
                event.bytesSent = bytesSent;
                event.chunksReceived = chunksReceived;
                event.bytesReceived = bytesReceived;
                event.path = path;
                event.commit();
            }
        }
    }

    private String prefix() {
        return "call " + id + " " + call.table.side() + " [" + call.table.title() + "] ";
    }

    private String outcomeOf(Throwable failure) {
        if (failure == null) {
            return "OK";
        }
        if (call.outcome.wasAborted()) {
            return "ABORTED";
        }
        if (failure instanceof RpcException) {
            RpcException r = (RpcException) failure;
            if (r.status() == RpcErrors.RPC_S_CALL_CANCELLED) {
                return "CANCELLED";
            }
            return r.kind().name();
        }
        return failure.getClass().getSimpleName();
    }

    private int statusOf(Throwable failure) {
        if (failure == null) {
            return RpcErrors.RPC_S_OK;
        }
        if (failure instanceof RpcException) {
            return ((RpcException) failure).status();
        }
        return call.outcome.finalStatus();
    }

    /** @return APC, IOCP, EVENT or POLLING: how the dispatcher is notified */
    static String notificationOf(Dispatcher d) {
        if (d instanceof ApcDispatcher) {
            return "APC";
        }
        if (d instanceof IocpDispatcher) {
            return "IOCP";
        }
        return d instanceof EventDispatcher ? "EVENT" : "POLLING";
    }
}
