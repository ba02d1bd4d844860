package dev.winrpc.async.bench;

import dev.winrpc.async.dispatch.Dispatcher;

/**
 * Parks a dispatcher's thread in a task until opened, so that a batch of notifications can be
 * queued behind it untimed (the C loop's wb_loop_gate_close / wb_loop_release_await).
 */
final class Gate implements Runnable {

    private volatile boolean entered;
    private volatile boolean open;

    @Override
    public void run() {
        entered = true;
        while (!open) {
            Thread.onSpinWait();
        }
    }

    /** Hands the gate to the dispatcher and returns once its thread waits in it. */
    void close(Dispatcher d) {
        open = false;
        entered = false;
        d.execute(this);
        while (!entered) {
            Thread.onSpinWait();
        }
    }

    /** Lets the dispatcher's thread go on. */
    void open() {
        open = true;
    }
}
