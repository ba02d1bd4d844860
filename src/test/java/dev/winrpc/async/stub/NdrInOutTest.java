package dev.winrpc.async.stub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The [in, out] strings and arrays of NdrClientArgs and NdrServerArgs without the simulator
 * (GeneratedSubsetInOutTest runs them through it): the client's characters read back from its
 * own buffer, the server's string written in place and never longer than the one received, the
 * server's array refused unless it has exactly the count the IDL transmits, a null [unique] one
 * kept null; every check made before anything is written.
 */
class NdrInOutTest {

    private static final NdrType<String> WIDE = NdrType.wideString(false);
    private static final NdrType<String> ANSI = NdrType.ansiString(true);
    /** [size_is(n), length_is(used)] int32 with n at index 1 and used at 2. */
    private static final NdrType<Object> WINDOW = NdrType.conformantArray(NdrType.INT32,
            v -> (Integer) v[1], v -> (Integer) v[2], false);
    private static final NdrType<Object> QUAD = NdrType.fixedArray(NdrType.INT16, 4);

    private static NdrServerArgs server(Object[] siblings, AtomicInteger allocations) {
        return new NdrServerArgs(siblings, n -> {
            allocations.incrementAndGet();
            return new Memory(n);
        });
    }

    @Test
    void theClientsStringIsItsOwnBufferReadBackAfterTheCall() {
        Object[] sib = {null, "h\u00e9llo"};
        AtomicInteger frees = new AtomicInteger();
        NdrClientArgs m = new NdrClientArgs(sib, p -> frees.incrementAndGet());
        Pointer chars = m.inOutString(WIDE, "h\u00e9llo");
        assertEquals("h\u00e9llo", NdrArgsTest.utf16(chars));
        NdrArgsTest.utf16(chars, "hi"); // what the stub writes back
        assertEquals("hi", m.readString(1, WIDE, chars));
        assertEquals("hi", sib[1], "the value read joins the siblings");
        assertNull(m.inOutString(ANSI, null), "a null [unique] string passes no buffer");
        assertNull(m.readString(1, ANSI, null));
        m.finish();
        assertEquals(0, frees.get(), "nothing of the stub's is attached to an [in, out] string");
    }

