package dev.winrpc.async.tck;

import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The TCK's publisher rules against {@link dev.winrpc.async.call.PipeReader#publisher()}: each
 * publisher is the [out] pipe of a PipeRange call to the simulator's scripted server, read one
 * element per chunk, so that n elements are n onNext signals. Run by {@link FlowTckTest}.
 */
public class PipeReaderPublisherVerification extends FlowPublisherVerification<int[]> {

    public PipeReaderPublisherVerification() {
        super(new TestEnvironment(FlowTckTest.TIMEOUT_MS, FlowTckTest.NO_SIGNAL_MS), FlowTckTest.TIMEOUT_MS);
    }

    @Override
    public Flow.Publisher<int[]> createFlowPublisher(long elements) {
        return TckRig.current().range(elements).publisher();
    }

    @Override
    public Flow.Publisher<int[]> createFailedFlowPublisher() {
        return TckRig.current().failedRange().publisher();
    }

    /** PipeRange's count is an int; a pipe this long is plenty for every rule. */
    @Override
    public long maxElementsFromPublisher() {
        return 4096;
    }
}
