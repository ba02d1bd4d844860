package dev.winrpc.async.pipe;

import static dev.winrpc.async.pipe.PipeInput.*;
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
 * One of the six state tables of Microsoft's "Asynchronous Pipe State" page (seed 002,
 * <a href="https://learn.microsoft.com/en-us/windows/win32/rpc/asynchronous-pipe-state">
 * learn.microsoft.com</a>), as frozen data: which states a {@link PipeKind pipe kind} goes
 * through on one {@link Side side} of the call, and where each {@link PipeInput outcome} of a
 * state's action leads.
 *
 * <p>The six tables are built once, when this class is initialised, by the builder below: each
 * line of the page's tables is one line of code, with the page's words beside it. The builder
 * refuses a table in which one (state, input) pair has two targets, a target that is not one of
 * the table's states, a state listed twice, and a state other than {@link PipeState#END} that
 * has no way out. Instances are immutable and safe to share between threads.
 *
 * <p>Every pair the page does not list is refused: {@link #next} returns an empty Optional and
 * {@link #require} throws {@link IllegalPipeTransitionException}. Where the page is irregular
 * (for instance the IN client's C goes to WS on success, and the OUT client's C to Comp on
 * failure) the tables follow it literally.
 */
public final class PipeProtocol {

    private static final int INPUTS = PipeInput.values().length;

    /** The six tables, indexed by {@link #index(PipeKind, Side)}. */
    private static final PipeProtocol[] TABLES = new PipeProtocol[PipeKind.values().length * Side.values().length];

    static {
        for (PipeProtocol p : List.of(inClient(), inServer(), outClient(), outServer(), inOutClient(), inOutServer())) {
            TABLES[index(p.kind, p.side)] = p;
        }
    }

    private final PipeKind kind;
    private final Side side;
    private final String title;
    private final Set<PipeState> states;
    private final Map<PipeState, String> names;
    private final PipeState[] next;
    private final Map<PipeState, Map<PipeInput, PipeState>> transitionsFrom;
    private final List<Transition> transitions;
    private final String mermaid;

    // ---------------------------------------------------------------------------------------
    // The tables. Each .state(...) is a row of the page (its State and State Name columns);
    // each .on(...) below it is one sentence of that row's Action column, quoted beside it.
    // ---------------------------------------------------------------------------------------

    /** Seed 002, section "IN Pipe", "Client Behavior". */
    private static PipeProtocol inClient() {
        return table(PipeKind.IN, Side.CLIENT)
            .state(C, "Make the call")
                .on(OK, WS)                 // On success go to state WS
                .on(FAILED, END)            // On exception go to End
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(P, "Push")
                .on(FAILED, END)            // On failure go to End
                .on(OK, WS)                 // On success go to WS
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(WS, "Wait for Send")
                .on(NO_NOTIFICATION, CAN)   // On failure to get a notification go to Can
                .on(SENT_MORE, P)           // If a success RpcSendComplete is received and more data needs to be sent go to P
                .on(SENT_LAST, NP)          // If a success RpcSendComplete is received and more data does not need to be sent go to NP
                .on(CALL_FAILED, COMP)      // If a failure RpcCallComplete is received go Comp
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(NP, "Null Push")
                .on(FAILED, END)            // On failure go to End
                .on(OK, WCOMP)              // On success go to WComp
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(CAN, "Cancel the Call")
                .on(OK, WCOMP)              // Call RpcAsyncCancelCall Go to WComp
                .on(FAILED, WCOMP)          //   (whatever it returns)
            .state(WCOMP, "Wait for Completion")
                .on(CALL_COMPLETE, COMP)    // Call-complete notification should be received. Go to Comp
            .state(COMP, "Completion")
                .on(OK, END)                // Issue RpcAsyncCompleteCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End")
            .build();
    }

    /** Seed 002, section "IN Pipe", "Server Behavior". */
    private static PipeProtocol inServer() {
        return table(PipeKind.IN, Side.SERVER)
            .state(D, "Dispatch")
                .on(OK, P)                  // The call is dispatched by the RPC runtime Go to P
                .on(FATAL, END)             // To fail fatally (while executing on the RPC thread): Raise exception; go to End
                .on(APP_FAIL, A)            // To fail gracefully: Go to A
            .state(P, "Pull")
                .on(FAILED, END)            // On failure go to End
                .on(PULLED_DATA, P)         // On success and synchronous completion with non-zero bytes read go to P
                .on(PULLED_END, COMP)       // On success and synchronous completion with zero bytes read (null pull) go to Comp
                .on(PULL_PENDING, WP)       // On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WP
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WP, "Wait for Pull")
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(RECEIVE_FAILED, A)      // If a failure RpcReceiveComplete is received go to A
                .on(RECEIVED_DATA, P)       // If a success RpcReceiveComplete is received with non-zero bytes read go to P
                .on(RECEIVED_END, COMP)     // If a success RpcReceiveComplete is received with zero bytes read (null pull) go to Comp
                .on(FAILURE, A)             // If a failure is received go to A
                .on(APP_FAIL, A)            // To fail: go to A
            .state(A, "Abort the Call")
                .on(OK, END)                // Call RpcAsyncAbortCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(COMP, "Completion")
                .on(OK, END)                // Call RpcAsyncCompleteCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End")
            .build();
    }

    /** Seed 002, section "OUT Pipe", "Client Behavior". */
    private static PipeProtocol outClient() {
        return table(PipeKind.OUT, Side.CLIENT)
            .state(C, "Make the call")
                .on(OK, P)                  // On success go to P
                .on(FAILED, COMP)           // On failure go to Comp
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(P, "Pull")
                .on(FAILED, END)            // On failure go to End
                .on(PULLED_DATA, P)         // On success and synchronous completion with non-zero bytes read go to P
                .on(PULLED_END, WCOMP)      // On success and synchronous completion with zero bytes read (null pull) go to WComp
                .on(PULL_PENDING, WP)       // On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WP
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(WP, "Wait for Pull")
                .on(NO_NOTIFICATION, CAN)   // On failure to get a completion go to Can
                .on(RECEIVE_FAILED, CAN)    // If a failure RpcReceiveComplete is received go to Can
                .on(RECEIVED_DATA, P)       // If a success RpcReceiveComplete is received with non-zero bytes read go to P
                .on(RECEIVED_END, COMP)     // If a success RpcReceiveComplete is received with zero bytes read (null pull) go to Comp
                .on(FAILURE, CAN)           // If a failure is received go Can
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(CAN, "Cancel the Call")
                .on(OK, WCOMP)              // Call RpcAsyncCancelCall Go to WComp
                .on(FAILED, WCOMP)          //   (whatever it returns)
            .state(WCOMP, "Wait for Completion")
                .on(CALL_COMPLETE, COMP)    // Wait for notification. Call-complete notification should be received. Go to Comp
            .state(COMP, "Completion")
                .on(OK, END)                // Issue RpcAsyncCompleteCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End")
            .build();
    }

    /** Seed 002, section "OUT Pipe", "Server Behavior". */
    private static PipeProtocol outServer() {
        return table(PipeKind.OUT, Side.SERVER)
            .state(D, "Dispatch")
                .on(OK, P)                  // The call is dispatched by the RPC runtime Go to P
                .on(FATAL, END)             // To fail fatally (while executing on the RPC thread): Raise exception; go to End
                .on(APP_FAIL, A)            // To fail gracefully: Go to A
            .state(P, "Push")
                .on(OK, WP)                 // On success go to WP
                .on(FAILED, END)            // On failure go to End
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WP, "Wait for Push")
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(SENT_MORE, P)           // If a success RpcSendComplete is received and more data needs to be sent go to P
                .on(SENT_LAST, NP)          // If a success RpcSendComplete is received and more data does not need to be sent go to NP
                .on(FAILURE, COMP)          // If a failure is received go Comp
                .on(APP_FAIL, A)            // To fail: go to A
            .state(NP, "Null Push")
                .on(OK, WNP)                // on success go to WNP
                .on(FAILED, COMP)           // on failure go to Comp
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WNP, "Wait for Null Push")
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(FAILURE, COMP)          // If a failure is received go Comp
                .on(SENT_LAST, COMP)        // If a success is received go Comp
            .state(A, "Abort the Call")
                .on(OK, END)                // Call RpcAsyncAbortCall; go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(COMP, "Completion")
                .on(OK, END)                // Issue RpcAsyncCompleteCall; go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End")
            .build();
    }

    /** Seed 002, section "IN-OUT Pipe", "Client Behavior". */
    private static PipeProtocol inOutClient() {
        return table(PipeKind.IN_OUT, Side.CLIENT)
            .state(C, "Make the call")
                .on(OK, WS)                 // On success go to WS
                .on(FAILED, END)            // On exception go to End
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(PS, "Push")
                .on(FAILED, END)            // On failure go to End
                .on(OK, WS)                 // On success go to WS
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(WS, "Wait for Send")
                .on(NO_NOTIFICATION, CAN)   // On failure to get a notification go to Can
                .on(SENT_MORE, PS)          // If a success RpcSendComplete is received and more data needs to be sent go to PS
                .on(SENT_LAST, NP)          // If a success RpcSendComplete is received and more data does not need to be sent go to NP
                .on(CALL_FAILED, COMP)      // If a failure RpcCallComplete is received go Comp
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(NP, "Null Push")
                .on(FAILED, END)            // On failure go to End
                .on(OK, PL)                 // On success go to PL
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(PL, "Pull")
                .on(FAILED, END)            // On failure go to End
                .on(PULLED_DATA, PL)        // On success and synchronous completion with non-zero bytes read go to PL
                .on(PULLED_END, WCOMP)      // On success and synchronous completion with zero bytes read (null pull) go to WComp
                .on(PULL_PENDING, WPL)      // On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WPL
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(WPL, "Wait for Pull")
                .on(NO_NOTIFICATION, CAN)   // On failure to get a completion go to Can
                .on(RECEIVE_FAILED, CAN)    // If a failure RpcReceiveComplete is received go to Can
                .on(RECEIVED_DATA, PL)      // If a success RpcReceiveComplete is received with non-zero bytes read go to PL
                .on(RECEIVED_END, COMP)     // If a success RpcReceiveComplete is received with zero bytes read go to Comp
                .on(FAILURE, CAN)           // If a failure is received go Can
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(CAN, "Cancel the Call")
                .on(OK, WCOMP)              // Call RpcAsyncCancelCall Go to WComp
                .on(FAILED, WCOMP)          //   (whatever it returns)
            .state(WCOMP, "Wait for Completion")
                .on(CALL_COMPLETE, COMP)    // Wait for notification. CallComplete notification should be received. Go to Comp
            .state(COMP, "Completion")
                .on(OK, END)                // Issue RpcAsyncCompleteCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End")
            .build();
    }

    /** Seed 002, section "IN-OUT Pipe", "Server Behavior". */
    private static PipeProtocol inOutServer() {
        return table(PipeKind.IN_OUT, Side.SERVER)
            .state(D, "Dispatch")
                .on(OK, PL)                 // The call is dispatched by the RPC runtime Go to PL
                .on(FATAL, END)             // To fail fatally (while executing on the RPC thread): Raise exception; go to End
                .on(APP_FAIL, A)            // To fail gracefully: Go to A
            .state(PL, "Pull")
                .on(FAILED, END)            // On failure go to End
                .on(PULLED_DATA, PL)        // On success and synchronous completion with non-zero bytes read go to PL
                .on(PULLED_END, PS)         // On success and synchronous completion with zero bytes read (null pull) go to PS
                .on(PULL_PENDING, WPL)      // On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WPL
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WPL, "Wait for Pull")
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(RECEIVE_FAILED, A)      // If a failure RpcReceiveComplete is received go to A
                .on(RECEIVED_DATA, PL)      // If a success RpcReceiveComplete is received with non-zero bytes read go to PL
                .on(RECEIVED_END, PS)       // If a success RpcReceiveComplete is received with zero bytes read go to PS
                .on(FAILURE, A)             // If a failure is received go A
                .on(APP_FAIL, A)            // To fail: go to A
            .state(PS, "Push")
                .on(OK, WPS)                // On success go to WPS
                .on(FAILED, END)            // On failure go to End
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WPS, "Wait for Push")
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(SENT_MORE, PS)          // If a success RpcSendComplete is received and more data needs to be sent go to PS
                .on(SENT_LAST, NP)          // If a success RpcSendComplete is received and more data does not need to be sent go to NP
                .on(FAILURE, COMP)          // If a failure is received go Comp
                .on(APP_FAIL, A)            // To fail: go to A
            .state(NP, "Null Push")
                .on(OK, WNP)                // on success go to WNP
                .on(FAILED, COMP)           // on failure go to Comp
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WNP, "Wait for Null Push")
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(FAILURE, COMP)          // If a failure is received go Comp
                .on(SENT_LAST, COMP)        // If a success is received go Comp
            .state(A, "Abort the Call")
                .on(OK, END)                // Call RpcAsyncAbortCall; go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(COMP, "Completion")
                .on(OK, END)                // Issue RpcAsyncCompleteCall; go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End")
            .build();
    }

    // ---------------------------------------------------------------------------------------

    private PipeProtocol(Builder b) {
        this.kind = b.kind;
        this.side = b.side;
        this.title = kind + " pipe, " + side.name().toLowerCase(Locale.ROOT);
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

    private static int index(PipeKind kind, Side side) {
        return kind.ordinal() * Side.values().length + side.ordinal();
    }

    /**
     * The pipe kind this table is for.
     *
     * @return the kind
     */
    public PipeKind kind() {
        return kind;
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
     * "IN_OUT pipe, server".
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
     * Starts a table (package-private so that tests can check the builder's refusals).
     *
     * @param kind the pipe kind
     * @param side the side
     * @return an empty builder
     */
    static Builder table(PipeKind kind, Side side) {
        return new Builder(kind, side);
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
        private final List<Transition> transitions = new ArrayList<>();
        private final Map<PipeState, Map<PipeInput, PipeState>> seen = new EnumMap<>(PipeState.class);
        private PipeState current;

        private Builder(PipeKind kind, Side side) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.side = Objects.requireNonNull(side, "side");
        }

        /**
         * Starts the row of a state.
         *
         * @param state the state, listed once per table
         * @param name the page's name for it in this table (no ':', ';' or line break: they
         *     would end a Mermaid description)
         * @return this builder
         */
        Builder state(PipeState state, String name) {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(name, "name");
            if (names.containsKey(state)) {
                throw new IllegalStateException(where() + ": state " + state + " is listed twice");
            }
            if (name.isBlank() || name.chars().anyMatch(c -> c == ':' || c == ';' || c == '\n' || c == '\r')) {
                throw new IllegalStateException(where() + ": state " + state + " has an unusable name \"" + name + "\"");
            }
            names.put(state, name);
            seen.put(state, new EnumMap<>(PipeInput.class));
            current = state;
            return this;
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
            return kind + " pipe, " + side.name().toLowerCase(Locale.ROOT);
        }
    }
}
