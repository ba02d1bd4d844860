package dev.winrpc.async.stub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.stub.SubsetTypes.Blob;
import dev.winrpc.async.stub.SubsetTypes.Color;
import dev.winrpc.async.stub.SubsetTypes.Counting;
import dev.winrpc.async.stub.SubsetTypes.Point;
import dev.winrpc.async.stub.SubsetTypes.Rec;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every refusal of NdrCodec.check, with a message naming the path of the bad value, and
 * NdrMemory.write refusing before it allocates anything.
 */
class NdrCheckTest {

    private static Rec rec(String name, Point required, short[] flags, int count, int[] values) {
        return new Rec(name, "ansi", null, UUID.randomUUID(), new Point(0, 0), null, required, Color.RED, flags, count, values);
    }

    private static Rec good() {
        return rec("n", new Point(1, 2), new short[4], 2, new int[] {1, 2});
    }

    /** Asserts that check throws the exception, that its message names the path, and that write allocates nothing. */
    private static <T> void refused(Class<? extends RuntimeException> kind, String path, NdrType<T> type, T value, Object[] siblings) {
        Executable e = () -> NdrCodec.check(type, value, "arg", siblings);
        RuntimeException x = assertThrows(kind, e);
        assertTrue(x.getMessage().startsWith(path), "'" + x.getMessage() + "' names " + path);
        Counting c = new Counting();
        try (c.memory) {
            assertThrows(kind, () -> c.memory.write(type, value, siblings));
            assertEquals(0, c.memory.blocks(), "nothing allocated for a refused value");
            assertThrows(kind, () -> NdrCodec.write(type, value, c.allocate(64), 0, siblings, c));
            assertEquals(1, c.blocks.size(), "NdrCodec.write allocated nothing for a refused value");
        }
    }

    @Test
    void nullsWhereTheIdlAllowsNone() {
        refused(NullPointerException.class, "arg", NdrType.INT32, null, null);
        refused(NullPointerException.class, "arg", SubsetTypes.COLOR, null, null);
        refused(NullPointerException.class, "arg", NdrType.GUID, null, null);
        refused(NullPointerException.class, "arg", NdrType.wideString(false), null, null);
        refused(NullPointerException.class, "arg", NdrType.ansiString(false), null, null);
        refused(NullPointerException.class, "arg", NdrType.pointer(SubsetTypes.POINT, false), null, null);
        refused(NullPointerException.class, "arg", SubsetTypes.POINT, null, null);
        refused(NullPointerException.class, "arg", NdrType.fixedArray(NdrType.INT32, 2), null, null);
        refused(NullPointerException.class, "arg", NdrType.conformantArray(NdrType.INT32, v -> 0, null, false), null,
                new Object[] {0});
        refused(NullPointerException.class, "arg.required", SubsetTypes.RECORD, rec("n", null, new short[4], 0, new int[0]), null);
        refused(NullPointerException.class, "arg.required[0]", SubsetTypes.BLOB,
                new Blob(0, null, Arrays.asList(null, null), Arrays.asList((String) null)), null);
        refused(NullPointerException.class, "arg[1]", NdrType.fixedArray(SubsetTypes.POINT, 2),
                Arrays.asList(new Point(1, 1), null), null);
        refused(NullPointerException.class, "arg.corner", SubsetTypes.RECORD,
                new Rec("n", null, null, UUID.randomUUID(), null, null, new Point(1, 1), Color.RED, new short[4], 0, new int[0]), null);
    }

    @Test
    void arraysShorterThanTheirBoundsOrOfTheWrongLength() {
        refused(IllegalArgumentException.class, "arg.values", SubsetTypes.RECORD, rec("n", new Point(0, 0), new short[4], 3,
                new int[] {1, 2}), null);
        refused(IllegalArgumentException.class, "arg.flags", SubsetTypes.RECORD, rec("n", new Point(0, 0), new short[5], 0,
                new int[0]), null);
        refused(IllegalArgumentException.class, "arg.data", SubsetTypes.BLOB,
                new Blob(4, new byte[3], Arrays.asList(null, null), List.of("r")), null);
        refused(IllegalArgumentException.class, "arg.labels", SubsetTypes.BLOB,
                new Blob(0, null, Arrays.asList("a", null, null), List.of("r")), null);
        NdrType<Object> sized = NdrType.conformantArray(NdrType.INT32, v -> (Integer) v[1], v -> (Integer) v[2], false);
        refused(IllegalArgumentException.class, "arg", sized, new int[] {1}, new Object[] {null, 2, 1});
        refused(IllegalArgumentException.class, "arg", sized, new int[] {1, 2}, new Object[] {null, 2, 3});
        refused(IllegalArgumentException.class, "arg", sized, new int[] {1, 2}, new Object[] {null, -1, 0});
        refused(IllegalArgumentException.class, "arg", sized, new int[] {1, 2}, new Object[] {null, 2, -1});
        refused(IllegalArgumentException.class, "arg", sized, new int[] {1, 2}, null);
        refused(IllegalArgumentException.class, "arg", sized, new int[] {1, 2}, new Object[] {null, null, 1});
        refused(IllegalArgumentException.class, "arg", sized, new int[] {1, 2}, new Object[] {null});
        refused(IllegalArgumentException.class, "arg", NdrType.conformantArray(NdrType.INT64, v -> Long.MAX_VALUE / 4, null, false),
                new long[0], new Object[0]);
    }

