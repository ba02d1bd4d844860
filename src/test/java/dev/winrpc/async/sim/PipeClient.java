package dev.winrpc.async.sim;

import dev.winrpc.async.raw.Rpcrt4Direct;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.ASYNC_PIPE;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.raw.Rpcrt4;
import dev.winrpc.async.testing.ApcTarget;
import dev.winrpc.async.testing.RawClientCall;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client's side of an async pipe call, along the pipe state page's client tables, with APC
 * notifications to the calling thread (RPC_C_NOTIFY_ON_SEND_COMPLETE set in Flags). Each step
 * records what happened, so that a test can assert the path the call took.
 *
 * <ul>
 *   <li>IN pipe: P (push a chunk), WS (wait for RpcSendComplete, or a failure RpcCallComplete),
 *       ..., NP (the null push);</li>
 *   <li>OUT pipe: P (pull), WP (after RPC_S_ASYNC_CALL_PENDING, wait for RpcReceiveComplete),
 *       ..., until a pull returns 0 elements;</li>
 *   <li>then WComp (wait for RpcCallComplete) and Comp (RpcAsyncCompleteCall).</li>
 * </ul>
 * A failed push or pull ends the pipe work ("go to End"); the call is then still completed, so
 * that the runtime frees it. A notification that does not come in time cancels the call ("go to
 * Can").
 *
 * <p>Every buffer handed to push stays reachable and untouched until its RpcSendComplete (and is
 * checked to be unchanged then); the pipe structures are kept by the {@link RawClientCall} until
 * after its final completion.
 */
final class PipeClient {

    private final RawClientCall call;
    private final ApcTarget target;
    private final long waitMs;
    private final Rpcrt4 rpcrt4 = RpcRuntime.rpcrt4();

    /** Elements pulled, in order. */
    final List<Integer> received = new ArrayList<>();
    /** Pushes that returned RPC_S_OK (the null push included). */
    int pushesOk;
    /** Pulls that returned RPC_S_ASYNC_CALL_PENDING. */
    int pullsPending;
    /** The first pipe operation's failure, or RPC_S_OK. */
    int pipeFailure = RpcErrors.RPC_S_OK;
    /** Whether the call was cancelled because a notification did not come. */
    boolean cancelled;
    /** What happened, for messages. */
    final List<String> trace = new ArrayList<>();

    /**
     * @param call a call initialised with APC notification to target's thread and
     *        RPC_C_NOTIFY_ON_SEND_COMPLETE
     * @param target the calling thread
     * @param waitMs the bound on each wait for a notification
     */
    PipeClient(RawClientCall call, ApcTarget target, long waitMs) {
        this.call = call;
        this.target = target;
        this.waitMs = waitMs;
    }

    private int count(int event) {
        return call.log.count(event);
    }

    private boolean callCompleted() {
        return count(Rpcrt4.RpcCallComplete) > 0;
    }

    /** @return whether the pipe work has stopped (a failure or a cancel) */
    boolean stopped() {
        return pipeFailure != RpcErrors.RPC_S_OK || cancelled;
    }

    private void cancel(String why) {
        trace.add("Can: " + why);
        cancelled = true;
        Rpcrt4Direct.RpcAsyncCancelCall(call.state.getPointer(), true);
    }

    /**
     * The IN pipe, client side: every chunk, each followed by WS, then the null push.
     *
     * @param in the pipe structure the stub filled in
     * @param chunks the elements of each push
     */
    void pushAll(ASYNC_PIPE in, int[][] chunks) {
        for (int[] chunk : chunks) {
            if (stopped() || callCompleted()) {
                return;
            }
            Memory buf = new Memory(4L * Math.max(1, chunk.length));
            buf.write(0, chunk, 0, chunk.length);
            int seen = count(Rpcrt4.RpcSendComplete);
            int st = in.push(buf, chunk.length);
            trace.add("P " + chunk.length + " -> " + st);
            if (st != RpcErrors.RPC_S_OK) {
                pipeFailure = st; // P: on failure go to End
                return;
            }
            pushesOk++;
            // WS: the buffer stays untouched until RpcSendComplete.
            if (!target.awaitAlertably(() -> count(Rpcrt4.RpcSendComplete) > seen || callCompleted(),
                    waitMs)) {
                cancel("no RpcSendComplete within " + waitMs + " ms");
                return;
            }
            if (!Arrays.equals(chunk, buf.getIntArray(0, chunk.length))) {
                throw new AssertionError("a push buffer changed before its RpcSendComplete");
            }
            Reference.reachabilityFence(buf);
            if (count(Rpcrt4.RpcSendComplete) == seen) {
                trace.add("WS: a failure RpcCallComplete");
                return; // a failure RpcCallComplete: go to Comp
            }
        }
        if (stopped() || callCompleted()) {
            return;
        }
        int st = in.push(null, 0); // NP
        trace.add("NP -> " + st);
        if (st != RpcErrors.RPC_S_OK) {
            pipeFailure = st;
            return;
        }
        pushesOk++;
    }

    /**
     * The OUT pipe, client side: pulls until a pull returns 0 elements.
     *
     * @param out the pipe structure the stub filled in
     * @param bufElements the pull buffer's capacity
     */
    void pullAll(ASYNC_PIPE out, int bufElements) {
        Memory buf = new Memory(4L * bufElements);
        IntByReference n = new IntByReference();
        while (!stopped()) {
            int seen = count(Rpcrt4.RpcReceiveComplete);
            n.setValue(-1);
            int st = out.pull(buf, bufElements, n);
            if (st == RpcErrors.RPC_S_OK) {
                if (n.getValue() == 0) {
                    trace.add("P -> end");
                    return; // the null pull: go to WComp
                }
                for (int v : buf.getIntArray(0, n.getValue())) {
                    received.add(v);
                }
            } else if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
                pullsPending++;
                // WP: pull again only after RpcReceiveComplete.
                if (!target.awaitAlertably(() -> count(Rpcrt4.RpcReceiveComplete) > seen, waitMs)) {
                    cancel("no RpcReceiveComplete within " + waitMs + " ms");
                    return;
                }
            } else {
                trace.add("P -> " + st);
                pipeFailure = st; // P: on failure go to End
                return;
            }
        }
    }

    /**
     * WComp and Comp: waits for RpcCallComplete, then RpcAsyncCompleteCall.
     *
     * @return the final status
     */
    int finish() {
        if (!target.awaitAlertably(this::callCompleted, waitMs)) {
            throw new AssertionError("no RpcCallComplete within " + waitMs + " ms; " + trace);
        }
        int st = call.complete();
        trace.add("Comp -> " + st);
        if (st == RpcErrors.RPC_S_ASYNC_CALL_PENDING) {
            throw new AssertionError("RpcAsyncCompleteCall pending after RpcCallComplete; " + trace);
        }
        return st;
    }

    /** @return the pulled elements */
    int[] receivedArray() {
        return received.stream().mapToInt(Integer::intValue).toArray();
    }
}
