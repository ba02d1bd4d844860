package dev.winrpc.async.bench;

import dev.winrpc.async.call.PipeBlock;
import dev.winrpc.async.call.PipeBlocks;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeView;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.generated.fixture.WinRpcFixtureBulkServer;
import dev.winrpc.async.generated.fixture.WinRpcFixtureClient.PipeEchoResult;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.testing.FixtureHost;
import dev.winrpc.async.testing.FixtureRuntime;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pipe benchmark's Java server: an implementation of the fixture's generated bulk server
 * interface ({@link WinRpcFixtureBulkServer}: a lending {@link PipeReader} for each [in] pipe, a
 * zero-copy {@link PipeWriter} for each [out] pipe), served with its generated
 * {@code rpcInterface} by an {@link RpcServer} on an endpoint of its own, with its calls on an
 * APC dispatcher. It does what winrpcbench.c's C pipe server does, with the same chunks:
 * PipeSum pulls with a reader of {@code chunkElements} ({@link #chunkElements}) and replies
 * with the sum; PipeRange pushes {@code start, start + 1, ...} in chunks of
 * {@code chunkElements}; PipeEcho pulls everything, then pushes each chunk back, each element
 * plus {@code a}, sets {@code *b} and replies with the sum. (The fixture's own servers push
 * chunks of FX_CHUNK_ELEMENTS; this one pushes the benchmark's chunk.)
 *
 * <p>Each method is called by the generated manager routine on the runtime's thread, after the
 * call was accepted, and returns its stage; the call is then driven on the dispatcher's thread
 * by its notifications, which is where the data is produced and consumed too.
 */
final class JavaPipeServer implements WinRpcFixtureBulkServer, AutoCloseable {

    private final int chunkElements;
    private final String endpoint = FixtureRuntime.newEndpoint("bench-pipe");
    private final RpcServer server;
    /** The range's and the echo's blocks: two in the library's hands, each refilled when it is back. */
    private final PipeBlocks sendBlocks;
    /**
     * The server's arrays for what it sends and what it receives, reused from call to call (one
     * call at a time: the benchmark makes them one after the other).
     */
    private final PipeStreams.Scratch sending = new PipeStreams.Scratch();
    private final PipeStreams.Scratch receiving = new PipeStreams.Scratch();
    /** The echo's kept elements, made on first use. */
    private int[] echoKeep;
    /** What went wrong on the server's side (the client sees a failed call as well). */
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    /**
     * Starts listening.
     *
     * @param fx the fixture's stub library
     * @param dispatcher notifies the server's calls (an ApcDispatcher: pipes need APC)
     * @param chunkElements the chunk the server pulls and pushes, in elements
     */
    JavaPipeServer(WinRpcFixtureNative fx, Dispatcher dispatcher, int chunkElements) {
        this.chunkElements = chunkElements;
        this.sendBlocks = PipeBlocks.allocate(PipeCodec.INTS, chunkElements, 2);
        this.server = RpcServer.builder().endpoint("ncalrpc", endpoint)
                .register(WinRpcFixtureBulkServer.rpcInterface(this, dispatcher, fx).withFlags(IfFlag.AUTOLISTEN)
                        .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                .build();
    }

    /** @return the endpoint to bind to ({@link FixtureHost#bind}) */
    String endpoint() {
        return endpoint;
    }

    /** {@return the benchmark's chunk: what the lending readers pull at once} */
    @Override
    public int chunkElements(String operation) {
        return chunkElements;
    }

    @Override
    public CompletionStage<Integer> add(int a, int b) {
        return notServed("Add");
    }

    @Override
    public CompletionStage<Integer> sleep(int ms) {
        return notServed("Sleep");
    }

    @Override
    public CompletionStage<Integer> fail(int code) {
        return notServed("Fail");
    }

    @Override
    public CompletionStage<Integer> pipeSum(PipeReader<PipeView> inpipe) {
        PipeStreams.Summer summer = new PipeStreams.Summer(receiving);
        return watch(inpipe.forEach(summer).thenApply(v -> summer.sum()));
    }

    @Override
    public CompletionStage<Integer> pipeRange(int start, int count, PipeWriter<PipeBlock> outpipe) {
        new PipeStreams.Feeder(outpipe, sendBlocks, sending, start, Math.max(count, 0)).start();
        // The reply is given now; the library completes the call once the pipe has ended.
        return CompletableFuture.completedFuture(count);
    }

    @Override
    public CompletionStage<PipeEchoResult> pipeEcho(int a, PipeReader<PipeView> inpipe, PipeWriter<PipeBlock> outpipe) {
        int[] keep = echoKeep();
        PipeStreams.Summer summer = new PipeStreams.Summer(keep);
        return watch(inpipe.forEach(summer).thenApply(v -> {
            // The end of the in pipe, on the dispatcher thread: echo what came, each element plus
            // a, in chunks, then reply (the generated routine sets *b from the result).
            new PipeStreams.Feeder(outpipe, sendBlocks, sending, keep, a, 0, summer.count()).start();
            return new PipeEchoResult(summer.sum(), summer.count());
        }));
    }

    /**
     * The echo's kept elements: room for a whole call's volume, allocated once, on the runtime's
     * thread (one echo at a time, as the benchmark makes them).
     */
    private synchronized int[] echoKeep() {
        if (echoKeep == null) {
            echoKeep = new int[PipeThroughputBenchmark.ELEMENTS];
        }
        return echoKeep;
    }

    private <T> CompletionStage<T> notServed(String operation) {
        IllegalStateException e = new IllegalStateException("operation " + operation + " is not served here");
        failures.add(e);
        return CompletableFuture.failedFuture(e);
    }

    private <T> CompletionStage<T> watch(CompletableFuture<T> stage) {
        stage.whenComplete((v, t) -> {
            if (t != null) {
                failures.add(t);
            }
        });
        return stage;
    }

    /**
     * Closes the server (which waits for its calls).
     *
     * @throws IllegalStateException if a call failed on the server's side
     */
    @Override
    public void close() {
        server.close();
        sendBlocks.close();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("the Java pipe server: " + failures.size() + " failures", failures.peek());
        }
    }
}
