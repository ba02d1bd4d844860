package dev.winrpc.async.example;

import com.sun.jna.Native;
import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.generated.fixture.WinRpcFixtureClient;
import dev.winrpc.async.generated.fixture.WinRpcFixtureClient.PipeEchoResult;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.generated.fixture.WinRpcFixtureServer;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.RpcAuth;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.stub.StubCall;
import dev.winrpc.async.testing.ChunkCollector;
import dev.winrpc.async.testing.FixtureRuntime;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's main job, end to end (the README's first command), with nothing but the library and
 * the Java the IDL compiler generated from the fixture's IDL ({@link WinRpcFixtureClient},
 * {@link WinRpcFixtureServer}): an RpcServer on ncalrpc and a dynamic TCP port that admits NTLM
 * clients at packet privacy only, an RpcBinding over TCP to localhost with NTLM and a deadline.
 * A Java implementation of the generated server interface serves the fixture's PipeEcho the way
 * the server-side pipe page's MyAsyncPipeFunc does in C (it pulls the in pipe, pushes each chunk
 * back on the out pipe, sets the [out] int and replies; the generated server adapts it to the
 * runtime's call, with APC notifications on a thread of its own), and the generated client calls
 * it with async pipes both ways and APC notifications. Then a cancelled call and an aborted call.
 * It prints progress, each client call's state path, and a summary.
 *
 * <p>Runs on whatever {@link RpcRuntime} provides: the runtime simulator off Windows (the
 * command sets {@code -Ddev.winrpc.async.library}); rpcrt4 with the fixture's generated stub
 * library on Windows.
 */
public final class PipeEchoExample {

    /** What the example did, for its test. */
    public record Summary(int chunksSent, int elementsSent, int chunksReceived, int elementsReceived,
            int reply, int outB, boolean echoVerified, List<PipeState> clientPath, int serverEchoed,
            int cancelledStatus, List<PipeState> cancelledPath, boolean serverSawTheCancel,
            int abortedStatus, boolean abortedWasServerFault, List<PipeState> abortedPath) {
    }

    private static final String ENDPOINT = "winrpc-example";
    private static final int CHUNKS = 8;
    private static final int CHUNK = 1024;
    private static final int ADD = 1000;
    /**
     * The server's abort code: an application's own code. (A code the runtime itself returns,
     * such as ERROR_ACCESS_DENIED, would read on the client as a runtime failure: see RpcStatus.)
     */
    private static final int FAULT = 0x20001234;

    private PipeEchoExample() {
    }

    /**
     * The server: the fixture's operations in Java. Each returns a future of its reply; the
     * generated server completes the runtime's call with it, or aborts the call with an
     * {@link RpcException}'s status.
     */
    static final class EchoServer implements WinRpcFixtureServer {
        final AtomicInteger echoed = new AtomicInteger();
        final CompletableFuture<Integer> sleeping = new CompletableFuture<>();

        @Override
        public CompletionStage<Integer> add(int a, int b) {
            return CompletableFuture.completedFuture(a + b);
        }

        @Override
        public CompletionStage<Integer> sleep(int ms) {
            // Sleep(INFINITE): never replies; the generated server cancels this future when the
            // call ends (here, when its client cancels).
            return sleeping;
        }

        @Override
        public CompletionStage<Integer> fail(int code) {
            return CompletableFuture.failedFuture(RpcException.serverFault("Fail", code));
        }

        @Override
        public CompletionStage<Integer> pipeSum(PipeReader<int[]> inpipe) {
            int[] sum = {0};
            return inpipe.forEach(c -> {
                for (int x : c) {
                    sum[0] += x;
                }
            }).thenApply(v -> sum[0]);
        }

        @Override
        public CompletionStage<Integer> pipeRange(int start, int count, PipeWriter<int[]> outpipe) {
            for (int done = 0; done < count; done += CHUNK) {
                int[] chunk = new int[Math.min(CHUNK, count - done)];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = start + done + i;
                }
                outpipe.send(chunk);
            }
            return outpipe.finish().thenApply(v -> count);
        }

