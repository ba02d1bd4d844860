package dev.winrpc.async.call;

import dev.winrpc.async.raw.Rpcrt4Direct;
import com.sun.jna.Memory;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One test's world: a client dispatcher, a server dispatcher, optionally a Java server
 * ({@link ControlledServer}) and bindings to it and to the simulator's scripted C server, and
 * what the dispatchers reported to their exception handlers. {@link #close()} takes it all down
 * in the order that leaves the simulator idle (bindings, the client dispatcher, the server
 * dispatcher, the server's endpoint).
 *
 * <p>A call that never ended (a bug under test) would keep the simulator busy and fail every
 * later test of the run; {@link #close()} therefore finishes such calls with the raw bindings
 * once the dispatchers are closed (a client call is cancelled and completed, a server call
 * aborted) and then fails, naming them; so it does for a call that ended but left its
 * registration open (its dispatcher would keep its handles for it).
 */
public final class CallHarness implements AutoCloseable {

    public final WinRpcFixtureNative fx = Simulator.fixture();
    public final SimControl sim = Simulator.control();
    public final Dispatcher client;
    public final Dispatcher server;
    /** What the client dispatcher's exception handler received. */
    public final List<Throwable> clientReports = new CopyOnWriteArrayList<>();
    /** What the server dispatcher's exception handler received. */
    public final List<Throwable> serverReports = new CopyOnWriteArrayList<>();
    private ControlledServer javaServer;
    private final List<Binding> bindings = new ArrayList<>();
    private final List<AsyncCall<?>> tracked = new CopyOnWriteArrayList<>();

    /** APC dispatchers on both sides. */
    public CallHarness() {
        this(ApcDispatcher::new);
    }

    /** @param dispatchers makes the client's, then the server's dispatcher */
    public CallHarness(Supplier<Dispatcher> dispatchers) {
        this.client = dispatchers.get();
        this.server = dispatchers.get();
        client.setExceptionHandler(clientReports::add);
        server.setExceptionHandler(serverReports::add);
    }

    /** @return a Java server accepting every call on {@link #server}, started on first use */
    public ControlledServer javaServer() {
        if (javaServer == null) {
            javaServer = ControlledServer.acceptAll(server);
        }
        return javaServer;
    }

    /**
     * Starts the Java server with options (once).
     *
     * @param readerChunkElements its [in] readers' chunk
     * @param onAccept runs on the runtime's thread for each accepted call, or null
     * @return the server
     */
    public ControlledServer javaServer(int readerChunkElements, ControlledServer.OnAccept onAccept) {
        if (javaServer != null) {
            throw new IllegalStateException("the Java server is already running");
        }
        javaServer = ControlledServer.acceptAll(server, readerChunkElements, onAccept);
        return javaServer;
    }

    /** @return a new binding to the Java server */
    public Binding toJava() {
        return bind(javaServer().endpoint());
    }

    /** @return a new binding to the simulator's scripted C server */
    public Binding toPeer() {
        return bind(SimControl.SIM_PEER_ENDPOINT);
    }

    /** @return a new binding to an endpoint, freed by close */
    public Binding bind(String endpoint) {
        Binding b = new Binding(endpoint);
        bindings.add(b);
        return b;
    }

    /**
     * Makes {@link #close()} check that the call ended (and finish it if not).
     *
     * @param call a call
     * @param <C> its type
     * @return it
     */
    public <C extends AsyncCall<?>> C track(C call) {
        tracked.add(call);
        return call;
    }

    /** PipeSum(in) on the client dispatcher. */
    public ClientCall<Integer> sum(Binding b, PipeWriter<int[]> in) {
        return track(ClientCall.builder(client, Reply.INT).send(in)
                .start(ctx -> fx.WinRpcFixture_PipeSum(ctx.pAsync(), b.handle(), ctx.inPipe())));
    }

    /** PipeRange(start, count, out) on the client dispatcher. */
    public ClientCall<Integer> range(Binding b, int start, int count, PipeReader<int[]> out) {
        return track(ClientCall.builder(client, Reply.INT).receive(out)
                .start(ctx -> fx.WinRpcFixture_PipeRange(ctx.pAsync(), b.handle(), start, count, ctx.outPipe())));
    }

    /** PipeEcho(a, in, out, b) on the client dispatcher. */
    public ClientCall<Integer> echo(Binding b, int a, PipeWriter<int[]> in, PipeReader<int[]> out, OutParam outB) {
        return track(ClientCall.builder(client, Reply.INT).send(in).receive(out).out(outB)
                .start(ctx -> fx.WinRpcFixture_PipeEcho(ctx.pAsync(), b.handle(), a, ctx.inPipe(), ctx.outPipe(),
                        outB.pointer())));
    }

    /**
     * What a test's {@code @AfterEach} does: unless the test expected them, asserts that
     * neither dispatcher reported an exception and that no manager routine failed; then takes
     * everything down ({@link #close()}) whatever the assertions said.
     *
     * @param reportsExpected true if the test itself checked the dispatchers' reports
     */
    public void closeChecked(boolean reportsExpected) {
        try {
            if (!reportsExpected) {
                org.junit.jupiter.api.Assertions.assertEquals(List.of(), clientReports, "the client dispatcher's reports");
                org.junit.jupiter.api.Assertions.assertEquals(List.of(), serverReports, "the server dispatcher's reports");
            }
            if (javaServer != null) {
                org.junit.jupiter.api.Assertions.assertEquals(List.of(), javaServer.errors(), "the manager routines' errors");
            }
        } finally {
            close();
        }
    }

    /** Takes everything down; the first failure is thrown after all was tried. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Binding b : bindings) {
            try {
                b.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        bindings.clear();
        client.close();
        server.close();
        if (javaServer != null) {
            tracked.addAll(javaServer.calls());
        }
        List<String> unended = rescue();
        if (javaServer != null) {
            try {
                javaServer.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (!unended.isEmpty()) {
            throw new AssertionError("calls that never ended (finished here with the raw bindings): "
                    + unended, first);
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Finishes, with the raw bindings, the runtime's side of every tracked call that did not
     * end. The dispatchers are closed: the library no longer touches these calls.
     */
    private List<String> rescue() {
        List<String> unended = new ArrayList<>();
        Rpcrt4 r = RpcRuntime.rpcrt4();
        for (AsyncCall<?> c : tracked) {
            if (c.ended()) {
                if (c.registration != null && !c.registration.isClosed()) {
                    // Ended, but still registered: its dispatcher kept it (and its own handles)
                    // as a live call.
                    unended.add(c + " (ended, but its registration with " + c.dispatcher()
                            + " was never closed)");
                    c.registration.close();
                }
                if (refusedServerCompletion(c)) {
                    // The simulator refuses a server's completion only when it is not final
                    // (sim_rpc_call.c, RpcAsyncCompleteCall): the runtime's call is still open.
                    unended.add(c + " (its RpcAsyncCompleteCall was refused with " + c.outcome.finalStatus()
                            + " and nothing finished the runtime's call)");
                    Rpcrt4Direct.RpcAsyncAbortCall(c.asyncAddress, RpcErrors.RPC_S_CALL_FAILED);
                }
                continue;
            }
            unended.add(c.toString());
            try {
                rescue(r, c);
            } finally {
                // A dispatcher closed under a live call keeps it pinned, and its own handles
                // open, until the registration closes.
                if (c.registration != null) {
                    c.registration.close();
                }
            }
        }
        tracked.clear();
        return unended;
    }

    /** A server call that ended Comp -> End with a failed RpcAsyncCompleteCall. */
    static boolean refusedServerCompletion(AsyncCall<?> c) {
        List<dev.winrpc.async.pipe.PipeState> p = c.path();
        return c.side() == dev.winrpc.async.pipe.Side.SERVER && p.size() >= 2
                && p.get(p.size() - 2) == dev.winrpc.async.pipe.PipeState.COMP
                && !c.outcome.wasAborted() // an abort carried out in Comp is final
                && c.outcome.finalStatus() != RpcErrors.RPC_S_OK;
    }

    private static void rescue(Rpcrt4 r, AsyncCall<?> c) {
        {
            if (!c.started || c.outcome.isFinalized()) {
                return; // nothing the runtime still needs
            }
            if (c.side() == dev.winrpc.async.pipe.Side.CLIENT) {
                Rpcrt4Direct.RpcAsyncCancelCall(c.asyncAddress, true);
                Memory reply = new Memory(16);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (Rpcrt4Direct.RpcAsyncCompleteCall(c.asyncAddress, reply) == RpcErrors.RPC_S_ASYNC_CALL_PENDING
                        && System.nanoTime() < deadline) {
                    Await.quiet(2);
                }
            } else {
                Rpcrt4Direct.RpcAsyncAbortCall(c.asyncAddress, RpcErrors.RPC_S_CALL_FAILED);
            }
        }
    }
}
