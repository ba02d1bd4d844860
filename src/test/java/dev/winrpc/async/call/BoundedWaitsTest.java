package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.fixture.FixtureServer;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.Simulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Waits the tables leave unbounded are bounded, and escalate as Microsoft's RpcAsyncCancelCall
 * page advises (the Windows fidelity issue): a client that cancelled non-abortively, waiting in
 * WComp for a server that does not answer, cancels abortively once its bound has passed.
 */
class BoundedWaitsTest {

    private static final String ENDPOINT = "java-fixture-bounds";
    private final WinRpcFixtureNative fx = Simulator.fixture();
    private Dispatcher client;
    /** An event dispatcher cannot deliver subscriptions: its server calls never hear a cancel. */
    private Dispatcher deafServer;
    private FixtureServer server;
    private Binding binding;

    @BeforeEach
    void open() {
        client = new ApcDispatcher();
        deafServer = new EventDispatcher();
        server = new FixtureServer(fx, deafServer, ENDPOINT);
        binding = new Binding(ENDPOINT);
    }

    @AfterEach
    void close() {
        try {
            binding.close();
            client.close();
            server.close();
        } finally {
            deafServer.close();
        }
        assertEquals(List.of(), server.errors());
    }

    private ClientCall<Integer> sleepForever(Duration cancelTimeout) {
        return ClientCall.builder(client, Reply.INT).cancelTimeout(cancelTimeout)
                .start(ctx -> fx.WinRpcFixture_Sleep(ctx.pAsync(), binding.handle(), -1));
    }

    /** Ends the server's call (never told of the cancel), so that nothing is left behind. */
    private void finishServersCall() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.calls().isEmpty() && System.nanoTime() < deadline) {
            Await.quiet(1);
        }
        @SuppressWarnings("unchecked")
        ServerCall<Integer> s = (ServerCall<Integer>) server.calls().get(0);
        s.complete(0);
        Await.ended(s);
    }

    @Test
    void aNonAbortiveCancelThatIsNotAnsweredBecomesAbortiveAfterItsBound() {
        ClientCall<Integer> call = sleepForever(Duration.ofMillis(150));
        Await.state(call, PipeState.WCOMP);
        call.cancel(false);
        Calls.rpc(Await.failure(call), RpcErrors.RPC_S_CALL_CANCELLED, false);
        assertEquals(List.of(PipeState.C, PipeState.WCOMP, PipeState.CAN, PipeState.WCOMP, PipeState.COMP,
                PipeState.END), call.path());
        finishServersCall();
    }

    /** The control: with the default bound, the same unanswered cancel is still waiting. */
    @Test
    void withoutItsBoundTheSameCancelWaits() throws Exception {
        ClientCall<Integer> call = sleepForever(ClientCall.DEFAULT_CANCEL_TIMEOUT);
        Await.state(call, PipeState.WCOMP);
        call.cancel(false);
        Thread.sleep(400);
        assertFalse(call.result().isDone(), "a non-abortive cancel ended the call by itself: " + call);
        assertEquals(PipeState.WCOMP, call.state());
        call.cancel(true); // ignored: the call is in WComp already
        client.close(); // the dispatcher's close cancels abortively what is still live
        assertInstanceOf(DispatcherClosedException.class, Await.failure(call));
        Await.ended(call);
        finishServersCall();
    }

    @Test
    void boundsMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> ClientCall.builder(client, Reply.INT).cancelTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> ClientCall.builder(client, Reply.INT).cancelTimeout(Duration.ofMillis(-1)));
    }
}
