package dev.winrpc.async.stub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.stub.SubsetTypes.Color;
import dev.winrpc.async.stub.SubsetTypes.Point;
import dev.winrpc.async.stub.SubsetTypes.Rec;
import dev.winrpc.async.stub.SubsetTypes.Sample;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * NdrMemory keeps every block (zeroed, unmoved) until close and refuses to allocate after it;
 * NdrPipes' codec moves chunks of SAMPLE (and of a primitive) as the C array of the pipe's
 * elements; NdrReplies reads and writes a return value.
 */
class NdrMemoryPipesRepliesTest {

    @Test
    void blocksStayUntilCloseAndNoneAfter() {
        NdrMemory m = new NdrMemory();
        Rec r = new Rec("name", "a", "b", UUID.randomUUID(), new Point(1, 2), new Point(3, 4), new Point(5, 6), Color.BLUE,
                new short[4], 1, new int[] {7});
        Pointer p = m.write(NdrType.pointer(SubsetTypes.RECORD, false), r, null);
        assertEquals(7, m.blocks(), "the pointer, the record and its five pointees");
        // much later, and after other allocations, every block still holds what was written
        List<Pointer> others = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            others.add(m.allocate(64));
        }
        for (Pointer o : others) {
            assertArrayEquals(new byte[64], o.getByteArray(0, 64), "zeroed");
        }
        NdrCodecTest.assertDeepEquals(r, NdrCodec.read(NdrType.pointer(SubsetTypes.RECORD, false), p, 0, null));
        assertEquals(107, m.blocks());
        m.close();
        assertEquals(0, m.blocks());
        assertThrows(IllegalStateException.class, () -> m.allocate(8));
        assertThrows(IllegalStateException.class, () -> m.write(NdrType.INT32, 1, null));
        m.close();
        assertThrows(IllegalArgumentException.class, () -> new NdrMemory().allocate(-1));
        try (NdrMemory z = new NdrMemory()) {
            assertTrue(((Memory) z.allocate(0)).size() >= 1, "a zero-byte request still gets a block");
            Pointer conformant = z.write(NdrType.conformantArray(NdrType.INT64, v -> (Integer) v[0], null, false), new long[] {1, 2, 3},
                    new Object[] {3});
            assertEquals(24, ((Memory) conformant).size(), "size_is elements");
            NdrType<Object> out = NdrType.conformantArray(NdrType.UINT16, v -> (Integer) v[1] * 2L, v -> (Integer) v[2], false);
            assertEquals(12, NdrCodec.blockSize(out, null, new Object[] {null, 3, null}), "an [out] array's block before the call");
            assertEquals(12, ((Memory) z.target(out, new Object[] {null, 3, null})).size());
            assertEquals(SubsetTypes.SAMPLE.size(), ((Memory) z.target(SubsetTypes.SAMPLE, null)).size());
            assertThrows(IllegalArgumentException.class, () -> z.target(out, new Object[] {null, -1, null}));
        }
    }

    @Test
    void pipeChunksOfStructsAndPrimitives() {
        PipeCodec<List<Sample>> codec = NdrPipes.codec(SubsetTypes.SAMPLE);
        assertEquals(24, codec.elementSize());
        List<Sample> chunk = List.of(new Sample(1, 1.5, Color.RED, new byte[] {1, 2, 3, 4}),
                new Sample(-2, -0.5, Color.BLUE, new byte[] {5, 6, 7, 8}), new Sample(Long.MAX_VALUE, 0, Color.GREEN, new byte[4]));
        assertEquals(3, codec.count(chunk));
        try (Memory buf = new Memory(3L * codec.elementSize())) {
            codec.encode(chunk, buf);
            assertEquals(-2L, buf.getLong(24), "the second element's when, one C stride on");
            assertEquals(Color.BLUE.value, buf.getInt(24 + 16));
            List<Sample> back = codec.decode(buf, 3);
            NdrCodecTest.assertDeepEquals(chunk, back);
            assertEquals(List.of(), codec.decode(buf, 0));
            List<Sample> bad = new ArrayList<>(chunk);
            bad.set(2, new Sample(9, 9, null, new byte[4]));
            buf.clear();
            assertThrows(NullPointerException.class, () -> codec.encode(bad, buf));
            assertArrayEquals(new byte[72], buf.getByteArray(0, 72), "nothing written before the refusal");
        }
        PipeCodec<List<Byte>> bytes = NdrPipes.codec(NdrType.UINT8);
        try (Memory buf = new Memory(3)) {
            bytes.encode(List.of((byte) 1, (byte) -1, (byte) 3), buf);
            assertEquals(List.of((byte) 1, (byte) -1, (byte) 3), bytes.decode(buf, 3));
        }
        assertThrows(IllegalArgumentException.class, () -> NdrPipes.codec(SubsetTypes.NODE));
        assertThrows(IllegalArgumentException.class, () -> NdrPipes.codec(NdrType.wideString(true)));
    }

    private static Object call(Reply<?> reply, String method, Object... args) throws Exception {
        for (Method m : Reply.class.getDeclaredMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                m.setAccessible(true);
                return m.invoke(reply, args);
            }
        }
        throw new AssertionError("no Reply." + method);
    }

    @Test
    void repliesOfBaseTypesAndEnums() throws Exception {
        Reply<Color> color = NdrReplies.of(SubsetTypes.COLOR);
        assertEquals(4, color.size());
        Reply<Boolean> bool = NdrReplies.of(NdrType.BOOLEAN);
        assertEquals(1, bool.size());
        Reply<Long> hyper = NdrReplies.of(NdrType.INT64);
        try (Memory buf = new Memory(8)) {
            call(color, "write", buf, Color.GREEN);
            assertEquals(2, buf.getInt(0));
            assertEquals(Color.GREEN, call(color, "read", buf));
            buf.setByte(0, (byte) 1);
            assertEquals(true, call(bool, "read", buf));
            call(hyper, "write", buf, Long.MIN_VALUE);
            assertEquals(Long.MIN_VALUE, buf.getLong(0));
            assertEquals(Long.MIN_VALUE, call(hyper, "read", buf));
            Exception e = assertThrows(Exception.class, () -> call(color, "write", buf, null));
            assertTrue(e.getCause() instanceof NullPointerException, e.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> NdrReplies.of(NdrType.wideString(true)));
        assertThrows(IllegalArgumentException.class, () -> NdrReplies.of(SubsetTypes.RECORD));
    }
}
