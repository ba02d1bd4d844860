package dev.winrpc.async.dispatch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;

/**
 * The APC notification routine as an upcall stub of JDK 17's incubating foreign linker
 * ({@code jdk.incubator.foreign}, JEP 412), for the JVMs that lack the final API of JDK 22: a
 * JDK 17 started with {@code --add-modules=jdk.incubator.foreign} and
 * {@code --enable-native-access=ALL-UNNAMED} (or the library's module). Its upcall reaches the
 * handler without JNA's callback machinery, several times faster per notification, but JDK 17's
 * stub allocates 48 bytes per upcall where JNA's direct-mode callback allocates nothing
 * (docs/benchmarks.md, "The APC upcall on JDK 17"); without those options {@link #create} gives
 * null and JNA's callback serves.
 *
 * <p>The incubator's API exists only in JDK 17's shape, so it is reached by reflection, once per
 * stub, and compiled against nothing: the library builds and runs on every JDK, and only the stub
 * is made through the incubator. The stub calls a method handle bound to the handler directly.
 *
 * <p>64-bit only (the dispatcher asks for it only there): both pointers are passed as
 * {@code long long}s, which is how x64 and ARM64 pass pointers. The stub lives in an implicit
 * resource scope held by this object: the {@link ApcRoutine} that holds it lives as long as its
 * dispatcher, so no address written into a state is freed while a call can use it.
 */
final class IncubatorApcUpcall implements ApcRoutine.Upcall {

    /** The incubating module that carries the linker on JDK 17. */
    static final String MODULE = "jdk.incubator.foreign";

    private static final String PKG = MODULE + ".";
    private static final MethodHandle DELIVER;

    static {
        try {
            DELIVER = MethodHandles.lookup().findStatic(IncubatorApcUpcall.class, "deliver",
                    MethodType.methodType(void.class, ApcRoutine.Handler.class, long.class, long.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Held: the stub is freed when its scope becomes unreachable, with this object. */
    private final Object scope;
    private final long address;

    private IncubatorApcUpcall(Object scope, long address) {
        this.scope = scope;
        this.address = address;
    }

    /**
     * Makes the stub, where the JVM allows it.
     *
     * @param handler what the stub calls
     * @return the upcall, or null: not JDK 17, the module not in the boot layer, native access
     *         not enabled for the library, or a platform the incubator does not link for
     */
    static ApcRoutine.Upcall create(ApcRoutine.Handler handler) {
        if (Runtime.version().feature() != 17 || ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return null;
        }
        try {
            Class<?> linkerClass = Class.forName(PKG + "CLinker");
            Class<?> layoutClass = Class.forName(PKG + "MemoryLayout");
            Class<?> descriptorClass = Class.forName(PKG + "FunctionDescriptor");
            Class<?> scopeClass = Class.forName(PKG + "ResourceScope");
            Object linker = linkerClass.getMethod("getInstance").invoke(null); // restricted: needs native access
            Object longLong = linkerClass.getField("C_LONG_LONG").get(null);
            Object cInt = linkerClass.getField("C_INT").get(null);
            Object layouts = Array.newInstance(layoutClass, 3);
            Array.set(layouts, 0, longLong);
            Array.set(layouts, 1, longLong);
            Array.set(layouts, 2, cInt);
            Object descriptor = descriptorClass.getMethod("ofVoid", layouts.getClass()).invoke(null, layouts);
            Object scope = scopeClass.getMethod("newImplicitScope").invoke(null);
            Method upcallStub = linkerClass.getMethod("upcallStub", MethodHandle.class, descriptorClass, scopeClass);
            Object stub = upcallStub.invoke(linker, DELIVER.bindTo(handler), descriptor, scope);
            long address = (long) Class.forName(PKG + "MemoryAddress").getMethod("toRawLongValue").invoke(stub);
            return address == 0 ? null : new IncubatorApcUpcall(scope, address);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // native access refused (IllegalCallerException), no linker here: JNA serves
        }
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public String kind() {
        return "ffm-incubator";
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
