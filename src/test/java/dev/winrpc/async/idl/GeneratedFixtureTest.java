package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcDeadlineExceededException;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.PipeBlock;
import dev.winrpc.async.call.PipeBlocks;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeView;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.generated.fixture.WinRpcFixtureBulkServer;
import dev.winrpc.async.generated.fixture.WinRpcFixtureClient;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.generated.fixture.WinRpcFixtureServer;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.rpc.RpcInterface;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.rpc.CallerInfo;
import dev.winrpc.async.stub.ServerContext;
import dev.winrpc.async.stub.ServerStubs;
import dev.winrpc.async.stub.StubCall;
import dev.winrpc.async.testing.FixtureHost;
import dev.winrpc.async.testing.FixtureRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java the IDL compiler generated from windows-tests/fixture.idl in the build
 * ({@code dev.winrpc.async.generated.fixture}: the binding of libWinRpcFixture.so, the typed
 * client, the server interface) on the simulator: the generated client calls a Java
 * implementation served through the generated {@link WinRpcFixtureServer#rpcInterface}, and the
 * simulator's C peer server (its manager routines {@code fx_PeerEpv()} registered for
 * {@code WinRpcFixture_IfSpec()}), for every operation; the fault, the deadline and the cancel
 * reach the typed result. The generated bulk client ({@code <op>Bulk}: zero-copy writers, lending
 * readers) calls the generated {@link WinRpcFixtureBulkServer} the same way, and refuses a pipe
 * end that is not in its bulk form or has elements of another size. The simulator's oracle (checked after each test by
 * SimulatorOracleExtension) records no misuse.
 */
class GeneratedFixtureTest {

    private static final long T = 30;

    /** Who serves. */
    enum Server {
        /** a Java implementation of the generated server interface */
        JAVA,
        /** the simulator's C peer's manager routines */
        C_PEER
    }

