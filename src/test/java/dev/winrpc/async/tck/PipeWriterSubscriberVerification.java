package dev.winrpc.async.tck;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

/**
 * The TCK's subscriber rules (black box) against
 * {@link dev.winrpc.async.call.PipeWriter#subscriber()}: each subscriber feeds the [in] pipe of
 * a PipeSum call to the simulator's scripted server. Run by {@link FlowTckTest}.
 */
public class PipeWriterSubscriberVerification extends FlowSubscriberBlackboxVerification<int[]> {

    public PipeWriterSubscriberVerification() {
        super(new TestEnvironment(FlowTckTest.TIMEOUT_MS, FlowTckTest.NO_SIGNAL_MS));
    }

    @Override
    public Flow.Subscriber<int[]> createFlowSubscriber() {
        return TckRig.current().sum().subscriber();
    }

    @Override
    public int[] createElement(int element) {
        return new int[] {element};
    }
}
