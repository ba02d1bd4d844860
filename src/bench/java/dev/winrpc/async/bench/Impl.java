package dev.winrpc.async.bench;

import com.sun.jna.Pointer;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.IocpDispatcher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What consumes the notifications: the library's dispatchers, or the C loop (the baseline).
 * The benchmarks' {@code impl} parameter names one: {@code apc}, {@code iocp}, {@code c-apc},
 * {@code c-iocp}.
 */
enum Impl {
    /** {@link ApcDispatcher}: the Java notification routine, run as an APC in SleepEx. */
    APC("apc", false, BenchLib.WB_APC),
    /** {@link IocpDispatcher}: GetQueuedCompletionStatusEx in batches of 64. */
    IOCP("iocp", false, BenchLib.WB_IOCP),
    /** The C loop, APC: SleepEx(INFINITE, TRUE) and a C notification routine. */
    C_APC("c-apc", true, BenchLib.WB_APC),
    /** The C loop, IOCP: GetQueuedCompletionStatusEx in batches of 64. */
    C_IOCP("c-iocp", true, BenchLib.WB_IOCP);

    final String param;
    final boolean c;
    final int kind;

    Impl(String param, boolean c, int kind) {
        this.param = param;
        this.c = c;
        this.kind = kind;
    }

    static Impl of(String param) {
        for (Impl i : values()) {
            if (i.param.equals(param)) {
                return i;
            }
        }
        throw new IllegalArgumentException("impl " + param + ": one of apc, iocp, c-apc, c-iocp");
    }

    /** @return a new Java dispatcher of this kind (not for the C kinds) */
    Dispatcher newDispatcher(List<Throwable> reported) {
        Dispatcher d = kind == BenchLib.WB_APC ? new ApcDispatcher() : new IocpDispatcher();
        d.setExceptionHandler(reported::add);
        return d;
    }

    /** @return where producers send this Java dispatcher's notifications: its thread or port */
    static Pointer target(Dispatcher d) {
        return d instanceof ApcDispatcher ? ((ApcDispatcher) d).threadHandle().getPointer()
                : ((IocpDispatcher) d).port().getPointer();
    }

    /** A list for a dispatcher's exception handler. */
    static List<Throwable> reports() {
        return new CopyOnWriteArrayList<>();
    }

    /** @throws IllegalStateException if the dispatcher reported anything */
    static void checkReports(String what, List<Throwable> reported) {
        if (!reported.isEmpty()) {
            IllegalStateException e = new IllegalStateException(what + ": the dispatcher reported "
                    + reported.size() + " exceptions", reported.get(0));
            throw e;
        }
    }

    /** @throws IllegalStateException if the simulator recorded a misuse or a leak */
    static void checkSimulator(String what) {
        if (BenchLib.get().wb_sim_check_clean(what) != 0) {
            throw new IllegalStateException(what + ": the simulator recorded a misuse or a leaked "
                    + "resource (see stderr)");
        }
    }
}
