package dev.winrpc.async.stub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import dev.winrpc.async.stub.SubsetTypes.Color;
import dev.winrpc.async.stub.SubsetTypes.Point;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NdrClientArgs and NdrServerArgs, the marshalling of one call's parameters that the generated
 * client and server use (GeneratedSubsetTest runs them through the simulator): checks before
 * writes, the bits of values passed by value, the [out] targets read and their stub-allocated
 * blocks freed exactly once, a server's [out] values all checked before any is written.
 */
class NdrArgsTest {

    /** Two ints, as POINT's C fields. */
    @Structure.FieldOrder({"x", "y"})
    public static final class PointValue extends Structure implements Structure.ByValue {
        /** x. */
        public int x;
        /** y. */
        public int y;
    }

    /** One int: not POINT's size. */
    @Structure.FieldOrder({"x"})
    public static final class TooSmall extends Structure implements Structure.ByValue {
        /** x. */
        public int x;
    }

    /** Writes s as NUL-terminated UTF-16 (the header's wchar_t, 16 bits on every platform). */
    static Pointer utf16(Pointer m, String s) {
        for (int i = 0; i < s.length(); i++) {
            m.setShort(2L * i, (short) s.charAt(i));
        }
        m.setShort(2L * s.length(), (short) 0);
        return m;
    }

    /** Reads NUL-terminated UTF-16. */
    static String utf16(Pointer m) {
        StringBuilder b = new StringBuilder();
        for (long i = 0; m.getShort(i) != 0; i += 2) {
            b.append((char) m.getShort(i));
        }
        return b.toString();
    }

    @Test
    void valuesPassedByValueKeepTheirBits() {
        NdrServerArgs server = new NdrServerArgs(new Object[4], n -> new Memory(n));
        assertEquals(1L, NdrClientArgs.bits(NdrType.BOOLEAN, true));
        assertEquals(false, server.fromBits(1, NdrType.BOOLEAN, NdrClientArgs.bits(NdrType.BOOLEAN, false)));
        assertEquals(0xffffL, NdrClientArgs.bits(NdrType.WCHAR, '\uffff'), "wchar_t is unsigned 16 bits");
        assertEquals('\uffff', server.fromBits(2, NdrType.WCHAR, 0xffffL));
        assertEquals(8L, NdrClientArgs.bits(SubsetTypes.COLOR, Color.BLUE));
        assertEquals(Color.BLUE, server.fromBits(3, SubsetTypes.COLOR, 8L));
        assertThrows(IllegalArgumentException.class, () -> server.fromBits(3, SubsetTypes.COLOR, 5L), "an undeclared value");
    }

    @Test
    void checksNameTheParameterAndLetAUniqueNullPass() {
        Object[] sib = {null, 3, null};
        NdrClientArgs.check(NdrType.INT32, null, "optional", true, sib);
        NullPointerException ref = assertThrows(NullPointerException.class,
                () -> NdrClientArgs.check(SubsetTypes.POINT, null, "p", false, sib));
        assertTrue(ref.getMessage().contains("p"), ref.getMessage());
        NdrType<Object> values = NdrType.conformantArray(NdrType.INT32, v -> (Integer) v[1], null, false);
        IllegalArgumentException shortArray = assertThrows(IllegalArgumentException.class,
                () -> NdrClientArgs.check(values, new int[2], "values", false, sib));
        assertTrue(shortArray.getMessage().contains("values"), shortArray.getMessage());
    }

    @Test
    void inDataIsWrittenAndANullUniqueStaysNull() {
        NdrClientArgs args = new NdrClientArgs(new Object[3], p -> { });
        assertNull(args.inString(NdrType.wideString(true), null));
        assertNull(args.in(SubsetTypes.POINT, null));
        assertEquals("h\u00e9", utf16(args.inString(NdrType.wideString(false), "h\u00e9")));
        Pointer p = args.in(SubsetTypes.POINT, new Point(5, -6));
        assertEquals(5, p.getInt(0));
        assertEquals(-6, p.getInt(4));
        PointValue s = args.byValue(SubsetTypes.POINT, new Point(7, 8), new PointValue());
        assertEquals(7, s.x);
        assertEquals(8, s.y);
        assertThrows(IllegalStateException.class, () -> args.byValue(SubsetTypes.POINT, new Point(7, 8), new TooSmall()));
        args.in().close();
    }