    @Test
    void stringsWithANulOrACharTheirTypeCannotCarry() {
        refused(IllegalArgumentException.class, "arg", NdrType.wideString(true), "a\0b", null);
        refused(IllegalArgumentException.class, "arg", NdrType.ansiString(true), "a\0b", null);
        refused(IllegalArgumentException.class, "arg", NdrType.ansiString(false), "euro \u20ac", null);
        refused(IllegalArgumentException.class, "arg.name", SubsetTypes.RECORD, rec("x\0", new Point(0, 0), new short[4], 0,
                new int[0]), null);
        refused(IllegalArgumentException.class, "arg.labels[1]", SubsetTypes.BLOB,
                new Blob(0, null, Arrays.asList("ok", "bad\0"), List.of("r")), null);
        refused(IllegalArgumentException.class, "arg.ansi", SubsetTypes.RECORD, new Rec(null, "\u0100", null, new UUID(0, 0),
                new Point(0, 0), null, new Point(0, 0), Color.RED, new short[4], 0, new int[0]), null);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void valuesOfTheWrongJavaClass() {
        NdrType raw = NdrType.INT32;
        refused(IllegalArgumentException.class, "arg", raw, 1L, null);
        refused(IllegalArgumentException.class, "arg", (NdrType) NdrType.fixedArray(NdrType.UINT16, 2), new int[2], null);
        refused(IllegalArgumentException.class, "arg", (NdrType) NdrType.fixedArray(SubsetTypes.POINT, 1), new Point[1], null);
        refused(IllegalArgumentException.class, "arg", (NdrType) SubsetTypes.COLOR, "RED", null);
        refused(IllegalArgumentException.class, "arg", (NdrType) SubsetTypes.POINT, "p", null);
        refused(IllegalArgumentException.class, "arg", (NdrType) NdrType.GUID, "g", null);
        refused(IllegalArgumentException.class, "arg", (NdrType) NdrType.wideString(true), 'c', null);
    }

    @Test
    void goodValuesPassAndDescriptorsRefuseBadShapes() {
        NdrCodec.check(SubsetTypes.RECORD, good(), "r", null);
        NdrCodec.check(NdrType.wideString(true), null, "s", null);
        NdrCodec.check(NdrType.conformantArray(NdrType.INT32, v -> 0, null, true), null, "a", new Object[0]);
        assertThrows(IllegalArgumentException.class, () -> NdrType.fixedArray(NdrType.INT32, 0));
        assertThrows(IllegalArgumentException.class, () -> NdrType.struct("S", List.of(), v -> null));
        assertThrows(IllegalArgumentException.class, () -> NdrType.struct("S", List.of(
                NdrField.<Object>of("a", NdrType.conformantArray(NdrType.INT32, v -> 0, null, false), x -> x),
                NdrField.<Object>of("b", NdrType.INT32, x -> x)), v -> null));
        assertThrows(IllegalArgumentException.class, () -> NdrType.struct("S", List.of(
                NdrField.<Object>of("a", NdrType.INT32, x -> x), NdrField.<Object>of("a", NdrType.INT32, x -> x)), v -> null));
        assertThrows(IllegalArgumentException.class, () -> NdrType.INT32.offset("x"));
        assertThrows(IllegalArgumentException.class, () -> SubsetTypes.POINT.offset("z"));
        Supplier<NdrType<Point>> none = () -> null;
        NdrType<Point> dangling = NdrType.lazy("P", none);
        assertThrows(IllegalStateException.class, dangling::size);
    }
}
