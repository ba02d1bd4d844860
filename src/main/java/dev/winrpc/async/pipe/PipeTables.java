package dev.winrpc.async.pipe;

import static dev.winrpc.async.pipe.Action.ABORT;
import static dev.winrpc.async.pipe.Action.CANCEL;
import static dev.winrpc.async.pipe.Action.COMPLETE;
import static dev.winrpc.async.pipe.Action.DISPATCH;
import static dev.winrpc.async.pipe.Action.MAKE_CALL;
import static dev.winrpc.async.pipe.Action.NULL_PUSH;
import static dev.winrpc.async.pipe.Action.PULL;
import static dev.winrpc.async.pipe.Action.PUSH;
import static dev.winrpc.async.pipe.Action.WAIT_COMPLETION;
import static dev.winrpc.async.pipe.Action.WAIT_NULL_PUSH;
import static dev.winrpc.async.pipe.Action.WAIT_PULL;
import static dev.winrpc.async.pipe.Action.WAIT_SEND;
import static dev.winrpc.async.pipe.PipeInput.*;
import static dev.winrpc.async.pipe.PipeState.*;

/**
 * The tables as data: the six of Microsoft's "Asynchronous Pipe State" page
 * (<a href="../../../../../../../docs/reference/asynchronous-pipe-state.md">docs/reference/asynchronous-pipe-state.md</a>),
 * and the library's two for plain calls, which the page does not cover.
 *
 * <p>Each {@code .state(...)} is a row of the page: its State and State Name columns, and the
 * {@link Action} the call performs there; each {@code .on(...)} below it is one sentence of
 * that row's Action column, quoted beside it. {@link PipeProtocol} builds each table once.
 */
final class PipeTables {

    private PipeTables() {
    }

    /** Seed 002, section "IN Pipe", "Client Behavior". */
    static PipeProtocol inClient() {
        return PipeProtocol.table(PipeKind.IN, Side.CLIENT)
            .state(C, "Make the call", MAKE_CALL)
                .on(OK, WS)                 // On success go to state WS
                .on(FAILED, END)            // On exception go to End
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(P, "Push", PUSH)
                .on(FAILED, END)            // On failure go to End
                .on(OK, WS)                 // On success go to WS
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(WS, "Wait for Send", WAIT_SEND)
                .on(NO_NOTIFICATION, CAN)   // On failure to get a notification go to Can
                .on(SENT_MORE, P)           // If a success RpcSendComplete is received and more data needs to be sent go to P
                .on(SENT_LAST, NP)          // If a success RpcSendComplete is received and more data does not need to be sent go to NP
                .on(CALL_FAILED, COMP)      // If a failure RpcCallComplete is received go Comp
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(NP, "Null Push", NULL_PUSH)
                .on(FAILED, END)            // On failure go to End
                .on(OK, WCOMP)              // On success go to WComp
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(CAN, "Cancel the Call", CANCEL)
                .on(OK, WCOMP)              // Call RpcAsyncCancelCall Go to WComp
                .on(FAILED, WCOMP)          //   (whatever it returns)
            .state(WCOMP, "Wait for Completion", WAIT_COMPLETION)
                .on(CALL_COMPLETE, COMP)    // Call-complete notification should be received. Go to Comp
            .state(COMP, "Completion", COMPLETE)
                .on(OK, END)                // Issue RpcAsyncCompleteCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End", Action.END)
            .build();
    }