        @Override
        public CompletionStage<PipeEchoResult> pipeEcho(int a, PipeReader<int[]> inpipe, PipeWriter<int[]> outpipe) {
            int[] sum = {0};
            return inpipe.forEach(c -> {
                int[] echo = new int[c.length];
                for (int i = 0; i < c.length; i++) {
                    echo[i] = c[i] + a;
                    sum[0] += c[i];
                }
                echoed.addAndGet(c.length);
                outpipe.send(echo);
            }).thenCompose(v -> outpipe.finish()).thenApply(v -> new PipeEchoResult(sum[0], echoed.get()));
        }
    }

    /**
     * Runs the example against the fixture the runtime provides.
     *
     * @param args ignored
     * @throws Exception if the example fails
     */
    public static void main(String[] args) throws Exception {
        Summary s = run(FixtureRuntime.fixture(), System.out);
        boolean ok = s.echoVerified() && s.cancelledStatus() == RpcErrors.RPC_S_CALL_CANCELLED
                && s.abortedWasServerFault() && s.abortedStatus() == FAULT;
        System.out.println(ok ? "example: OK" : "example: FAILED");
        System.exit(ok ? 0 : 1);
    }

    /**
     * @param fixture the fixture's generated stub library, as the runtime provides it
     * @param out where progress goes
     * @return what happened
     * @throws Exception on a failure of the example itself
     */
    public static Summary run(WinRpcFixtureNative fixture, PrintStream out) throws Exception {
        out.println("winrpc-async example: PipeEcho (Microsoft's server-side pipe example), served and "
                + "called in Java");
        out.println("runtime: " + RpcRuntime.description() + ", " + Native.POINTER_SIZE * 8 + "-bit");
        EchoServer impl = new EchoServer();
        try (ApcDispatcher serverThread = new ApcDispatcher();
                ApcDispatcher clientThread = new ApcDispatcher();
                // The server: the generated server interface's implementation, on ncalrpc and on a
                // dynamic TCP port, for NTLM clients at packet privacy only (the flag refuses
                // unauthenticated calls, the Java security callback anything weaker).
                RpcServer server = RpcServer.builder()
                        .endpoint("ncalrpc", ENDPOINT)
                        .dynamicEndpoint("ncacn_ip_tcp")
                        .authInfo(RpcAuth.Service.WINNT, null)
                        .register(WinRpcFixtureServer.rpcInterface(impl, serverThread, fixture)
                                .withFlags(IfFlag.AUTOLISTEN, IfFlag.ALLOW_SECURE_ONLY)
                                .withSecurityCallback(caller -> caller.authnLevel() == RpcAuth.Level.PKT_PRIVACY))
                        .build();
                // The client: TCP to localhost, NTLM as the current user at packet privacy, and a
                // deadline for every call that does not set its own.
                RpcBinding binding = RpcBinding.builder().protocolSequence("ncacn_ip_tcp")
                        .networkAddress("localhost").endpoint(tcpPort(server))
                        .auth(RpcAuth.of(RpcAuth.Level.PKT_PRIVACY, RpcAuth.Service.WINNT, null))
                        .deadline(Deadline.after(Duration.ofSeconds(30))).build()) {
            WinRpcFixtureClient client = new WinRpcFixtureClient(clientThread, fixture);
            out.println("server: " + String.join(", ", server.bindings()) + " (NTLM, packet privacy),"
                    + " APC notifications on " + serverThread.thread().getName());
            out.println("client: " + binding.toStringBinding() + ", NTLM at packet privacy, deadline 30 s,"
                    + " APC notifications on " + clientThread.thread().getName());

            // ---- PipeEcho: pipes both ways -------------------------------------------------------
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> echo = PipeReader.of(PipeCodec.INTS, CHUNK);
            long t0 = System.nanoTime();
            StubCall<PipeEchoResult> call = client.pipeEcho(binding, ADD, in, echo);
            call.call().operation("PipeEcho"); // names it in the log lines and the Flight Recorder event
            int expectedSum = 0;
            for (int c = 0; c < CHUNKS; c++) {
                int[] chunk = new int[CHUNK];
                for (int i = 0; i < CHUNK; i++) {
                    chunk[i] = c * CHUNK + i;
                    expectedSum += chunk[i];
                }
                int n = c + 1;
                in.send(chunk).thenRun(() -> out.printf("  client: chunk %d/%d sent (%d ints, %d bytes)%n",
                        n, CHUNKS, CHUNK, CHUNK * 4));
            }
            in.finish().thenRun(() -> out.println("  client: in pipe ended (null push sent)"));

            // The echo, a chunk at a time (back-pressure by chunk).
            int[] seen = {0};
            ChunkCollector<int[]> receiver = new ChunkCollector<>(chunk -> out.printf(
                    "  client: echo chunk %d received (%d ints)%n", ++seen[0], chunk.length));
            receiver.done().thenRun(() -> out.println("  client: out pipe ended (null pull)"));
            echo.publisher().subscribe(receiver);
            PipeEchoResult result = call.result().get(30, TimeUnit.SECONDS);
            List<int[]> received = receiver.done().get(30, TimeUnit.SECONDS);
            long micros = (System.nanoTime() - t0) / 1000;
            int elements = 0;
            boolean verified = true;
            int next = 0;
            for (int[] chunk : received) {
                for (int x : chunk) {
                    verified &= x == next++ + ADD;
                }
                elements += chunk.length;
            }
            verified &= elements == CHUNKS * CHUNK && result.reply() == expectedSum && result.b() == CHUNKS * CHUNK;
            out.println("  reply " + result.reply() + " (the sum of the in pipe), [out] b = " + result.b());
            out.println("  client path: " + Paths.compact(call.call().path()));
            out.printf("summary: sent %d ints (%d bytes) in %d chunks, received %d ints in %d chunks, "
                    + "echo %s, %d us%n", CHUNKS * CHUNK, CHUNKS * CHUNK * 4, CHUNKS, elements,
                    received.size(), verified ? "verified" : "WRONG", micros);

            // ---- a cancelled call ----------------------------------------------------------------
            StubCall<Integer> sleep = client.sleep(binding, -1);
            sleep.call().operation("Sleep");
            sleep.call().cancel(true);
            int cancelled = statusOf(sleep.result());
            boolean serverSawTheCancel = serverEnded(impl.sleeping);
            out.println("cancelled call: Sleep(INFINITE), abortive cancel -> "
                    + RpcException.nameOf(cancelled) + (serverSawTheCancel ? "; the server's Sleep was cancelled" : ""));
            out.println("  client path: " + Paths.compact(sleep.call().path()));

            // ---- an aborted call -----------------------------------------------------------------
            StubCall<Integer> fail = client.fail(binding, FAULT);
            fail.call().operation("Fail");
            RpcException fault = exceptionOf(fail.result());
            out.println("aborted call: Fail(" + String.format("0x%08X", FAULT) + "), the server aborts -> "
                    + (fault.isServerFault() ? "server fault " : "runtime failure ")
                    + fault.statusName() + " (" + fault.status() + ")");
            out.println("  client path: " + Paths.compact(fail.call().path()));
            return new Summary(CHUNKS, CHUNKS * CHUNK, received.size(), elements, result.reply(), result.b(),
                    verified, call.call().path(), impl.echoed.get(), cancelled, sleep.call().path(),
                    serverSawTheCancel, fault.status(), fault.isServerFault(), fail.call().path());
        }
    }

    /** Whether the server's pending Sleep was cancelled when its call ended (within 30 s). */
    private static boolean serverEnded(CompletableFuture<Integer> sleeping) throws InterruptedException {
        try {
            sleeping.get(30, TimeUnit.SECONDS);
            return false;
        } catch (java.util.concurrent.CancellationException e) {
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** The TCP port the runtime chose for the server's dynamic endpoint. */
    private static String tcpPort(RpcServer server) {
        for (String b : server.bindings()) {
            if (b.startsWith("ncacn_ip_tcp:") && b.contains("[")) {
                return b.substring(b.indexOf('[') + 1, b.indexOf(']'));
            }
        }
        throw new IllegalStateException("the server has no TCP endpoint: " + server.bindings());
    }

    private static int statusOf(CompletableFuture<Integer> f) throws InterruptedException, TimeoutException {
        return exceptionOf(f).status();
    }

    private static RpcException exceptionOf(CompletableFuture<Integer> f)
            throws InterruptedException, TimeoutException {
        try {
            f.get(30, TimeUnit.SECONDS);
            throw new IllegalStateException("the call succeeded");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RpcException) {
                return (RpcException) e.getCause();
            }
            throw new IllegalStateException("the call failed unexpectedly", e.getCause());
        }
    }
}
