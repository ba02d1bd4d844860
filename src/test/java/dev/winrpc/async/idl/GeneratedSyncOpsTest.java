package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.generated.syncops.SyncOpsClient;
import dev.winrpc.async.generated.syncops.SyncOpsNative;
import dev.winrpc.async.generated.syncops.SyncOpsServer;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.rpc.RpcServer;
import dev.winrpc.async.testing.FixtureHost;
import dev.winrpc.async.testing.FixtureRuntime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Synchronous operations through the Java generated from src/test/resources/idl/syncops.idl in
 * the build (over libSyncOps.so on the simulator): the generated client calls the synchronous
 * stubs blocking and on an executor the test gives (the only thread the call blocks), a Java
 * implementation of the generated server interface serves them asynchronously, a fault code
 * reaches the caller as an RpcException, bad input is refused before any native call; the
 * oracle records no misuse.
 */
class GeneratedSyncOpsTest {

    private static final long T = 30;

    static final class Impl implements SyncOpsServer {
        final AtomicInteger touches = new AtomicInteger();

        @Override
        public CompletionStage<SyncOpsClient.TripleResult> triple(int x) {
            return CompletableFuture.completedFuture(new SyncOpsClient.TripleResult(x * 3, x * 2));
        }

        @Override
        public CompletionStage<Integer> mix(long big, short small) {
            if (big == -1) {
                return CompletableFuture.failedFuture(RpcException.serverFault("Mix", small));
            }
            return CompletableFuture.completedFuture((int) (big >> 32) + small);
        }

        @Override
        public CompletionStage<Integer> touch() {
            return CompletableFuture.completedFuture(touches.incrementAndGet());
        }

        @Override
        public CompletionStage<Integer> later(int x) {
            return CompletableFuture.completedFuture(x + 1);
        }
    }

    private interface Body {
        void run(SyncOpsClient client, RpcBinding binding) throws Exception;
    }

    private static void withServer(Body body) throws Exception {
        SyncOpsNative lib = SyncOpsNative.load();
        String endpoint = FixtureRuntime.newEndpoint("sync");
        try (Dispatcher sd = new ApcDispatcher(); Dispatcher cd = new ApcDispatcher()) {
            RpcServer server = RpcServer.builder().endpoint("ncalrpc", endpoint)
                    .register(SyncOpsServer.rpcInterface(new Impl(), sd, lib).withFlags(IfFlag.AUTOLISTEN)
                            .withManagerType(FixtureHost.typeOf(endpoint), FixtureHost.objectOf(endpoint)))
                    .build();
            try (server; RpcBinding b = FixtureHost.bind(endpoint)) {
                body.run(new SyncOpsClient(cd, lib), b);
            }
        }
    }

    @Test
    void blockingCallsGiveTheReplyAndTheOutValues() throws Exception {
        withServer((client, b) -> {
            assertEquals(new SyncOpsClient.TripleResult(21, 14), client.triple(b, 7));
            assertEquals(5 + 3, client.mix(b, 5L << 32, (short) 3));
            assertEquals(1, client.touch(b));
            assertEquals(2, client.touch(b));
            assertEquals(8, client.later(b, 7).result().get(T, TimeUnit.SECONDS), "the [async] operation beside them");
        });
    }

    @Test
    void theAsyncFormRunsTheBlockingCallOnTheGivenExecutorOnly() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicInteger tasks = new AtomicInteger();
            Executor counting = r -> {
                tasks.incrementAndGet();
                pool.execute(r);
            };
            withServer((client, b) -> {
                CompletableFuture<SyncOpsClient.TripleResult> f = client.tripleAsync(b, 10, counting);
                assertEquals(new SyncOpsClient.TripleResult(30, 20), f.get(T, TimeUnit.SECONDS));
                assertEquals(1, tasks.get());
                assertEquals(1, client.touchAsync(b, counting).get(T, TimeUnit.SECONDS));
                assertEquals(2, tasks.get());
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aServersFaultReachesTheCallerWithItsCode() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            withServer((client, b) -> {
                RpcException e = assertThrows(RpcException.class, () -> client.mix(b, -1, (short) 1234));
                assertEquals(1234, e.status());
                assertTrue(e.isServerFault(), e.toString());
                ExecutionException ee = assertThrows(ExecutionException.class,
                        () -> client.mixAsync(b, -1, (short) 4321, pool).get(T, TimeUnit.SECONDS));
                assertEquals(4321, assertInstanceOf(RpcException.class, ee.getCause()).status());
                assertEquals(1, client.mix(b, 0, (short) 1), "the binding and the server go on");
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputIsRefusedBeforeAnyNativeCall() throws Exception {
        withServer((client, b) -> {
            RpcBinding closed = FixtureHost.bind("nowhere");
            closed.close();
            assertThrows(IllegalStateException.class, () -> client.triple(closed, 1));
            assertThrows(NullPointerException.class, () -> client.triple(null, 1));
            assertThrows(NullPointerException.class, () -> client.tripleAsync(b, 1, null));
            assertEquals(1, client.touch(b), "no call reached the server before");
        });
    }
}
