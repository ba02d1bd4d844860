package dev.winrpc.async.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The tables' shape: termination, immutability, the Mermaid rendering, the builder's refusals. */
class PipeProtocolTest {

    static List<PipeProtocol> protocols() {
        List<PipeProtocol> all = new ArrayList<>();
        for (PipeKind kind : PipeKind.values()) {
            for (Side side : Side.values()) {
                all.add(PipeProtocol.of(kind, side));
            }
        }
        return all;
    }

    @Test
    void ofReturnsSixDistinctTablesBuiltOnce() {
        Set<PipeProtocol> seen = new HashSet<>();
        for (PipeKind kind : PipeKind.values()) {
            for (Side side : Side.values()) {
                PipeProtocol p = PipeProtocol.of(kind, side);
                assertSame(p, PipeProtocol.of(kind, side));
                assertSame(kind, p.kind());
                assertSame(side, p.side());
                assertTrue(seen.add(p));
            }
        }
        assertEquals(6, seen.size());
        assertThrows(NullPointerException.class, () -> PipeProtocol.of(null, Side.CLIENT));
        assertThrows(NullPointerException.class, () -> PipeProtocol.of(PipeKind.IN, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void endIsFinal(PipeProtocol p) {
        assertTrue(p.states().contains(PipeState.END));
        assertTrue(p.transitionsFrom(PipeState.END).isEmpty());
        assertTrue(p.transitions().stream().noneMatch(t -> t.from() == PipeState.END));
        for (PipeInput input : PipeInput.values()) {
            assertTrue(p.next(PipeState.END, input).isEmpty());
        }
    }

    /** No call is stranded: from every state of a table, some path of its transitions reaches END. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void everyStateCanReachEnd(PipeProtocol p) {
        Set<PipeState> reachEnd = EnumSet.of(PipeState.END);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Transition t : p.transitions()) {
                if (reachEnd.contains(t.to()) && reachEnd.add(t.from())) {
                    grew = true;
                }
            }
        }
        assertEquals(p.states(), reachEnd);
    }

    /** Every state of a table is used: a call can get there from the initial state. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void everyStateIsReachableFromTheInitialState(PipeProtocol p) {
        Set<PipeState> reached = EnumSet.of(p.initial());
        Deque<PipeState> todo = new ArrayDeque<>(reached);
        while (!todo.isEmpty()) {
            for (PipeState to : p.transitionsFrom(todo.pop()).values()) {
                if (reached.add(to)) {
                    todo.push(to);
                }
            }
        }
        assertEquals(Set.copyOf(p.states()), reached);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void collectionsCannotBeModified(PipeProtocol p) {
        Transition any = p.transitions().get(0);
        assertUnsupported(() -> p.states().add(PipeState.END));
        assertUnsupported(() -> p.states().remove(p.initial()));
        assertUnsupported(() -> p.states().clear());
        assertUnsupported(() -> {
            Iterator<PipeState> it = p.states().iterator();
            it.next();
            it.remove();
        });
        assertUnsupported(() -> p.transitions().add(any));
        assertUnsupported(() -> p.transitions().remove(0));
        assertUnsupported(() -> p.transitions().set(0, any));
        assertUnsupported(() -> p.transitions().clear());
        for (PipeState s : PipeState.values()) {
            Map<PipeInput, PipeState> from = p.transitionsFrom(s);
            assertUnsupported(() -> from.put(PipeInput.OK, PipeState.END));
            assertUnsupported(() -> from.clear());
            for (PipeInput input : List.copyOf(from.keySet())) {
                assertUnsupported(() -> from.remove(input));
                assertUnsupported(() -> from.entrySet().iterator().next().setValue(PipeState.END));
            }
        }
        // Nothing above got through.
        assertEquals(p.transitions().size(), new HashSet<>(p.transitions()).size());
        assertTrue(p.states().contains(p.initial()));
        assertSame(any.to(), p.require(any.from(), any.input()));
    }

    private static void assertUnsupported(Executable change) {
        assertThrows(UnsupportedOperationException.class, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void mermaidHasEveryStateAndTransition(PipeProtocol p) {
        String m = p.toMermaid();
        assertTrue(m.startsWith("stateDiagram-v2\n"), m);
        assertTrue(m.endsWith("\n"));
        assertSame(m, p.toMermaid());
        List<String> lines = List.of(m.split("\n"));
        assertTrue(lines.contains("    [*] --> " + p.initial()));
        assertTrue(lines.contains("    END --> [*]"));
        for (PipeState s : p.states()) {
            assertTrue(lines.contains("    " + s + " : " + p.stateName(s)), s.toString());
        }
        for (Transition t : p.transitions()) {
            assertTrue(lines.contains("    " + t.from() + " --> " + t.to() + " : " + t.input()), t.toString());
        }
        // One line per state, one per transition, the header, and the two [*] arrows: nothing else.
        assertEquals(1 + p.states().size() + p.transitions().size() + 2, lines.size());
        long arrows = lines.stream().filter(l -> l.contains("-->")).count();
        assertEquals(p.transitions().size() + 2, arrows);
        // Nothing that ends a Mermaid statement early.
        assertFalse(m.contains(";"));
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.indexOf(':') == line.lastIndexOf(':'), line);
        }
    }

    @Test
    void mermaidOfTheInServerTableIsExactly() {
        assertEquals(String.join("\n",
            "stateDiagram-v2",
            "    D : Dispatch",
            "    P : Pull",
            "    WP : Wait for Pull",
            "    A : Abort the Call",
            "    COMP : Completion",
            "    END : End",
            "    [*] --> D",
            "    D --> P : OK",
            "    D --> END : FATAL",
            "    D --> A : APP_FAIL",
            "    P --> END : FAILED",
            "    P --> P : PULLED_DATA",
            "    P --> COMP : PULLED_END",
            "    P --> WP : PULL_PENDING",
            "    P --> A : APP_FAIL",
            "    WP --> A : NO_NOTIFICATION",
            "    WP --> A : RECEIVE_FAILED",
            "    WP --> P : RECEIVED_DATA",
            "    WP --> COMP : RECEIVED_END",
            "    WP --> A : FAILURE",
            "    WP --> A : APP_FAIL",
            "    A --> END : OK",
            "    A --> END : FAILED",
            "    COMP --> END : OK",
            "    COMP --> END : FAILED",
            "    END --> [*]",
            ""), PipeProtocol.of(PipeKind.IN, Side.SERVER).toMermaid());
    }

    @Test
    void namesThatDependOnTheTable() {
        assertEquals("Push", PipeProtocol.of(PipeKind.IN, Side.CLIENT).stateName(PipeState.P));
        assertEquals("Pull", PipeProtocol.of(PipeKind.IN, Side.SERVER).stateName(PipeState.P));
        assertEquals("Pull", PipeProtocol.of(PipeKind.OUT, Side.CLIENT).stateName(PipeState.P));
        assertEquals("Push", PipeProtocol.of(PipeKind.OUT, Side.SERVER).stateName(PipeState.P));
        assertEquals("Wait for Pull", PipeProtocol.of(PipeKind.OUT, Side.CLIENT).stateName(PipeState.WP));
        assertEquals("Wait for Push", PipeProtocol.of(PipeKind.OUT, Side.SERVER).stateName(PipeState.WP));
        assertEquals("Push / Pull", PipeState.P.humanName());
        assertEquals("Make the call", PipeState.C.humanName());
        for (PipeState s : PipeState.values()) {
            assertFalse(s.humanName().isBlank());
        }
    }

    @Test
    void toStringNamesTheTable() {
        assertEquals("PipeProtocol[IN_OUT pipe, server: 10 states, 32 transitions]",
            PipeProtocol.of(PipeKind.IN_OUT, Side.SERVER).toString());
        assertEquals("PipeProtocol[IN pipe, client: 8 states, 19 transitions]",
            PipeProtocol.of(PipeKind.IN, Side.CLIENT).toString());
        assertEquals("WS --SENT_MORE--> P", new Transition(PipeState.WS, PipeInput.SENT_MORE, PipeState.P).toString());
    }

    @Test
    void refusedTransitionNamesTableStateAndInput() {
        PipeProtocol p = PipeProtocol.of(PipeKind.IN_OUT, Side.SERVER);
        IllegalPipeTransitionException e = assertThrows(IllegalPipeTransitionException.class,
            () -> p.require(PipeState.WNP, PipeInput.APP_FAIL));
        assertInstanceOf(IllegalStateException.class, e);
        assertEquals("IN_OUT pipe, server: no transition from state WNP (Wait for Null Push) on input APP_FAIL",
            e.getMessage());
        assertSame(PipeState.WNP, e.state());
        assertSame(PipeInput.APP_FAIL, e.input());
        assertSame(PipeKind.IN_OUT, e.kind());
        assertSame(Side.SERVER, e.side());
        assertSame(p, e.protocol());

        IllegalPipeTransitionException outside = assertThrows(IllegalPipeTransitionException.class,
            () -> PipeProtocol.of(PipeKind.IN, Side.CLIENT).require(PipeState.D, PipeInput.OK));
        assertEquals("IN pipe, client: no transition from state D (not a state of this table) on input OK",
            outside.getMessage());
    }

    @Test
    void nullsAreRefused() {
        PipeProtocol p = PipeProtocol.of(PipeKind.OUT, Side.CLIENT);
        assertThrows(NullPointerException.class, () -> p.next(null, PipeInput.OK));
        assertThrows(NullPointerException.class, () -> p.next(PipeState.C, null));
        assertThrows(NullPointerException.class, () -> p.require(null, PipeInput.OK));
        assertThrows(NullPointerException.class, () -> p.require(PipeState.C, null));
        assertThrows(NullPointerException.class, () -> p.stateName(null));
        assertThrows(NullPointerException.class, () -> p.transitionsFrom(null));
        assertThrows(NullPointerException.class, () -> new Transition(null, PipeInput.OK, PipeState.C));
    }

    // The builder's refusals (the tables are data; a slip in them must fail class initialisation).

    @Test
    void builderRefusesTwoTargetsForOnePair() {
        PipeProtocol.Builder b = PipeProtocol.table(PipeKind.IN, Side.CLIENT)
            .state(PipeState.C, "Make the call", Action.MAKE_CALL)
            .on(PipeInput.OK, PipeState.WS);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.on(PipeInput.OK, PipeState.P));
        assertEquals("IN pipe, client: (C, OK) has two targets, WS and P", e.getMessage());
        // Even the same target twice is a slip in the data.
        assertThrows(IllegalStateException.class, () -> b.on(PipeInput.OK, PipeState.WS));
    }

    @Test
    void builderRefusesAStateListedTwice() {
        PipeProtocol.Builder b = PipeProtocol.table(PipeKind.IN, Side.SERVER)
            .state(PipeState.D, "Dispatch", Action.DISPATCH).on(PipeInput.OK, PipeState.END);
        assertThrows(IllegalStateException.class, () -> b.state(PipeState.D, "Dispatch", Action.DISPATCH));
    }

    @Test
    void builderRefusesATargetOutsideTheTable() {
        PipeProtocol.Builder b = PipeProtocol.table(PipeKind.OUT, Side.SERVER)
            .state(PipeState.D, "Dispatch", Action.DISPATCH).on(PipeInput.OK, PipeState.WPS)
            .state(PipeState.END, "End", Action.END);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().contains("WPS"), e.getMessage());
    }

    @Test
    void builderRefusesAWrongFirstOrLastStateADeadEndAndAnOutcomeFromEnd() {
        assertThrows(IllegalStateException.class, () -> PipeProtocol.table(PipeKind.IN, Side.CLIENT)
            .state(PipeState.D, "Dispatch", Action.DISPATCH).on(PipeInput.OK, PipeState.END).state(PipeState.END, "End", Action.END).build());
        assertThrows(IllegalStateException.class, () -> PipeProtocol.table(PipeKind.IN, Side.CLIENT)
            .state(PipeState.C, "Make the call", Action.MAKE_CALL).on(PipeInput.OK, PipeState.C).build());
        assertThrows(IllegalStateException.class, () -> PipeProtocol.table(PipeKind.IN, Side.CLIENT)
            .state(PipeState.C, "Make the call", Action.MAKE_CALL).on(PipeInput.OK, PipeState.P)
            .state(PipeState.P, "Push", Action.PUSH)
            .state(PipeState.END, "End", Action.END).build());
        assertThrows(IllegalStateException.class, () -> PipeProtocol.table(PipeKind.IN, Side.CLIENT)
            .state(PipeState.C, "Make the call", Action.MAKE_CALL).on(PipeInput.OK, PipeState.END)
            .state(PipeState.END, "End", Action.END).on(PipeInput.OK, PipeState.C).build());
        assertThrows(IllegalStateException.class, () -> PipeProtocol.table(PipeKind.IN, Side.CLIENT)
            .on(PipeInput.OK, PipeState.END));
        assertThrows(IllegalStateException.class, () -> PipeProtocol.table(PipeKind.IN, Side.CLIENT)
            .state(PipeState.C, "Make: the call", Action.MAKE_CALL));
    }

    @Test
    void builderBuildsAMinimalTable() {
        PipeProtocol p = PipeProtocol.table(PipeKind.IN, Side.SERVER)
            .state(PipeState.D, "Dispatch", Action.DISPATCH).on(PipeInput.OK, PipeState.END)
            .state(PipeState.END, "End", Action.END).build();
        assertNotSame(PipeProtocol.of(PipeKind.IN, Side.SERVER), p);
        assertEquals(List.of(new Transition(PipeState.D, PipeInput.OK, PipeState.END)), p.transitions());
        assertSame(PipeState.END, p.require(PipeState.D, PipeInput.OK));
    }
}
