package dev.winrpc.async.raw;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;

/**
 * How an {@link ASYNC_PIPE} calls the runtime's {@code pull} and {@code push}, two function
 * pointers the runtime wrote into the structure: a stream calls them once or twice per chunk.
 * JNA can only call a function pointer through {@link Function#invokeInt(Object[])}, which
 * copies its argument array on every call (32 bytes of heap per pull or push); on JDK 22 and
 * later (64-bit) a downcall handle of the Foreign Function and Memory API calls the same address
 * with nothing allocated ({@code FfmPipeCalls}, compiled into the jar's
 * {@code META-INF/versions/22}). The system property {@value #PROPERTY}{@code =jna} keeps JNA on
 * any JDK; a JDK that refuses the downcall (no native access) keeps JNA too.
 *
 * <p>One instance per pipe structure, used from one thread at a time (it reuses what it can).
 */
abstract class PipeCalls {

    /** The system property that chooses how: {@code ffm} (the default where possible) or {@code jna}. */
    static final String PROPERTY = "winrpc.downcalls";

    /** Makes the instances of the way chosen for this JVM, chosen once. */
    private static final PipeCalls PROTOTYPE = choose();

    /** {@return calls for one pipe structure, the way this JVM makes them} */
    static PipeCalls create() {
        return PROTOTYPE.another();
    }

    /** {@return how this JVM's pipe structures call pull and push: "ffm" or "jna"} */
    static String defaultKind() {
        return PROTOTYPE.kind();
    }

    private static PipeCalls choose() {
        if (Native.POINTER_SIZE == 8 && !"jna".equalsIgnoreCase(System.getProperty(PROPERTY, "ffm"))) {
            Class<?> c = Java22Classes.find(MethodHandles.lookup(), "FfmPipeCalls");
            if (c != null) {
                try {
                    return (PipeCalls) c.getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    // native access refused, or no linker for this platform: JNA serves
                }
            }
        }
        return new Jna();
    }

    /** {@return a new instance of the same kind} */
    abstract PipeCalls another();

    /** {@return "ffm" or "jna"} */
    abstract String kind();

    /**
     * {@code pull(state, buf, esize, ecount)} through the function at {@code fn}.
     *
     * @return the RPC_STATUS it returned
     */
    abstract int pull(Pointer fn, Pointer state, Pointer buf, int esize, Pointer ecount);

    /**
     * {@code push(state, buf, ecount)} through the function at {@code fn}.
     *
     * @return the RPC_STATUS it returned
     */
    abstract int push(Pointer fn, Pointer state, Pointer buf, int ecount);

    /**
     * JNA's {@link Function}, made once per address ({@code Function.getFunction} makes a new one,
     * and names it, every time), with argument arrays reused (JNA copies them before it converts
     * anything) and the last count boxed, since a stream pushes and pulls chunks of one size.
     * Calls with {@link RpcEntry#CONVENTION}: {@code __stdcall} on 32-bit x86.
     */
    static final class Jna extends PipeCalls {
        private final Object[] pullArgs = new Object[4];
        private final Object[] pushArgs = new Object[3];
        private Integer lastCount = 0;
        private Function pullFunction;
        private Function pushFunction;

        @Override
        PipeCalls another() {
            return new Jna();
        }

        @Override
        String kind() {
            return "jna";
        }

        @Override
        int pull(Pointer fn, Pointer state, Pointer buf, int esize, Pointer ecount) {
            pullFunction = function(pullFunction, fn);
            Object[] a = pullArgs;
            a[0] = state;
            a[1] = buf;
            a[2] = boxed(esize);
            a[3] = ecount;
            try {
                return pullFunction.invokeInt(a);
            } finally {
                a[1] = null; // nothing is kept reachable from here
                a[3] = null;
            }
        }

        @Override
        int push(Pointer fn, Pointer state, Pointer buf, int ecount) {
            pushFunction = function(pushFunction, fn);
            Object[] a = pushArgs;
            a[0] = state;
            a[1] = buf;
            a[2] = boxed(ecount);
            try {
                return pushFunction.invokeInt(a);
            } finally {
                a[1] = null;
            }
        }

        private Integer boxed(int n) {
            Integer last = lastCount;
            if (last != n) {
                last = n;
                lastCount = last;
            }
            return last;
        }

        /** The function at {@code fn}: {@code last} if it is at the same address, else a new one. */
        static Function function(Function last, Pointer fn) {
            if (last != null && Pointer.nativeValue(last) == Pointer.nativeValue(fn)) {
                return last;
            }
            return Function.getFunction(fn, RpcEntry.CONVENTION);
        }
    }
}
