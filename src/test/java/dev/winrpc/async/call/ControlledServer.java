package dev.winrpc.async.call;

import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.testing.FixtureHost;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fixture interface served in Java with the safe layer on an endpoint of its own, like
 * {@link dev.winrpc.async.fixture.FixtureServer}, but with the manager routines' work given per
 * test: each dispatched call is handed, on the runtime's thread, to a {@link Handler}.
 *
 * <p>The default handler ({@link #acceptAll}) accepts every call with the pipes and [out]
 * parameter its operation has, asks for nothing (no pull happens until the test asks), and
 * queues the {@link Accepted} call for the test ({@link #next()}, which returns it once it has
 * left D): the test then drives the server's table step by step.
 *
 * <p>No exception leaves a manager routine: it is recorded ({@link #errors()}). A handler that
 * fails before it accepted the call leaves the runtime's call unfinished; tests fail then anyway.
 */
public final class ControlledServer implements AutoCloseable {

    /** What a manager routine received. */
    public static final class Dispatch {
        public final int op;
        public final Pointer pAsync;
        public final int a;
        public final int b;
        public final Pointer inPipe;
        public final Pointer outPipe;
        public final Pointer outB;

        Dispatch(int op, Pointer pAsync, int a, int b, Pointer inPipe, Pointer outPipe, Pointer outB) {
            this.op = op;
            this.pAsync = pAsync;
            this.a = a;
            this.b = b;
            this.inPipe = inPipe;
            this.outPipe = outPipe;
            this.outB = outB;
        }
    }

    /** A call accepted by {@link #acceptAll}: the server call and its pipe ends. */
    public static final class Accepted {
        public final Dispatch dispatch;
        public final ServerCall<Integer> call;
        /** The [in] pipe's receiving end, or null. */
        public final PipeReader<int[]> in;
        /** The [out] pipe's sending end, or null. */
        public final PipeWriter<int[]> out;
        /** PipeEcho's [out] b, or null. */
        public final OutParam b;

        Accepted(Dispatch dispatch, ServerCall<Integer> call, PipeReader<int[]> in, PipeWriter<int[]> out,
                OutParam b) {
            this.dispatch = dispatch;
            this.call = call;
            this.in = in;
            this.out = out;
            this.b = b;
        }
    }

    /** A manager routine's work, run on the runtime's thread. */
    @FunctionalInterface
    public interface Handler {
        void serve(Dispatch d) throws Exception;
    }

    /** Runs on the runtime's thread once a call is accepted, before the test sees it. */
    @FunctionalInterface
    public interface OnAccept {
        void accepted(Accepted a) throws Exception;
    }

    private static final AtomicInteger NEXT = new AtomicInteger();

    private final WinRpcFixtureNative fx = Simulator.fixture();
    private final String endpoint;
    private final WinRpcFixtureNative.SERVER_EPV epv = new WinRpcFixtureNative.SERVER_EPV();
    private final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();
    private final Queue<ServerCall<?>> calls = new ConcurrentLinkedQueue<>();
    private volatile Handler handler;
    private final RpcServer server;
    private boolean closed;

    /**
     * Starts listening on a new endpoint.
     *
     * @param handler serves every call until replaced
     */
    public ControlledServer(Handler handler) {
        this.handler = handler;
        this.endpoint = "controlled-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
        epv.Add = (p, h, a, b) -> run(new Dispatch(SimControl.SIM_OP_ADD, p, a, b, null, null, null));
        epv.Sleep = (p, h, ms) -> run(new Dispatch(SimControl.SIM_OP_SLEEP, p, ms, 0, null, null, null));
        epv.Fail = (p, h, code) -> run(new Dispatch(SimControl.SIM_OP_FAIL, p, code, 0, null, null, null));
        epv.PipeSum = (p, h, in) -> run(new Dispatch(SimControl.SIM_OP_PIPE_SUM, p, 0, 0, in, null, null));
        epv.PipeRange = (p, h, start, count, out) ->
                run(new Dispatch(SimControl.SIM_OP_PIPE_RANGE, p, start, count, null, out, null));
        epv.PipeEcho = (p, h, a, in, out, b) ->
                run(new Dispatch(SimControl.SIM_OP_PIPE_ECHO, p, a, 0, in, out, b));
        this.server = FixtureHost.serve(fx, endpoint, epv);
    }

    /**
     * A server that accepts every call on {@code dispatcher} and queues it for {@link #next()}.
     *
     * @param dispatcher notifies the server's calls
     * @param readerChunkElements the most elements the [in] pipe's reader pulls at once
     * @param onAccept runs on the runtime's thread right after each accept (may be null)
     * @return the server
     */
    public static ControlledServer acceptAll(Dispatcher dispatcher, int readerChunkElements, OnAccept onAccept) {
        ControlledServer[] self = new ControlledServer[1];
        self[0] = new ControlledServer(d -> self[0].accept(dispatcher, readerChunkElements, d, onAccept));
        return self[0];
    }

    /** @return a server accepting every call, with the default reader chunk */
    public static ControlledServer acceptAll(Dispatcher dispatcher) {
        return acceptAll(dispatcher, PipeReader.DEFAULT_CHUNK_ELEMENTS, null);
    }

    /**
     * Accepts a dispatched call with the pipes and [out] parameter of its operation.
     *
     * @param dispatcher notifies the call
     * @param readerChunkElements the [in] reader's chunk
     * @param d what the manager routine received
     * @param onAccept runs before the call is queued for the test, or null
     * @return the accepted call
     * @throws Exception what onAccept throws
     */
    public Accepted accept(Dispatcher dispatcher, int readerChunkElements, Dispatch d, OnAccept onAccept)
            throws Exception {
        PipeReader<int[]> in = d.inPipe != null ? PipeReader.of(PipeCodec.INTS, readerChunkElements) : null;
        PipeWriter<int[]> out = d.outPipe != null ? PipeWriter.of(PipeCodec.INTS) : null;
        OutParam b = d.outB != null ? OutParam.server(d.outB, 4) : null;
        ServerCall.Builder<Integer> builder = ServerCall.builder(dispatcher, Reply.INT, d.pAsync);
        if (in != null) {
            builder.receive(in, d.inPipe);
        }
        if (out != null) {
            builder.send(out, d.outPipe);
        }
        if (b != null) {
            builder.out(b);
        }
        ServerCall<Integer> call = builder.accept();
        calls.add(call);
        Accepted a = new Accepted(d, call, in, out, b);
        if (onAccept != null) {
            onAccept.accepted(a);
        }
        accepted.add(a);
        return a;
    }

    /** Records a call accepted by a custom handler, for {@link #calls()}. */
    public void record(ServerCall<?> call) {
        calls.add(call);
    }

    private void run(Dispatch d) {
        try {
            handler.serve(d);
        } catch (Throwable t) {
            errors.add(t);
        }
    }

    /** @param h the handler for calls dispatched from now on */
    public void handler(Handler h) {
        this.handler = h;
    }

    /** @return the endpoint's name, for a binding */
    public String endpoint() {
        return endpoint;
    }

    /**
     * The next call {@link #acceptAll} accepted.
     *
     * @return it
     * @throws AssertionError if none comes within 10 s
     */
    public Accepted next() {
        try {
            Accepted a = accepted.poll(10, TimeUnit.SECONDS);
            if (a == null) {
                throw new AssertionError("no call reached the server within 10 s; errors " + errors());
            }
            // Out of D ("the call is dispatched by the RPC runtime"), so that what the test does
            // next meets the call in its first real state.
            Await.until(a.call + " leaves D", () -> a.call.state() != dev.winrpc.async.pipe.PipeState.D);
            return a;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** @return every call accepted so far */
    public List<ServerCall<?>> calls() {
        return new ArrayList<>(calls);
    }

    /** @return what manager routines threw */
    public List<Throwable> errors() {
        return new ArrayList<>(errors);
    }

    /**
     * Stops the endpoint (waiting for its calls), then lets the callbacks go.
     *
     * @throws IllegalStateException if calls were still running after the server's close timeout
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
    }
}