    /** The fixture's semantics (fixture.idl's comments) as an implementation of the generated interface. */
    static class Impl implements WinRpcFixtureServer {
        final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "generated-fixture-timer");
            t.setDaemon(true);
            return t;
        });
        final List<CompletableFuture<Integer>> forever = new ArrayList<>();

        @Override
        public CompletionStage<Integer> add(int a, int b) {
            return CompletableFuture.completedFuture(a + b);
        }

        @Override
        public CompletionStage<Integer> sleep(int ms) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            if (ms == -1) {
                synchronized (forever) {
                    forever.add(f);
                }
                return f;
            }
            timers.schedule(() -> f.complete(ms), Integer.toUnsignedLong(ms), TimeUnit.MILLISECONDS);
            return f;
        }

        @Override
        public CompletionStage<Integer> fail(int code) {
            return CompletableFuture.failedFuture(RpcException.serverFault("Fail", code != 0 ? code : RpcErrors.RPC_S_CALL_FAILED));
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
            for (int done = 0; done < count; ) {
                int n = Math.min(1024, count - done);
                int first = start + done;
                outpipe.send(IntStream.range(0, n).map(i -> first + i).toArray());
                done += n;
            }
            return outpipe.finish().thenApply(v -> count);
        }

        @Override
        public CompletionStage<WinRpcFixtureClient.PipeEchoResult> pipeEcho(int a, PipeReader<int[]> inpipe,
                PipeWriter<int[]> outpipe) {
            int[] sumAndCount = {0, 0};
            return inpipe.forEach(c -> {
                int[] echo = new int[c.length];
                for (int i = 0; i < c.length; i++) {
                    echo[i] = c[i] + a;
                    sumAndCount[0] += c[i];
                }
                sumAndCount[1] += c.length;
                outpipe.send(echo);
            }).thenCompose(v -> outpipe.finish())
                    .thenApply(v -> new WinRpcFixtureClient.PipeEchoResult(sumAndCount[0], sumAndCount[1]));
        }
    }

    /**
     * The fixture's pipe operations with bulk pipe ends, as an implementation of the generated bulk
     * server interface: the [in] pipes read in place from lent views (each kept, to check after its
     * callback), the [out] pipes sent as blocks of a pool the implementation fills. The others are
     * {@link Impl}'s.
     */
    static final class BulkImpl implements WinRpcFixtureBulkServer {
        final Impl plain = new Impl();
        final List<PipeView> lent = new CopyOnWriteArrayList<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public int chunkElements(String operation) {
            asked.add(operation);
            return 100;
        }

        @Override
        public CompletionStage<Integer> add(int a, int b) {
            return plain.add(a, b);
        }

        @Override
        public CompletionStage<Integer> sleep(int ms) {
            return plain.sleep(ms);
        }

        @Override
        public CompletionStage<Integer> fail(int code) {
            return plain.fail(code);
        }

        @Override
        public CompletionStage<Integer> pipeSum(PipeReader<PipeView> inpipe) {
            int[] sum = {0};
            return inpipe.forEach(v -> {
                lent.add(v);
                for (int i = 0; i < v.count(); i++) {
                    sum[0] += v.getInt(4L * i);
                }
            }).thenApply(v -> sum[0]);
        }

        @Override
        public CompletionStage<Integer> pipeRange(int start, int count, PipeWriter<PipeBlock> outpipe) {
            PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 1000, count / 1000 + 1);
            for (int done = 0; done < count; ) {
                PipeBlock b = pool.tryAcquire();
                int n = Math.min(b.capacity(), count - done);
                for (int i = 0; i < n; i++) {
                    b.setInt(4L * i, start + done + i);
                }
                outpipe.send(b.count(n));
                done += n;
            }
            pool.close(); // its memory is freed once every block is back, sent
            return outpipe.finish().thenApply(v -> count);
        }

        @Override
        public CompletionStage<WinRpcFixtureClient.PipeEchoResult> pipeEcho(int a, PipeReader<PipeView> inpipe,
                PipeWriter<PipeBlock> outpipe) {
            int[] sumAndCount = {0, 0};
            return inpipe.forEach(v -> {
                lent.add(v);
                PipeBlocks one = PipeBlocks.allocate(PipeCodec.INTS, v.count(), 1);
                PipeBlock b = one.tryAcquire();
                for (int i = 0; i < v.count(); i++) {
                    int x = v.getInt(4L * i);
                    b.setInt(4L * i, x + a);
                    sumAndCount[0] += x;
                }
                sumAndCount[1] += v.count();
                outpipe.send(b.count(v.count()));
                one.close();
            }).thenCompose(v -> outpipe.finish())
                    .thenApply(v -> new WinRpcFixtureClient.PipeEchoResult(sumAndCount[0], sumAndCount[1]));
        }
    }

    /** The bulk server on an endpoint of its own, a client and a binding to it. */
    static final class BulkWorld implements AutoCloseable {
        final WinRpcFixtureNative lib = WinRpcFixtureNative.load();
        final BulkImpl impl = new BulkImpl();
        final Dispatcher serverDispatcher = new ApcDispatcher();
        final Dispatcher clientDispatcher = new ApcDispatcher();
        final String endpoint = FixtureRuntime.newEndpoint("genbulk");
        final RpcServer server;
        final RpcBinding binding;
        final WinRpcFixtureClient client;

        BulkWorld() {
            server = RpcServer.builder().endpoint("ncalrpc", endpoint)
                    .register(WinRpcFixtureBulkServer.rpcInterface(impl, serverDispatcher, lib).withFlags(IfFlag.AUTOLISTEN)
                            .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                    .build();
            binding = FixtureHost.bind(endpoint);
            client = new WinRpcFixtureClient(clientDispatcher, lib);
        }

        @Override
        public void close() {
            try {
                binding.close();
                server.close();
            } finally {
                clientDispatcher.close();
                serverDispatcher.close();
                impl.plain.timers.shutdownNow();
            }
        }
    }

    /** A server (Java or the C peer's routines) on an endpoint of its own, a client and a binding to it. */
    static final class World implements AutoCloseable {
        final WinRpcFixtureNative lib = WinRpcFixtureNative.load();
        final Impl impl = new Impl();
        final Dispatcher serverDispatcher = new ApcDispatcher();
        final Dispatcher clientDispatcher = new ApcDispatcher();
        final String endpoint = FixtureRuntime.newEndpoint("gen");
        final RpcServer server;
        final RpcBinding binding;
        final WinRpcFixtureClient client;

        World(Server kind) {
            RpcInterface itf = kind == Server.JAVA
                    ? WinRpcFixtureServer.rpcInterface(impl, serverDispatcher, lib)
                    : RpcInterface.of(lib.WinRpcFixture_IfSpec()).withEpv(FixtureRuntime.peerEpv());
            server = RpcServer.builder().endpoint("ncalrpc", endpoint)
                    .register(itf.withFlags(IfFlag.AUTOLISTEN)
                            .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                    .build();
            binding = FixtureHost.bind(endpoint);
            client = new WinRpcFixtureClient(clientDispatcher, lib);
        }

        @Override
        public void close() {
            try {
                binding.close();
                server.close();
            } finally {
                clientDispatcher.close();
                serverDispatcher.close();
                impl.timers.shutdownNow();
            }
        }
    }

    static <T> T await(StubCall<T> call) throws Exception {
        return call.result().get(T, TimeUnit.SECONDS);
    }

    static Throwable failure(StubCall<?> call) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.result().get(T, TimeUnit.SECONDS));
        return e.getCause();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void addReplies(Server kind) throws Exception {
        try (World w = new World(kind)) {
            assertEquals(42, await(w.client.add(w.binding, 40, 2)));
            assertEquals(Integer.MIN_VALUE, await(w.client.add(w.binding, Integer.MAX_VALUE, 1)), "32-bit wrap-around");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void failReachesTheResultAsAServerFaultWithItsCode(Server kind) throws Exception {
        try (World w = new World(kind)) {
            RpcException e = assertInstanceOf(RpcException.class, failure(w.client.fail(w.binding, 1234)));
            assertEquals(1234, e.status());
            assertTrue(e.isServerFault(), e.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void sleepRepliesAndAPassedDeadlineFailsTheCall(Server kind) throws Exception {
        try (World w = new World(kind)) {
            assertEquals(5, await(w.client.sleep(w.binding, 5)));
            StubCall<Integer> late = w.client.withDeadline(Deadline.after(Duration.ofMillis(50))).sleep(w.binding, -1);
            assertInstanceOf(RpcDeadlineExceededException.class, failure(late));
            assertTrue(late.call().ended());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void cancelEndsASleepThatWouldNeverReply(Server kind) throws Exception {
        try (World w = new World(kind)) {
            StubCall<Integer> call = w.client.sleep(w.binding, -1);
            assertThrows(TimeoutException.class, () -> call.result().get(100, TimeUnit.MILLISECONDS));
            call.cancel();
            RpcException e = assertInstanceOf(RpcException.class, failure(call));
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, e.status(), e.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void pipeSumSumsWhatTheClientSends(Server kind) throws Exception {
        try (World w = new World(kind)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            StubCall<Integer> call = w.client.pipeSum(w.binding, in);
            in.send(new int[] {1, 2, 3});
            in.send(new int[] {10, 20});
            in.finish();
            assertEquals(36, await(call));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void pipeRangeReceivesTheRange(Server kind) throws Exception {
        try (World w = new World(kind)) {
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            List<Integer> got = new ArrayList<>();
            StubCall<Integer> call = w.client.pipeRange(w.binding, 7, 3000, out);
            CompletableFuture<Void> all = out.forEach(c -> {
                for (int x : c) {
                    got.add(x);
                }
            });
            assertEquals(3000, await(call));
            all.get(T, TimeUnit.SECONDS);
            assertEquals(IntStream.range(7, 3007).boxed().toList(), got);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void pipeEchoEchoesAndGivesItsOutValueWithTheReply(Server kind) throws Exception {
        try (World w = new World(kind)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            List<int[]> echoed = new ArrayList<>();
            StubCall<WinRpcFixtureClient.PipeEchoResult> call = w.client.pipeEcho(w.binding, 100, in, out);
            CompletableFuture<Void> all = out.forEach(echoed::add);
            in.send(new int[] {1, 2, 3});
            in.finish();
            WinRpcFixtureClient.PipeEchoResult r = await(call);
            all.get(T, TimeUnit.SECONDS);
            assertEquals(new WinRpcFixtureClient.PipeEchoResult(6, 3), r);
            assertArrayEquals(new int[] {101, 102, 103}, echoed.stream().flatMapToInt(java.util.Arrays::stream).toArray());
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aClosedBindingIsRefusedBeforeAnyCall(Server kind) throws Exception {
        try (World w = new World(kind)) {
            RpcBinding other = FixtureHost.bind(w.endpoint);
            other.close();
            assertThrows(IllegalStateException.class, () -> w.client.add(other, 1, 2));
            assertThrows(NullPointerException.class, () -> w.client.add(null, 1, 2));
            assertThrows(NullPointerException.class, () -> w.client.pipeSum(w.binding, null));
        }
    }

    /** Serves an implementation on an ncalrpc endpoint, as FixtureHost's servers are found. */
    private static RpcServer serve(WinRpcFixtureServer impl, Dispatcher d, WinRpcFixtureNative lib, String endpoint) {
        return RpcServer.builder().endpoint("ncalrpc", endpoint)
                .register(WinRpcFixtureServer.rpcInterface(impl, d, lib).withFlags(IfFlag.AUTOLISTEN)
                        .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                .build();
    }

    @org.junit.jupiter.api.Test
    void bulkPipeSumSendsBlocksToLentViews() throws Exception {
        try (BulkWorld w = new BulkWorld(); PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 300, 4)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            StubCall<Integer> call = w.client.pipeSumBulk(w.binding, in);
            int expected = 0;
            for (int c = 0; c < 4; c++) {
                PipeBlock b = pool.acquire();
                for (int i = 0; i < 300; i++) {
                    b.setInt(4L * i, c * 300 + i);
                    expected += c * 300 + i;
                }
                in.send(b.count(300));
            }
            in.finish();
            assertEquals(expected, await(call));
            assertEquals(List.of("PipeSum"), w.impl.asked, "the reader's chunk is the implementation's");
            assertTrue(w.impl.lent.size() >= 12, "pulls of at most 100 elements: " + w.impl.lent);
            for (PipeView v : w.impl.lent) {
                assertTrue(v.count() <= 100, v.toString());
                assertFalse(v.isLive(), "a lent view is dead once its callback returned");
                assertThrows(IllegalStateException.class, () -> v.getInt(0));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void bulkPipeRangeReceivesBlocksAsLentViews() throws Exception {
        try (BulkWorld w = new BulkWorld()) {
            PipeReader<PipeView> out = PipeReader.lending(PipeCodec.INTS, 700);
            List<Integer> got = new ArrayList<>();
            List<PipeView> views = new ArrayList<>();
            StubCall<Integer> call = w.client.pipeRangeBulk(w.binding, 7, 3000, out);
            CompletableFuture<Void> all = out.forEach(v -> {
                views.add(v);
                for (int i = 0; i < v.count(); i++) {
                    got.add(v.getInt(4L * i));
                }
            });
            assertEquals(3000, await(call));
            all.get(T, TimeUnit.SECONDS);
            assertEquals(IntStream.range(7, 3007).boxed().toList(), got);
            assertTrue(views.stream().allMatch(v -> v.count() <= 700 && !v.isLive()), views.toString());
            assertThrows(IllegalStateException.class, () -> views.get(0).read(0, new int[1], 0, 1),
                    "a view lent by the generated client's reader is unreadable after its callback");
        }
    }

    @org.junit.jupiter.api.Test
    void bulkPipeEchoEchoesBlocksAndGivesItsOutValue() throws Exception {
        try (BulkWorld w = new BulkWorld(); PipeBlocks pool = PipeBlocks.allocate(PipeCodec.INTS, 250, 2)) {
            PipeWriter<PipeBlock> in = PipeWriter.zeroCopy(PipeCodec.INTS);
            PipeReader<PipeView> out = PipeReader.lending(PipeCodec.INTS, 64);
            List<Integer> echoed = new ArrayList<>();
            StubCall<WinRpcFixtureClient.PipeEchoResult> call = w.client.pipeEchoBulk(w.binding, 100, in, out);
            CompletableFuture<Void> all = out.forEach(v -> {
                for (int i = 0; i < v.count(); i++) {
                    echoed.add(v.getInt(4L * i));
                }
            });
            for (int c = 0; c < 2; c++) {
                PipeBlock b = pool.acquire();
                for (int i = 0; i < 250; i++) {
                    b.setInt(4L * i, c * 250 + i);
                }
                in.send(b.count(250));
            }
            in.finish();
            WinRpcFixtureClient.PipeEchoResult r = await(call);
            all.get(T, TimeUnit.SECONDS);
            assertEquals(new WinRpcFixtureClient.PipeEchoResult(IntStream.range(0, 500).sum(), 500), r);
            assertEquals(IntStream.range(100, 600).boxed().toList(), echoed);
            assertEquals(List.of("PipeEcho"), w.impl.asked);
        }
    }

    @org.junit.jupiter.api.Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void bulkMethodsRefuseEndsNotInBulkFormOrOfAnotherSizeBeforeAnyCall() throws Exception {
        try (BulkWorld w = new BulkWorld()) {
            PipeWriter<PipeBlock> copying = (PipeWriter) PipeWriter.of(PipeCodec.INTS);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.client.pipeSumBulk(w.binding, copying));
            assertTrue(e.getMessage().contains("inpipe") && e.getMessage().contains("zero-copy"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> w.client.pipeSumBulk(w.binding, PipeWriter.zeroCopy(PipeCodec.BYTES)));
            assertTrue(e.getMessage().contains("inpipe") && e.getMessage().contains("4 bytes"), e.getMessage());
            PipeReader<PipeView> copyingReader = (PipeReader) PipeReader.of(PipeCodec.INTS);
            e = assertThrows(IllegalArgumentException.class, () -> w.client.pipeRangeBulk(w.binding, 0, 1, copyingReader));
            assertTrue(e.getMessage().contains("outpipe") && e.getMessage().contains("lending"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> w.client.pipeEchoBulk(w.binding, 1, PipeWriter.zeroCopy(PipeCodec.INTS), PipeReader.lending(8, 10)));
            assertTrue(e.getMessage().contains("outpipe") && e.getMessage().contains("not 8"), e.getMessage());
            assertThrows(NullPointerException.class, () -> w.client.pipeSumBulk(w.binding, null));
            // Nothing was started: a call with ends in their bulk form still goes through.
            PipeWriter<PipeBlock> fresh = PipeWriter.zeroCopy(4);
            StubCall<Integer> call = w.client.pipeSumBulk(w.binding, fresh);
            fresh.finish();
            assertEquals(0, await(call));
        }
    }

    @org.junit.jupiter.api.Test
    void aFailingImplementationAbortsItsCallWithAClearStatus() throws Exception {
        Impl failing = new Impl() {
            @Override
            public CompletionStage<Integer> add(int a, int b) {
                throw new IllegalStateException("the implementation's bug");
            }

            @Override
            public CompletionStage<Integer> sleep(int ms) {
                return null;
            }
        };
        WinRpcFixtureNative lib = WinRpcFixtureNative.load();
        String endpoint = FixtureRuntime.newEndpoint("genfail");
        try (Dispatcher sd = new ApcDispatcher(); Dispatcher cd = new ApcDispatcher()) {
            RpcServer server = serve(failing, sd, lib, endpoint);
            try (server; RpcBinding b = FixtureHost.bind(endpoint)) {
                WinRpcFixtureClient client = new WinRpcFixtureClient(cd, lib);
                RpcException thrown = assertInstanceOf(RpcException.class, failure(client.add(b, 1, 2)));
                assertEquals(ServerStubs.IMPLEMENTATION_FAILED, thrown.status());
                RpcException nul = assertInstanceOf(RpcException.class, failure(client.sleep(b, 1)));
                assertEquals(ServerStubs.IMPLEMENTATION_FAILED, nul.status());
                PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
                StubCall<Integer> sum = client.pipeSum(b, in);
                in.send(new int[] {4, 5});
                in.finish();
                assertEquals(9, await(sum), "the server still serves after its failed calls");
            } finally {
                failing.timers.shutdownNow();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aMethodSeesItsCallAndCallerThroughTheServerContextAndOnlyWhileItRuns() throws Exception {
        List<ServerContext> seen = new ArrayList<>();
        List<CallerInfo> callers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Impl impl = new Impl() {
            @Override
            public CompletionStage<Integer> add(int a, int b) {
                ServerContext ctx = ServerContext.current();
                seen.add(ctx);
                callers.add(ctx.caller());
                threads.add(Thread.currentThread());
                return CompletableFuture.completedFuture(a + b);
            }
        };
        IllegalStateException outside = assertThrows(IllegalStateException.class, ServerContext::current);
        assertTrue(outside.getMessage().contains("no generated server method"), outside.getMessage());
        WinRpcFixtureNative lib = WinRpcFixtureNative.load();
        String endpoint = FixtureRuntime.newEndpoint("genctx");
        try (Dispatcher sd = new ApcDispatcher(); Dispatcher cd = new ApcDispatcher()) {
            RpcServer server = serve(impl, sd, lib, endpoint);
            try (server; RpcBinding b = FixtureHost.bind(endpoint)) {
                assertEquals(5, await(new WinRpcFixtureClient(cd, lib).add(b, 2, 3)));
            } finally {
                impl.timers.shutdownNow();
            }
        }
        assertEquals(1, seen.size());
        ServerContext ctx = seen.get(0);
        assertEquals("Add", ctx.operation());
        assertEquals("Add", ctx.call().operation());
        assertTrue(ctx.call().ended(), "the call the context names is the one that completed");
        assertEquals("ncalrpc", callers.get(0).protocolSequence());
        assertTrue(callers.get(0).local());
        assertFalse(threads.get(0) == Thread.currentThread());
        IllegalStateException late = assertThrows(IllegalStateException.class, ctx::caller);
        assertTrue(late.getMessage().contains("while it runs"), late.getMessage());
        assertThrows(IllegalStateException.class, ctx::impersonate);
        assertThrows(IllegalStateException.class, ServerContext::current, "nothing left current on the server's thread either");
    }

    @org.junit.jupiter.api.Test
    void theEpvPointerHoldsItsStructure() {
        WinRpcFixtureNative.SERVER_EPV epv = new WinRpcFixtureNative.SERVER_EPV();
        Pointer p = ServerStubs.epvPointer(epv);
        assertEquals(Pointer.nativeValue(epv.getPointer()), Pointer.nativeValue(p));
        assertFalse(p.toString().isEmpty());
    }
}
