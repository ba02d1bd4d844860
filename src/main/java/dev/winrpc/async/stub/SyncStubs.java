package dev.winrpc.async.stub;

import dev.winrpc.async.RpcException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The client half of a synchronous operation's generated methods: the stub library's
 * synchronous export makes the whole call on the calling thread and returns RPC_S_OK or the
 * call's failure (a runtime status, or the server's fault code), which {@link #check} turns into
 * an {@link RpcException}; {@link #onExecutor} runs such a blocking call on an executor the user
 * gives, so that the caller's thread does not block and no thread is made behind the user's back.
 */
public final class SyncStubs {

    private SyncStubs() {
    }

    /**
     * Throws the failure a synchronous export returned.
     *
     * @param function the export's name, in the exception
     * @param status what it returned
     * @throws RpcException unless status is RPC_S_OK (0): {@link RpcException#of}, which tells a
     *         runtime failure from a server's fault by the library's list of runtime statuses
     */
    public static void check(String function, int status) {
        if (status != 0) {
            throw RpcException.of(function, status);
        }
    }

    /**
     * Runs a blocking call on an executor.
     *
     * @param executor where the call blocks (the user's: a pool, a virtual-thread executor)
     * @param blocking the blocking call
     * @param <T> its result's type
     * @return completes with its result, or fails with what it threw
     * @throws NullPointerException if executor is null
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
     */
    public static <T> CompletableFuture<T> onExecutor(Executor executor, Supplier<T> blocking) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(blocking, "blocking");
        return CompletableFuture.supplyAsync(blocking, executor);
    }
}
