package dev.winrpc.async.scenario;

import static dev.winrpc.async.scenario.Scenarios.await;
import static dev.winrpc.async.scenario.Scenarios.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.scenario.Scenarios.Notify;
import dev.winrpc.async.scenario.Scenarios.Role;
import dev.winrpc.async.scenario.Scenarios.World;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client that goes away in the middle of a pipe, as far as the public API lets it: an
 * abortive cancel while it is still sending, and a subscriber that cancels its subscription
 * while the server is still sending. The client's call ends with the cancel, and the server's
 * call ends too (the Java server through the table's failure paths), in both roles. (A binding
 * freed, or a process that dies, mid-call is outside what the library offers.)
 */
@Tag(Scenarios.TAG)
class DisconnectScenarioTest {

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#pipeCases")
    void clientCancelsWhileSending(Role role, Notify notify) {
        try (World w = new World(role, notify, true)) {
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            ClientCall<?> call = w.fixture.pipeSum(w.rpc(), in).call();
            for (int c = 0; c < 3; c++) {
                await(in.send(range(c * 10, 10)));
            }
            // Sent is not received (the runtime buffers): wait until the Java server is pulling,
            // so that the cancel comes in the middle of its pipe, not before it took the call
            // (that race is cancelRacingTheServersAccept's).
            w.serverCallUnderWay();
            call.cancel(true);
            RpcException e = Scenarios.failure(call.result());
            assertEquals(RpcErrors.RPC_S_CALL_CANCELLED, e.status(), e.toString());
            assertEquals(PipeState.END, call.state());
            assertTrue(call.path().contains(PipeState.CAN), call.path().toString());
            for (ServerCall<?> s : w.serverCallsEnded(1)) {
                assertTrue(s.result().isCompletedExceptionally(), "the server's call failed: " + s);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.winrpc.async.scenario.Scenarios#pipeCases")
    void subscriberCancelsWhileReceiving(Role role, Notify notify) {
        try (World w = new World(role, notify, true)) {
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS, 100);
            // More than the server can push before the client reads: it is mid-pipe when the
            // subscriber goes away.
            ClientCall<?> call = w.fixture.pipeRange(w.rpc(), 0, 1_000_000, out).call();
            CompletableFuture<Throwable> told = new CompletableFuture<>();
            out.publisher().subscribe(new Flow.Subscriber<>() {
                private Flow.Subscription s;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    s = subscription;
                    s.request(1);
                }

                @Override
                public void onNext(int[] item) {
                    s.cancel(); // the client goes away after its first chunk
                }

                @Override
                public void onError(Throwable t) {
                    told.complete(t);
                }

                @Override
                public void onComplete() {
                    told.complete(null);
                }
            });
            Throwable t = Scenarios.anyFailure(call.result());
            assertTrue(t instanceof CancellationException
                    || (t instanceof RpcException && ((RpcException) t).status() == RpcErrors.RPC_S_CALL_CANCELLED),
                    "the call failed with the subscriber's cancel: " + t);
            assertEquals(PipeState.END, call.state());
            assertTrue(call.path().contains(PipeState.CAN), call.path().toString());
            w.serverCallsEnded(1);
        }
    }

    /**
     * A client that cancels before the Java server has taken its call into the table. Guards a
     * defect this suite found: ServerCall registered the call with its dispatcher (after which
     * notifications flow) before it stored the Registration, so an RpcClientCancel delivered in
     * that window took the call D -> A -> END with no registration to close, and the ended call
     * stayed registered, its dispatcher's thread handle open for good. About one run in thirty
     * did this before AsyncCall#registered closed such a registration.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Notify.class, names = {"APC"})
    void cancelRacingTheServersAccept(Notify notify) {
        for (int i = 0; i < 100; i++) {
            try (World w = new World(Role.JAVA_CLIENT_AND_SERVER, notify, true)) {
                PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
                ClientCall<?> call = w.fixture.pipeSum(w.rpc(), in).call();
                await(in.send(range(0, 10)));
                call.cancel(true);
                Scenarios.failure(call.result());
                w.serverCallsEnded(1);
                // An ended call keeps its registration only while a notification the runtime
                // queued for its subscription is still on its way (RpcServerUnsubscribe-
                // ForNotification's count): briefly.
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (w.serverDispatcher.registeredCalls() != 0 && System.nanoTime() < deadline) {
                    Scenarios.sleep(1);
                }
                assertEquals(0, w.serverDispatcher.registeredCalls(),
                        "an ended server call is no longer registered");
            }
        }
    }
}
