package dev.winrpc.async.pipe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The six tables of Microsoft's "Asynchronous Pipe State" page
 * (docs/reference/asynchronous-pipe-state.md), transcribed for the tests straight from the
 * page's text and independently of {@link PipeProtocol}'s builder: the tests compare the two.
 *
 * <p>{@link #TRANSITIONS}: one line per sentence of an Action cell: pipe kind, side, state,
 * input, target, then the page's words (shown in the test's name). {@link #STATES}: one line per
 * row: pipe kind, side, state, then the page's State Name (the page gives End no name; the
 * tables call it "End"). Inputs are read as {@link PipeInput} documents them.
 */
final class SeedTables {

    private SeedTables() {
    }

    static final String TRANSITIONS = """
        IN      CLIENT  C      OK               WS      On success go to state WS
        IN      CLIENT  C      FAILED           END     On exception go to End
        IN      CLIENT  C      APP_FAIL         CAN     To fail: go to Can
        IN      CLIENT  P      FAILED           END     On failure go to End
        IN      CLIENT  P      OK               WS      On success go to WS
        IN      CLIENT  P      APP_FAIL         CAN     To fail: go to Can
        IN      CLIENT  WS     NO_NOTIFICATION  CAN     On failure to get a notification go to Can
        IN      CLIENT  WS     SENT_MORE        P       If a success RpcSendComplete is received and more data needs to be sent go to P
        IN      CLIENT  WS     SENT_LAST        NP      If a success RpcSendComplete is received and more data does not need to be sent go to NP
        IN      CLIENT  WS     CALL_FAILED      COMP    If a failure RpcCallComplete is received go Comp
        IN      CLIENT  WS     APP_FAIL         CAN     To fail: go to Can
        IN      CLIENT  NP     FAILED           END     On failure go to End
        IN      CLIENT  NP     OK               WCOMP   On success go to WComp
        IN      CLIENT  NP     APP_FAIL         CAN     To fail: go to Can
        IN      CLIENT  CAN    OK               WCOMP   Call RpcAsyncCancelCall Go to WComp
        IN      CLIENT  CAN    FAILED           WCOMP   Call RpcAsyncCancelCall Go to WComp (whatever it returns)
        IN      CLIENT  WCOMP  CALL_COMPLETE    COMP    Call-complete notification should be received. Go to Comp
        IN      CLIENT  COMP   OK               END     Issue RpcAsyncCompleteCall Go to End
        IN      CLIENT  COMP   FAILED           END     Issue RpcAsyncCompleteCall Go to End (whatever it returns)

        IN      SERVER  D      OK               P       The call is dispatched by the RPC runtime Go to P
        IN      SERVER  D      FATAL            END     To fail fatally (while executing on the RPC thread): Raise exception; go to End
        IN      SERVER  D      APP_FAIL         A       To fail gracefully: Go to A
        IN      SERVER  P      FAILED           END     On failure go to End
        IN      SERVER  P      PULLED_DATA      P       On success and synchronous completion with non-zero bytes read go to P
        IN      SERVER  P      PULLED_END       COMP    On success and synchronous completion with zero bytes read (null pull) go to Comp
        IN      SERVER  P      PULL_PENDING     WP      On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WP
        IN      SERVER  P      APP_FAIL         A       To fail: go to A
        IN      SERVER  WP     NO_NOTIFICATION  A       On failure to get a completion go to A
        IN      SERVER  WP     RECEIVE_FAILED   A       If a failure RpcReceiveComplete is received go to A
        IN      SERVER  WP     RECEIVED_DATA    P       If a success RpcReceiveComplete is received with non-zero bytes read go to P
        IN      SERVER  WP     RECEIVED_END     COMP    If a success RpcReceiveComplete is received with zero bytes read (null pull) go to Comp
        IN      SERVER  WP     FAILURE          A       If a failure is received go to A
        IN      SERVER  WP     APP_FAIL         A       To fail: go to A
        IN      SERVER  A      OK               END     Call RpcAsyncAbortCall Go to End
        IN      SERVER  A      FAILED           END     Call RpcAsyncAbortCall Go to End (whatever it returns)
        IN      SERVER  COMP   OK               END     Call RpcAsyncCompleteCall Go to End
        IN      SERVER  COMP   FAILED           END     Call RpcAsyncCompleteCall Go to End (whatever it returns)

        OUT     CLIENT  C      OK               P       On success go to P
        OUT     CLIENT  C      FAILED           COMP    On failure go to Comp
        OUT     CLIENT  C      APP_FAIL         CAN     To fail: go to Can
        OUT     CLIENT  P      FAILED           END     On failure go to End
        OUT     CLIENT  P      PULLED_DATA      P       On success and synchronous completion with non-zero bytes read go to P
        OUT     CLIENT  P      PULLED_END       WCOMP   On success and synchronous completion with zero bytes read (null pull) go to WComp
        OUT     CLIENT  P      PULL_PENDING     WP      On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WP
        OUT     CLIENT  P      APP_FAIL         CAN     To fail: go to Can
        OUT     CLIENT  WP     NO_NOTIFICATION  CAN     On failure to get a completion go to Can
        OUT     CLIENT  WP     RECEIVE_FAILED   CAN     If a failure RpcReceiveComplete is received go to Can
        OUT     CLIENT  WP     RECEIVED_DATA    P       If a success RpcReceiveComplete is received with non-zero bytes read go to P
        OUT     CLIENT  WP     RECEIVED_END     COMP    If a success RpcReceiveComplete is received with zero bytes read (null pull) go to Comp
        OUT     CLIENT  WP     FAILURE          CAN     If a failure is received go Can
        OUT     CLIENT  WP     APP_FAIL         CAN     To fail: go to Can
        OUT     CLIENT  CAN    OK               WCOMP   Call RpcAsyncCancelCall Go to WComp
        OUT     CLIENT  CAN    FAILED           WCOMP   Call RpcAsyncCancelCall Go to WComp (whatever it returns)
        OUT     CLIENT  WCOMP  CALL_COMPLETE    COMP    Wait for notification. Call-complete notification should be received. Go to Comp
        OUT     CLIENT  COMP   OK               END     Issue RpcAsyncCompleteCall Go to End
        OUT     CLIENT  COMP   FAILED           END     Issue RpcAsyncCompleteCall Go to End (whatever it returns)

        OUT     SERVER  D      OK               P       The call is dispatched by the RPC runtime Go to P
        OUT     SERVER  D      FATAL            END     To fail fatally (while executing on the RPC thread): Raise exception; go to End
        OUT     SERVER  D      APP_FAIL         A       To fail gracefully: Go to A
        OUT     SERVER  P      OK               WP      On success go to WP
        OUT     SERVER  P      FAILED           END     On failure go to End
        OUT     SERVER  P      APP_FAIL         A       To fail: go to A
        OUT     SERVER  WP     NO_NOTIFICATION  A       On failure to get a completion go to A
        OUT     SERVER  WP     SENT_MORE        P       If a success RpcSendComplete is received and more data needs to be sent go to P
        OUT     SERVER  WP     SENT_LAST        NP      If a success RpcSendComplete is received and more data does not need to be sent go to NP
        OUT     SERVER  WP     FAILURE          COMP    If a failure is received go Comp
        OUT     SERVER  WP     APP_FAIL         A       To fail: go to A
        OUT     SERVER  NP     OK               WNP     on success go to WNP
        OUT     SERVER  NP     FAILED           COMP    on failure go to Comp
        OUT     SERVER  NP     APP_FAIL         A       To fail: go to A
        OUT     SERVER  WNP    NO_NOTIFICATION  A       On failure to get a completion go to A
        OUT     SERVER  WNP    FAILURE          COMP    If a failure is received go Comp
        OUT     SERVER  WNP    SENT_LAST        COMP    If a success is received go Comp
        OUT     SERVER  A      OK               END     Call RpcAsyncAbortCall; go to End
        OUT     SERVER  A      FAILED           END     Call RpcAsyncAbortCall; go to End (whatever it returns)
        OUT     SERVER  COMP   OK               END     Issue RpcAsyncCompleteCall; go to End
        OUT     SERVER  COMP   FAILED           END     Issue RpcAsyncCompleteCall; go to End (whatever it returns)

        IN_OUT  CLIENT  C      OK               WS      On success go to WS
        IN_OUT  CLIENT  C      FAILED           END     On exception go to End
        IN_OUT  CLIENT  C      APP_FAIL         CAN     To fail: go to Can
        IN_OUT  CLIENT  PS     FAILED           END     On failure go to End
        IN_OUT  CLIENT  PS     OK               WS      On success go to WS
        IN_OUT  CLIENT  PS     APP_FAIL         CAN     To fail: go to Can
        IN_OUT  CLIENT  WS     NO_NOTIFICATION  CAN     On failure to get a notification go to Can
        IN_OUT  CLIENT  WS     SENT_MORE        PS      If a success RpcSendComplete is received and more data needs to be sent go to PS
        IN_OUT  CLIENT  WS     SENT_LAST        NP      If a success RpcSendComplete is received and more data does not need to be sent go to NP
        IN_OUT  CLIENT  WS     CALL_FAILED      COMP    If a failure RpcCallComplete is received go Comp
        IN_OUT  CLIENT  WS     APP_FAIL         CAN     To fail: go to Can
        IN_OUT  CLIENT  NP     FAILED           END     On failure go to End
        IN_OUT  CLIENT  NP     OK               PL      On success go to PL
        IN_OUT  CLIENT  NP     APP_FAIL         CAN     To fail: go to Can
        IN_OUT  CLIENT  PL     FAILED           END     On failure go to End
        IN_OUT  CLIENT  PL     PULLED_DATA      PL      On success and synchronous completion with non-zero bytes read go to PL
        IN_OUT  CLIENT  PL     PULLED_END       WCOMP   On success and synchronous completion with zero bytes read (null pull) go to WComp
        IN_OUT  CLIENT  PL     PULL_PENDING     WPL     On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WPL
        IN_OUT  CLIENT  PL     APP_FAIL         CAN     To fail: go to Can
        IN_OUT  CLIENT  WPL    NO_NOTIFICATION  CAN     On failure to get a completion go to Can
        IN_OUT  CLIENT  WPL    RECEIVE_FAILED   CAN     If a failure RpcReceiveComplete is received go to Can
        IN_OUT  CLIENT  WPL    RECEIVED_DATA    PL      If a success RpcReceiveComplete is received with non-zero bytes read go to PL
        IN_OUT  CLIENT  WPL    RECEIVED_END     COMP    If a success RpcReceiveComplete is received with zero bytes read go to Comp
        IN_OUT  CLIENT  WPL    FAILURE          CAN     If a failure is received go Can
        IN_OUT  CLIENT  WPL    APP_FAIL         CAN     To fail: go to Can
        IN_OUT  CLIENT  CAN    OK               WCOMP   Call RpcAsyncCancelCall Go to WComp
        IN_OUT  CLIENT  CAN    FAILED           WCOMP   Call RpcAsyncCancelCall Go to WComp (whatever it returns)
        IN_OUT  CLIENT  WCOMP  CALL_COMPLETE    COMP    Wait for notification. CallComplete notification should be received. Go to Comp
        IN_OUT  CLIENT  COMP   OK               END     Issue RpcAsyncCompleteCall Go to End
        IN_OUT  CLIENT  COMP   FAILED           END     Issue RpcAsyncCompleteCall Go to End (whatever it returns)

        IN_OUT  SERVER  D      OK               PL      The call is dispatched by the RPC runtime Go to PL
        IN_OUT  SERVER  D      FATAL            END     To fail fatally (while executing on the RPC thread): Raise exception; go to End
        IN_OUT  SERVER  D      APP_FAIL         A       To fail gracefully: Go to A
        IN_OUT  SERVER  PL     FAILED           END     On failure go to End
        IN_OUT  SERVER  PL     PULLED_DATA      PL      On success and synchronous completion with non-zero bytes read go to PL
        IN_OUT  SERVER  PL     PULLED_END       PS      On success and synchronous completion with zero bytes read (null pull) go to PS
        IN_OUT  SERVER  PL     PULL_PENDING     WPL     On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WPL
        IN_OUT  SERVER  PL     APP_FAIL         A       To fail: go to A
        IN_OUT  SERVER  WPL    NO_NOTIFICATION  A       On failure to get a completion go to A
        IN_OUT  SERVER  WPL    RECEIVE_FAILED   A       If a failure RpcReceiveComplete is received go to A
        IN_OUT  SERVER  WPL    RECEIVED_DATA    PL      If a success RpcReceiveComplete is received with non-zero bytes read go to PL
        IN_OUT  SERVER  WPL    RECEIVED_END     PS      If a success RpcReceiveComplete is received with zero bytes read go to PS
        IN_OUT  SERVER  WPL    FAILURE          A       If a failure is received go A
        IN_OUT  SERVER  WPL    APP_FAIL         A       To fail: go to A
        IN_OUT  SERVER  PS     OK               WPS     On success go to WPS
        IN_OUT  SERVER  PS     FAILED           END     On failure go to End
        IN_OUT  SERVER  PS     APP_FAIL         A       To fail: go to A
        IN_OUT  SERVER  WPS    NO_NOTIFICATION  A       On failure to get a completion go to A
        IN_OUT  SERVER  WPS    SENT_MORE        PS      If a success RpcSendComplete is received and more data needs to be sent go to PS
        IN_OUT  SERVER  WPS    SENT_LAST        NP      If a success RpcSendComplete is received and more data does not need to be sent go to NP
        IN_OUT  SERVER  WPS    FAILURE          COMP    If a failure is received go Comp
        IN_OUT  SERVER  WPS    APP_FAIL         A       To fail: go to A
        IN_OUT  SERVER  NP     OK               WNP     on success go to WNP
        IN_OUT  SERVER  NP     FAILED           COMP    on failure go to Comp
        IN_OUT  SERVER  NP     APP_FAIL         A       To fail: go to A
        IN_OUT  SERVER  WNP    NO_NOTIFICATION  A       On failure to get a completion go to A
        IN_OUT  SERVER  WNP    FAILURE          COMP    If a failure is received go Comp
        IN_OUT  SERVER  WNP    SENT_LAST        COMP    If a success is received go Comp
        IN_OUT  SERVER  A      OK               END     Call RpcAsyncAbortCall; go to End
        IN_OUT  SERVER  A      FAILED           END     Call RpcAsyncAbortCall; go to End (whatever it returns)
        IN_OUT  SERVER  COMP   OK               END     Issue RpcAsyncCompleteCall; go to End
        IN_OUT  SERVER  COMP   FAILED           END     Issue RpcAsyncCompleteCall; go to End (whatever it returns)
        """;

