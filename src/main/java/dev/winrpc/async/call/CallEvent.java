package dev.winrpc.async.call;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The Flight Recorder event {@code dev.winrpc.async.Call}: one per call, committed when the call
 * reaches END, its duration from the call's making (a client's) or acceptance (a server's) to
 * then. Disabled by default: a recording turns it on ({@code jfr configure}, a .jfc file, or
 * {@code Recording.enable("dev.winrpc.async.Call")}). Made and filled by {@link CallTrace} only
 * while a recording has it enabled.
 */
@Name(CallEvent.NAME)
@Label("RPC Call")
@Category({"winrpc-async"})
@Description("An asynchronous RPC call, client or server, from its start to its end")
@Enabled(false)
@StackTrace(false)
final class CallEvent extends Event {

    /** The event's name. */
    static final String NAME = "dev.winrpc.async.Call";

    @Label("Call Id")
    @Description("The call's id (AsyncCall.id()), as in the dev.winrpc.async.call log lines")
    long callId;

    @Label("Side")
    @Description("CLIENT or SERVER")
    String side;

    @Label("Operation")
    @Description("The operation's name where the application gave one (AsyncCall.operation), else empty")
    String operation;

    @Label("Table")
    @Description("The state table the call followed, e.g. \"IN_OUT pipe, client\"")
    String table;

    @Label("Notification")
    @Description("How the call's notifications arrived: APC, IOCP, EVENT or POLLING")
    String notification;

    @Label("Outcome")
    @Description("OK, CANCELLED, ABORTED, SERVER_FAULT, RUNTIME_FAILURE or the exception's class")
    String outcome;

    @Label("RPC Status")
    @Description("The status the call ended with (RPC_S_OK, the fault, the runtime's failure)")
    int status;

    @Label("RPC Status Name")
    String statusName;

    @Label("Chunks Sent")
    @Description("Chunks pushed through the pipe this side sends (the null push not counted)")
    int chunksSent;

    @Label("Bytes Sent")
    @DataAmount
    long bytesSent;

    @Label("Chunks Received")
    @Description("Chunks pulled from the pipe this side receives (the empty last pull not counted)")
    int chunksReceived;

    @Label("Bytes Received")
    @DataAmount
    long bytesReceived;

    @Label("Path")
    @Description("The states the call went through, repeats counted (CallPath.bounded)")
    String path;
}
