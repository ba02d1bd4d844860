package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.pipe.PipeState;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.PeerClient;
import dev.winrpc.async.testing.SimControl;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server call that waits in Comp for its application's reply after its client cancelled
 * non-abortively is ended by its dispatcher's close: the close makes the reply impossible
 * (complete() after it is dropped), so the call is aborted, as a close aborts a server call in
 * its other states. Found by the soak (seed -1788757133122328513, lifecycle 44298: the scripted
 * client's PipeSum cancelled non-abortively, the Java server's dispatcher closed 2 ms after the
 * accept, its reply due 5 ms after it): the call stayed in Comp, the close detached it after
 * Dispatcher.CLOSE_DRAIN with the runtime's call neither completed nor aborted, and the client
 * waited for ever.
 */
class CloseInCompTest {

    private CallHarness h;
    private Dispatcher own;
    private ControlledServer srv;

    @BeforeEach
    void open() {
        h = new CallHarness();
        own = new ApcDispatcher();
        own.setExceptionHandler(h.serverReports::add);
        srv = ControlledServer.acceptAll(own);
    }

    @AfterEach
    void close() {
        own.close();
        try {
            h.closeChecked(true);
        } finally {
            srv.close();
        }
    }

    @Test
    void aCloseEndsAServerCallWaitingInCompForAReplyAfterItsClientCancelled() {
        // The scripted client: PipeSum with an empty in pipe (the null push at once), then a
        // non-abortive cancel a second after the start, when the server is long in Comp.
        SimControl.SIM_PEER_CALL pc = PeerClient.call(SimControl.SIM_OP_PIPE_SUM);
        pc.cancel_after_ms = 1000;
        pc.cancel_abortive = 0;
        int id = PeerClient.start(srv.endpoint(), pc);
        ControlledServer.Accepted s = srv.next();
        h.track(s.call);
        assertEquals(0, Calls.receiveAll(s.in).size()); // the end: the server's table goes to Comp
        Await.state(s.call, PipeState.COMP);
        assertFalse(s.call.clientGone().isDone(), "the cancel came before Comp; the test needs it after");
        Await.value(s.call.clientGone()); // told; Comp still waits for the application's reply
        assertEquals(PipeState.COMP, s.call.state());

        own.close();
        s.call.complete(7); // after the close: dropped
        assertTrue(s.call.ended(), "the close ended the server call: " + s.call);
        assertEquals(0, Dispatcher.stalePinned(), "nothing left pinned");
        // D, P, then WP when the server's pull went out before the client's null push arrived.
        List<PipeState> path = s.call.path();
        assertEquals(List.of(PipeState.COMP, PipeState.END), path.subList(path.size() - 2, path.size()),
                "the close aborted it in Comp: " + path);
        assertEquals(List.of(PipeState.D, PipeState.P), path.subList(0, 2), "the in pipe's way: " + path);
        SimControl.SIM_PEER_RESULT r = PeerClient.await(id, 10_000);
        assertNotEquals(RpcErrors.RPC_S_OK, r.status, PeerClient.describe(r));
    }
}
