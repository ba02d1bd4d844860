package dev.winrpc.async.soak;

import dev.winrpc.async.call.ControlledServer;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.dispatch.IocpDispatcher;
import dev.winrpc.async.dispatch.PollingDispatcher;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * What the lifecycles of one block share: a client and a server dispatcher of each kind, and
 * the slots (a Java server's endpoint with a binding to it, and a binding to the scripted
 * server) that the lifecycles in flight lease, one each. Opened at the start of a block and
 * taken down at its checkpoint, when nothing is in flight: only then can the simulator's
 * live-resource counters (handles count bindings and dispatcher threads) be zero.
 *
 * <p>A slot's endpoint serves one lifecycle at a time, so a manager routine knows whose call it
 * received: the lifecycle says beforehand which dispatcher and reader chunk its server uses
 * ({@link Slot#expect}).
 */
final class World {

    /** An endpoint and bindings, leased by one lifecycle at a time. */
    static final class Slot {
        final int id;
        Binding peer;
        Binding java;
        ControlledServer server;
        private volatile Expect expect;

        Slot(int id) {
            this.id = id;
        }

        /** The next dispatch on this slot's endpoint is a call the lifecycle's server accepts. */
        Expect expect(Dispatcher dispatcher, int readerChunk) {
            Expect e = new Expect(dispatcher, readerChunk);
            expect = e;
            return e;
        }

        private void open() {
            ControlledServer[] self = new ControlledServer[1];
            self[0] = new ControlledServer(d -> {
                Expect e = expect;
                expect = null;
                if (e == null) {
                    throw new IllegalStateException("slot " + id + ": a dispatch (op " + d.op + ") no lifecycle expected");
                }
                try {
                    e.accepted.complete(self[0].accept(e.dispatcher, e.readerChunk, d, null));
                } catch (Throwable t) {
                    e.accepted.completeExceptionally(t);
                    throw t;
                }
            });
            server = self[0];
            java = new Binding(server.endpoint());
            peer = new Binding(SimControl.SIM_PEER_ENDPOINT);
        }

        private void close() {
            peer.close();
            java.close();
            server.close();
        }
    }

    /** A dispatch a lifecycle waits for: completed with the accepted call, or null for none. */
    static final class Expect {
        final Dispatcher dispatcher;
        final int readerChunk;
        final CompletableFuture<ControlledServer.Accepted> accepted = new CompletableFuture<>();

        Expect(Dispatcher dispatcher, int readerChunk) {
            this.dispatcher = dispatcher;
            this.readerChunk = readerChunk;
        }
    }

    private final Slot[] slots;
    private final BlockingQueue<Slot> free = new LinkedBlockingQueue<>();
    private final Map<Plan.Disp, Dispatcher> clients = new EnumMap<>(Plan.Disp.class);
    private final Map<Plan.Disp, Dispatcher> servers = new EnumMap<>(Plan.Disp.class);
    /** Dispatchers of the block's own (closed by their lifecycles). */
    private final List<Dispatcher> own = new CopyOnWriteArrayList<>();
    /** What the dispatchers reported that no lifecycle explains. */
    final List<String> unexplainedReports = new CopyOnWriteArrayList<>();

    World(int concurrency) {
        slots = new Slot[concurrency];
        for (int i = 0; i < concurrency; i++) {
            slots[i] = new Slot(i);
        }
    }

    /** Opens the block's dispatchers and slots. */
    void open() {
        for (Plan.Disp d : Plan.Disp.values()) {
            clients.put(d, make(d));
            if (d != Plan.Disp.POLLING) { // a server call is notified by APC, completion port or event
                servers.put(d, make(d));
            }
        }
        for (Slot s : slots) {
            s.open();
            free.add(s);
        }
    }

    Dispatcher make(Plan.Disp kind) {
        Dispatcher d = switch (kind) {
            case APC -> new ApcDispatcher();
            case IOCP -> new IocpDispatcher();
            case EVENT -> new EventDispatcher();
            case POLLING -> new PollingDispatcher();
        };
        d.setExceptionHandler(t -> report(d, t));
        return d;
    }

    /** @return a dispatcher of the block's own, which the lifecycle closes */
    Dispatcher own(Plan.Disp kind) {
        Dispatcher d = make(kind);
        own.add(d);
        return d;
    }

    Dispatcher client(Plan.Disp kind) {
        return clients.get(kind);
    }

    Dispatcher server(Plan.Disp kind) {
        return servers.get(kind);
    }

    /**
     * What the library reports to a dispatcher's handler: an application's exception it caught
     * (a subscriber or publisher that threw: {@link Injected}) and a close's news for the calls
     * it fails are explained; anything else is kept for the checkpoint to fail on.
     */
    private void report(Dispatcher d, Throwable t) {
        if (t instanceof Injected) {
            return;
        }
        if (t instanceof DispatcherClosedException && own.contains(d) && t.getMessage() != null
                && t.getMessage().contains("was in flight")) {
            return;
        }
        unexplainedReports.add(d + ": " + t + (t.getCause() != null ? " (cause " + t.getCause() + ")" : ""));
    }

    Slot lease() throws InterruptedException {
        return free.take();
    }

    void release(Slot s) {
        free.add(s);
    }

    /**
     * The checkpoint: with nothing in flight, every dispatcher is idle, then everything is
     * taken down and the simulator must be idle, without misuse and with every counter zero.
     *
     * @param what names the checkpoint in messages
     * @return the problems found (empty if none)
     */
    List<String> closeAndCheck(String what) {
        List<String> problems = new ArrayList<>();
        for (Map<Plan.Disp, Dispatcher> m : List.of(clients, servers)) {
            for (Dispatcher d : m.values()) {
                if (!awaitIdle(d)) {
                    problems.add(d + " still has " + d.registeredCalls() + " registered calls with nothing in flight");
                }
            }
        }
        for (Dispatcher d : own) {
            if (!d.isClosed()) {
                problems.add(d + ": a lifecycle's own dispatcher was never closed");
            }
        }
        for (Slot s : slots) {
            if (!s.server.errors().isEmpty()) {
                problems.add("slot " + s.id + "'s manager routines failed: " + s.server.errors());
            }
            try {
                s.close();
            } catch (RuntimeException e) {
                problems.add("slot " + s.id + " did not close: " + e);
            }
        }
        free.clear();
        for (Map<Plan.Disp, Dispatcher> m : List.of(clients, servers)) {
            m.values().forEach(Dispatcher::close);
            m.clear();
        }
        own.forEach(Dispatcher::close);
        own.clear();
        if (Dispatcher.stalePinned() != 0) {
            problems.add("Dispatcher.stalePinned() = " + Dispatcher.stalePinned());
        }
        if (!unexplainedReports.isEmpty()) {
            problems.add("the dispatchers reported: " + unexplainedReports);
            unexplainedReports.clear();
        }
        try {
            Simulator.assertCleanAndIdle(what);
        } catch (AssertionError e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    private static boolean awaitIdle(Dispatcher d) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (d.registeredCalls() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        return d.registeredCalls() == 0;
    }
}
