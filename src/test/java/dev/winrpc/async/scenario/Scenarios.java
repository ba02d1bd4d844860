package dev.winrpc.async.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.dispatch.IocpDispatcher;
import dev.winrpc.async.dispatch.PollingDispatcher;
import dev.winrpc.async.fixture.FixtureServer;
import dev.winrpc.async.generated.fixture.WinRpcFixtureClient;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.FixtureRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the scenario classes share. They use only {@link FixtureRuntime}, the safe layer
 * ({@link dev.winrpc.async.call.ClientCall}, {@link ServerCall}), the dispatchers and
 * {@link FixtureServer}, so that they run unchanged against the simulator and, with
 * {@code mvn -Pwindows-it verify}, against rpcrt4 on Windows.
 *
 * <p>Every scenario runs in both roles ({@link Role}): the library as client of the C server
 * that implements the fixture (the simulator's scripted server, or the Windows fixture DLL's
 * own), and the library as both client and server (a Java client of a {@link FixtureServer}),
 * and with each notification type the library supports for it.
 */
final class Scenarios {

    /** The bound on every wait of the suite, in seconds. */
    static final long TIMEOUT_S = 30;

    /** The scenarios' JUnit tag; the windows-it Maven profile runs exactly these. */
    static final String TAG = "scenario";

    private Scenarios() {
    }

    /** A notification type, as the dispatcher that receives it. */
    enum Notify {
        APC(ApcDispatcher::new),
        IOCP(IocpDispatcher::new),
        EVENT(EventDispatcher::new),
        /** RpcNotificationTypeNone: plain calls only (a pipe needs its notifications). */
        POLLING(PollingDispatcher::new);

        private final Supplier<Dispatcher> factory;

        Notify(Supplier<Dispatcher> factory) {
            this.factory = factory;
        }

        Dispatcher open() {
            return factory.get();
        }

        /** A server's dispatcher of the same kind; a server does not poll, it takes APCs then. */
        Dispatcher openForServer() {
            return this == POLLING ? APC.open() : open();
        }

        /**
         * A dispatcher for a Java server that must hear its client's cancel or disconnect: an
         * event or polling dispatcher cannot deliver a subscription's notification (see
         * Dispatcher#subscribe), so those serve with a completion port instead.
         */
        Dispatcher openForServerThatHearsItsClient() {
            return this == POLLING || this == EVENT ? IOCP.open() : open();
        }
    }

    /** Which side the library plays. */
    enum Role {
        /** The library is the client; the C server that implements the fixture is the server. */
        CLIENT_OF_C_SERVER,
        /** The library is the client and, in a {@link FixtureServer}, the server too. */
        JAVA_CLIENT_AND_SERVER
    }

    /** Every notification type, for plain calls. */
    static final List<Notify> PLAIN = List.of(Notify.APC, Notify.IOCP, Notify.EVENT, Notify.POLLING);

    /**
     * The notification types for calls with async pipes: APC only (the safe layer refuses the
     * others for pipes: they cannot say which event they notify).
     */
    static final List<Notify> PIPES = List.of(Notify.APC);

    /** @return (role, notification) for every plain-call notification type */
    static Stream<Arguments> plainCases() {
        return cases(PLAIN);
    }

    /** @return (role, notification) for every pipe notification type */
    static Stream<Arguments> pipeCases() {
        return cases(PIPES);
    }

    private static Stream<Arguments> cases(List<Notify> kinds) {
        List<Arguments> out = new ArrayList<>();
        for (Role r : Role.values()) {
            for (Notify n : kinds) {
                out.add(Arguments.of(r, n));
            }
        }
        return out.stream();
    }

    /**
     * One scenario's world: the client's dispatcher, the server (the C server, or a
     * FixtureServer with a dispatcher of its own on a new endpoint) and a binding to it. Close
     * ends everything in order and checks that the Java server caught nothing and that every
     * call it accepted has ended.
     */
    static final class World implements AutoCloseable {
        final Role role;
        final Dispatcher client;
        final Dispatcher serverDispatcher;
        final FixtureServer server;
        final Binding binding;
        /** The generated client of the fixture, on the client's dispatcher: what a user calls. */
        final WinRpcFixtureClient fixture;
        private boolean closed;

        World(Role role, Notify notify) {
            this(role, notify, false);
        }

