package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.dispatch.EventDispatcher;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4Direct;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.SimControl;
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
                    h.fx.WinRpcFixture_Sleep(p, b.handle(), -1); // until cancelled
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

    /**
     * The other half: a call that does not end while the closing dispatcher still delivers (its
     * RpcCallComplete was lost: the fault plan drops it) is detached after CLOSE_DRAIN, and its
     * result then fails with the close; it never stays without an outcome.
     */
    @Test
    void aCallDetachedByTheCloseIsToldThen() {
        int staleBefore = Dispatcher.stalePinned();
        try (CallHarness h = new CallHarness()) {
            SimControl.SIM_FAULT_PLAN plan = new SimControl.SIM_FAULT_PLAN();
            plan.client_drop_notification_at = 1; // the RpcCallComplete
            h.sim.sim_set_fault_plan(plan);
            Binding b = h.toPeer();
            Dispatcher d = new ApcDispatcher();
            d.setExceptionHandler(t -> { });
            ClientCall<Integer> c = ClientCall.start(d, Reply.INT, p -> h.fx.WinRpcFixture_Add(p, b.handle(), 2, 3));
            Await.state(c, PipeState.WCOMP);
            Await.until("the call's completion is there, unnotified",
                    () -> Rpcrt4Direct.RpcAsyncGetCallStatus(c.asyncAddress) != RpcErrors.RPC_S_ASYNC_CALL_PENDING);
            Await.quiet(20);
            assertEquals(PipeState.WCOMP, c.state(), "the RpcCallComplete was dropped");
            d.close(); // waits CLOSE_DRAIN for the call, then detaches it
            assertInstanceOf(DispatcherClosedException.class, Await.failure(c));
            assertFalse(c.ended());
            assertEquals(staleBefore + 1, Dispatcher.stalePinned());
            // What the application does with a detached call: finish the runtime's call, let go.
            assertEquals(RpcErrors.RPC_S_OK, Rpcrt4Direct.RpcAsyncCompleteCall(c.asyncAddress, new Memory(16)));
            c.registration.close();
            assertEquals(staleBefore, Dispatcher.stalePinned());
        }
    }
}