    /** Seed 002, section "IN Pipe", "Server Behavior". */
    static PipeProtocol inServer() {
        return PipeProtocol.table(PipeKind.IN, Side.SERVER)
            .state(D, "Dispatch", DISPATCH)
                .on(OK, P)                  // The call is dispatched by the RPC runtime Go to P
                .on(FATAL, END)             // To fail fatally (while executing on the RPC thread): Raise exception; go to End
                .on(APP_FAIL, A)            // To fail gracefully: Go to A
            .state(P, "Pull", PULL)
                .on(FAILED, END)            // On failure go to End
                .on(PULLED_DATA, P)         // On success and synchronous completion with non-zero bytes read go to P
                .on(PULLED_END, COMP)       // On success and synchronous completion with zero bytes read (null pull) go to Comp
                .on(PULL_PENDING, WP)       // On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WP
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WP, "Wait for Pull", WAIT_PULL)
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(RECEIVE_FAILED, A)      // If a failure RpcReceiveComplete is received go to A
                .on(RECEIVED_DATA, P)       // If a success RpcReceiveComplete is received with non-zero bytes read go to P
                .on(RECEIVED_END, COMP)     // If a success RpcReceiveComplete is received with zero bytes read (null pull) go to Comp
                .on(FAILURE, A)             // If a failure is received go to A
                .on(APP_FAIL, A)            // To fail: go to A
            .state(A, "Abort the Call", ABORT)
                .on(OK, END)                // Call RpcAsyncAbortCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(COMP, "Completion", COMPLETE)
                .on(OK, END)                // Call RpcAsyncCompleteCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End", Action.END)
            .build();
    }

    /** Seed 002, section "OUT Pipe", "Client Behavior". */
    static PipeProtocol outClient() {
        return PipeProtocol.table(PipeKind.OUT, Side.CLIENT)
            .state(C, "Make the call", MAKE_CALL)
                .on(OK, P)                  // On success go to P
                .on(FAILED, COMP)           // On failure go to Comp
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(P, "Pull", PULL)
                .on(FAILED, END)            // On failure go to End
                .on(PULLED_DATA, P)         // On success and synchronous completion with non-zero bytes read go to P
                .on(PULLED_END, WCOMP)      // On success and synchronous completion with zero bytes read (null pull) go to WComp
                .on(PULL_PENDING, WP)       // On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WP
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(WP, "Wait for Pull", WAIT_PULL)
                .on(NO_NOTIFICATION, CAN)   // On failure to get a completion go to Can
                .on(RECEIVE_FAILED, CAN)    // If a failure RpcReceiveComplete is received go to Can
                .on(RECEIVED_DATA, P)       // If a success RpcReceiveComplete is received with non-zero bytes read go to P
                .on(RECEIVED_END, COMP)     // If a success RpcReceiveComplete is received with zero bytes read (null pull) go to Comp
                .on(FAILURE, CAN)           // If a failure is received go Can
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(CAN, "Cancel the Call", CANCEL)
                .on(OK, WCOMP)              // Call RpcAsyncCancelCall Go to WComp
                .on(FAILED, WCOMP)          //   (whatever it returns)
            .state(WCOMP, "Wait for Completion", WAIT_COMPLETION)
                .on(CALL_COMPLETE, COMP)    // Wait for notification. Call-complete notification should be received. Go to Comp
            .state(COMP, "Completion", COMPLETE)
                .on(OK, END)                // Issue RpcAsyncCompleteCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End", Action.END)
            .build();
    }

    /** Seed 002, section "OUT Pipe", "Server Behavior". */
    static PipeProtocol outServer() {
        return PipeProtocol.table(PipeKind.OUT, Side.SERVER)
            .state(D, "Dispatch", DISPATCH)
                .on(OK, P)                  // The call is dispatched by the RPC runtime Go to P
                .on(FATAL, END)             // To fail fatally (while executing on the RPC thread): Raise exception; go to End
                .on(APP_FAIL, A)            // To fail gracefully: Go to A
            .state(P, "Push", PUSH)
                .on(OK, WP)                 // On success go to WP
                .on(FAILED, END)            // On failure go to End
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WP, "Wait for Push", WAIT_SEND)
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(SENT_MORE, P)           // If a success RpcSendComplete is received and more data needs to be sent go to P
                .on(SENT_LAST, NP)          // If a success RpcSendComplete is received and more data does not need to be sent go to NP
                .on(FAILURE, COMP)          // If a failure is received go Comp
                .on(APP_FAIL, A)            // To fail: go to A
            .state(NP, "Null Push", NULL_PUSH)
                .on(OK, WNP)                // on success go to WNP
                .on(FAILED, COMP)           // on failure go to Comp
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WNP, "Wait for Null Push", WAIT_NULL_PUSH)
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(FAILURE, COMP)          // If a failure is received go Comp
                .on(SENT_LAST, COMP)        // If a success is received go Comp
            .state(A, "Abort the Call", ABORT)
                .on(OK, END)                // Call RpcAsyncAbortCall; go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(COMP, "Completion", COMPLETE)
                .on(OK, END)                // Issue RpcAsyncCompleteCall; go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End", Action.END)
            .build();
    }

    /** Seed 002, section "IN-OUT Pipe", "Client Behavior". */
    static PipeProtocol inOutClient() {
        return PipeProtocol.table(PipeKind.IN_OUT, Side.CLIENT)
            .state(C, "Make the call", MAKE_CALL)
                .on(OK, WS)                 // On success go to WS
                .on(FAILED, END)            // On exception go to End
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(PS, "Push", PUSH)
                .on(FAILED, END)            // On failure go to End
                .on(OK, WS)                 // On success go to WS
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(WS, "Wait for Send", WAIT_SEND)
                .on(NO_NOTIFICATION, CAN)   // On failure to get a notification go to Can
                .on(SENT_MORE, PS)          // If a success RpcSendComplete is received and more data needs to be sent go to PS
                .on(SENT_LAST, NP)          // If a success RpcSendComplete is received and more data does not need to be sent go to NP
                .on(CALL_FAILED, COMP)      // If a failure RpcCallComplete is received go Comp
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(NP, "Null Push", NULL_PUSH)
                .on(FAILED, END)            // On failure go to End
                .on(OK, PL)                 // On success go to PL
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(PL, "Pull", PULL)
                .on(FAILED, END)            // On failure go to End
                .on(PULLED_DATA, PL)        // On success and synchronous completion with non-zero bytes read go to PL
                .on(PULLED_END, WCOMP)      // On success and synchronous completion with zero bytes read (null pull) go to WComp
                .on(PULL_PENDING, WPL)      // On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WPL
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(WPL, "Wait for Pull", WAIT_PULL)
                .on(NO_NOTIFICATION, CAN)   // On failure to get a completion go to Can
                .on(RECEIVE_FAILED, CAN)    // If a failure RpcReceiveComplete is received go to Can
                .on(RECEIVED_DATA, PL)      // If a success RpcReceiveComplete is received with non-zero bytes read go to PL
                .on(RECEIVED_END, COMP)     // If a success RpcReceiveComplete is received with zero bytes read go to Comp
                .on(FAILURE, CAN)           // If a failure is received go Can
                .on(APP_FAIL, CAN)          // To fail: go to Can
            .state(CAN, "Cancel the Call", CANCEL)
                .on(OK, WCOMP)              // Call RpcAsyncCancelCall Go to WComp
                .on(FAILED, WCOMP)          //   (whatever it returns)
            .state(WCOMP, "Wait for Completion", WAIT_COMPLETION)
                .on(CALL_COMPLETE, COMP)    // Wait for notification. CallComplete notification should be received. Go to Comp
            .state(COMP, "Completion", COMPLETE)
                .on(OK, END)                // Issue RpcAsyncCompleteCall Go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End", Action.END)
            .build();
    }

    /** Seed 002, section "IN-OUT Pipe", "Server Behavior". */
    static PipeProtocol inOutServer() {
        return PipeProtocol.table(PipeKind.IN_OUT, Side.SERVER)
            .state(D, "Dispatch", DISPATCH)
                .on(OK, PL)                 // The call is dispatched by the RPC runtime Go to PL
                .on(FATAL, END)             // To fail fatally (while executing on the RPC thread): Raise exception; go to End
                .on(APP_FAIL, A)            // To fail gracefully: Go to A
            .state(PL, "Pull", PULL)
                .on(FAILED, END)            // On failure go to End
                .on(PULLED_DATA, PL)        // On success and synchronous completion with non-zero bytes read go to PL
                .on(PULLED_END, PS)         // On success and synchronous completion with zero bytes read (null pull) go to PS
                .on(PULL_PENDING, WPL)      // On success and asynchronous completion (ERROR_IO_PENDING is returned) go to WPL
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WPL, "Wait for Pull", WAIT_PULL)
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(RECEIVE_FAILED, A)      // If a failure RpcReceiveComplete is received go to A
                .on(RECEIVED_DATA, PL)      // If a success RpcReceiveComplete is received with non-zero bytes read go to PL
                .on(RECEIVED_END, PS)       // If a success RpcReceiveComplete is received with zero bytes read go to PS
                .on(FAILURE, A)             // If a failure is received go A
                .on(APP_FAIL, A)            // To fail: go to A
            .state(PS, "Push", PUSH)
                .on(OK, WPS)                // On success go to WPS
                .on(FAILED, END)            // On failure go to End
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WPS, "Wait for Push", WAIT_SEND)
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(SENT_MORE, PS)          // If a success RpcSendComplete is received and more data needs to be sent go to PS
                .on(SENT_LAST, NP)          // If a success RpcSendComplete is received and more data does not need to be sent go to NP
                .on(FAILURE, COMP)          // If a failure is received go Comp
                .on(APP_FAIL, A)            // To fail: go to A
            .state(NP, "Null Push", NULL_PUSH)
                .on(OK, WNP)                // on success go to WNP
                .on(FAILED, COMP)           // on failure go to Comp
                .on(APP_FAIL, A)            // To fail: go to A
            .state(WNP, "Wait for Null Push", WAIT_NULL_PUSH)
                .on(NO_NOTIFICATION, A)     // On failure to get a completion go to A
                .on(FAILURE, COMP)          // If a failure is received go Comp
                .on(SENT_LAST, COMP)        // If a success is received go Comp
            .state(A, "Abort the Call", ABORT)
                .on(OK, END)                // Call RpcAsyncAbortCall; go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(COMP, "Completion", COMPLETE)
                .on(OK, END)                // Issue RpcAsyncCompleteCall; go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End", Action.END)
            .build();
    }

    /**
     * A plain call (no pipe), client side. Not in the page: its table is the page's client
     * table with the pipe states left out. The client makes the call, waits for the completion
     * (and may cancel while it waits), then completes.
     */
    static PipeProtocol plainClient() {
        return PipeProtocol.plainTable(Side.CLIENT)
            .state(C, "Make the call", MAKE_CALL)
                .on(OK, WCOMP)              // the call was made: wait for its completion
                .on(FAILED, END)            // the stub failed: there is no call
                .on(APP_FAIL, CAN)          // a cancel asked for inside the stub
            .state(WCOMP, "Wait for Completion", WAIT_COMPLETION)
                .on(CALL_COMPLETE, COMP)    // RpcCallComplete: go to Comp
                .on(APP_FAIL, CAN)          // the application cancels
                .on(NO_NOTIFICATION, CAN)   // no notification can come: cancel
            .state(CAN, "Cancel the Call", CANCEL)
                .on(OK, WCOMP)              // Call RpcAsyncCancelCall, go to WComp
                .on(FAILED, WCOMP)          //   (whatever it returns)
            .state(COMP, "Completion", COMPLETE)
                .on(OK, END)                // Issue RpcAsyncCompleteCall, go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End", Action.END)
            .build();
    }

    /**
     * A plain call (no pipe), server side. Not in the page: the server is dispatched, then
     * completes or aborts; it aborts when its client cancels or goes away while the reply is
     * not yet given.
     */
    static PipeProtocol plainServer() {
        return PipeProtocol.plainTable(Side.SERVER)
            .state(D, "Dispatch", DISPATCH)
                .on(OK, COMP)               // dispatched: wait for the application's reply
                .on(APP_FAIL, A)            // To fail gracefully: Go to A
            .state(COMP, "Completion", COMPLETE)
                .on(APP_FAIL, A)            // the application aborts instead of replying
                .on(FAILURE, A)             // the client cancelled or went away first
                .on(OK, END)                // Call RpcAsyncCompleteCall, go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(A, "Abort the Call", ABORT)
                .on(OK, END)                // Call RpcAsyncAbortCall, go to End
                .on(FAILED, END)            //   (whatever it returns)
            .state(END, "End", Action.END)
            .build();
    }
}
