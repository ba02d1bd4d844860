package dev.winrpc.async.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.ptr.IntByReference;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Direct;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.ApcTarget;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.testing.RawClientCall;
import dev.winrpc.async.testing.Failures;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guards every notification type the library supports, on a real fixture call (fx_Add to the
 * scripted server), each notified exactly once: Apc (the routine runs on the target thread, in
 * its alertable wait), Event (the runtime signals u.hEvent, created with jna-platform's
 * CreateEvent, after writing Event), Ioc (the runtime posts to u.IOC.hIOPort, passing the
 * caller's byte count, completion key and overlapped pointer through to
 * GetQueuedCompletionStatusEx), and None (the caller polls RpcAsyncGetCallStatus).
 */
class NotificationTypesTest {

    private static final int WAIT_OBJECT_0 = 0;
    private static final int WAIT_TIMEOUT = 0x102;

    private final Kernel32 k32 = RpcRuntime.kernel32();
    private final Kernel32Ex k32x = RpcRuntime.kernel32Ex();
    private final SimControl sim = Simulator.control();
    private final WinRpcFixtureNative fx = Simulator.fixture();
    @RegisterExtension
    final Failures failures = new Failures();


    @Test
    void apc() throws Exception {
        try (ApcTarget self = ApcTarget.forCurrentThread();
                Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).apc(self, 0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 3, 4));
            assertTrue(self.awaitAlertably(() -> c.log.total() > 0, 10_000));
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(7, c.reply());
            assertEquals(1, sim.sim_quiesce(5_000));
            self.drain();
            assertEquals(List.of(Rpcrt4.RpcCallComplete), c.log.events());
            assertEquals(Set.of(Thread.currentThread()), c.log.threads());
        }
    }

    @Test
    void event() {
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).event(0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 30, 4));
            assertEquals(WAIT_OBJECT_0, k32.WaitForSingleObject(c.eventHandle(), 10_000));
            assertEquals(Rpcrt4.RpcCallComplete, (Integer) c.state.readField("Event"),
                    "the runtime writes Event before it signals");
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(34, c.reply());
            assertEquals(1, sim.sim_quiesce(5_000));
            assertEquals(WAIT_TIMEOUT, k32.WaitForSingleObject(c.eventHandle(), 0), "signalled twice");
        }
    }

    @Test
    void ioc() {
        Memory overlapped = new Memory(32); // an OVERLAPPED the runtime only passes through
        overlapped.clear();
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).ioc(0x1234, 0xC0FFEEL, overlapped)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 300, 4));
            Kernel32Ex.OVERLAPPED_ENTRY[] entries =
                    (Kernel32Ex.OVERLAPPED_ENTRY[]) new Kernel32Ex.OVERLAPPED_ENTRY().toArray(4);
            Memory removed = new Memory(4);
            assertTrue(Kernel32Direct.GetQueuedCompletionStatusEx(c.port().getPointer(), entries[0].getPointer(),
                    entries.length, removed, 10_000, false), () -> "no completion: error " + k32.GetLastError());
            assertEquals(1, removed.getInt(0));
            entries[0].read();
            assertEquals(0xC0FFEEL, entries[0].lpCompletionKey.longValue(), "the key passed through");
            assertEquals(Pointer.nativeValue(overlapped), Pointer.nativeValue(entries[0].lpOverlapped),
                    "the overlapped pointer passed through");
            assertEquals(0x1234, entries[0].dwNumberOfBytesTransferred, "the byte count passed through");
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(304, c.reply());
            assertEquals(1, sim.sim_quiesce(5_000));
            removed.setInt(0, 0);
            assertFalse(Kernel32Direct.GetQueuedCompletionStatusEx(c.port().getPointer(), entries[0].getPointer(),
                    entries.length, removed, 0, false), "posted twice");
            assertEquals(0, removed.getInt(0));
        }
        Reference.reachabilityFence(overlapped);
    }

    @Test
    void none() {
        try (Binding b = new Binding(SimControl.SIM_PEER_ENDPOINT);
                RawClientCall c = new RawClientCall(failures).none(0)) {
            assertEquals(RpcErrors.RPC_S_OK, fx.WinRpcFixture_Add(c.p(), b.handle(), 3000, 4));
            assertEquals(RpcErrors.RPC_S_OK, c.pollUntilDone(10_000));
            assertEquals(RpcErrors.RPC_S_OK, c.complete());
            assertEquals(3004, c.reply());
            assertEquals(0, c.log.total());
        }
    }
}
