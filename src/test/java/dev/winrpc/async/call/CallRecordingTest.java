package dev.winrpc.async.call;

import static dev.winrpc.async.call.Calls.chunks;
import static dev.winrpc.async.call.Calls.receiveAll;
import static dev.winrpc.async.call.Calls.sendAll;
import static dev.winrpc.async.call.Calls.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.testing.ChunkCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Flight Recorder events, recorded with {@link Recording} and read back from a dump with
 * {@link RecordingFile}: a {@code dev.winrpc.async.Call} for each side of a call with pipes both
 * ways (side, operation, notification kind, outcome, status, duration, the pipes' chunks and
 * bytes each way), and a {@code dev.winrpc.async.DispatcherStall} for a subscriber that held the
 * client's dispatcher thread past the threshold (100 ms by default). The library's event
 * classes are in use before the recording starts, as in a process where one is started later.
 */
class CallRecordingTest {

    private static final int CHUNKS = 3;
    private static final int CHUNK = 50;
    private static final long BYTES = CHUNKS * CHUNK * 4L;

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
    void aPipeCallAndAStalledHandlerAreRecorded() throws Exception {
        ControlledServer srv = h.javaServer();
        Path dump = Files.createTempFile("winrpc-async-calls", ".jfr");
        ClientCall<Integer> call;
        ServerCall<Integer> server;
        // A call before the recording: the library's event classes are loaded and in use
        // before a recording starts (as when one is started in a running process).
        ClientCall<Integer> before = h.track(ClientCall.start(h.client, Reply.INT,
                p -> h.fx.WinRpcFixture_Add(p, h.toPeer().handle(), 2, 40)));
        assertEquals(42, Await.value(before));
        try (Recording recording = new Recording()) {
            recording.enable("dev.winrpc.async.Call");
            recording.enable("dev.winrpc.async.DispatcherStall");
            recording.start();
            PipeWriter<int[]> in = PipeWriter.of(PipeCodec.INTS);
            PipeReader<int[]> out = PipeReader.of(PipeCodec.INTS);
            OutParam b = OutParam.clientInt();
            call = h.echo(h.toJava(), 1, in, out, b);
            call.operation("PipeEcho");
            ControlledServer.Accepted s = srv.next();
            server = s.call;
            server.operation("PipeEcho");
            AtomicBoolean stalled = new AtomicBoolean();
            ChunkCollector<int[]> echo = new ChunkCollector<>(chunk -> {
                if (stalled.compareAndSet(false, true)) {
                    sleep(250); // the client's subscriber holds its dispatcher's thread
                }
            });
            out.publisher().subscribe(echo);
            sendAll(in, chunks(CHUNKS, CHUNK));
            Await.value(in.finish());
            List<int[]> got = receiveAll(s.in);
            sendAll(s.out, got);
            s.out.finish();
            s.b.setInt(CHUNKS * CHUNK);
            s.call.complete(sum(got));
            assertEquals(CHUNKS, Await.value(echo.done()).size());
            Await.value(call);
            Await.value(server);
            Await.ended(server);
            recording.stop();
            recording.dump(dump);
        }
        List<RecordedEvent> events;
        try {
            events = RecordingFile.readAllEvents(dump);
        } finally {
            Files.deleteIfExists(dump);
        }

        for (RecordedEvent e : named(events, "dev.winrpc.async.Call")) {
            assertTrue(e.getLong("callId") != before.id(), "a call made before the recording: " + e);
        }
        RecordedEvent client = theCall(events, call.id());
        assertEquals("CLIENT", client.getString("side"));
        assertEquals("IN_OUT pipe, client", client.getString("table"));
        assertCallFields(client);

        RecordedEvent served = theCall(events, server.id());
        assertEquals("SERVER", served.getString("side"));
        assertEquals("IN_OUT pipe, server", served.getString("table"));
        assertCallFields(served);

        List<RecordedEvent> stalls = named(events, "dev.winrpc.async.DispatcherStall");
        List<RecordedEvent> clientStalls = new ArrayList<>();
        for (RecordedEvent e : stalls) {
            if (h.client.toString().equals(e.getString("dispatcher"))) {
                clientStalls.add(e);
            }
        }
        assertFalse(clientStalls.isEmpty(), "a stall of " + h.client + " among " + stalls);
        RecordedEvent stall = clientStalls.get(0);
        assertEquals(Duration.ofMillis(100), stall.getDuration("threshold"));
        assertTrue(stall.getDuration("held").compareTo(Duration.ofMillis(250)) >= 0, stall.toString());
        assertTrue(Set.of("notification", "task").contains(stall.getString("handler")), stall.toString());
        assertEquals(h.client.thread().getName(), stall.getThread().getJavaName());
    }

    private static void assertCallFields(RecordedEvent e) {
        assertEquals("PipeEcho", e.getString("operation"));
        assertEquals("APC", e.getString("notification"));
        assertEquals("OK", e.getString("outcome"));
        assertEquals(0, e.getInt("status"));
        assertEquals("RPC_S_OK", e.getString("statusName"));
        assertEquals(CHUNKS, e.getInt("chunksSent"));
        assertEquals(BYTES, e.getLong("bytesSent"));
        assertEquals(CHUNKS, e.getInt("chunksReceived"));
        assertEquals(BYTES, e.getLong("bytesReceived"));
        assertTrue(e.getString("path").endsWith("COMP, END"), e.getString("path"));
        assertFalse(e.getDuration().isNegative() || e.getDuration().isZero(), e.toString());
    }

    private static RecordedEvent theCall(List<RecordedEvent> events, long id) {
        List<RecordedEvent> found = new ArrayList<>();
        for (RecordedEvent e : named(events, "dev.winrpc.async.Call")) {
            if (e.getLong("callId") == id) {
                found.add(e);
            }
        }
        assertEquals(1, found.size(), "call " + id + "'s events among " + events);
        return found.get(0);
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        List<RecordedEvent> out = new ArrayList<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
