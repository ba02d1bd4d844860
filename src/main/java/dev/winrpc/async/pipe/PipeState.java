package dev.winrpc.async.pipe;

/**
 * A state of the "Asynchronous Pipe State" tables, named by the page's abbreviation
 * (its {@code Can}, {@code WComp}, {@code Comp} and {@code End} upper-cased).
 *
 * <p>Each state has a {@link #humanName() human name}. The page gives {@link #P} and
 * {@link #WP} different names in different tables ({@code P} is "Push" in the IN client and OUT
 * server tables and "Pull" in the OUT client and IN server tables; {@code WP} is "Wait for Pull"
 * or "Wait for Push"): the name a table gives is {@link PipeProtocol#stateName(PipeState)}.
 */
public enum PipeState {
    /** "Make the call": the client makes the RPC. */
    C("Make the call"),
    /** "Push" (IN client, OUT server) or "Pull" (OUT client, IN server). */
    P("Push / Pull"),
    /** "Push" (IN-OUT tables). */
    PS("Push"),
    /** "Pull" (IN-OUT tables). */
    PL("Pull"),
    /** "Wait for Send": wait for the notification of a client push. */
    WS("Wait for Send"),
    /** "Wait for Pull" (IN server, OUT client) or "Wait for Push" (OUT server). */
    WP("Wait for Pull / Wait for Push"),
    /** "Wait for Pull" (IN-OUT tables). */
    WPL("Wait for Pull"),
    /** "Wait for Push" (IN-OUT server). */
    WPS("Wait for Push"),
    /** "Null Push": push zero bytes, the end of the data. */
    NP("Null Push"),
    /** "Wait for Null Push": wait for the notification of the server's null push. */
    WNP("Wait for Null Push"),
    /** "Dispatch": the runtime dispatched the call to the server. */
    D("Dispatch"),
    /** "Cancel the Call" (the page's {@code Can}): call RpcAsyncCancelCall. */
    CAN("Cancel the Call"),
    /** "Abort the Call": call RpcAsyncAbortCall. */
    A("Abort the Call"),
    /** "Wait for Completion" (the page's {@code WComp}): wait for the call-complete notification. */
    WCOMP("Wait for Completion"),
    /** "Completion" (the page's {@code Comp}): call RpcAsyncCompleteCall. */
    COMP("Completion"),
    /** The page's {@code End}, which it leaves unnamed: the call is over; no transition leaves it. */
    END("End");

    private final String humanName;

    PipeState(String humanName) {
        this.humanName = humanName;
    }

    /**
     * The page's name for this state, or for {@link #P} and {@link #WP} both of the names it uses
     * (see {@link PipeProtocol#stateName(PipeState)} for the name in one table).
     *
     * @return the human name, e.g. "Make the call"
     */
    public String humanName() {
        return humanName;
    }
}
