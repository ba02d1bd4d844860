package dev.winrpc.async.raw;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;

/**
 * Finds the classes the library compiles for JDK 22 and later (the Foreign Function and Memory
 * API's downcalls and upcall stubs) into {@code META-INF/versions/22} of its jar: a
 * multi-release jar, whose versioned classes a JDK 22+ runtime finds under their own names and a
 * JDK 17-21 runtime never looks for. Run from a directory of classes (the build's own tests and
 * benchmarks) the versioned classes are not on the class path, so one is defined from its
 * resource into the package of the lookup that asks.
 *
 * <p>For the library's own packages (this one and {@code dispatch}); nothing here is an SDK
 * name. It decides nothing either: a caller that gets null keeps JNA.
 */
public final class Java22Classes {

    private Java22Classes() {
    }

    /**
     * The JDK 22 variant of a class of the lookup's package, on a JDK 22 or later runtime.
     *
     * @param lookup a full-privilege lookup of the package the class belongs to
     * @param simpleName the class's name within that package
     * @return the class, or null: an older runtime, a jar built without JDK 22, or a class the
     *         runtime cannot define
     */
    public static Class<?> find(MethodHandles.Lookup lookup, String simpleName) {
        if (Runtime.version().feature() < 22) {
            return null;
        }
        String name = lookup.lookupClass().getPackageName() + "." + simpleName;
        ClassLoader loader = lookup.lookupClass().getClassLoader();
        try {
            return Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            // not in a multi-release jar: a directory of classes, or a jar built by JDK 17
        }
        String versioned = "META-INF/versions/22/" + name.replace('.', '/') + ".class";
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(versioned)) {
            if (in == null) {
                return null; // built without JDK 22: JNA only
            }
            return lookup.defineClass(in.readAllBytes());
        } catch (IOException | IllegalAccessException | LinkageError e) {
            return null;
        }
    }
}
