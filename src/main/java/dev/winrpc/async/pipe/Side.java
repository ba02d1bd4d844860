package dev.winrpc.async.pipe;

/** Which end of the call a table describes: the page's "Client Behavior" or "Server Behavior". */
public enum Side {
    /** The caller: its table starts in {@link PipeState#C} (make the call). */
    CLIENT,
    /** The manager routine's side: its table starts in {@link PipeState#D} (dispatch). */
    SERVER
}