    static final String STATES = """
        IN      CLIENT  C      Make the call
        IN      CLIENT  P      Push
        IN      CLIENT  WS     Wait for Send
        IN      CLIENT  NP     Null Push
        IN      CLIENT  CAN    Cancel the Call
        IN      CLIENT  WCOMP  Wait for Completion
        IN      CLIENT  COMP   Completion
        IN      CLIENT  END    End

        IN      SERVER  D      Dispatch
        IN      SERVER  P      Pull
        IN      SERVER  WP     Wait for Pull
        IN      SERVER  A      Abort the Call
        IN      SERVER  COMP   Completion
        IN      SERVER  END    End

        OUT     CLIENT  C      Make the call
        OUT     CLIENT  P      Pull
        OUT     CLIENT  WP     Wait for Pull
        OUT     CLIENT  CAN    Cancel the Call
        OUT     CLIENT  WCOMP  Wait for Completion
        OUT     CLIENT  COMP   Completion
        OUT     CLIENT  END    End

        OUT     SERVER  D      Dispatch
        OUT     SERVER  P      Push
        OUT     SERVER  WP     Wait for Push
        OUT     SERVER  NP     Null Push
        OUT     SERVER  WNP    Wait for Null Push
        OUT     SERVER  A      Abort the Call
        OUT     SERVER  COMP   Completion
        OUT     SERVER  END    End

        IN_OUT  CLIENT  C      Make the call
        IN_OUT  CLIENT  PS     Push
        IN_OUT  CLIENT  WS     Wait for Send
        IN_OUT  CLIENT  NP     Null Push
        IN_OUT  CLIENT  PL     Pull
        IN_OUT  CLIENT  WPL    Wait for Pull
        IN_OUT  CLIENT  CAN    Cancel the Call
        IN_OUT  CLIENT  WCOMP  Wait for Completion
        IN_OUT  CLIENT  COMP   Completion
        IN_OUT  CLIENT  END    End

        IN_OUT  SERVER  D      Dispatch
        IN_OUT  SERVER  PL     Pull
        IN_OUT  SERVER  WPL    Wait for Pull
        IN_OUT  SERVER  PS     Push
        IN_OUT  SERVER  WPS    Wait for Push
        IN_OUT  SERVER  NP     Null Push
        IN_OUT  SERVER  WNP    Wait for Null Push
        IN_OUT  SERVER  A      Abort the Call
        IN_OUT  SERVER  COMP   Completion
        IN_OUT  SERVER  END    End
        """;

