package dev.winrpc.async.call;

import dev.winrpc.async.dispatch.Dispatcher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The futures the call layer hands out: a call's result, a pipe's receive, send and finish, a
 * server's clientGone. Only the dispatcher's thread completes them once they are handed out,
 * so waiting for one there (get, join), in a notification handler, a Flow callback or a
 * task, would wait for ever and stop every other call of that dispatcher with it. Such a wait
 * is refused with an IllegalStateException that says so, instead of a silent deadlock. Stages
 * made from one (thenApply, copy, ...) check the same; a future already complete is always
 * answered.
 *
 * @param <T> the value's type
 */
final class CallFuture<T> extends CompletableFuture<T> {

    private volatile Dispatcher dispatcher;

    /** @param dispatcher the dispatcher whose thread completes this future, or null until bound */
    CallFuture(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Names the dispatcher once the future's owner is attached to a call. */
    void bind(Dispatcher d) {
        this.dispatcher = d;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CallFuture<>(dispatcher);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        refuseOnOwnThread("get()");
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        refuseOnOwnThread("get(timeout)");
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        refuseOnOwnThread("join()");
        return super.join();
    }

    private void refuseOnOwnThread(String wait) {
        Dispatcher d = dispatcher;
        if (d != null && !isDone() && d.inDispatcherThread()) {
            throw new IllegalStateException(wait + " on the thread of " + d + ", which is the thread that "
                    + "completes this future: it would wait for ever. Chain the next step instead "
                    + "(thenAccept, whenComplete), or wait on a thread of your own");
        }
    }
}