    @Test
    void theServersStringIsWrittenInPlaceAndNeverLonger() {
        try (Memory chars = new Memory(16)) {
            NdrArgsTest.utf16(chars, "abcde");
            AtomicInteger allocations = new AtomicInteger();
            NdrServerArgs a = server(new Object[2], allocations);
            a.inOutString(1, WIDE, chars, "xyz", "abcde", "name");
            a.writeOuts();
            assertEquals("xyz", NdrArgsTest.utf16(chars));
            assertEquals(0, allocations.get(), "in place: no block of I_Allocate");

            NdrArgsTest.utf16(chars, "abc");
            NdrServerArgs longer = server(new Object[2], allocations);
            longer.inOutString(1, WIDE, chars, "abcd", "abc", "name");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, longer::writeOuts);
            assertTrue(e.getMessage().contains("name") && e.getMessage().contains("4 characters")
                    && e.getMessage().contains("the 3 the client sent"), e.getMessage());
            assertEquals("abc", NdrArgsTest.utf16(chars), "nothing written");
        }
    }

    @Test
    void aNullUniqueStringStaysNullAtTheServer() {
        NdrServerArgs a = server(new Object[3], new AtomicInteger());
        a.inOutString(2, ANSI, null, null, null, "tag");
        a.writeOuts();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> server(new Object[3], new AtomicInteger()).inOutString(2, ANSI, null, "new", null, "tag"));
        assertTrue(e.getMessage().contains("tag") && e.getMessage().contains("stays null"), e.getMessage());
        try (Memory chars = new Memory(8)) {
            chars.setString(0, "ab", "ISO-8859-1");
            NdrServerArgs n = server(new Object[3], new AtomicInteger());
            n.inOutString(2, ANSI, chars, null, "ab", "tag");
            assertThrows(NullPointerException.class, n::writeOuts, "a null where the client passed a string");
        }
    }

    @Test
    void theServersArrayMustHaveTheCountTheIdlTransmits() {
        AtomicInteger allocations = new AtomicInteger();
        try (Memory block = new Memory(5 * 4)) {
            block.clear();
            Object[] sib = {null, 5, 3, null};
            NdrServerArgs ok = server(sib, allocations);
            ok.inOutArray(3, WINDOW, block, new int[] {7, 8, 9}, new int[] {1, 2, 3}, "window");
            ok.writeOuts();
            assertArrayEquals(new int[] {7, 8, 9, 0, 0}, block.getIntArray(0, 5), "length_is elements, the rest zeroed");

            for (int[] wrong : new int[][] {{1, 2}, {1, 2, 3, 4}, {1, 2, 3, 4, 5}}) {
                NdrServerArgs bad = server(new Object[] {null, 5, 3, null}, allocations);
                bad.inOutArray(3, WINDOW, block, wrong, new int[] {1, 2, 3}, "window");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::writeOuts);
                assertTrue(e.getMessage().contains("window has " + wrong.length + " elements; the IDL transmits 3"),
                        e.getMessage());
            }
            assertArrayEquals(new int[] {7, 8, 9, 0, 0}, block.getIntArray(0, 5), "nothing written by a refused one");
        }
        try (Memory quad = new Memory(8)) {
            quad.clear();
            NdrServerArgs bad = server(new Object[2], allocations);
            bad.inOutArray(1, QUAD, quad, new short[] {1, 2, 3}, new short[4], "quad");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::writeOuts);
            assertTrue(e.getMessage().contains("quad has 3 elements; the IDL transmits 4"), e.getMessage());
            NdrServerArgs ok = server(new Object[2], allocations);
            ok.inOutArray(1, QUAD, quad, new short[] {1, -2, 3, -4}, new short[4], "quad");
            ok.writeOuts();
            assertArrayEquals(new short[] {1, -2, 3, -4}, quad.getShortArray(0, 4));
        }
        try (Memory block = new Memory(4)) {
            NdrServerArgs nul = server(new Object[] {null, 1, 1, null}, allocations);
            nul.inOutArray(3, WINDOW, block, null, new int[1], "window");
            assertThrows(NullPointerException.class, nul::writeOuts, "a null where the client passed an array");
        }
        assertEquals(0, allocations.get());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> server(new Object[4], allocations).inOutArray(3, WINDOW, null, new int[1], null, "window"));
        assertTrue(e.getMessage().contains("stays null"), e.getMessage());
    }

    @Test
    void anArraySizedByAnInOutValueMayShrinkButNotGrow() {
        NdrType<Object> sized = NdrType.conformantArray(NdrType.INT32, v -> (Integer) v[1], null, false);
        try (Memory block = new Memory(2 * 4)) {
            block.clear();
            NdrServerArgs grow = server(new Object[] {null, 2, null}, new AtomicInteger());
            grow.set(1, 5); // the [in, out] size the implementation returns, set first as the generated code does
            grow.inOutArray(2, sized, block, new int[5], new int[2], "a");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, grow::writeOuts);
            assertTrue(e.getMessage().contains("size_is is now 5") && e.getMessage().contains("hold 2 elements"), e.getMessage());
            NdrServerArgs shrink = server(new Object[] {null, 2, null}, new AtomicInteger());
            shrink.set(1, 1);
            shrink.inOutArray(2, sized, block, new int[] {42}, new int[2], "a");
            shrink.writeOuts();
            assertEquals(42, block.getInt(0));
        }
    }

    @Test
    void everyValueIsCheckedBeforeAnyIsWritten() {
        try (Memory chars = new Memory(16); Memory quad = new Memory(8)) {
            NdrArgsTest.utf16(chars, "abc");
            quad.clear();
            NdrServerArgs a = server(new Object[3], new AtomicInteger());
            a.inOutString(1, WIDE, chars, "z", "abc", "name");
            a.inOutArray(2, QUAD, quad, new short[5], new short[4], "quad");
            assertThrows(IllegalArgumentException.class, a::writeOuts);
            assertEquals("abc", NdrArgsTest.utf16(chars), "the string before the bad array is not written either");
        }
    }
}
