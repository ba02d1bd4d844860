package dev.winrpc.async.example;

import com.sun.jna.Native;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.OutParam;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.fixture.FixtureServer;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.Deadline;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.RpcAuth;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.rpc.RpcInterface;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.testing.Fixture;
import dev.winrpc.async.testing.ChunkCollector;
import dev.winrpc.async.testing.FixtureRuntime;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The library's main job, end to end (the README's first command), with nothing but the library and
 * the MIDL-compiled interface: an RpcServer on ncalrpc and a dynamic TCP port that admits NTLM
 * clients at packet privacy only, an RpcBinding over TCP to localhost with NTLM and a deadline.
 * A Java server implements the
 * fixture's PipeEcho the way the server-side pipe page's MyAsyncPipeFunc does in C (the manager
 * routine receives the async handle first, registers it for APC notification on a thread of its
 * own, pulls the in pipe, pushes the out pipe with RPC_C_NOTIFY_ON_SEND_COMPLETE, sets the [out]
 * int and completes the call), and a Java client calls it with async pipes both ways and APC
 * notifications. Then a cancelled call and an aborted call. It prints progress, each call's state
 * path, and a summary.
 *
 * <p>Runs on whatever {@link RpcRuntime} provides: the runtime simulator off Windows (the
 * command sets {@code -Ddev.winrpc.async.library}); rpcrt4 with the windows-tests fixture on
 * Windows.
 */
public final class PipeEchoExample {

