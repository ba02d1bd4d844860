package dev.winrpc.async.stub;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.winrpc.async.raw.RpcEntry;
import java.io.File;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;

/**
 * Loads an interface's stub library (docs/idl.md, "The stub library"): {@code I.dll} on
 * Windows, {@code libI.so} off Windows, with the exports' calling convention
 * ({@code WINRPC_ENTRY}: {@link RpcEntry#OPTIONS}).
 *
 * <p>Two bindings: JNA's interface mapping ({@link #load(String, Class)}: a proxy, whose every
 * call goes through reflection with its arguments boxed in an array), and JNA's direct mapping
 * ({@link #load(String, Class, Class, Function)}: the generated {@code INative.Direct}, whose
 * methods call static native methods registered with {@link Native#register(Class, NativeLibrary)},
 * under the same options, so stdcall on 32-bit x86 Windows as the interface mapping; the
 * exports are undecorated there, by the generated {@code I.def}). JNA binds the native methods
 * of a class to one library, so in one JVM the direct mapping serves the first file loaded for
 * an interface, and any other file loaded for the same interface gets the interface mapping.
 */
public final class StubLibrary {

    /** Per class of natives: the file its methods are registered to, and the binding made then. */
    private static final ClassValue<Registration> REGISTERED = new ClassValue<>() {
        @Override
        protected Registration computeValue(Class<?> type) {
            return new Registration();
        }
    };

    /** Where a class's natives are bound; guarded by itself. */
    private static final class Registration {
        private String file;
        private Object binding;
    }

    private StubLibrary() {
    }

    /**
     * Loads a stub library through JNA's search (its {@code jna.library.path}, the system's
     * path), or from a file when given a path, with JNA's interface mapping.
     *
     * @param nameOrPath the library's name ({@code WinRpcFixture} for {@code libWinRpcFixture.so}
     *        or {@code WinRpcFixture.dll}) or a path to it
     * @param binding the generated JNA interface of its exports
     * @param <T> that interface
     * @return the binding
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if nameOrPath is blank
     * @throws UnsatisfiedLinkError if the library cannot be loaded
     */
    public static <T extends Library> T load(String nameOrPath, Class<T> binding) {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        Objects.requireNonNull(binding, "binding");
        if (nameOrPath.isBlank()) {
            throw new IllegalArgumentException("the stub library's name is blank");
        }
        return Native.load(nameOrPath, binding, RpcEntry.OPTIONS);
    }

    /**
     * Loads a stub library for JNA's direct mapping: the first time in this JVM, registers the
     * static native methods of {@code natives} to the library and returns {@code direct}'s
     * binding; later for the same file (by any name or path), the same binding; for another
     * file, {@link #load(String, Class)}'s (interface mapping: a class's natives are bound to one
     * library only).
     *
     * @param nameOrPath the library's name or a path to it, as for {@link #load(String, Class)}
     * @param binding the generated JNA interface of its exports
     * @param natives the class whose static native methods are the exports, named as them
     * @param direct makes the binding over those methods, from nameOrPath (once per class)
     * @param <T> that interface
     * @return the binding
     * @throws NullPointerException if an argument is null, or direct returns null
     * @throws IllegalArgumentException if nameOrPath is blank, or a native method's signature is
     *         one JNA's direct mapping refuses
     * @throws UnsatisfiedLinkError if the library cannot be loaded or lacks an export
     */
    public static <T extends Library> T load(String nameOrPath, Class<T> binding, Class<?> natives,
            Function<String, ? extends T> direct) {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(natives, "natives");
        Objects.requireNonNull(direct, "direct");
        if (nameOrPath.isBlank()) {
            throw new IllegalArgumentException("the stub library's name is blank");
        }
        NativeLibrary lib = NativeLibrary.getInstance(nameOrPath, RpcEntry.OPTIONS);
        String file = identity(lib);
        Registration r = REGISTERED.get(natives);
        synchronized (r) {
            if (r.binding == null) {
                Native.register(natives, lib);
                r.binding = Objects.requireNonNull(direct.apply(nameOrPath), "direct");
                r.file = file;
            }
            if (r.file.equals(file)) {
                return binding.cast(r.binding);
            }
        }
        return load(nameOrPath, binding);
    }

    /** {@return the file of a library, canonical when possible: two names of one file are one} */
    private static String identity(NativeLibrary lib) {
        File f = lib.getFile();
        if (f == null) {
            return lib.getName();
        }
        try {
            return f.getCanonicalPath();
        } catch (IOException e) {
            return f.getAbsolutePath();
        }
    }
}
