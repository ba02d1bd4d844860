package dev.winrpc.async.dispatch;

import dev.winrpc.async.raw.Java22Classes;
import java.lang.invoke.MethodHandles;

/**
 * Chooses how native code calls the APC notification routine: an FFM upcall stub
 * ({@code FfmApcUpcall}, JDK 22 and later, 64-bit) where there is one; on JDK 17 started with
 * {@code --add-modules=jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}, the incubating
 * linker's ({@link IncubatorApcUpcall}); else JNA's callback.
 *
 * <p>{@code FfmApcUpcall} is compiled for Java 22 into {@code META-INF/versions/22} of the
 * library (a multi-release jar): a JDK 22+ runtime finds it in the jar by its name, a JDK 17-21
 * runtime never looks for it ({@link Java22Classes} finds it, also in a directory of classes).
 * The system property {@value #PROPERTY}{@code =jna} keeps JNA's
 * callback (for comparison, or if an upcall stub misbehaves on some platform); any failure to
 * make the stub falls back to JNA too.
 */
final class Upcalls {

    /** The system property that chooses the upcall: {@code ffm} (the default where possible) or {@code jna}. */
    static final String PROPERTY = "winrpc.upcalls";

    private static Class<?> ffmClass;
    private static boolean looked;

    private Upcalls() {
    }

    /**
     * {@return an FFM upcall stub calling the handler, or null where JNA's callback serves}
     *
     * @param handler what the stub calls
     */
    static ApcRoutine.Upcall apc(ApcRoutine.Handler handler) {
        if ("jna".equalsIgnoreCase(System.getProperty(PROPERTY, "ffm"))) {
            return null;
        }
        if (Runtime.version().feature() < 22) {
            return IncubatorApcUpcall.create(handler); // JDK 17 with jdk.incubator.foreign, else null
        }
        Class<?> c = ffmClass();
        if (c == null) {
            return null;
        }
        try {
            return (ApcRoutine.Upcall) c.getDeclaredConstructor(ApcRoutine.Handler.class).newInstance(handler);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // no stub on this platform, or native access refused: JNA's callback serves
        }
    }

    private static synchronized Class<?> ffmClass() {
        if (!looked) {
            looked = true;
            ffmClass = Java22Classes.find(MethodHandles.lookup(), "FfmApcUpcall");
        }
        return ffmClass;
    }
}
