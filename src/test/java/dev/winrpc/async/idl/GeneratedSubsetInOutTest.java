package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.generated.subset.SubsetClient;
import dev.winrpc.async.generated.subset.SubsetServer;
import dev.winrpc.async.idl.GeneratedSubsetTest.Impl;
import dev.winrpc.async.idl.GeneratedSubsetTest.World;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.stub.ServerStubs;
import dev.winrpc.async.testing.FixtureHost;
import dev.winrpc.async.testing.FixtureRuntime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The [in, out] strings and arrays of subset.idl (Rename, Rotate, Window) round-tripped from the
 * generated client to a Java implementation served through the generated server over
 * libSubset.so (GeneratedSubsetTest's World and Impl): NDR's copy semantics (the server works on
 * the stub's copy, the client's value is replaced by what the server returned), a null
 * [unique] string kept null, the server's wrong-sized array or longer string aborting the call,
 * and the client's refusals before the stub library is reached.
 */
class GeneratedSubsetInOutTest {

    private static final long T = GeneratedSubsetTest.T;

    /** Runs the call against impl served on an endpoint of its own; {@return the status it failed with} */
    private static int failure(World w, SubsetServer impl, java.util.function.Function<RpcBinding, CompletableFuture<?>> call)
            throws Exception {
        Dispatcher d = new ApcDispatcher();
        String endpoint = FixtureRuntime.newEndpoint("subset-inout");
        try (RpcServer s = RpcServer.builder().endpoint("ncalrpc", endpoint)
                .register(SubsetServer.rpcInterface(impl, d, w.server.lib).withFlags(IfFlag.AUTOLISTEN)
                        .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                .build();
                RpcBinding b = FixtureHost.bind(endpoint)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.apply(b).get(T, TimeUnit.SECONDS));
            return ((RpcException) e.getCause()).status();
        } finally {
            d.close();
        }
    }

    @Test
    void renameReplacesInOutStringsAndKeepsAUniqueNullNull() throws Exception {
        try (World w = new World()) {
            SubsetClient.RenameResult r = GeneratedSubsetTest.await(w.subset.rename(w.binding, "w\u00f6rld \u4e16", "tag\u00e9"));
            assertEquals(7, r.reply());
            assertEquals("W\u00d6RLD \u4e16", r.name(), "the server's string, UTF-16 both ways");
            assertEquals("ag\u00e9", r.tag(), "a shorter string comes back whole");
            assertEquals("w\u00f6rld \u4e16", w.impl.received.get()[0]);
            assertEquals("tag\u00e9", w.impl.received.get()[1], "ISO-8859-1 of a char *");

            SubsetClient.RenameResult n = GeneratedSubsetTest.await(w.subset.rename(w.binding, "", null));
            assertEquals("", n.name());
            assertNull(n.tag(), "a null [unique] [in, out] string stays null");
            assertNull(w.impl.received.get()[1], "the server received null");
            assertEquals(0, w.server.allocations.get(), "the server's strings are written in place");
            assertEquals(0, w.client.frees.get(), "no block of the stub's is attached to an [in, out] string");
        }
    }

    @Test
    void rotateReplacesAConformantAndAFixedArray() throws Exception {
        try (World w = new World()) {
            SubsetClient.RotateResult r = GeneratedSubsetTest.await(w.subset.rotate(w.binding, 3, new int[] {1, 2, 3, 99},
                    new short[] {1, -2, 3, Short.MIN_VALUE + 1}));
            assertArrayEquals(new int[] {1, 2, 3}, (int[]) w.impl.received.get()[1], "size_is(n) elements are sent");
            assertArrayEquals(new int[] {2, 3, 1}, r.values(), "and size_is(n) come back");
            assertArrayEquals(new short[] {-1, 2, -3, Short.MAX_VALUE}, r.quad());
            SubsetClient.RotateResult one = GeneratedSubsetTest.await(w.subset.rotate(w.binding, 1, new int[] {5},
                    new short[4]));
            assertArrayEquals(new int[] {5}, one.values());
            assertEquals(0, w.client.frees.get() + w.server.allocations.get(), "arrays of integers: no blocks of the stub's");
        }
    }

    @Test
    void windowCarriesLengthIsElementsBothWaysSynchronously() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (World w = new World()) {
            SubsetClient.WindowResult r = w.subset.window(w.binding, 6, 3, new byte[] {1, 2, 3, 4, 5, 6});
            assertEquals(3, r.reply());
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) w.impl.received.get()[2], "length_is(used) elements are sent");
            assertArrayEquals(new byte[] {2, 3, 4}, r.window(), "length_is(used) elements come back");
            SubsetClient.WindowResult a = w.subset.windowAsync(w.binding, 2, 2, new byte[] {-1, 9}, executor)
                    .get(T, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {0, 10}, a.window());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aWrongSizedArrayOrALongerStringFromTheServerAbortsTheCall() throws Exception {
        try (World w = new World()) {
            SubsetServer shortArray = new Impl() {
                @Override
                public CompletionStage<SubsetClient.RotateResult> rotate(int n, int[] values, short[] quad) {
                    return CompletableFuture.completedFuture(new SubsetClient.RotateResult(new int[n - 1], quad));
                }
            };
            assertEquals(ServerStubs.IMPLEMENTATION_FAILED, failure(w, shortArray,
                    b -> w.subset.rotate(b, 3, new int[3], new short[4]).result().toCompletableFuture()));
            SubsetServer longArray = new Impl() {
                @Override
                public CompletionStage<SubsetClient.RotateResult> rotate(int n, int[] values, short[] quad) {
                    return CompletableFuture.completedFuture(new SubsetClient.RotateResult(values, new short[5]));
                }
            };
            assertEquals(ServerStubs.IMPLEMENTATION_FAILED, failure(w, longArray,
                    b -> w.subset.rotate(b, 3, new int[3], new short[4]).result().toCompletableFuture()),
                    "a fixed array of 5 for short[4] is refused, not truncated");
            SubsetServer longer = new Impl() {
                @Override
                public CompletionStage<SubsetClient.RenameResult> rename(String name, String tag) {
                    return CompletableFuture.completedFuture(new SubsetClient.RenameResult(0, name + "!", tag));
                }
            };
            assertEquals(ServerStubs.IMPLEMENTATION_FAILED, failure(w, longer,
                    b -> w.subset.rename(b, "abc", "t").result().toCompletableFuture()),
                    "a longer [in, out, string] cannot be returned into the client's buffer");
            SubsetServer fromNull = new Impl() {
                @Override
                public CompletionStage<SubsetClient.RenameResult> rename(String name, String tag) {
                    return CompletableFuture.completedFuture(new SubsetClient.RenameResult(0, name, "new"));
                }
            };
            assertEquals(ServerStubs.IMPLEMENTATION_FAILED, failure(w, fromNull,
                    b -> w.subset.rename(b, "abc", null).result().toCompletableFuture()),
                    "a string where the client passed a null [unique] one");
            assertEquals(0, w.client.frees.get(), "nothing of the stub's reached the client");
            assertEquals(new SubsetClient.RenameResult(1, "A", null), GeneratedSubsetTest.await(w.subset.rename(w.binding, "a", null)),
                    "the client still works");
        }
    }

    @Test
    void badInOutInputIsRefusedBeforeNativeMemoryIsTouched() throws Exception {
        try (World w = new World()) {
            NullPointerException nullName = assertThrows(NullPointerException.class, () -> w.subset.rename(w.binding, null, "t"));
            assertTrue(nullName.getMessage().contains("name"), nullName.getMessage());
            IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                    () -> w.subset.rename(w.binding, "a\0b", null));
            assertTrue(nul.getMessage().contains("name") && nul.getMessage().contains("NUL"), nul.getMessage());
            IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                    () -> w.subset.rename(w.binding, "a", "\u4e16"));
            assertTrue(wide.getMessage().contains("tag") && wide.getMessage().contains("ISO-8859-1"), wide.getMessage());
            IllegalArgumentException shortValues = assertThrows(IllegalArgumentException.class,
                    () -> w.subset.rotate(w.binding, 4, new int[3], new short[4]));
            assertTrue(shortValues.getMessage().contains("values"), shortValues.getMessage());
            IllegalArgumentException quad = assertThrows(IllegalArgumentException.class,
                    () -> w.subset.rotate(w.binding, 1, new int[1], new short[3]));
            assertTrue(quad.getMessage().contains("quad") && quad.getMessage().contains("fixes 4"), quad.getMessage());
            assertThrows(NullPointerException.class, () -> w.subset.rotate(w.binding, 1, new int[1], null));
            IllegalArgumentException bound = assertThrows(IllegalArgumentException.class,
                    () -> w.subset.window(w.binding, 2, 3, new byte[2]));
            assertTrue(bound.getMessage().contains("window") && bound.getMessage().contains("length_is"), bound.getMessage());
            assertEquals(0, w.server.allocations.get() + w.client.allocations.get() + w.client.frees.get(),
                    "no call reached the stub library");
            assertNull(w.impl.received.get(), "nor the server");
        }
    }
}
