package dev.winrpc.async;

/**
 * Thrown by the first use of the RPC runtime where none can be used: off Windows without the
 * simulator, or where the library that should back the bindings could not be loaded. The
 * message says why; {@link #getCause()} is the underlying loading failure, if there was one.
 */
public class RpcRuntimeUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception, saying why the runtime cannot be used here.
     *
     * @param message why the runtime cannot be used
     * @param cause the underlying failure, or null
     */
    public RpcRuntimeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
