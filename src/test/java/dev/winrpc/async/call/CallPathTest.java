package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.pipe.PipeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A call's path is kept as runs: a long regular stream keeps a handful of them and reads back
 * state for state; a long irregular one keeps at most {@link CallPath#MAX_RUNS}, its first and
 * last, and says that it left the middle out.
 */
class CallPathTest {

    private static final PipeState[] STATES = PipeState.values();

    @Test
    void aLongStreamKeepsAFewRunsAndReadsBackStateForState() {
        CallPath p = new CallPath(null);
        List<PipeState> all = new ArrayList<>();
        List<PipeState> steps = new ArrayList<>(List.of(PipeState.C, PipeState.WS));
        for (int i = 0; i < 100_000; i++) {
            steps.add(PipeState.PS);
            steps.add(PipeState.WS);
        }
        steps.addAll(List.of(PipeState.NP, PipeState.WNP, PipeState.COMP, PipeState.END));
        for (PipeState s : steps) {
            p.enter(s);
            all.add(s);
        }
        assertEquals("C, (WS PS) x100000, WS, NP, WNP, COMP, END", p.bounded());
        assertEquals(all, p.snapshot());
        assertEquals(7, p.runs());
        assertEquals(PipeState.END, p.current());
        assertEquals(p.bounded(), CallPath.bounded(all, CallPath.BOUNDED_PARTS));
    }

    @Test
    void anIrregularPathKeepsItsFirstAndLastRuns() {
        Random r = new Random(12);
        CallPath p = new CallPath(null);
        List<PipeState> all = new ArrayList<>();
        int gapWhenFirstDropped = -1;
        for (int i = 0; i < 50_000; i++) {
            PipeState s = STATES[r.nextInt(STATES.length)];
            p.enter(s);
            all.add(s);
            assertTrue(p.runs() <= CallPath.MAX_RUNS, p.bounded());
            if (gapWhenFirstDropped < 0) {
                gapWhenFirstDropped = p.gap();
            }
        }
        List<PipeState> kept = p.snapshot();
        assertTrue(kept.size() < all.size(), "the middle was left out");
        assertTrue(p.bounded().contains("..."), p.bounded());
        // The first runs are the path's start, the last runs its end, the gap between them.
        int gap = p.gap();
        assertEquals(gapWhenFirstDropped, gap, "the gap's index never moves once there is one");
        assertTrue(gap > 0 && gap < kept.size(), "gap " + gap);
        assertEquals(all.subList(0, gap), kept.subList(0, gap));
        int tail = kept.size() - gap;
        assertEquals(all.subList(all.size() - tail, all.size()), kept.subList(gap, kept.size()));
    }

    @Test
    void aShortPathReadsBackAsEntered() {
        Random r = new Random(7);
        for (int t = 0; t < 500; t++) {
            CallPath p = new CallPath(null);
            List<PipeState> all = new ArrayList<>();
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                // Few distinct states: many repeats and pairs.
                PipeState s = STATES[r.nextInt(3)];
                p.enter(s);
                all.add(s);
            }
            assertEquals(all, p.snapshot());
            assertEquals(-1, p.gap(), "a whole path has no gap");
            assertEquals(CallPath.bounded(all, CallPath.BOUNDED_PARTS), p.bounded());
        }
    }
}
