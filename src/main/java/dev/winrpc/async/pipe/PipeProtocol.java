package dev.winrpc.async.pipe;

import static dev.winrpc.async.pipe.PipeState.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A call's state table as frozen data: one of the six tables of Microsoft's "Asynchronous Pipe
 * State" page ({@code docs/reference/asynchronous-pipe-state.md} in the repository,
 * <a href="https://learn.microsoft.com/en-us/windows/win32/rpc/asynchronous-pipe-state">
 * learn.microsoft.com</a>), which say which states a {@link PipeKind pipe kind} goes through on
 * one {@link Side side} of the call and where each {@link PipeInput outcome} of a state's
 * action leads; or one of the library's two tables for a plain call ({@link #plain(Side)}),
 * which the page does not cover.
 *
 * <p>Every state carries the {@link Action} a call performs there ({@link #action(PipeState)}):
 * a call's step is a switch on it, and it is what tells a push from a pull where the page uses
 * one letter for both ({@link PipeState#P}, {@link PipeState#WP}).
 *
 * <p>The eight tables are built once, when this class is initialised, by one builder: each line
 * of the page's tables is one line of code, with the page's words beside it
 * ({@code PipeTables}). The builder refuses a table in which one (state, input) pair has two
 * targets, a target that is not one of the table's states, a state listed twice, a state other
 * than {@link PipeState#END} that has no way out, a state whose action does not fit its letter,
 * its side or its pipe kind, and an outcome that the state's action cannot produce. Instances
 * are immutable and safe to share between threads.
 *
 * <p>Every pair a table does not list is refused: {@link #next} returns an empty Optional and
 * {@link #require} throws {@link IllegalPipeTransitionException}. Where the page is irregular
 * (for instance the IN client's C goes to WS on success, and the OUT client's C to Comp on
 * failure) the tables follow it literally.
 */
public final class PipeProtocol {

    private static final int INPUTS = PipeInput.values().length;

    /** The six tables of the page, indexed by {@link #index(PipeKind, Side)}. */
    private static final PipeProtocol[] TABLES = new PipeProtocol[PipeKind.values().length * Side.values().length];
    /** The two plain-call tables, indexed by {@link Side#ordinal()}. */
    private static final PipeProtocol[] PLAIN = new PipeProtocol[Side.values().length];

    static {
        for (PipeProtocol p : List.of(PipeTables.inClient(), PipeTables.inServer(), PipeTables.outClient(),
                PipeTables.outServer(), PipeTables.inOutClient(), PipeTables.inOutServer())) {
            TABLES[index(p.kind, p.side)] = p;
        }
        PLAIN[Side.CLIENT.ordinal()] = PipeTables.plainClient();
        PLAIN[Side.SERVER.ordinal()] = PipeTables.plainServer();
    }

    /** Null for a plain call's table. */
    private final PipeKind kind;
    private final Side side;
    private final String title;
    /** By state ordinal; null for a state the table does not list. */
    private final Action[] actions;
    private final Set<PipeState> states;
    private final Map<PipeState, String> names;
    private final PipeState[] next;
    private final Map<PipeState, Map<PipeInput, PipeState>> transitionsFrom;
    private final List<Transition> transitions;
    private final String mermaid;

    private PipeProtocol(Builder b) {
        this.kind = b.kind;
        this.side = b.side;
        this.title = titleOf(kind, side);
        this.actions = new Action[PipeState.values().length];
        b.actions.forEach((s, a) -> actions[s.ordinal()] = a);
        this.states = Collections.unmodifiableSet(new LinkedHashSet<>(b.names.keySet()));
        this.names = Collections.unmodifiableMap(new EnumMap<>(b.names));
        this.transitions = List.copyOf(b.transitions);
        this.next = new PipeState[PipeState.values().length * INPUTS];
        Map<PipeState, Map<PipeInput, PipeState>> grouped = new EnumMap<>(PipeState.class);
        for (PipeState s : states) {
            grouped.put(s, new LinkedHashMap<>());
        }
        for (Transition t : transitions) {
            next[t.from().ordinal() * INPUTS + t.input().ordinal()] = t.to();
            grouped.get(t.from()).put(t.input(), t.to());
        }
        grouped.replaceAll((s, m) -> Collections.unmodifiableMap(m));
        this.transitionsFrom = Collections.unmodifiableMap(grouped);
        this.mermaid = renderMermaid();
    }

    /**
     * The table for one pipe kind and one side of the call. The six tables are built once;
     * this returns the same instance on every call.
     *
     * @param kind the pipe kind, not null
     * @param side the side, not null
     * @return the table
     */
    public static PipeProtocol of(PipeKind kind, Side side) {
        return TABLES[index(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(side, "side"))];
    }

    /**
     * The library's table for a plain call (no pipe), which the page does not cover: a client
     * makes the call, waits for its completion (cancelling on the way if asked), and completes;
     * a server is dispatched, then completes or aborts. Built by the same builder as the page's
     * tables, with the same checks; the same instance on every call.
     *
     * @param side the side, not null
     * @return the table; its {@link #kind()} is null and {@link #isPlain()} true
     */
    public static PipeProtocol plain(Side side) {
        return PLAIN[Objects.requireNonNull(side, "side").ordinal()];
    }

    /**
     * The table for a call with the given pipes.
     *
     * @param kind the pipe kind, or null for a plain call
     * @param side the side, not null
     * @return {@link #of(PipeKind, Side)} or {@link #plain(Side)}
     */
    public static PipeProtocol forCall(PipeKind kind, Side side) {
        return kind == null ? plain(side) : of(kind, side);
    }

    private static String titleOf(PipeKind kind, Side side) {
        String s = side.name().toLowerCase(Locale.ROOT);
        return kind == null ? "plain call, " + s : kind + " pipe, " + s;
    }

    private static int index(PipeKind kind, Side side) {
        return kind.ordinal() * Side.values().length + side.ordinal();
    }

    /**
     * The pipe kind this table is for.
     *
     * @return the kind, or null for a plain call's table ({@link #isPlain()})
     */
    public PipeKind kind() {
        return kind;
    }

    /** {@return true for the library's table of a plain call (no pipe), {@link #plain(Side)}} */
    public boolean isPlain() {
        return kind == null;
    }

    /**
     * The side of the call this table is for.
     *
     * @return the side
     */
    public Side side() {
        return side;
    }

    /**
     * The table's name as messages and the README use it: the kind, "pipe", and the side, e.g.
     * "IN_OUT pipe, server"; "plain call, client" for a plain call's table.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * The state a call starts in: {@link PipeState#C} (make the call) for a client,
     * {@link PipeState#D} (dispatch) for a server.
     *
     * @return the initial state
     */
    public PipeState initial() {
        return initialFor(side);
    }

    private static PipeState initialFor(Side side) {
        return side == Side.CLIENT ? C : D;
    }

    /**
     * The states the page lists in this table, in the page's order (the first is
     * {@link #initial()}, the last {@link PipeState#END}).
     *
     * @return an unmodifiable set
     */
    public Set<PipeState> states() {
        return states;
    }

    /**
     * Where an outcome leads.
     *
     * @param state the current state, not null
     * @param input the outcome, not null
     * @return the next state, or empty if the page does not list this pair in this table
     *     (including for every state that is not one of the table's {@link #states()})
     */
    public Optional<PipeState> next(PipeState state, PipeInput input) {
        return Optional.ofNullable(lookup(state, input));
    }

    /**
     * Where an outcome leads, refusing a pair the table does not list.
     *
     * @param state the current state, not null
     * @param input the outcome, not null
     * @return the next state
     * @throws IllegalPipeTransitionException if the page does not list this pair in this table;
     *     its message names the table, the state and the input
     */
    public PipeState require(PipeState state, PipeInput input) {
        PipeState to = lookup(state, input);
        if (to == null) {
            throw new IllegalPipeTransitionException(this, state, input);
        }
        return to;
    }

    private PipeState lookup(PipeState state, PipeInput input) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(input, "input");
        return next[state.ordinal() * INPUTS + input.ordinal()];
    }

    /**
     * What a call does in a state of this table.
     *
     * @param state one of {@link #states()}, not null
     * @return the state's action
     * @throws IllegalArgumentException if the state is not one of this table's states
     */
    public Action action(PipeState state) {
        Action a = actions[Objects.requireNonNull(state, "state").ordinal()];
        if (a == null) {
            throw new IllegalArgumentException(title + " has no state " + state);
        }
        return a;
    }

    /**
     * The page's name for a state in this table (its "State Name" column, e.g. "Push" for
     * {@link PipeState#P} in the IN client table and "Pull" in the OUT client table; the page
     * leaves {@link PipeState#END} unnamed, and this returns "End" for it).
     *
     * @param state one of {@link #states()}, not null
     * @return the name
     * @throws IllegalArgumentException if the state is not one of this table's states
     */
    public String stateName(PipeState state) {
        String name = names.get(Objects.requireNonNull(state, "state"));
        if (name == null) {
            throw new IllegalArgumentException(title + " has no state " + state);
        }
        return name;
    }

    /**
     * The outcomes a state accepts and where each leads, in the page's order.
     *
     * @param state the state, not null
     * @return an unmodifiable map; empty for {@link PipeState#END} and for a state that is not
     *     one of {@link #states()}
     */
    public Map<PipeInput, PipeState> transitionsFrom(PipeState state) {
        return transitionsFrom.getOrDefault(Objects.requireNonNull(state, "state"), Map.of());
    }

    /**
     * Every transition of the table, in the page's order (state by state, as the page lists
     * each state's outcomes).
     *
     * @return an unmodifiable list
     */
    public List<Transition> transitions() {
        return transitions;
    }

    /**
     * The table as a Mermaid {@code stateDiagram-v2}: one line per state giving its name, an
     * arrow from {@code [*]} to the initial state, one arrow per transition labelled with its
     * input (in the order of {@link #transitions()}), and an arrow from {@link PipeState#END}
     * to {@code [*]}. The output is the same on every call and ends with a line break.
     *
     * @return the diagram's source
     */
    public String toMermaid() {
        return mermaid;
    }

    private String renderMermaid() {
        StringBuilder out = new StringBuilder("stateDiagram-v2\n");
        for (PipeState s : states) {
            out.append("    ").append(s).append(" : ").append(names.get(s)).append('\n');
        }
        out.append("    [*] --> ").append(initial()).append('\n');
        for (Transition t : transitions) {
            out.append("    ").append(t.from()).append(" --> ").append(t.to())
                .append(" : ").append(t.input()).append('\n');
        }
        out.append("    ").append(END).append(" --> [*]\n");
        return out.toString();
    }

    /** @return e.g. {@code PipeProtocol[IN_OUT pipe, server: 10 states, 32 transitions]} */
    @Override
    public String toString() {
        return "PipeProtocol[" + title + ": " + states.size() + " states, " + transitions.size() + " transitions]";
    }

    // ---------------------------------------------------------------------------------------

    /**
     * Starts a table of the page (package-private so that tests can check the builder's
     * refusals).
     *
     * @param kind the pipe kind, not null
     * @param side the side
     * @return an empty builder
     */
    static Builder table(PipeKind kind, Side side) {
        return new Builder(Objects.requireNonNull(kind, "kind"), side);
    }

    /**
     * Starts a plain call's table.
     *
     * @param side the side
     * @return an empty builder
     */
    static Builder plainTable(Side side) {
        return new Builder(null, side);
    }

    /**
     * Writes a table row by row: {@link #state} starts a row, each {@link #on} adds one of its
     * outcomes. It refuses, with an IllegalStateException, what would make the table
     * ambiguous or leave a call stranded.
     */
    static final class Builder {

        private final PipeKind kind;
        private final Side side;
        private final Map<PipeState, String> names = new LinkedHashMap<>();
        private final Map<PipeState, Action> actions = new EnumMap<>(PipeState.class);
        private final List<Transition> transitions = new ArrayList<>();
        private final Map<PipeState, Map<PipeInput, PipeState>> seen = new EnumMap<>(PipeState.class);
        private PipeState current;

        private Builder(PipeKind kind, Side side) {
            this.kind = kind;
            this.side = Objects.requireNonNull(side, "side");
        }

        /**
         * Starts the row of a state.
         *
         * @param state the state, listed once per table
         * @param name the page's name for it in this table (no ':', ';' or line break: they
         *     would end a Mermaid description)
         * @param action what the call does there: it must fit the state's letter, the table's
         *     side, and a pipe this side sends or receives in a table of this kind
         * @return this builder
         */
        Builder state(PipeState state, String name, Action action) {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(action, "action");
            if (names.containsKey(state)) {
                throw new IllegalStateException(where() + ": state " + state + " is listed twice");
            }
            if (name.isBlank() || name.chars().anyMatch(c -> c == ':' || c == ';' || c == '\n' || c == '\r')) {
                throw new IllegalStateException(where() + ": state " + state + " has an unusable name \"" + name + "\"");
            }
            if (!action.fits(state)) {
                throw new IllegalStateException(where() + ": state " + state + " cannot carry the action " + action);
            }
            if (action.side() != null && action.side() != side) {
                throw new IllegalStateException(where() + ": " + action + " (in " + state + ") is a "
                    + action.side().name().toLowerCase(Locale.ROOT) + "'s action");
            }
            if (action.sends() && !sends()) {
                throw new IllegalStateException(where() + ": " + action + " (in " + state
                    + ") needs a pipe this side sends, and there is none");
            }
            if (action.receives() && !receives()) {
                throw new IllegalStateException(where() + ": " + action + " (in " + state
                    + ") needs a pipe this side receives, and there is none");
            }
            names.put(state, name);
            actions.put(state, action);
            seen.put(state, new EnumMap<>(PipeInput.class));
            current = state;
            return this;
        }

        /** A client sends an [in] pipe, a server an [out] pipe. */
        private boolean sends() {
            return kind == PipeKind.IN_OUT || kind == (side == Side.CLIENT ? PipeKind.IN : PipeKind.OUT);
        }

        /** A client receives an [out] pipe, a server an [in] pipe. */
        private boolean receives() {
            return kind == PipeKind.IN_OUT || kind == (side == Side.CLIENT ? PipeKind.OUT : PipeKind.IN);
        }

        /**
         * Adds an outcome to the current row.
         *
         * @param input the outcome; at most one target per (state, input) pair
         * @param to the state it leads to
         * @return this builder
         */
        Builder on(PipeInput input, PipeState to) {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(to, "to");
            if (current == null) {
                throw new IllegalStateException(where() + ": an outcome before the first state");
            }
            Action action = actions.get(current);
            if (!action.outcomes().contains(input)) {
                throw new IllegalStateException(where() + ": (" + current + ", " + input + "): "
                    + action + " cannot produce " + input);
            }
            PipeState earlier = seen.get(current).putIfAbsent(input, to);
            if (earlier != null) {
                throw new IllegalStateException(where() + ": (" + current + ", " + input + ") has two targets, "
                    + earlier + " and " + to);
            }
            transitions.add(new Transition(current, input, to));
            return this;
        }

        /**
         * Checks the table and freezes it.
         *
         * @return the table
         */
        PipeProtocol build() {
            List<PipeState> listed = new ArrayList<>(names.keySet());
            if (listed.isEmpty() || listed.get(0) != initialFor(side)) {
                throw new IllegalStateException(where() + ": the first state must be " + initialFor(side));
            }
            if (listed.get(listed.size() - 1) != END) {
                throw new IllegalStateException(where() + ": the last state must be " + END);
            }
            if (!seen.get(END).isEmpty()) {
                throw new IllegalStateException(where() + ": " + END + " must have no transitions");
            }
            for (Transition t : transitions) {
                if (!names.containsKey(t.to())) {
                    throw new IllegalStateException(where() + ": " + t + " leads to a state the table does not list");
                }
            }
            for (PipeState s : listed) {
                if (s != END && seen.get(s).isEmpty()) {
                    throw new IllegalStateException(where() + ": state " + s + " has no transitions");
                }
            }
            return new PipeProtocol(this);
        }

        private String where() {
            return titleOf(kind, side);
        }
    }
}
