package dev.winrpc.async.call;

import com.sun.jna.Pointer;

/**
 * What a client's stub gets ({@link ClientCall.Context}): the call's addresses.
 *
 * @param pAsync the call's PRPC_ASYNC_STATE
 * @param inPipe the [in] pipe structure, or null
 * @param outPipe the [out] pipe structure, or null
 */
record StubContext(Pointer pAsync, Pointer inPipe, Pointer outPipe) implements ClientCall.Context {
}
