package dev.winrpc.async.bench;

import dev.winrpc.async.call.ControlledServer;
import dev.winrpc.async.call.OutParam;
import dev.winrpc.async.call.PipeBlock;
import dev.winrpc.async.call.PipeBlocks;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeView;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.SimControl;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pipe benchmark's Java server: the fixture's three pipe operations served with the safe
 * layer ({@link ServerCall}, a lending {@link PipeReader}, a zero-copy {@link PipeWriter}) on an APC dispatcher, on
 * an endpoint of its own (the tests' {@link ControlledServer} registers it and owns the entry
 * point vector). It does what winrpcbench.c's C pipe server does, with the same chunks:
 * PipeSum pulls with a reader of {@code chunkElements} and replies with the sum; PipeRange
 * pushes {@code start, start + 1, ...} in chunks of {@code chunkElements}; PipeEcho pulls
 * everything, then pushes each chunk back, each element plus {@code a}, sets {@code *b} and
 * replies with the sum. (The fixture's own servers push chunks of FX_CHUNK_ELEMENTS; this one
 * pushes the benchmark's chunk.)
 *
 * <p>Each manager routine accepts its call on the runtime's thread and returns; the call is
 * then driven on the dispatcher's thread by its notifications, which is where the data is
 * produced and consumed too.
 */
final class JavaPipeServer implements AutoCloseable {

    private final Dispatcher dispatcher;
    private final int chunkElements;
    private final ControlledServer server;
    /** The range's blocks: one in flight at a time, the next filled when it is back. */
    private final PipeBlocks sendBlocks;
    /** The echo's, made on first use. */
    private PipeBlocks echoBlocks;
    /** What went wrong on the server's side (the client sees a failed call as well). */
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    /**
     * Starts listening.
     *
     * @param dispatcher notifies the server's calls (an ApcDispatcher: pipes need APC)
     * @param chunkElements the chunk the server pulls and pushes, in elements
     */
    JavaPipeServer(Dispatcher dispatcher, int chunkElements) {
        this.dispatcher = dispatcher;
        this.chunkElements = chunkElements;
        this.sendBlocks = PipeBlocks.allocate(PipeCodec.INTS, chunkElements, 2);
        this.server = new ControlledServer(this::serve);
    }

    /** @return the endpoint to bind to */
    String endpoint() {
        return server.endpoint();
    }

    private void serve(ControlledServer.Dispatch d) {
        switch (d.op) {
            case SimControl.SIM_OP_PIPE_SUM:
                sum(d);
                return;
            case SimControl.SIM_OP_PIPE_RANGE:
                range(d);
                return;
            case SimControl.SIM_OP_PIPE_ECHO:
                echo(d);
                return;
            default:
                ServerCall.builder(dispatcher, Reply.INT, d.pAsync).accept().abort(RpcErrors.RPC_S_CALL_FAILED);
                failures.add(new IllegalStateException("operation " + d.op + " is not served here"));
        }
    }

    private void sum(ControlledServer.Dispatch d) {
        PipeReader<PipeView> in = PipeReader.lending(PipeCodec.INTS, chunkElements);
        ServerCall<Integer> call = watch(ServerCall.builder(dispatcher, Reply.INT, d.pAsync)
                .receive(in, d.inPipe).accept());
        PipeStreams.Summer summer = new PipeStreams.Summer();
        in.forEach(summer).thenRun(() -> call.complete(summer.sum()));
    }

    private void range(ControlledServer.Dispatch d) {
        PipeWriter<PipeBlock> out = PipeWriter.zeroCopy(PipeCodec.INTS);
        ServerCall<Integer> call = watch(ServerCall.builder(dispatcher, Reply.INT, d.pAsync)
                .send(out, d.outPipe).accept());
        // The reply is given now; the library completes the call once the pipe has ended.
        call.complete(d.b);
        new PipeStreams.Feeder(out, sendBlocks, d.a, Math.max(d.b, 0)).start();
    }

    private void echo(ControlledServer.Dispatch d) {
        PipeReader<PipeView> in = PipeReader.lending(PipeCodec.INTS, chunkElements);
        PipeWriter<PipeBlock> out = PipeWriter.zeroCopy(PipeCodec.INTS);
        OutParam b = OutParam.server(d.outB, 4);
        ServerCall<Integer> call = watch(ServerCall.builder(dispatcher, Reply.INT, d.pAsync)
                .receive(in, d.inPipe).send(out, d.outPipe).out(b).accept());
        PipeBlocks keep = echoBlocks();
        PipeStreams.Summer summer = new PipeStreams.Summer(keep, d.a);
        in.forEach(summer).thenRun(() -> {
            // The end of the in pipe, on the dispatcher thread: echo what came, then reply.
            b.setInt(summer.count());
            new PipeStreams.Replayer(out, summer.kept(), keep).start();
            call.complete(summer.sum());
        });
    }

    /** The echo's blocks: room for a whole call's volume, allocated once, on the dispatcher thread. */
    private PipeBlocks echoBlocks() {
        if (echoBlocks == null) {
            echoBlocks = PipeBlocks.allocate(PipeCodec.INTS, chunkElements,
                    PipeThroughputBenchmark.ELEMENTS / chunkElements + 1);
        }
        return echoBlocks;
    }

    private ServerCall<Integer> watch(ServerCall<Integer> call) {
        call.result().whenComplete((v, t) -> {
            if (t != null) {
                failures.add(t);
            }
        });
        return call;
    }

    /**
     * Closes the server (which waits for its calls).
     *
     * @throws IllegalStateException if a call failed on the server's side or a manager
     *         routine threw
     */
    @Override
    public void close() {
        server.close();
        sendBlocks.close();
        if (echoBlocks != null) {
            echoBlocks.close();
        }
        failures.addAll(server.errors());
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("the Java pipe server: "
                    + failures.size() + " failures", failures.peek());
            throw e;
        }
    }
}
