package dev.winrpc.async.stub;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.winrpc.async.raw.RpcEntry;
import java.util.Objects;

/**
 * Loads an interface's stub library (docs/idl.md, "The stub library"): {@code I.dll} on
 * Windows, {@code libI.so} off Windows, with the exports' calling convention
 * ({@code WINRPC_ENTRY}: {@link RpcEntry#OPTIONS}).
 */
public final class StubLibrary {

    private StubLibrary() {
    }

    /**
     * Loads a stub library through JNA's search (its {@code jna.library.path}, the system's
     * path), or from a file when given a path.
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
}
