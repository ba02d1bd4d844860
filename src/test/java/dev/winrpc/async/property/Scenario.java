package dev.winrpc.async.property;

import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.testing.SimControl;
import java.util.List;

/**
 * One generated call: who talks to whom, the pipe kind, the data, the simulator's fault plan,
 * and what each side's application does (cancel, abort, a handler that throws), and when.
 * Everything random about a try is in here, including the fault plan's seed, so a printed
 * scenario (or jqwik's seed) replays it.
 */
record Scenario(
        Mode mode,
        PipeKind kind,
        /** Element counts of the chunks the Java side sends (the scripted client: see peerChunk*). */
        List<Integer> chunks,
        /** The scripted client's in pipe: this many chunks ... */
        int peerChunks,
        /** ... of this many elements. */
        int peerChunkElements,
        /** The most elements a Java reader pulls at once. */
        int readerChunk,
        Read clientRead,
        Read serverRead,
        Faults faults,
        ClientAct clientAct,
        ServerAct serverAct,
        PeerAct peerAct,
        /** Seeds the Java side's data. */
        long dataSeed) {

    /** Who is on each end. */
    enum Mode {
        /** A Java {@code ClientCall} against the simulator's scripted C server. */
        JAVA_CLIENT_SCRIPTED_SERVER,
        /** The simulator's scripted C client against a Java {@code ServerCall}. */
        SCRIPTED_CLIENT_JAVA_SERVER,
        /** Java on both ends. */
        JAVA_CLIENT_JAVA_SERVER
    }

    /** How a Java reader reads: receive() one chunk at a time, or a Flow subscriber. */
    enum Read { RECEIVE, PUBLISHER }

    /** The simulator's fault plan. */
    record Faults(long seed, int pushFailPpm, int pullFailPpm, int faultReplyPpm, int disconnectPpm,
            int maxDelayMs) {

        SimControl.SIM_FAULT_PLAN plan() {
            SimControl.SIM_FAULT_PLAN p = new SimControl.SIM_FAULT_PLAN();
            p.seed = seed;
            p.push_fail_ppm = pushFailPpm;
            p.pull_fail_ppm = pullFailPpm;
            p.fault_reply_ppm = faultReplyPpm;
            p.fault_code = ScenarioRunner.PLANNED_FAULT;
            p.disconnect_ppm = disconnectPpm;
            p.max_delay_ms = maxDelayMs;
            return p;
        }
    }

    /** What the Java client's application does. */
    record ClientAct(Kind kind, int n, boolean abortive) {
        enum Kind {
            NONE,
            /** cancel(abortive) before sending chunk n, or (no in pipe) after receiving n chunks. */
            CANCEL_AT_CHUNK,
            /** cancel(abortive) n ms after the start. */
            CANCEL_AFTER_MS,
            /** The out pipe's subscriber throws at chunk n (publisher reading only). */
            THROW_AT_CHUNK
        }
    }

    /** What the Java server's application does. */
    record ServerAct(Kind kind, int n, int code) {
        enum Kind {
            NONE,
            /** abort(code) after receiving n chunks, or (no in pipe) before sending chunk n. */
            ABORT_AT_CHUNK,
            /** abort(code) n ms after the call was accepted. */
            ABORT_AFTER_MS,
            /** The in pipe's subscriber throws at chunk n (publisher reading only). */
            THROW_AT_CHUNK,
            /** The in pipe's subscriber throws in onComplete (publisher reading only). */
            THROW_AT_END
        }
    }

    /** What the scripted client does (SIM_PEER_CALL's cancel and disconnect). */
    record PeerAct(int cancelAfterMs, boolean cancelAbortive, int disconnectAfterChunks) {
    }
}
