package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.testing.Binding;
import org.junit.jupiter.api.Test;

/**
 * A dispatcher that closes under a call which has already failed keeps the call's first
 * failure (Outcome: "the first failure is kept"): found by the soak (seed 2, lifecycle 361: a
 * client stub that threw after starting the call, its EventDispatcher closed at once), where
 * the call's result failed with the close's DispatcherClosedException and the stub's exception
 * was lost. The close completed result() early, before the call reached END; it now leaves
 * that to END (which also lets a server's fault supersede, as for any call), and tells only a
 * call that it detaches because it did not end in time.
 */
class CloseAfterFailureTest {

    @Test
    void aStubThatThrewIsWhatTheCallFailsWithWhenItsDispatcherClosesAtOnce() {
        try (CallHarness h = new CallHarness()) {
            Binding b = h.toPeer();
            for (int i = 0; i < 20; i++) {
                IllegalStateException boom = new IllegalStateException("the stub threw after starting the call");
                Dispatcher d = new EventDispatcher();
                d.setExceptionHandler(t -> { });
                ClientCall<Integer> c = ClientCall.start(d, Reply.INT, p -> {
                    h.fx.fx_Sleep(p, b.handle(), -1); // until cancelled
                    throw boom;
                });
                d.close(); // the close runs the stub, the call's cancel, and finds the call still live
                assertSame(boom, Await.failure(c), "round " + i);
                Await.ended(c);
                assertTrue(CallProbe.registrationClosed(c), c.toString());
            }
            assertEquals(0, Dispatcher.stalePinned());
        }
    }
}
