package dev.winrpc.async.raw;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import com.sun.jna.Pointer;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * An {@link ASYNC_PIPE}'s pull and push as downcalls of the Foreign Function and Memory API
 * (JDK 22 and later; compiled into the jar's {@code META-INF/versions/22}, and loaded only there,
 * by {@link PipeCalls}): one handle per signature, made once, that takes the function's address
 * as its first argument, so the runtime's function pointers are called as they are, with nothing
 * allocated per call (JNA's {@code Function.invokeInt} copies its argument array every time).
 *
 * <p>64-bit only ({@link PipeCalls} asks for it only there): pointers are passed as {@code long}s,
 * which is how x64 and ARM64 pass them (the one calling convention there, so no {@code __stdcall}
 * to choose), and an {@code unsigned long} (32 bits on Windows, {@code uint32_t} in the
 * simulator) as an {@code int}. The address segment is made once per function address and kept
 * while the pipe calls the same function.
 */
final class FfmPipeCalls extends PipeCalls {

    /** {@code RPC_STATUS pull(char *state, T *buf, unsigned long esize, unsigned long *ecount)}. */
    private static final MethodHandle PULL;
    /** {@code RPC_STATUS push(char *state, T *buf, unsigned long ecount)}. */
    private static final MethodHandle PUSH;

    static {
        Linker linker = Linker.nativeLinker(); // a restricted method: refused without native access, then JNA serves
        PULL = linker.downcallHandle(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG));
        PUSH = linker.downcallHandle(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    private MemorySegment pullAt = MemorySegment.NULL;
    private MemorySegment pushAt = MemorySegment.NULL;

    @Override
    PipeCalls another() {
        return new FfmPipeCalls();
    }

    @Override
    String kind() {
        return "ffm";
    }

    @Override
    int pull(Pointer fn, Pointer state, Pointer buf, int esize, Pointer ecount) {
        pullAt = at(pullAt, fn);
        try {
            return (int) PULL.invokeExact(pullAt, Pointer.nativeValue(state), Pointer.nativeValue(buf), esize,
                    Pointer.nativeValue(ecount));
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    @Override
    int push(Pointer fn, Pointer state, Pointer buf, int ecount) {
        pushAt = at(pushAt, fn);
        try {
            return (int) PUSH.invokeExact(pushAt, Pointer.nativeValue(state), Pointer.nativeValue(buf), ecount);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@return last if it is at fn's address, else a segment there} */
    private static MemorySegment at(MemorySegment last, Pointer fn) {
        long address = Pointer.nativeValue(fn);
        return last.address() == address ? last : MemorySegment.ofAddress(address);
    }

    /** A downcall throws only what the JVM throws (no Java code runs in it): passed on as it is. */
    private static RuntimeException rethrown(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("a pipe downcall failed", t);
    }
}
