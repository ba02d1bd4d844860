package dev.winrpc.async.stub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.winrpc.async.stub.SubsetTypes.Blob;
import dev.winrpc.async.stub.SubsetTypes.Color;
import dev.winrpc.async.stub.SubsetTypes.Counting;
import dev.winrpc.async.stub.SubsetTypes.Node;
import dev.winrpc.async.stub.SubsetTypes.Point;
import dev.winrpc.async.stub.SubsetTypes.Rec;
import dev.winrpc.async.stub.SubsetTypes.Sample;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Values of every kind go Java -> native -> Java through NdrCodec and come back equal, in the
 * C forms the stub library's header gives them (checked byte by byte where the form matters),
 * and freePointees frees exactly the blocks a write allocated.
 */
class NdrCodecTest {

    static <T> T roundTrip(NdrType<T> type, T value, Object[] siblings) {
        try (NdrMemory m = new NdrMemory()) {
            Pointer p = m.write(type, value, siblings);
            return NdrCodec.read(type, p, 0, siblings);
        }
    }

    /** Records compared component by component, arrays by content. */
    static void assertDeepEquals(Object expected, Object actual) {
        if (expected != null && expected.getClass().isRecord()) {
            assertNotNull(actual, "null where " + expected + " was expected");
            assertEquals(expected.getClass(), actual.getClass());
            for (RecordComponent c : expected.getClass().getRecordComponents()) {
                try {
                    assertDeepEquals(c.getAccessor().invoke(expected), c.getAccessor().invoke(actual));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        } else if (expected instanceof List<?> l) {
            List<?> a = (List<?>) actual;
            assertEquals(l.size(), a.size());
            for (int i = 0; i < l.size(); i++) {
                assertDeepEquals(l.get(i), a.get(i));
            }
        } else {
            assertTrue(Objects.deepEquals(expected, actual), "expected " + str(expected) + " but was " + str(actual));
        }
    }

    private static String str(Object o) {
        return o instanceof Object[] a ? Arrays.deepToString(a) : o != null && o.getClass().isArray()
                ? Arrays.deepToString(new Object[] {o}) : String.valueOf(o);
    }

    @Test
    void primitivesKeepEveryBit() {
        for (byte b : new byte[] {0, 1, -1, Byte.MIN_VALUE, Byte.MAX_VALUE}) {
            assertEquals(b, roundTrip(NdrType.INT8, b, null));
            assertEquals(b, roundTrip(NdrType.UINT8, b, null));
        }
        for (short s : new short[] {0, -1, Short.MIN_VALUE, Short.MAX_VALUE}) {
            assertEquals(s, roundTrip(NdrType.INT16, s, null));
            assertEquals(s, roundTrip(NdrType.UINT16, s, null));
        }
        for (int i : new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x12345678}) {
            assertEquals(i, roundTrip(NdrType.INT32, i, null));
            assertEquals(i, roundTrip(NdrType.UINT32, i, null));
        }
        for (long l : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x123456789abcdefL}) {
            assertEquals(l, roundTrip(NdrType.INT64, l, null));
            assertEquals(l, roundTrip(NdrType.UINT64, l, null));
        }
        assertEquals(Float.MIN_VALUE, roundTrip(NdrType.FLOAT, Float.MIN_VALUE, null));
        assertEquals(-0.0d, roundTrip(NdrType.DOUBLE, -0.0d, null));
        assertTrue(Double.isNaN(roundTrip(NdrType.DOUBLE, Double.NaN, null)));
        assertEquals(true, roundTrip(NdrType.BOOLEAN, true, null));
        assertEquals(false, roundTrip(NdrType.BOOLEAN, false, null));
        assertEquals('\uD800', roundTrip(NdrType.WCHAR, '\uD800', null));
        assertEquals('\u00e9', roundTrip(NdrType.WCHAR, '\u00e9', null));
        try (NdrMemory m = new NdrMemory()) {
            Pointer p = m.write(NdrType.BOOLEAN, true, null);
            assertEquals(1, p.getByte(0), "boolean is a uint8_t 1");
            p.setByte(0, (byte) 7);
            assertEquals(true, NdrCodec.read(NdrType.BOOLEAN, p, 0, null), "any non-zero byte is TRUE");
            Pointer w = m.write(NdrType.WCHAR, '\u20ac', null);
            assertEquals((short) 0x20ac, w.getShort(0), "wchar_t is a uint16_t");
        }
        assertEquals(List.of(1L, 1L, 2L, 2L, 4L, 4L, 8L, 8L, 4L, 8L, 1L, 2L, 16L), List.of(NdrType.INT8.size(),
                NdrType.UINT8.size(), NdrType.INT16.size(), NdrType.UINT16.size(), NdrType.INT32.size(), NdrType.UINT32.size(),
                NdrType.INT64.size(), NdrType.UINT64.size(), NdrType.FLOAT.size(), NdrType.DOUBLE.size(),
                NdrType.BOOLEAN.size(), NdrType.WCHAR.size(), NdrType.GUID.size()));
    }