        /**
         * @param serverHearsClient the scenario needs the Java server to be told of its
         *        client's cancel or disconnect
         */
        World(Role role, Notify notify, boolean serverHearsClient) {
            this.role = role;
            this.client = notify.open();
            Dispatcher sd = null;
            FixtureServer fs = null;
            Binding b = null;
            try {
                String endpoint;
                if (role == Role.JAVA_CLIENT_AND_SERVER) {
                    sd = serverHearsClient ? notify.openForServerThatHearsItsClient() : notify.openForServer();
                    endpoint = FixtureRuntime.newEndpoint("java");
                    fs = new FixtureServer(FixtureRuntime.fixture(), sd, endpoint);
                } else {
                    endpoint = FixtureRuntime.peerEndpoint();
                }
                b = FixtureRuntime.bind(endpoint);
            } catch (RuntimeException | Error e) {
                if (fs != null) {
                    fs.close();
                }
                if (sd != null) {
                    sd.close();
                }
                client.close();
                throw e;
            }
            this.serverDispatcher = sd;
            this.server = fs;
            this.binding = b;
            this.fixture = new WinRpcFixtureClient(client, FixtureRuntime.fixture());
        }

        /** @return the binding, as the generated client takes it */
        RpcBinding rpc() {
            return binding.binding();
        }

        /** @return true when the library serves the calls (a FixtureServer) */
        boolean javaServer() {
            return server != null;
        }

        /**
         * The Java server's calls, once each has ended (empty for the C server).
         *
         * @param expected how many calls the server must have accepted
         * @return them
         */
        List<ServerCall<?>> serverCallsEnded(int expected) {
            if (server == null) {
                return List.of();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            List<ServerCall<?>> calls = server.calls();
            while (calls.size() < expected && System.nanoTime() < deadline) {
                sleep(2);
                calls = server.calls();
            }
            assertEquals(expected, calls.size(), "calls the Java server accepted");
            for (ServerCall<?> c : calls) {
                try {
                    c.result().get(TIMEOUT_S, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // ended by a failure: fine here, the caller checks how
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                } catch (TimeoutException e) {
                    fail("the server call did not end within " + TIMEOUT_S + " s: " + c);
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
                while (!c.ended() && System.nanoTime() < until) {
                    sleep(1);
                }
                assertTrue(c.ended(), "the server call ended: " + c);
            }
            return calls;
        }

        /**
         * For the Java server: waits until its first call has left D (it has been accepted and
         * its dispatcher has taken it into the table). No-op for the C server.
         *
         * @return the call, or null for the C server
         */
        ServerCall<?> serverCallUnderWay() {
            if (server == null) {
                return null;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (System.nanoTime() < deadline) {
                List<ServerCall<?>> calls = server.calls();
                if (!calls.isEmpty() && calls.get(0).state() != dev.winrpc.async.pipe.PipeState.D) {
                    return calls.get(0);
                }
                sleep(1);
            }
            throw new AssertionError("the Java server's call did not get under way within " + TIMEOUT_S + " s");
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Throwable first = null;
            List<Throwable> serverErrors = List.of();
            for (Runnable step : new Runnable[] {binding::close, client::close, () -> {
                if (server != null) {
                    server.close();
                }
            }, () -> {
                if (serverDispatcher != null) {
                    serverDispatcher.close();
                }
            }}) {
                try {
                    step.run();
                } catch (Throwable t) {
                    if (first == null) {
                        first = t;
                    } else {
                        first.addSuppressed(t);
                    }
                }
            }
            if (server != null) {
                serverErrors = server.errors();
            }
            if (first != null) {
                throw new AssertionError("closing the scenario's world failed", first);
            }
            assertEquals(List.of(), serverErrors, "exceptions caught in the Java server's manager routines");
        }
    }

    /**
     * @param f a result
     * @param <T> its type
     * @return its value, within {@link #TIMEOUT_S}
     */
    /**
     * Waits until a Java server has accepted at least n calls.
     *
     * @param server the server
     * @param n how many
     */
    static void awaitCalls(FixtureServer server, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (server.calls().size() < n) {
            if (System.nanoTime() > deadline) {
                fail("the server accepted " + server.calls().size() + " of " + n + " calls within " + TIMEOUT_S + " s");
            }
            sleep(2);
        }
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("the call failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + TIMEOUT_S + " s", e);
        }
    }

    /**
     * @param f a result that must fail
     * @return the RpcException it failed with, within {@link #TIMEOUT_S}
     */
    static RpcException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> f.get(TIMEOUT_S, TimeUnit.SECONDS));
        return assertInstanceOf(RpcException.class, e.getCause(), "the call's failure");
    }

    /**
     * @param f a result that must fail
     * @return whatever it failed with, within {@link #TIMEOUT_S}
     */
    static Throwable anyFailure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> f.get(TIMEOUT_S, TimeUnit.SECONDS));
        return e.getCause();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return 0, 1, ..., n-1 */
    static int[] range(int from, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = from + i;
        }
        return a;
    }
}
