package dev.winrpc.async.dispatch;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The APC notification routine as an upcall stub of the Foreign Function and Memory API
 * (JDK 22 and later; compiled into the jar's {@code META-INF/versions/22}, and loaded only there,
 * by {@link Upcalls}): native code calls {@code void routine(PRPC_ASYNC_STATE, void *, RPC_ASYNC_EVENT)}
 * and the stub calls the handler with the values as they are, without JNA's callback machinery
 * (docs/benchmarks.md measures the difference).
 *
 * <p>64-bit only (the dispatcher asks for it only there): both pointers are passed as
 * {@code long}s, which is what x64 and ARM64 pass them as. The stub lives as long as this
 * object (an automatic arena): the {@link ApcRoutine} that holds it lives as long as its
 * dispatcher, so no address written into a state is freed while a call can use it.
 */
final class FfmApcUpcall implements ApcRoutine.Upcall {

    private static final MethodHandle DELIVER;

    static {
        try {
            DELIVER = MethodHandles.lookup().findStatic(FfmApcUpcall.class, "deliver",
                    MethodType.methodType(void.class, ApcRoutine.Handler.class, long.class, long.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemorySegment stub;

    FfmApcUpcall(ApcRoutine.Handler handler) {
        stub = Linker.nativeLinker().upcallStub(DELIVER.bindTo(handler),
                FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_INT), Arena.ofAuto());
    }

    @Override
    public long address() {
        return stub.address();
    }

    /** The stub's target: an exception leaving it would end the JVM, so none does. */
    private static void deliver(ApcRoutine.Handler handler, long pAsync, long context, int event) {
        try {
            handler.onApc(pAsync, event);
        } catch (Throwable t) {
            // The handler reports its own failures (ApcDispatcher.onApc catches everything);
            // this is the last guard before native code.
        }
    }
}
