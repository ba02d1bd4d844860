package dev.winrpc.async.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The six tables against the pipe state page ("Asynchronous Pipe State"), as {@link SeedTables}
 * transcribes it independently of the production builder: every listed transition is there, nothing
 * else is, and every other (state, input) pair is refused.
 */
class PipeProtocolSeedTest {

    static List<SeedTables.Row> seedRows() {
        return SeedTables.rows();
    }

    static List<SeedTables.Table> tables() {
        return SeedTables.tables();
    }

    /** Every pair in PipeState x PipeInput that a table's seed text does not list. */
    static Stream<Arguments> unlistedPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (SeedTables.Table table : SeedTables.tables()) {
            Set<Transition> listed = SeedTables.transitions(table);
            for (PipeState state : PipeState.values()) {
                for (PipeInput input : PipeInput.values()) {
                    if (listed.stream().noneMatch(t -> t.from() == state && t.input() == input)) {
                        pairs.add(Arguments.of(table, state, input));
                    }
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seedRows")
    void everyLineOfTheSeedIsInItsTable(SeedTables.Row row) {
        PipeProtocol p = row.table().protocol();
        Transition t = row.transition();
        assertEquals(Optional.of(t.to()), p.next(t.from(), t.input()));
        assertSame(t.to(), p.require(t.from(), t.input()));
        assertSame(t.to(), p.transitionsFrom(t.from()).get(t.input()));
        assertTrue(p.transitions().contains(t), () -> p + " lacks " + t);
        assertTrue(p.states().contains(t.from()) && p.states().contains(t.to()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void eachTableHasExactlyTheSeedsTransitions(SeedTables.Table table) {
        PipeProtocol p = table.protocol();
        Set<Transition> expected = SeedTables.transitions(table);
        assertEquals(expected, new HashSet<>(p.transitions()));
        assertEquals(expected.size(), p.transitions().size(), "a transition is listed twice");
        // The per-state maps agree with the list, and list nothing more.
        int fromMaps = 0;
        for (PipeState s : PipeState.values()) {
            for (Map.Entry<PipeInput, PipeState> e : p.transitionsFrom(s).entrySet()) {
                assertTrue(expected.contains(new Transition(s, e.getKey(), e.getValue())));
                fromMaps++;
            }
        }
        assertEquals(expected.size(), fromMaps);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void transitionsAreInTheSeedsOrder(SeedTables.Table table) {
        assertEquals(new ArrayList<>(SeedTables.transitions(table)), table.protocol().transitions());
    }

    @ParameterizedTest(name = "{0}: {1} on {2}")
    @MethodSource("unlistedPairs")
    void everyPairTheSeedDoesNotListIsRefused(SeedTables.Table table, PipeState state, PipeInput input) {
        PipeProtocol p = table.protocol();
        assertEquals(Optional.empty(), p.next(state, input));
        assertNull(p.transitionsFrom(state).get(input));
        IllegalPipeTransitionException e =
            assertThrows(IllegalPipeTransitionException.class, () -> p.require(state, input));
        String message = e.getMessage();
        assertTrue(message.contains(table.title()), message);
        assertTrue(message.contains("state " + state + " "), message);
        assertTrue(message.contains("input " + input), message);
        assertSame(table.kind(), e.kind());
        assertSame(table.side(), e.side());
        assertSame(state, e.state());
        assertSame(input, e.input());
        assertSame(p, e.protocol());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void statesAndTheirNamesAreTheSeeds(SeedTables.Table table) {
        PipeProtocol p = table.protocol();
        Map<PipeState, String> expected = SeedTables.states(table);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(p.states()));
        for (Map.Entry<PipeState, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), p.stateName(e.getKey()), e.getKey().toString());
        }
        for (PipeState s : PipeState.values()) {
            if (!expected.containsKey(s)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.stateName(s));
                assertTrue(e.getMessage().contains(table.title()) && e.getMessage().contains(s.toString()));
                assertTrue(p.transitionsFrom(s).isEmpty(), s + " is not in the table but has transitions");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void initialStateIsTheSeedsFirstRow(SeedTables.Table table) {
        PipeProtocol p = table.protocol();
        PipeState first = SeedTables.states(table).keySet().iterator().next();
        assertSame(first, p.initial());
        assertSame(table.side() == Side.CLIENT ? PipeState.C : PipeState.D, p.initial());
        assertSame(table.kind(), p.kind());
        assertSame(table.side(), p.side());
        assertEquals(table.title(), p.title());
    }

    /** Guards the transcription itself: the page's six tables, line by line, 139 lines in all. */
    @Test
    void theTranscriptionHasEveryLineOfThePage() {
        int[] perTable = SeedTables.tables().stream().mapToInt(t -> SeedTables.transitions(t).size()).toArray();
        // IN client, IN server, OUT client, OUT server, IN_OUT client, IN_OUT server.
        assertEquals(List.of(19, 18, 19, 21, 30, 32), Arrays.stream(perTable).boxed().toList());
        assertEquals(139, seedRows().size());
        assertEquals(6 * PipeState.values().length * PipeInput.values().length - 139, unlistedPairs().count());
    }
}
