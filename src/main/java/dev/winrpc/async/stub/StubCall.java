package dev.winrpc.async.stub;

import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.rpc.RpcBinding;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A call made through a generated client: its typed {@link #result()} (the reply, or a record
 * of the reply and the {@code [out]} values), {@link #cancel()} and the {@link ClientCall}
 * underneath (its deadline, state and path).
 *
 * @param <T> the result's Java type
 */
public final class StubCall<T> {

    private final ClientCall<?> call;
    private final CompletableFuture<T> result;

    private StubCall(ClientCall<?> call, CompletableFuture<T> result) {
        this.call = call;
        this.result = result;
    }

    /**
     * Starts a call on a binding (which stays alive until the call's end) and closes what the
     * call pinned once it has ended, whatever the outcome; if the call cannot start, closes it
     * at once.
     *
     * @param binding the binding
     * @param builder the call, from {@link RpcBinding#call} (the binding's default deadline) or
     *        with a deadline of its own
     * @param stub calls the stub library's export
     * @param result makes the typed result of the reply once the call succeeded (reads the
     *        {@code [out]} values)
     * @param pinned what the stub may read or write until the call has ended ([in] data,
     *        [out] targets), closed once it has
     * @param <R> the reply's Java type
     * @param <T> the result's Java type
     * @return the call
     * @throws IllegalStateException if the binding is closed
     */
    public static <R, T> StubCall<T> start(RpcBinding binding, ClientCall.Builder<R> builder,
            RpcBinding.Stub stub, Function<R, T> result, List<? extends AutoCloseable> pinned) {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(result, "result");
        List<? extends AutoCloseable> held = List.copyOf(pinned);
        ClientCall<R> call;
        try {
            call = binding.start(builder, stub);
        } catch (RuntimeException | Error e) {
            closeAll(held);
            throw e;
        }
        call.whenEnded(() -> closeAll(held));
        return new StubCall<>(call, call.result().thenApply(result));
    }

    /**
     * As {@link #start(RpcBinding, ClientCall.Builder, RpcBinding.Stub, Function, List)} with
     * the reply as the result and nothing pinned.
     *
     * @param binding the binding
     * @param builder the call
     * @param stub calls the stub library's export
     * @param <R> the reply's Java type
     * @return the call
     */
    public static <R> StubCall<R> start(RpcBinding binding, ClientCall.Builder<R> builder, RpcBinding.Stub stub) {
        return start(binding, builder, stub, Function.identity(), List.of());
    }

    private static void closeAll(List<? extends AutoCloseable> held) {
        for (AutoCloseable c : held) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger(StubCall.class.getName()).log(System.Logger.Level.WARNING,
                        "closing a call's pinned memory failed", e);
            }
        }
    }

    /**
     * {@return the result: the reply, or the generated record of the reply and the [out]
     * values; fails with the call's {@link dev.winrpc.async.RpcException} (a server's fault
     * with its code, a cancel, a passed deadline)}
     */
    public CompletableFuture<T> result() {
        return result;
    }

    /** Cancels the call abortively (RpcAsyncCancelCall with fAbort TRUE); a no-op once it has ended. */
    public void cancel() {
        call.cancel(true);
    }

    /** {@return the call underneath: its state, path, deadline, and non-abortive cancel} */
    public ClientCall<?> call() {
        return call;
    }

    @Override
    public String toString() {
        return "StubCall[" + call + "]";
    }
}
