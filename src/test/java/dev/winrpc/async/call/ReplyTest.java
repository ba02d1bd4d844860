package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.SimControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reply buffers are sized for what RpcAsyncCompleteCall may read or write (the Windows fidelity
 * issue: a 4-byte buffer for an int, while the runtime's NDR engine moves the return value as a
 * LONG_PTR, 8 bytes on 64-bit Windows), and reply sizes have a bound (the reliability issue: a
 * 2 GiB reply took 13 s a call).
 */
class ReplyTest {

    private CallHarness h;

    @BeforeEach
    void open() {
        h = new CallHarness();
    }

    @AfterEach
    void close() {
        h.closeChecked(false);
    }

    @Test
    void everyReplyBufferHoldsALongPtr() {
        Binding b = h.bind(SimControl.SIM_PEER_ENDPOINT);
        ClientCall<Integer> c = ClientCall.start(h.client, Reply.INT, p -> h.fx.WinRpcFixture_Add(p, b.handle(), 2, 3));
        assertEquals(5, Await.value(c));
        assertTrue(c.replyBuffer.size() >= 8, "the buffer has " + c.replyBuffer.size() + " bytes");
        ClientCall<Void> v = ClientCall.start(h.client, Reply.VOID, p -> h.fx.WinRpcFixture_Add(p, b.handle(), 2, 3));
        Await.value(v);
        assertTrue(v.replyBuffer.size() >= 8);
        Reply<Byte> one = Reply.of("byte", 1, p -> p.getByte(0), (p, x) -> p.setByte(0, x));
        assertEquals(Reply.MIN_BUFFER, one.bufferSize());
        assertEquals(100, Reply.of("struct", 100, p -> null, (p, x) -> { }).bufferSize());
    }

    @Test
    void aReplyLargerThanTheBoundIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reply.of("huge", Reply.MAX_SIZE + 1, p -> null, (p, x) -> { }));
        assertTrue(e.getMessage().contains("pipe"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Reply.of("none", 0, p -> null, (p, x) -> { }));
        assertEquals(Reply.MAX_SIZE, Reply.of("big", Reply.MAX_SIZE, p -> null, (p, x) -> { }).size());
    }
}
