package dev.winrpc.async.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import org.junit.jupiter.api.Test;

/**
 * Which way an {@link ASYNC_PIPE} calls the runtime's pull and push on this JVM: an FFM downcall
 * on JDK 22 and later (64-bit, the build's {@code META-INF/versions/22} made by JDK 22+), so that
 * the JDK 25 run of the suite drives every pipe through it, and JNA elsewhere. That both ways move
 * the same data is {@code ClientPipeTest}'s (the same pipe calls through each).
 */
class PipeCallsTest {

    private static String expectedKind() {
        boolean ffm = Native.POINTER_SIZE == 8 && Runtime.version().feature() >= 22
                && !"jna".equalsIgnoreCase(System.getProperty(PipeCalls.PROPERTY, "ffm"));
        return ffm ? "ffm" : "jna";
    }

    @Test
    void aPipeStructureCallsThroughFfmOnJdk22AndLaterAndJnaBefore() {
        assertEquals(expectedKind(), PipeCalls.defaultKind(), "on Java " + Runtime.version().feature());
        assertEquals(expectedKind(), new ASYNC_PIPE().callsKind());
        assertEquals(expectedKind(), new ASYNC_PIPE(new ASYNC_PIPE().getPointer()).callsKind(),
                "a view of a structure at an address calls the same way");
        assertEquals("jna", PipeStructures.throughJna().callsKind());
    }

    @Test
    void aStructureTheRuntimeHasNotFilledInIsRefusedBeforeAnyCall() {
        for (ASYNC_PIPE p : new ASYNC_PIPE[] {new ASYNC_PIPE(), PipeStructures.throughJna()}) {
            IllegalStateException pull = assertThrows(IllegalStateException.class,
                    () -> p.pull(Pointer.NULL, 1, new IntByReference()));
            assertTrue(pull.getMessage().contains("ASYNC_PIPE.pull is NULL"), pull.getMessage());
            IllegalStateException push = assertThrows(IllegalStateException.class, () -> p.push(null, 0));
            assertTrue(push.getMessage().contains("ASYNC_PIPE.push is NULL"), push.getMessage());
        }
    }
}
