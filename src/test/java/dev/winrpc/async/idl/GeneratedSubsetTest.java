package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.call.PipeBlock;
import dev.winrpc.async.call.PipeBlocks;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeView;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.generated.subset.BLOB;
import dev.winrpc.async.generated.subset.COLOR;
import dev.winrpc.async.generated.subset.POINT;
import dev.winrpc.async.generated.subset.RECORD;
import dev.winrpc.async.generated.subset.SAMPLE;
import dev.winrpc.async.generated.subset.SHAPE;
import dev.winrpc.async.generated.subset.SubsetBulkServer;
import dev.winrpc.async.generated.subset.SubsetClient;
import dev.winrpc.async.generated.subset.SubsetNative;
import dev.winrpc.async.generated.subset.SubsetNdr;
import dev.winrpc.async.generated.subset.SubsetServer;
import dev.winrpc.async.generated.values.KIND;
import dev.winrpc.async.generated.values.MIX;
import dev.winrpc.async.generated.values.VEC2;
import dev.winrpc.async.generated.values.ValuesClient;
import dev.winrpc.async.generated.values.ValuesServer;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.stub.NdrPipes;
import dev.winrpc.async.stub.StubCall;
import dev.winrpc.async.testing.FixtureHost;
import dev.winrpc.async.testing.FixtureRuntime;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The Java the IDL compiler generated from the second test IDL (src/test/resources/idl/subset.idl
 * and .acf, package {@code dev.winrpc.async.generated.subset}) on the simulator: every operation
 * round-tripped from the generated client to a Java implementation served through the generated
 * server, over libSubset.so (the simulator's stub library with NDR's copy semantics); and the
 * client's refusals of bad input before any native memory is touched. The stub library's
 * {@code Subset_Allocate} (the server's [out] blocks) and {@code Subset_Free} (the client giving
 * back what the stub allocated) are counted through a proxy of the binding. The simulator's oracle
 * (SimulatorOracleExtension) checks every test for misuse.
 */
class GeneratedSubsetTest {

    static final long T = 30;