    /** What the example did, for its test. */
    public record Summary(int chunksSent, int elementsSent, int chunksReceived, int elementsReceived,
            int reply, int outB, boolean echoVerified, List<PipeState> clientPath,
            List<PipeState> serverPath, int cancelledStatus, List<PipeState> cancelledPath,
            int abortedStatus, boolean abortedWasServerFault, List<PipeState> abortedPath,
            List<PipeState> abortedServerPath) {
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
     * @param fixture the fixture glue of the runtime
     * @param out where progress goes
     * @return what happened
     * @throws Exception on a failure of the example itself
     */
    public static Summary run(Fixture fixture, PrintStream out) throws Exception {
        out.println("winrpc-async example: PipeEcho (Microsoft's server-side pipe example), served and "
                + "called in Java");
        out.println("runtime: " + RpcRuntime.description() + ", " + Native.POINTER_SIZE * 8 + "-bit");
        try (ApcDispatcher serverThread = new ApcDispatcher();
                ApcDispatcher clientThread = new ApcDispatcher();
                // The server: the interface MIDL compiled, served with the Java manager routines
                // of FixtureServer, on ncalrpc and on a dynamic TCP port, for NTLM clients at
                // packet privacy only (the flag refuses unauthenticated calls, the Java security
                // callback anything weaker).
                FixtureServer server = new FixtureServer(fixture, serverThread, ENDPOINT, epv -> RpcServer.builder()
                        .endpoint("ncalrpc", ENDPOINT)
                        .dynamicEndpoint("ncacn_ip_tcp")
                        .authInfo(RpcAuth.Service.WINNT, null)
                        .register(RpcInterface.of(fixture.fx_IfSpec()).withEpv(epv)
                                .withFlags(IfFlag.AUTOLISTEN, IfFlag.ALLOW_SECURE_ONLY)
                                .withSecurityCallback(caller -> caller.authnLevel() == RpcAuth.Level.PKT_PRIVACY))
                        .build());
                // The client: TCP to localhost, NTLM as the current user at packet privacy, and a
                // deadline for every call that does not set its own.
                RpcBinding binding = RpcBinding.builder().protocolSequence("ncacn_ip_tcp")
                        .networkAddress("localhost").endpoint(tcpPort(server.server()))
                        .auth(RpcAuth.of(RpcAuth.Level.PKT_PRIVACY, RpcAuth.Service.WINNT, null))
                        .deadline(Deadline.after(Duration.ofSeconds(30))).build()) {
            List<ServerCall<?>> serverCalls = new ArrayList<>();
            server.observe(serverCalls::add);
            out.println("server: " + String.join(", ", server.server().bindings()) + " (NTLM, packet privacy),"
                    + " APC notifications on " + serverThread.thread().getName());
            out.println("client: " + binding.toStringBinding() + ", NTLM at packet privacy, deadline 30 s,"
                    + " APC notifications on " + clientThread.thread().getName());

            // ---- PipeEcho: pipes both ways -------------------------------------------------------
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> echo = PipeReader.of(PipeCodec.INTS, CHUNK);
            OutParam b = OutParam.clientInt();
            long t0 = System.nanoTime();
            ClientCall<Integer> call = binding.start(binding.call(clientThread, Reply.INT)
                    .send(in).receive(echo).out(b),
                    (h, ctx) -> fixture.fx_PipeEcho(ctx.pAsync(), h, ADD, ctx.inPipe(), ctx.outPipe(), b.pointer()));
            call.operation("PipeEcho"); // names it in the log lines and the Flight Recorder event
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
            int reply = call.result().get(30, TimeUnit.SECONDS);
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
            verified &= elements == CHUNKS * CHUNK && reply == expectedSum && b.getInt() == CHUNKS * CHUNK;
            ServerCall<?> echoServer = serverCalls.get(0);
            echoServer.result().handle((v, t) -> null).get(30, TimeUnit.SECONDS);
            out.println("  reply " + reply + " (the sum of the in pipe), [out] b = " + b.getInt());
            out.println("  client path: " + Paths.compact(call.path()));
            out.println("  server path: " + Paths.compact(echoServer.path()));
            out.printf("summary: sent %d ints (%d bytes) in %d chunks, received %d ints in %d chunks, "
                    + "echo %s, %d us%n", CHUNKS * CHUNK, CHUNKS * CHUNK * 4, CHUNKS, elements,
                    received.size(), verified ? "verified" : "WRONG", micros);

            // ---- a cancelled call ----------------------------------------------------------------
            ClientCall<Integer> sleep = binding.start(clientThread, Reply.INT,
                    (h, ctx) -> fixture.fx_Sleep(ctx.pAsync(), h, -1));
            sleep.operation("Sleep");
            sleep.cancel(true);
            int cancelled = statusOf(sleep.result());
            out.println("cancelled call: Sleep(INFINITE), abortive cancel -> "
                    + RpcException.nameOf(cancelled));
            out.println("  client path: " + Paths.compact(sleep.path()));

            // ---- an aborted call -----------------------------------------------------------------
            ClientCall<Integer> fail = binding.start(clientThread, Reply.INT,
                    (h, ctx) -> fixture.fx_Fail(ctx.pAsync(), h, FAULT));
            fail.operation("Fail");
            RpcException fault = exceptionOf(fail.result());
            ServerCall<?> failServer = serverCalls.get(serverCalls.size() - 1);
            failServer.result().handle((v, t) -> null).get(30, TimeUnit.SECONDS);
            out.println("aborted call: Fail(" + String.format("0x%08X", FAULT) + "), the server aborts -> "
                    + (fault.isServerFault() ? "server fault " : "runtime failure ")
                    + fault.statusName() + " (" + fault.status() + ")");
            out.println("  client path: " + Paths.compact(fail.path()));
            out.println("  server path: " + Paths.compact(failServer.path()));
            ServerCall<?> sleepServer = serverCalls.get(1);
            sleepServer.result().handle((v, t) -> null).get(30, TimeUnit.SECONDS);
            return new Summary(CHUNKS, CHUNKS * CHUNK, received.size(), elements, reply, b.getInt(),
                    verified, call.path(), echoServer.path(), cancelled, sleep.path(), fault.status(),
                    fault.isServerFault(), fail.path(), failServer.path());
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