    /** A table of the page: a pipe kind and a side. */
    record Table(PipeKind kind, Side side) {

        PipeProtocol protocol() {
            return PipeProtocol.of(kind, side);
        }

        /** The page's heading for the table, as the library's messages and README spell it. */
        String title() {
            return kind + " pipe, " + (side == Side.CLIENT ? "client" : "server");
        }

        @Override
        public String toString() {
            return title();
        }
    }

    /** A line of {@link #TRANSITIONS}. */
    record Row(Table table, Transition transition, String seedText) {

        @Override
        public String toString() {
            return table + ": " + transition.from() + " " + transition.input() + " -> " + transition.to()
                + "  (\"" + seedText + "\")";
        }
    }

    /** The six tables in the page's order. */
    static List<Table> tables() {
        List<Table> tables = new ArrayList<>();
        for (PipeKind kind : PipeKind.values()) {
            for (Side side : Side.values()) {
                tables.add(new Table(kind, side));
            }
        }
        return tables;
    }

    /** Every line of {@link #TRANSITIONS}, in order. */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String line : TRANSITIONS.strip().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\s+", 6);
            if (f.length != 6) {
                throw new IllegalArgumentException("malformed seed line: " + line);
            }
            rows.add(new Row(new Table(PipeKind.valueOf(f[0]), Side.valueOf(f[1])),
                new Transition(PipeState.valueOf(f[2]), PipeInput.valueOf(f[3]), PipeState.valueOf(f[4])),
                f[5]));
        }
        return rows;
    }

    /** The transitions the page lists for one table. */
    static Set<Transition> transitions(Table table) {
        Set<Transition> set = new LinkedHashSet<>();
        for (Row row : rows()) {
            if (row.table().equals(table) && !set.add(row.transition())) {
                throw new IllegalArgumentException("seed transcription lists twice: " + row);
            }
        }
        return set;
    }

    /** The states the page lists for one table, in its order, with their names. */
    static Map<PipeState, String> states(Table table) {
        Map<PipeState, String> states = new LinkedHashMap<>();
        for (String line : STATES.strip().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\s+", 4);
            if (f.length != 4) {
                throw new IllegalArgumentException("malformed seed line: " + line);
            }
            if (PipeKind.valueOf(f[0]) == table.kind() && Side.valueOf(f[1]) == table.side()) {
                states.put(PipeState.valueOf(f[2]), f[3]);
            }
        }
        return Collections.unmodifiableMap(states);
    }
}