    /** The binding of libSubset.so with Subset_Allocate and Subset_Free counted. */
    static final class Counted {
        final SubsetNative real = SubsetNative.load();
        final AtomicInteger allocations = new AtomicInteger();
        final AtomicInteger frees = new AtomicInteger();
        final SubsetNative lib = (SubsetNative) Proxy.newProxyInstance(SubsetNative.class.getClassLoader(),
                new Class<?>[] {SubsetNative.class}, (proxy, m, args) -> {
                    if (m.getName().equals("Subset_Allocate")) {
                        allocations.incrementAndGet();
                    }
                    if (m.getName().equals("Subset_Free") && args[0] != null) {
                        frees.incrementAndGet();
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** What subset.idl's operations do, as the test defines them; the [in] values it received kept. */
    static class Impl implements SubsetServer {
        final AtomicReference<Object[]> received = new AtomicReference<>();

        @Override
        public CompletionStage<SubsetClient.HelloResult> hello(String who) {
            return CompletableFuture.completedFuture(new SubsetClient.HelloResult(7, "hello, " + who));
        }

        @Override
        public CompletionStage<Integer> sum(int n, int[] values) {
            received.set(new Object[] {n, values});
            return CompletableFuture.completedFuture(Arrays.stream(values).sum());
        }

        @Override
        public CompletionStage<SubsetClient.SwapResult> swap(POINT p, Integer optional) {
            return CompletableFuture.completedFuture(new SubsetClient.SwapResult(new POINT(p.y(), p.x()),
                    optional == null ? null : optional + 1));
        }

        @Override
        public CompletionStage<SubsetClient.FillResult> fill(int max) {
            byte[] buffer = new byte[max];
            for (int i = 0; i < max; i++) {
                buffer[i] = (byte) (i + 1);
            }
            return CompletableFuture.completedFuture(new SubsetClient.FillResult(max * 10, buffer, Math.min(3, max)));
        }

        @Override
        public CompletionStage<SubsetClient.DescribeResult> describe(RECORD record, BLOB blob) {
            received.set(new Object[] {record, blob});
            COLOR c = record == null ? COLOR.COLOR_RED : record.shape() == SHAPE.SHAPE_SQUARE ? COLOR.COLOR_BLUE : COLOR.COLOR_GREEN;
            return CompletableFuture.completedFuture(new SubsetClient.DescribeResult(blob.cb(), c));
        }

        @Override
        public CompletionStage<Integer> scaled(short n, char[] chars) {
            received.set(new Object[] {n, chars});
            return CompletableFuture.completedFuture(chars.length);
        }

        @Override
        public CompletionStage<SubsetClient.RecordResult> record_(PipeReader<List<SAMPLE>> samples, PipeWriter<List<Byte>> log) {
            List<SAMPLE> all = new ArrayList<>();
            return samples.forEach(chunk -> {
                all.addAll(chunk);
                List<Byte> tags = new ArrayList<>();
                for (SAMPLE s : chunk) {
                    tags.add(s.tag()[0]);
                }
                log.send(tags);
            }).thenCompose(v -> log.finish())
                    .thenApply(v -> new SubsetClient.RecordResult(all.size(), all.isEmpty() ? null : all.get(all.size() - 1)));
        }

        @Override
        public CompletionStage<Boolean> ping() {
            return CompletableFuture.completedFuture(true);
        }

        /** The name upper-cased, the tag without its first character (a null tag stays null). */
        @Override
        public CompletionStage<SubsetClient.RenameResult> rename(String name, String tag) {
            received.set(new Object[] {name, tag});
            return CompletableFuture.completedFuture(new SubsetClient.RenameResult(name.length(),
                    name.toUpperCase(java.util.Locale.ROOT), tag == null ? null : tag.substring(Math.min(1, tag.length()))));
        }

        /** The values rotated left by one, the quad negated. */
        @Override
        public CompletionStage<SubsetClient.RotateResult> rotate(int n, int[] values, short[] quad) {
            received.set(new Object[] {n, values, quad});
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = values[(i + 1) % n];
            }
            short[] q = new short[quad.length];
            for (int i = 0; i < q.length; i++) {
                q[i] = (short) -quad[i];
            }
            return CompletableFuture.completedFuture(new SubsetClient.RotateResult(v, q));
        }

        /** Every transmitted element plus one; the reply is their count. */
        @Override
        public CompletionStage<SubsetClient.WindowResult> window(int max, int used, byte[] window) {
            received.set(new Object[] {max, used, window});
            byte[] w = new byte[window.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) (window[i] + 1);
            }
            return CompletableFuture.completedFuture(new SubsetClient.WindowResult(window.length, w));
        }
    }

    /**
     * The bulk server of subset.idl: Record reads its pipe of structs in place from lent views
     * (at the C layout's offsets, SubsetNdr.SAMPLE's) and sends the log as blocks of bytes; the
     * other operations are {@link Impl}'s.
     */
    static final class BulkImpl implements SubsetBulkServer {
        final Impl plain = new Impl();
        final List<PipeView> lent = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public int chunkElements(String operation) {
            return 2;
        }

        @Override
        public CompletionStage<SubsetClient.HelloResult> hello(String who) {
            return plain.hello(who);
        }

        @Override
        public CompletionStage<Integer> sum(int n, int[] values) {
            return plain.sum(n, values);
        }

        @Override
        public CompletionStage<SubsetClient.SwapResult> swap(POINT p, Integer optional) {
            return plain.swap(p, optional);
        }

        @Override
        public CompletionStage<SubsetClient.FillResult> fill(int max) {
            return plain.fill(max);
        }

        @Override
        public CompletionStage<SubsetClient.DescribeResult> describe(RECORD record, BLOB blob) {
            return plain.describe(record, blob);
        }

        @Override
        public CompletionStage<Integer> scaled(short n, char[] chars) {
            return plain.scaled(n, chars);
        }

        @Override
        public CompletionStage<SubsetClient.RecordResult> record_(PipeReader<PipeView> samples, PipeWriter<PipeBlock> log) {
            long size = SubsetNdr.SAMPLE.size();
            SAMPLE[] last = {null};
            int[] count = {0};
            return samples.forEach(v -> {
                lent.add(v);
                PipeBlocks one = PipeBlocks.allocate(1, v.count(), 1);
                PipeBlock tags = one.tryAcquire();
                for (int i = 0; i < v.count(); i++) {
                    long at = i * size;
                    byte[] tag = new byte[4];
                    v.read(at + SubsetNdr.SAMPLE.offset("tag"), tag, 0, 4);
                    last[0] = new SAMPLE(v.getLong(at + SubsetNdr.SAMPLE.offset("when")),
                            v.getDouble(at + SubsetNdr.SAMPLE.offset("value")),
                            COLOR.of(v.getInt(at + SubsetNdr.SAMPLE.offset("color"))), tag);
                    tags.setByte(i, tag[0]);
                }
                count[0] += v.count();
                log.send(tags.count(v.count()));
                one.close(); // freed once its block is back, sent
            }).thenCompose(v -> log.finish()).thenApply(v -> new SubsetClient.RecordResult(count[0], last[0]));
        }

        @Override
        public CompletionStage<Boolean> ping() {
            return plain.ping();
        }

        @Override
        public CompletionStage<SubsetClient.RenameResult> rename(String name, String tag) {
            return plain.rename(name, tag);
        }

        @Override
        public CompletionStage<SubsetClient.RotateResult> rotate(int n, int[] values, short[] quad) {
            return plain.rotate(n, values, quad);
        }

        @Override
        public CompletionStage<SubsetClient.WindowResult> window(int max, int used, byte[] window) {
            return plain.window(max, used, window);
        }
    }

    /** A Java server of the generated interface on an endpoint of its own, a client and a binding to it. */
    static final class World implements AutoCloseable {
        final Counted server = new Counted();
        final Counted client = new Counted();
        final Impl impl = new Impl();
        final Dispatcher serverDispatcher = new ApcDispatcher();
        final Dispatcher clientDispatcher = new ApcDispatcher();
        final String endpoint = FixtureRuntime.newEndpoint("subset");
        final RpcServer rpcServer;
        final RpcBinding binding;
        final SubsetClient subset;

        World() {
            rpcServer = RpcServer.builder().endpoint("ncalrpc", endpoint)
                    .register(SubsetServer.rpcInterface(impl, serverDispatcher, server.lib).withFlags(IfFlag.AUTOLISTEN)
                            .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                    .build();
            binding = FixtureHost.bind(endpoint);
            subset = new SubsetClient(clientDispatcher, client.lib);
        }

        @Override
        public void close() {
            try {
                binding.close();
                rpcServer.close();
            } finally {
                clientDispatcher.close();
                serverDispatcher.close();
            }
        }
    }

    static <R> R await(StubCall<R> call) throws Exception {
        return call.result().get(T, TimeUnit.SECONDS);
    }

    static RECORD record(String name, POINT optional, SHAPE shape, int... values) {
        return new RECORD(name, "ansi \u00e9", null, UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"), new POINT(1, -2),
                optional, new POINT(3, 4), shape, new short[] {1, (short) 0xffff, 3, 4}, values.length, values);
    }

    static String render(RECORD r) {
        return r == null ? "null" : r.name() + "|" + r.ansi() + "|" + r.alias() + "|" + r.id() + "|" + r.corner() + "|"
                + r.optional() + "|" + r.required() + "|" + r.shape() + "|" + Arrays.toString(r.flags()) + "|" + r.count()
                + "|" + Arrays.toString(r.values());
    }

    static String render(BLOB b) {
        return b.cb() + "|" + Arrays.toString(b.data()) + "|" + b.labels() + "|" + b.required();
    }

    @Test
    void helloCarriesStringsBothWaysAndTheClientFreesTheStubsStringOnce() throws Exception {
        try (World w = new World()) {
            String who = "w\u00f6rld \ud83d\ude00";
            SubsetClient.HelloResult r = await(w.subset.hello(w.binding, who));
            assertEquals(7, r.reply());
            assertEquals("hello, " + who, r.greeting());
            assertEquals(1, w.server.allocations.get(), "the server's [out] string is one I_Allocate block");
            assertEquals(1, w.client.frees.get(), "the client gives the stub's [out] string back exactly once");
        }
    }

    @Test
    void sumCarriesAConformantArraySizedByAParameter() throws Exception {
        try (World w = new World()) {
            assertEquals(6, await(w.subset.sum(w.binding, 3, new int[] {1, 2, 3, 100})));
            assertArrayEquals(new int[] {1, 2, 3}, (int[]) w.impl.received.get()[1], "size_is(n) elements are sent");
            assertEquals(0, await(w.subset.sum(w.binding, 0, new int[0])));
        }
    }

    @Test
    void swapUpdatesInOutValuesAndKeepsAUniqueNullNull() throws Exception {
        try (World w = new World()) {
            SubsetClient.SwapResult r = await(w.subset.swap(w.binding, new POINT(5, -6), 41));
            assertEquals(new POINT(-6, 5), r.p());
            assertEquals(42, r.optional());
            SubsetClient.SwapResult n = await(w.subset.swap(w.binding, new POINT(1, 2), null));
            assertEquals(new POINT(2, 1), n.p());
            assertNull(n.optional(), "a null [unique] [in, out] pointer stays null");
            assertEquals(0, w.client.frees.get(), "nothing of these values is a block of the stub's");
        }
    }

    @Test
    void fillReturnsLengthIsElementsOfAnOutArray() throws Exception {
        try (World w = new World()) {
            SubsetClient.FillResult r = await(w.subset.fill(w.binding, 8));
            assertEquals(80, r.reply());
            assertEquals(3, r.written());
            assertArrayEquals(new byte[] {1, 2, 3}, r.buffer(), "length_is(*written) elements, not size_is(max)");
            SubsetClient.FillResult two = await(w.subset.fill(w.binding, 2));
            assertArrayEquals(new byte[] {1, 2}, two.buffer());
        }
    }

    @Test
    void describeCarriesAStructThroughAUniquePointerAndAStructByValue() throws Exception {
        try (World w = new World()) {
            RECORD rec = record("n\u00e4me", new POINT(9, 10), SHAPE.SHAPE_SQUARE, -9, 10, Integer.MIN_VALUE);
            BLOB blob = new BLOB(3, new byte[] {1, (byte) 0xff, 3}, Arrays.asList("first", null), List.of("required"));
            SubsetClient.DescribeResult r = await(w.subset.describe(w.binding, rec, blob));
            assertEquals(3, r.reply());
            assertEquals(COLOR.COLOR_BLUE, r.color());
            Object[] got = w.impl.received.get();
            assertEquals(render(rec), render((RECORD) got[0]));
            assertEquals(render(blob), render((BLOB) got[1]));

            RECORD bare = record(null, null, SHAPE.SHAPE_ROUND);
            SubsetClient.DescribeResult r2 = await(w.subset.describe(w.binding, bare, new BLOB(0, new byte[0],
                    Arrays.asList(null, null), List.of(""))));
            assertEquals(COLOR.COLOR_GREEN, r2.color());
            RECORD gotBare = (RECORD) w.impl.received.get()[0];
            assertNull(gotBare.name(), "a null [unique] string stays null");
            assertNull(gotBare.optional(), "a null [unique] pointer stays null");
            assertEquals(render(bare), render(gotBare));

            SubsetClient.DescribeResult r3 = await(w.subset.describe(w.binding, null, blob));
            assertEquals(COLOR.COLOR_RED, r3.color());
            assertNull(w.impl.received.get()[0], "a null [unique] struct pointer stays null");
        }
    }

    @Test
    void scaledSizesTheArrayFromAnExpression() throws Exception {
        try (World w = new World()) {
            assertEquals(5, await(w.subset.scaled(w.binding, (short) 2, "abcdefg".toCharArray())));
            assertArrayEquals("abcde".toCharArray(), (char[]) w.impl.received.get()[1], "size_is(n * 2 + 1)");
        }
    }

    @Test
    void recordCarriesAPipeOfStructsInAndAPipeOfBytesOut() throws Exception {
        try (World w = new World()) {
            PipeWriter<List<SAMPLE>> samples = PipeWriter.of(NdrPipes.codec(SubsetNdr.SAMPLE));
            PipeReader<List<Byte>> log = PipeReader.of(NdrPipes.codec(dev.winrpc.async.stub.NdrType.UINT8));
            List<Byte> logged = new ArrayList<>();
            StubCall<SubsetClient.RecordResult> call = w.subset.record_(w.binding, samples, log);
            CompletableFuture<Void> read = log.forEach(logged::addAll).toCompletableFuture();
            SAMPLE a = new SAMPLE(1L << 40, 1.5, COLOR.COLOR_RED, new byte[] {11, 0, 0, 0});
            SAMPLE b = new SAMPLE(-1, -0.25, COLOR.COLOR_BLUE, new byte[] {22, 1, 2, 3});
            SAMPLE c = new SAMPLE(0, Double.MAX_VALUE, COLOR.COLOR_GREEN, new byte[] {33, 4, 5, 6});
            samples.send(List.of(a, b));
            samples.send(List.of(c));
            samples.finish();
            SubsetClient.RecordResult r = await(call);
            read.get(T, TimeUnit.SECONDS);
            assertEquals(3, r.reply());
            assertEquals(c.when(), r.last().when());
            assertEquals(c.value(), r.last().value());
            assertEquals(c.color(), r.last().color());
            assertArrayEquals(c.tag(), r.last().tag());
            assertEquals(List.of((byte) 11, (byte) 22, (byte) 33), logged);
        }
    }

    @Test
    void recordBulkCarriesAPipeOfStructsAsBlocksAndViewsToTheBulkServer() throws Exception {
        BulkImpl impl = new BulkImpl();
        String endpoint = FixtureRuntime.newEndpoint("subsetbulk");
        Counted lib = new Counted();
        long size = SubsetNdr.SAMPLE.size();
        try (Dispatcher sd = new ApcDispatcher(); Dispatcher cd = new ApcDispatcher()) {
            RpcServer server = RpcServer.builder().endpoint("ncalrpc", endpoint)
                    .register(SubsetBulkServer.rpcInterface(impl, sd, lib.lib).withFlags(IfFlag.AUTOLISTEN)
                            .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                    .build();
            try (server; RpcBinding binding = FixtureHost.bind(endpoint);
                    PipeBlocks pool = PipeBlocks.allocate((int) size, 3, 1)) {
                SubsetClient client = new SubsetClient(cd, lib.lib);
                PipeWriter<PipeBlock> samples = PipeWriter.zeroCopy((int) size);
                PipeReader<PipeView> log = PipeReader.lending(1, 16);
                List<Byte> logged = new ArrayList<>();
                StubCall<SubsetClient.RecordResult> call = client.recordBulk(binding, samples, log);
                CompletableFuture<Void> read = log.forEach(v -> {
                    for (int i = 0; i < v.count(); i++) {
                        logged.add(v.getByte(i));
                    }
                });
                PipeBlock b = pool.acquire();
                long[] when = {1L << 40, -1, 0};
                double[] value = {1.5, -0.25, Double.MAX_VALUE};
                COLOR[] color = {COLOR.COLOR_RED, COLOR.COLOR_BLUE, COLOR.COLOR_GREEN};
                for (int i = 0; i < 3; i++) {
                    long at = i * size;
                    b.setLong(at + SubsetNdr.SAMPLE.offset("when"), when[i]);
                    b.setDouble(at + SubsetNdr.SAMPLE.offset("value"), value[i]);
                    b.setInt(at + SubsetNdr.SAMPLE.offset("color"), color[i].value());
                    b.write(at + SubsetNdr.SAMPLE.offset("tag"), new byte[] {(byte) (11 * (i + 1)), 4, 5, 6}, 0, 4);
                }
                samples.send(b.count(3));
                samples.finish();
                SubsetClient.RecordResult r = await(call);
                read.get(T, TimeUnit.SECONDS);
                assertEquals(3, r.reply());
                assertEquals(0L, r.last().when());
                assertEquals(Double.MAX_VALUE, r.last().value());
                assertEquals(COLOR.COLOR_GREEN, r.last().color());
                assertArrayEquals(new byte[] {33, 4, 5, 6}, r.last().tag());
                assertEquals(List.of((byte) 11, (byte) 22, (byte) 33), logged);
                assertTrue(impl.lent.size() >= 2, "pulls of at most chunkElements() = 2 samples: " + impl.lent);
                assertTrue(impl.lent.stream().noneMatch(PipeView::isLive), "each view died with its callback");
                assertThrows(IllegalArgumentException.class, () -> client.recordBulk(binding, PipeWriter.zeroCopy(4),
                        PipeReader.lending(1, 16)), "a writer of 4-byte elements for a pipe of " + size + "-byte structs");
            }
        }
    }

    @Test
    void pingIsSynchronousOnThisThreadAndOnAnExecutor() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (World w = new World()) {
            assertTrue(w.subset.ping(w.binding));
            assertTrue(w.subset.pingAsync(w.binding, executor).get(T, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void badInputIsRefusedBeforeNativeMemoryIsTouched() throws Exception {
        try (World w = new World()) {
            NullPointerException ref = assertThrows(NullPointerException.class, () -> w.subset.swap(w.binding, null, 1));
            assertTrue(ref.getMessage().contains("p"), ref.getMessage());
            IllegalArgumentException shortArray = assertThrows(IllegalArgumentException.class,
                    () -> w.subset.sum(w.binding, 4, new int[] {1, 2, 3}));
            assertTrue(shortArray.getMessage().contains("values"), shortArray.getMessage());
            IllegalArgumentException shortScaled = assertThrows(IllegalArgumentException.class,
                    () -> w.subset.scaled(w.binding, (short) 3, new char[6]));
            assertTrue(shortScaled.getMessage().contains("chars"), shortScaled.getMessage());
            IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                    () -> w.subset.hello(w.binding, "a\0b"));
            assertTrue(nul.getMessage().contains("who") && nul.getMessage().contains("NUL"), nul.getMessage());
            NullPointerException nullString = assertThrows(NullPointerException.class, () -> w.subset.hello(w.binding, null));
            assertTrue(nullString.getMessage().contains("who"), nullString.getMessage());
            assertEquals(0, w.server.allocations.get() + w.client.allocations.get() + w.client.frees.get(),
                    "no call reached the stub library");
            assertEquals(6, await(w.subset.sum(w.binding, 3, new int[] {1, 2, 3})), "the client still works");
        }
    }

    @Test
    void aServerValueItsTypeCannotCarryAbortsTheCall() throws Exception {
        try (World w = new World()) {
            SubsetServer bad = new Impl() {
                @Override
                public CompletionStage<SubsetClient.HelloResult> hello(String who) {
                    return CompletableFuture.completedFuture(new SubsetClient.HelloResult(0, null));
                }
            };
            Dispatcher d = new ApcDispatcher();
            String endpoint = FixtureRuntime.newEndpoint("subset-bad");
            try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", endpoint)
                    .register(SubsetServer.rpcInterface(bad, d, w.server.lib).withFlags(IfFlag.AUTOLISTEN)
                            .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                    .build();
                    RpcBinding b = FixtureHost.bind(endpoint)) {
                java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> w.subset.hello(b, "x").result().get(T, TimeUnit.SECONDS));
                assertEquals(dev.winrpc.async.stub.ServerStubs.IMPLEMENTATION_FAILED,
                        ((dev.winrpc.async.RpcException) e.getCause()).status());
            } finally {
                d.close();
            }
        }
    }

    /** values.idl's operations, as the test defines them. */
    static final class Values implements ValuesServer {
        final AtomicReference<Object[]> received = new AtomicReference<>();

        @Override
        public CompletionStage<ValuesClient.MixResult> mix(boolean flag, char ch, KIND kind, VEC2 v, MIX m) {
            received.set(new Object[] {flag, ch, kind, v, m});
            double reply = (flag ? 1000 : 0) + ch + kind.value() + v.x() + v.y() + m.a() + m.b() + m.c();
            return CompletableFuture.completedFuture(new ValuesClient.MixResult(reply, new VEC2(v.x() + m.b(), v.y() * 2),
                    kind == KIND.KIND_ONE ? KIND.KIND_BIG : kind));
        }

        @Override
        public CompletionStage<KIND> which(KIND k) {
            return CompletableFuture.completedFuture(k == KIND.KIND_TWO ? KIND.KIND_ONE : KIND.KIND_TWO);
        }

        @Override
        public CompletionStage<Long> big(long u, byte s, float f) {
            return CompletableFuture.completedFuture(u + s + (long) f);
        }

        @Override
        public CompletionStage<ValuesClient.LetterResult> letter(Character c) {
            return CompletableFuture.completedFuture(new ValuesClient.LetterResult(Character.toUpperCase(c), (char) (c + 1)));
        }

        @Override
        public CompletionStage<ValuesClient.EchoResult> echo(String text, VEC2 v) {
            return CompletableFuture.completedFuture(new ValuesClient.EchoResult(text.length(), new VEC2(v.y(), v.x()),
                    text + text, text.length() * 2));
        }
    }

    @Test
    void valuesStructsOfFloatsAndEnumsTravelByValueAndComeBack() throws Exception {
        Values impl = new Values();
        Dispatcher serverDispatcher = new ApcDispatcher();
        Dispatcher clientDispatcher = new ApcDispatcher();
        String endpoint = FixtureRuntime.newEndpoint("values");
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", endpoint)
                .register(ValuesServer.rpcInterface(impl, serverDispatcher).withFlags(IfFlag.AUTOLISTEN)
                        .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                .build();
                RpcBinding b = FixtureHost.bind(endpoint)) {
            ValuesClient client = new ValuesClient(clientDispatcher);
            VEC2 v = new VEC2(1.5f, -2.25f);
            MIX m = new MIX(1e10, 0.5f, -7);
            ValuesClient.MixResult r = await(client.mix(b, true, '\u00e9', KIND.KIND_ONE, v, m));
            Object[] got = impl.received.get();
            assertEquals(true, got[0]);
            assertEquals('\u00e9', got[1]);
            assertEquals(KIND.KIND_ONE, got[2]);
            assertEquals(v, got[3], "a struct of two floats by value");
            assertEquals(m, got[4], "a struct of a double, a float and a long by value");
            assertEquals(1000 + 0xe9 + 1 + 1.5 - 2.25 + 1e10 + 0.5 - 7, r.reply());
            assertEquals(new VEC2(2.0f, -4.5f), r.sum());
            assertEquals(KIND.KIND_BIG, r.echo());
            await(client.mix(b, false, '\uffff', KIND.KIND_BIG, v, m));
            assertEquals(false, impl.received.get()[0]);
            assertEquals('\uffff', impl.received.get()[1], "wchar_t is 16 bits unsigned");
            assertEquals(KIND.KIND_BIG, impl.received.get()[2]);
            assertEquals(KIND.KIND_ONE, await(client.which(b, KIND.KIND_TWO)));
            assertEquals(-1L + 5 + 2, await(client.big(b, -1L, (byte) 5, 2.75f)), "unsigned hyper, small, float, hyper reply");
            assertEquals(new ValuesClient.LetterResult('Q', 'r'), await(client.letter(b, 'q')),
                    "an [in, out] wchar_t and a wchar_t reply");
            ValuesClient.EchoResult e = client.echo(b, "ab\u00e7", v);
            assertEquals(new ValuesClient.EchoResult(3, new VEC2(-2.25f, 1.5f), "ab\u00e7ab\u00e7", 6), e,
                    "a synchronous operation with a string, a struct by value and [out] values");
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                assertEquals(e, client.echoAsync(b, "ab\u00e7", v, executor).get(T, TimeUnit.SECONDS));
            } finally {
                executor.shutdownNow();
            }
            IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> client.echo(b, "a\0", v));
            assertTrue(nul.getMessage().contains("text"), nul.getMessage());
            assertThrows(NullPointerException.class, () -> client.mix(b, true, 'a', null, v, m), "a null enum value");
            assertThrows(NullPointerException.class, () -> client.mix(b, true, 'a', KIND.KIND_ONE, null, m), "a null struct value");
        } finally {
            clientDispatcher.close();
            serverDispatcher.close();
        }
    }
}
