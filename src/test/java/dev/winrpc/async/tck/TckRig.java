package dev.winrpc.async.tck;

import dev.winrpc.async.call.ClientCall;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeWriter;
import dev.winrpc.async.call.Reply;
import dev.winrpc.async.dispatch.ApcDispatcher;
import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.testing.Binding;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the TCK's verifications make their publishers and subscribers from: real calls to the
 * simulator's scripted C server on one APC dispatcher. TestNG instantiates the verification
 * classes itself, so the rig is reached through {@link #current()}, opened and closed by
 * {@link FlowTckTest} around each run. Closing it ends every call the TCK left running (a
 * subscriber it never completed, a publisher it never subscribed to).
 */
final class TckRig implements AutoCloseable {

    private static volatile TckRig current;

    final Dispatcher dispatcher = new ApcDispatcher();
    private final WinRpcFixtureNative fx = Simulator.fixture();
    private final Binding peer = new Binding(SimControl.SIM_PEER_ENDPOINT);
    private final List<ClientCall<Integer>> calls = new CopyOnWriteArrayList<>();
    final List<Throwable> reports = new CopyOnWriteArrayList<>();

    private TckRig() {
        dispatcher.setExceptionHandler(reports::add);
    }

    static TckRig open() {
        if (current != null) {
            throw new IllegalStateException("a TCK rig is open already");
        }
        current = new TckRig();
        return current;
    }

    static TckRig current() {
        TckRig r = current;
        if (r == null) {
            throw new IllegalStateException("no TCK rig: the verifications run from FlowTckTest");
        }
        return r;
    }

    /** PipeRange(0, count): the reader's publisher emits count chunks of one element, then completes. */
    PipeReader<int[]> range(long count) {
        PipeReader<int[]> out = PipeReader.of(dev.winrpc.async.call.PipeCodec.INTS, 1);
        calls.add(ClientCall.builder(dispatcher, Reply.INT).receive(out)
                .start(ctx -> fx.WinRpcFixture_PipeRange(ctx.pAsync(), peer.handle(), 0, (int) count, ctx.outPipe())));
        return out;
    }

    /** A PipeRange whose stub fails (the server is unavailable): the call fails, and its reader. */
    PipeReader<int[]> failedRange() {
        PipeReader<int[]> out = PipeReader.of(dev.winrpc.async.call.PipeCodec.INTS, 1);
        ClientCall<Integer> c = ClientCall.builder(dispatcher, Reply.INT).receive(out)
                .start(ctx -> RpcErrors.RPC_S_SERVER_UNAVAILABLE);
        calls.add(c);
        try {
            c.result().handle((v, t) -> null).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the call to nobody did not end", e);
        }
        if (!c.result().isCompletedExceptionally()) {
            throw new IllegalStateException("the call to nobody succeeded");
        }
        return out;
    }

    /** PipeSum(in) to the scripted server: the writer's subscriber sends what it is given. */
    PipeWriter<int[]> sum() {
        PipeWriter<int[]> in = PipeWriter.of(dev.winrpc.async.call.PipeCodec.INTS);
        calls.add(ClientCall.builder(dispatcher, Reply.INT).send(in)
                .start(ctx -> fx.WinRpcFixture_PipeSum(ctx.pAsync(), peer.handle(), ctx.inPipe())));
        return in;
    }

    /**
     * Cancels every call still running, waits until all have ended, then takes the rig down.
     *
     * @throws AssertionError naming the calls that did not end
     */
    @Override
    public void close() {
        current = null;
        List<String> unended = new ArrayList<>();
        try {
            for (ClientCall<Integer> c : calls) {
                c.cancel(true);
            }
            for (ClientCall<Integer> c : calls) {
                try {
                    c.result().handle((v, t) -> null).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    unended.add(c + ": " + e);
                }
            }
        } finally {
            peer.close();
            dispatcher.close();
        }
        if (!unended.isEmpty()) {
            throw new AssertionError("calls the TCK left that did not end: " + unended);
        }
    }
}
