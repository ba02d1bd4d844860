package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import dev.winrpc.async.call.ServerCall;
import dev.winrpc.async.rpc.CallerInfo;
import dev.winrpc.async.rpc.Impersonation;

/**
 * The call a generated server's method is serving, for the length of that method: which
 * operation, the library's {@link ServerCall} underneath (its state, its path, its end through
 * {@link ServerCall#result()}), and who is calling.
 *
 * <pre>{@code
 * public CompletionStage<Integer> add(int a, int b) {
 *     ServerContext ctx = ServerContext.current();
 *     if (!ctx.caller().authenticated()) {
 *         return CompletableFuture.failedFuture(RpcException.serverFault("Add", 5)); // access denied
 *     }
 *     return CompletableFuture.completedFuture(a + b);
 * }
 * }</pre>
 *
 * <p>A context belongs to the thread that runs the method (the runtime's thread that dispatched
 * the call) while the method runs: {@link #current()} outside a method, and {@link #caller()} or
 * {@link #impersonate()} on another thread or after the method returned, are refused with an
 * {@link IllegalStateException}, because the runtime answers them only for the call its thread is
 * running. Keep {@link #call()} to follow the call afterwards.
 */
public final class ServerContext {

    private static final ThreadLocal<ServerContext> CURRENT = new ThreadLocal<>();

    private final String operation;
    private final ServerCall<?> call;
    private final Pointer binding;
    private final Thread thread = Thread.currentThread();
    private boolean running = true;

    private ServerContext(String operation, ServerCall<?> call, Pointer binding) {
        this.operation = operation;
        this.call = call;
        this.binding = binding;
    }

    /**
     * {@return the context of the generated server method running on this thread}
     *
     * @throws IllegalStateException if no generated server method is running on this thread
     */
    public static ServerContext current() {
        ServerContext c = CURRENT.get();
        if (c == null) {
            throw new IllegalStateException("no generated server method is running on " + Thread.currentThread().getName()
                    + ": ServerContext.current() answers only inside one, on the thread it was called on");
        }
        return c;
    }

    /** {@return the operation's name, as the IDL spells it} */
    public String operation() {
        return operation;
    }

    /** {@return the library's call underneath: its state, path and end; usable from any thread} */
    public ServerCall<?> call() {
        return call;
    }

    /**
     * Who is calling, and how ({@code RpcServerInqCallAttributesW} for this call).
     *
     * @return the caller
     * @throws IllegalStateException if asked on another thread than the method's, or after it returned
     * @throws dev.winrpc.async.RpcException if the runtime fails
     */
    public CallerInfo caller() {
        checkRunning("caller()");
        return CallerInfo.of(binding);
    }

    /**
     * Starts acting as the caller on this thread ({@code RpcImpersonateClient}), until the scope
     * is closed; close it on this thread before the method returns.
     *
     * @return the scope, for a try-with-resources
     * @throws IllegalStateException if asked on another thread than the method's, or after it returned
     * @throws dev.winrpc.async.RpcException if the runtime refuses (an unauthenticated caller, ...)
     */
    public Impersonation impersonate() {
        checkRunning("impersonate()");
        return Impersonation.of(binding);
    }

    private void checkRunning(String what) {
        if (Thread.currentThread() != thread || !running) {
            throw new IllegalStateException(operation + ": " + what + " answers only on the thread that runs the server's "
                    + "method (" + thread.getName() + "), while it runs");
        }
    }

    /** Runs a generated server's method with its context current on this thread. */
    static <T> T run(String operation, ServerCall<?> call, Pointer binding, java.util.function.Supplier<T> method) {
        ServerContext outer = CURRENT.get();
        ServerContext c = new ServerContext(operation, call, binding);
        CURRENT.set(c);
        try {
            return method.get();
        } finally {
            c.running = false;
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    @Override
    public String toString() {
        return "ServerContext[" + operation + ", " + call + "]";
    }
}