    @Test
    void enumsAreInt32AndGuidsKeepTheirMicrosoftLayout() {
        for (Color c : Color.values()) {
            assertEquals(c, roundTrip(SubsetTypes.COLOR, c, null));
        }
        assertEquals(4, SubsetTypes.COLOR.size());
        UUID u = UUID.fromString("4e5a1f6c-8d3b-4c2a-9b1e-7f0a6d5c4b3a");
        assertEquals(u, roundTrip(NdrType.GUID, u, null));
        try (NdrMemory m = new NdrMemory()) {
            Pointer p = m.write(NdrType.GUID, u, null);
            assertEquals(0x4e5a1f6c, p.getInt(0), "Data1");
            assertEquals((short) 0x8d3b, p.getShort(4), "Data2");
            assertEquals((short) 0x4c2a, p.getShort(6), "Data3");
            assertArrayEquals(new byte[] {(byte) 0x9b, 0x1e, 0x7f, 0x0a, 0x6d, 0x5c, 0x4b, 0x3a}, p.getByteArray(8, 8), "Data4");
            p.setInt(0, 99);
            assertEquals(new UUID(99L << 32 | 0x8d3b4c2aL, u.getLeastSignificantBits()), NdrCodec.read(NdrType.GUID, p, 0, null));
        }
    }

    @Test
    void stringsRoundTripAndAreNulTerminated() {
        for (String s : List.of("", "hello", "h\u00e9llo w\u00f6rld", "\u20ac \uD83D\uDE00 \u4e2d", "\uD800 alone")) {
            assertEquals(s, roundTrip(NdrType.wideString(false), s, null));
            assertEquals(s, roundTrip(NdrType.wideString(true), s, null));
        }
        for (String s : List.of("", "ascii", "latin-1 \u00e9\u00ff\u0080")) {
            assertEquals(s, roundTrip(NdrType.ansiString(false), s, null));
        }
        assertNull(roundTrip(NdrType.wideString(true), null, null));
        assertNull(roundTrip(NdrType.ansiString(true), null, null));
        try (NdrMemory m = new NdrMemory()) {
            Pointer w = m.write(NdrType.wideString(false), "A\u20ac", null).getPointer(0);
            assertArrayEquals(new short[] {0x41, 0x20ac, 0}, w.getShortArray(0, 3));
            Pointer a = m.write(NdrType.ansiString(false), "A\u00e9", null).getPointer(0);
            assertArrayEquals(new byte[] {0x41, (byte) 0xe9, 0}, a.getByteArray(0, 3));
            assertNull(m.write(NdrType.wideString(true), null, null).getPointer(0), "a [unique] null stays null");
        }
        assertEquals(Native.POINTER_SIZE, NdrType.wideString(true).size());
    }

    @Test
    void pointersRefAndUniqueNested() {
        NdrType<Point> ref = NdrType.pointer(SubsetTypes.POINT, false);
        NdrType<Point> unique = NdrType.pointer(SubsetTypes.POINT, true);
        assertEquals(new Point(1, -2), roundTrip(ref, new Point(1, -2), null));
        assertEquals(new Point(3, 4), roundTrip(unique, new Point(3, 4), null));
        assertNull(roundTrip(unique, null, null));
        NdrType<Integer> pp = NdrType.pointer(NdrType.pointer(NdrType.INT32, false), true);
        assertEquals(42, roundTrip(pp, 42, null));
        assertEquals(Native.POINTER_SIZE, ref.size());
    }