    @Test
    void outValuesAreReadThenTheStubsBlocksFreedExactlyOnce() {
        List<Pointer> freed = new ArrayList<>();
        Object[] sib = new Object[3];
        NdrClientArgs args = new NdrClientArgs(sib, freed::add);
        Pointer greeting = args.out(NdrType.wideString(false));
        Pointer point = args.inOut(SubsetTypes.POINT, new Point(1, 2));
        assertNull(args.inOut(NdrType.INT32, null), "a null [unique] [in, out] is passed as null");
        // the stub writes the [out] data: a new block for the string, the point in place
        Memory stubString = new Memory(8);
        utf16(stubString, "hi");
        greeting.setPointer(0, stubString);
        point.setInt(0, 2);
        point.setInt(4, 1);
        assertEquals("hi", args.read(1, NdrType.wideString(false), greeting));
        assertEquals(new Point(2, 1), args.read(2, SubsetTypes.POINT, point));
        assertEquals("hi", sib[1], "a read value joins the siblings (it may size a later array)");
        args.finish();
        args.finish();
        assertEquals(List.of(stubString), freed, "the string's block, once");
        assertThrows(IllegalStateException.class, () -> args.outs().allocate(1), "the targets are freed");
        args.in().close();
    }

    @Test
    void aServersOutValuesAreAllCheckedBeforeAnyIsWritten() {
        List<Long> allocated = new ArrayList<>();
        NdrServerArgs server = new NdrServerArgs(new Object[3], n -> {
            allocated.add(n);
            return new Memory(n);
        });
        try (Memory first = new Memory(8); Memory second = new Memory(8)) {
            first.clear();
            second.clear();
            server.out(1, NdrType.wideString(false), first, "fine", "greeting");
            server.out(2, NdrType.wideString(false), second, "bad\0", "other");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, server::writeOuts);
            assertTrue(e.getMessage().contains("other"), e.getMessage());
            assertEquals(0L, first.getLong(0), "nothing written");
            assertEquals(List.of(), allocated, "nothing allocated");
        }
        NdrServerArgs ok = new NdrServerArgs(new Object[2], n -> new Memory(n));
        try (Memory target = new Memory(8)) {
            ok.out(1, NdrType.wideString(false), target, "\u00e7a", "greeting");
            ok.writeOuts();
            assertEquals("\u00e7a", utf16(target.getPointer(0)));
        }
        NdrServerArgs nullOut = new NdrServerArgs(new Object[2], n -> new Memory(n));
        try (Memory target = new Memory(8)) {
            nullOut.out(1, NdrType.wideString(false), target, null, "greeting");
            NullPointerException e = assertThrows(NullPointerException.class, nullOut::writeOuts);
            assertTrue(e.getMessage().contains("greeting"), e.getMessage());
        }
    }

    @Test
    void aServerReadsInValuesFromTheStubsCopies() {
        NdrServerArgs server = new NdrServerArgs(new Object[] {null, 2, null, null}, n -> new Memory(n));
        try (Memory chars = new Memory(16); Memory values = new Memory(8)) {
            utf16(chars, "w\u00f6");
            assertEquals("w\u00f6", server.inString(3, NdrType.wideString(false), chars));
            assertNull(server.inString(3, NdrType.wideString(true), null));
            values.setInt(0, 4);
            values.setInt(4, -5);
            NdrType<Object> arr = NdrType.conformantArray(NdrType.INT32, v -> (Integer) v[1], null, false);
            assertArrayEquals(new int[] {4, -5}, (int[]) server.in(2, arr, values));
        }
        PointValue s = new PointValue();
        s.x = 3;
        s.y = -4;
        assertEquals(new Point(3, -4), server.fromStruct(1, SubsetTypes.POINT, s));
    }
}
