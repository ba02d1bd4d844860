package dev.winrpc.async.scenario;

import static dev.winrpc.async.scenario.Scenarios.await;
import static dev.winrpc.async.scenario.Scenarios.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.OutParam;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.scenario.Scenarios.Notify;
import dev.winrpc.async.scenario.Scenarios.Role;
import dev.winrpc.async.scenario.Scenarios.World;
import dev.winrpc.async.testing.ChunkCollector;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.FixtureRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every async pipe kind in both roles (IN: PipeSum, OUT: PipeRange, IN_OUT: PipeEcho), with
 * APC notifications: the client's side follows the pipe state page's client tables, the Java
 * server's side its server tables. Chunks one at a time, through Flow publishers and subscribers,
 * empty pipes, and chunks larger than the server's buffer.
 *
 * <p>Pipe calls need APC notifications: the safe layer refuses them on completion-port and event
 * dispatchers, see {@link #pipeCallsAreRefusedWithoutApcNotification}.
 */
@Tag(Scenarios.TAG)
class PipeScenarioTest {

    private final WinRpcFixtureNative fx = FixtureRuntime.fixture();

    private ClientCall<?> pipeSum(World w, PipeWriter<int[]> in) {
        return w.fixture.pipeSum(w.rpc(), in).call();
    }

    private ClientCall<?> pipeRange(World w, PipeReader<int[]> out, int start, int count) {
        return w.fixture.pipeRange(w.rpc(), start, count, out).call();
    }

    private static List<Integer> drain(PipeReader<int[]> out) {
        List<Integer> got = new ArrayList<>();
        for (int[] chunk; (chunk = await(out.receive())) != null; ) {
            for (int x : chunk) {
                got.add(x);
            }
        }
        return got;
    }

    private static void assertServerKind(World w, PipeKind kind, int calls) {
        for (ServerCall<?> s : w.serverCallsEnded(calls)) {
            assertEquals(Optional.of(kind), s.pipeKind());
            assertEquals(PipeState.END, s.state());
            assertTrue(s.result().isDone() && !s.result().isCompletedExceptionally(), s.toString());
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#pipeCases")
    void inPipe(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<?> call = pipeSum(w, in);
            int expected = 0;
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int c = 0; c < 5; c++) {
                int[] chunk = range(c * 100, 100);
                for (int x : chunk) {
                    expected += x;
                }
                sent.add(in.send(chunk));
            }
            CompletableFuture<Void> finished = in.finish();
            assertEquals(expected, await(call.result()));
            sent.forEach(Scenarios::await);
            await(finished);
            assertEquals(PipeState.END, call.state());
            assertThrows(IllegalStateException.class, () -> in.send(new int[] {1}), "after the end");
            assertServerKind(w, PipeKind.IN, 1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#pipeCases")
    void inPipeEmptyAndLarge(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            PipeWriter<int[]> empty = PipeWriter.of(PipeCodec.INTS);
            ClientCall<?> none = pipeSum(w, empty);
            empty.finish();
            assertEquals(0, await(none.result()));

            // Chunks larger than the server's pull buffer (FX_CHUNK_ELEMENTS for the C server).
            PipeWriter<int[]> big = PipeWriter.of(PipeCodec.INTS);
            ClientCall<?> call = pipeSum(w, big);
            int[] chunk = range(1, 5000);
            big.send(chunk);
            big.send(chunk);
            big.finish();
            assertEquals(2 * (5000 * 5001 / 2), await(call.result()));
            assertServerKind(w, PipeKind.IN, 2);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#pipeCases")
    void inPipeFromAPublisher(Role role, Notify notify) {
        try (World w = new World(role, notify);
                SubmissionPublisher<int[]> publisher = new SubmissionPublisher<>()) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<?> call = pipeSum(w, in);
            publisher.subscribe(in.subscriber());
            int expected = 0;
            for (int c = 0; c < 20; c++) {
                int[] chunk = range(c, 50);
                for (int x : chunk) {
                    expected += x;
                }
                publisher.submit(chunk);
            }
            publisher.close();
            assertEquals(expected, await(call.result()));
            assertServerKind(w, PipeKind.IN, 1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#pipeCases")
    void outPipe(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS, 700);
            ClientCall<?> call = pipeRange(w, out, 10, 5000);
            List<Integer> got = drain(out);
            assertEquals(5000, await(call.result()));
            assertEquals(5000, got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(10 + i, got.get(i));
            }
            assertNull(await(out.receive()), "the end stays the end");
            assertServerKind(w, PipeKind.OUT, 1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#pipeCases")
    void outPipeEmpty(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            ClientCall<?> call = pipeRange(w, out, 5, 0);
            assertEquals(List.of(), drain(out));
            assertEquals(0, await(call.result()));
            assertServerKind(w, PipeKind.OUT, 1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#pipeCases")
    void outPipeThroughAPublisher(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS, 256);
            ClientCall<?> call = pipeRange(w, out, -100, 3000);
            ChunkCollector<int[]> collector = new ChunkCollector<>();
            out.publisher().subscribe(collector);
            CompletableFuture<long[]> seen = collector.done().thenApply(chunks -> {
                long count = 0;
                long sum = 0;
                for (int[] item : chunks) {
                    count += item.length;
                    for (int x : item) {
                        sum += x;
                    }
                }
                return new long[] {count, sum};
            });
            assertEquals(3000, await(call.result()));
            long expectedSum = 0;
            for (int i = 0; i < 3000; i++) {
                expectedSum += -100 + i;
            }
            assertArrayEquals(new long[] {3000, expectedSum}, await(seen));
            assertServerKind(w, PipeKind.OUT, 1);
        }
    }

    /** IN_OUT calls: both roles, APC notifications (see {@link #pipeCallsAreRefusedWithoutApcNotification}). */
    static Stream<Arguments> inOutCases() {
        return Stream.of(Role.values()).map(r -> Arguments.of(r, Notify.APC));
    }

    static Stream<Arguments> inOutIocpAndEventCases() {
        return Stream.of(Role.values()).flatMap(r -> Stream.of(Arguments.of(r, Notify.IOCP),
                Arguments.of(r, Notify.EVENT)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("inOutCases")
    void inOutPipe(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            ClientCall<Integer> call = ClientCall.builder(w.client, Reply.INT).send(in).receive(out).out(b)
                    .start(ctx -> fx.WinRpcFixture_PipeEcho(ctx.pAsync(), w.binding.handle(), 1000, ctx.inPipe(),
                            ctx.outPipe(), b.pointer()));
            assertThrows(IllegalStateException.class, b::getInt, "[out] before the call succeeded");
            in.send(new int[] {1, 2, 3});
            in.send(new int[] {4});
            in.finish();
            assertEquals(List.of(1001, 1002, 1003, 1004), drain(out));
            assertEquals(10, await(call.result()));
            assertEquals(4, b.getInt());
            assertServerKind(w, PipeKind.IN_OUT, 1);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("inOutCases")
    void inOutPipeEmpty(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            ClientCall<Integer> call = ClientCall.builder(w.client, Reply.INT).send(in).receive(out).out(b)
                    .start(ctx -> fx.WinRpcFixture_PipeEcho(ctx.pAsync(), w.binding.handle(), 7, ctx.inPipe(),
                            ctx.outPipe(), b.pointer()));
            in.finish();
            assertEquals(List.of(), drain(out));
            assertEquals(0, await(call.result()));
            assertEquals(0, b.getInt());
            assertServerKind(w, PipeKind.IN_OUT, 1);
        }
    }

    /**
     * Completion-port and event notifications cannot tell the pipe events apart (the runtime's
     * Event field, read when the packet or signal is taken, may already hold a later event; this
     * suite once saw an IN_OUT client's RpcSendComplete read as a second RpcReceiveComplete), so
     * the safe layer refuses pipe calls on those dispatchers, on both sides, before anything
     * native happens.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("inOutIocpAndEventCases")
    void pipeCallsAreRefusedWithoutApcNotification(Role role, Notify notify) {
        try (World w = new World(role, notify)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> ClientCall.builder(w.client, Reply.INT).send(in)
                            .start(ctx -> fx.WinRpcFixture_PipeSum(ctx.pAsync(), w.binding.handle(), ctx.inPipe())));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("APC"), e.getMessage());
        }
    }
}