    @Test
    void fixedArraysOfPrimitivesAndOfStrings() {
        assertArrayEquals(new short[] {1, -1, 3, 4}, (short[]) roundTrip(NdrType.fixedArray(NdrType.UINT16, 4),
                new short[] {1, -1, 3, 4}, null));
        assertArrayEquals(new char[] {'a', '\u20ac'}, (char[]) roundTrip(NdrType.fixedArray(NdrType.WCHAR, 2),
                new char[] {'a', '\u20ac'}, null));
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) roundTrip(NdrType.fixedArray(NdrType.BOOLEAN, 3),
                new boolean[] {true, false, true}, null));
        assertArrayEquals(new long[] {Long.MIN_VALUE, 2}, (long[]) roundTrip(NdrType.fixedArray(NdrType.INT64, 2),
                new long[] {Long.MIN_VALUE, 2}, null));
        assertArrayEquals(new double[] {1.5, -2}, (double[]) roundTrip(NdrType.fixedArray(NdrType.DOUBLE, 2),
                new double[] {1.5, -2}, null));
        assertArrayEquals(new float[] {1.5f}, (float[]) roundTrip(NdrType.fixedArray(NdrType.FLOAT, 1), new float[] {1.5f}, null));
        List<String> labels = Arrays.asList("one", null, "");
        assertEquals(labels, roundTrip(NdrType.fixedArray(NdrType.wideString(true), 3), new ArrayList<Object>(labels), null));
        List<Object> colors = List.of(Color.BLUE, Color.RED);
        assertEquals(colors, roundTrip(NdrType.fixedArray(SubsetTypes.COLOR, 2), colors, null));
        assertEquals(8, NdrType.fixedArray(NdrType.UINT16, 4).size());
    }

    @Test
    void conformantArraysBehindAPointerAndAsAParameterWithSizeIsAndLengthIs() {
        // Sum([in] unsigned long n, [in, size_is(n)] long *values): siblings {h, n, values}
        NdrType<Object> values = NdrType.conformantArray(NdrType.INT32, v -> Integer.toUnsignedLong((Integer) v[1]), null, false);
        assertArrayEquals(new int[] {5, 6, 7}, (int[]) roundTrip(values, new int[] {5, 6, 7}, new Object[] {null, 3, null}));
        // a longer Java array: size_is elements are written and read
        assertArrayEquals(new int[] {5, 6}, (int[]) roundTrip(values, new int[] {5, 6, 7}, new Object[] {null, 2, null}));
        // Fill: [size_is(max), length_is(*written)]: length_is of size_is are written, the rest zeroed
        NdrType<Object> varying = NdrType.conformantArray(NdrType.UINT8, v -> Integer.toUnsignedLong((Integer) v[1]),
                v -> Integer.toUnsignedLong((Integer) v[3]), false);
        Object[] sib = {null, 6, null, 2};
        try (NdrMemory m = new NdrMemory()) {
            Pointer p = m.write(varying, new byte[] {1, 2, 3, 4, 5, 6}, sib);
            assertArrayEquals(new byte[] {1, 2, 0, 0, 0, 0}, p.getByteArray(0, 6));
            assertArrayEquals(new byte[] {1, 2}, (byte[]) NdrCodec.read(varying, p, 0, sib));
        }
        // Scaled: [size_is(n * 2 + 1)] wchar_t *chars
        NdrType<Object> chars = NdrType.conformantArray(NdrType.WCHAR, v -> (Short) v[1] * 2L + 1, null, false);
        assertArrayEquals("abcde".toCharArray(), (char[]) roundTrip(chars, "abcde".toCharArray(), new Object[] {null, (short) 2, null}));
        // [in, unique, size_is(n)]: null stays null, no block
        NdrType<Object> optional = NdrType.conformantArray(NdrType.INT32, v -> (Integer) v[1], null, true);
        try (NdrMemory m = new NdrMemory()) {
            assertNull(m.write(optional, null, new Object[] {null, 0, null}));
            assertEquals(0, m.blocks());
        }
        // of strings, behind a pointer in a struct-like frame, zero elements
        NdrType<Object> strings = NdrType.pointer(NdrType.conformantArray(NdrType.wideString(false),
                v -> (Integer) v[0], null, true), true);
        assertEquals(List.of("x", "\u00e9"), roundTrip(strings, List.of("x", "\u00e9"), new Object[] {2}));
        assertEquals(List.of(), roundTrip(strings, List.of(), new Object[] {0}));
        assertNull(roundTrip(strings, null, new Object[] {0}));
    }

    @Test
    void structsNestedWithInlineConformantArraysAndPointers() {
        Rec r = new Rec("n\u00e4me", "ansi", null, UUID.randomUUID(), new Point(1, 2), null, new Point(3, 4), Color.GREEN,
                new short[] {1, 2, 3, -4}, 3, new int[] {7, 8, 9});
        assertDeepEquals(r, roundTrip(SubsetTypes.RECORD, r, null));
        Rec r2 = new Rec(null, null, "alias", new UUID(0, 0), new Point(0, 0), new Point(5, 6), new Point(0, 0), Color.RED,
                new short[4], 0, new int[0]);
        assertDeepEquals(r2, roundTrip(SubsetTypes.RECORD, r2, null));
        // as a [unique] pointer parameter (Describe's record)
        NdrType<Rec> p = NdrType.pointer(SubsetTypes.RECORD, true);
        assertDeepEquals(r, roundTrip(p, r, null));
        assertNull(roundTrip(p, null, null));
        Blob b = new Blob(3, new byte[] {1, 2, 3}, Arrays.asList("l0", null), List.of("req"));
        assertDeepEquals(b, roundTrip(SubsetTypes.BLOB, b, null));
        Blob empty = new Blob(0, null, Arrays.asList(null, null), List.of(""));
        assertDeepEquals(empty, roundTrip(SubsetTypes.BLOB, empty, null));
        Sample s = new Sample(Long.MIN_VALUE, 2.5, Color.BLUE, new byte[] {1, 2, 3, 4});
        assertDeepEquals(s, roundTrip(SubsetTypes.SAMPLE, s, null));
    }

    @Test
    void theSelfReferencingListRoundTrips() {
        Node list = SubsetTypes.list(10, 50);
        assertEquals(list, roundTrip(SubsetTypes.NODE, list, null));
        assertEquals(new Node(1, null), roundTrip(SubsetTypes.NODE, new Node(1, null), null));
        Counting c = new Counting();
        try (c.memory) {
            Pointer p = c.allocate(SubsetTypes.NODE.size());
            NdrCodec.write(SubsetTypes.NODE, list, p, 0, null, c);
            assertEquals(50, c.blocks.size(), "the head and 49 pointees");
        }
    }

    @Test
    void freePointeesFreesExactlyTheBlocksAWriteAllocated() {
        Rec r = new Rec("name", "ansi", "alias", UUID.randomUUID(), new Point(1, 2), new Point(5, 6), new Point(3, 4),
                Color.GREEN, new short[4], 2, new int[] {1, 2});
        Blob b = new Blob(2, new byte[] {1, 2}, List.of("a", "b"), List.of("c"));
        Object[][] cases = {
            {SubsetTypes.RECORD, r, 5}, {NdrType.pointer(SubsetTypes.RECORD, false), r, 6},
            {SubsetTypes.BLOB, b, 4}, {SubsetTypes.NODE, SubsetTypes.list(0, 4), 3},
            {SubsetTypes.POINT, new Point(1, 1), 0}, {NdrType.wideString(true), null, 0},
        };
        for (Object[] k : cases) {
            @SuppressWarnings("unchecked")
            NdrType<Object> t = (NdrType<Object>) k[0];
            Counting c = new Counting();
            try (c.memory) {
                Pointer p = c.allocate(NdrCodec.blockSize(t, k[1], null));
                Pointer head = c.blocks.get(0);
                NdrCodec.write(t, k[1], p, 0, null, c);
                List<Pointer> freed = new ArrayList<>();
                NdrCodec.freePointees(t, p, 0, null, freed::add);
                List<Pointer> allocated = new ArrayList<>(c.blocks);
                allocated.remove(head);
                assertEquals((int) k[2], allocated.size(), t + ": blocks allocated");
                assertEquals(allocated.size(), freed.size(), t + ": each block freed once");
                assertEquals(new HashSet<>(allocated), new HashSet<>(freed), t + ": the very blocks");
            }
        }
    }
}
