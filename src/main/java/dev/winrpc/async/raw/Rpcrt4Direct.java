package dev.winrpc.async.raw;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The rpcrt4 functions a call makes on its hot path, bound once with JNA's direct mapping (a
 * static native method per function: no proxy, no argument array, no boxing, no Structure
 * read-back): the only binding of these four functions, and of
 * RpcAsyncInitializeHandle by address (as {@link Rpcrt4} binds it by structure). {@code pAsync} is the address of the
 * call's {@link RPC_ASYNC_STATE} ({@code state.getPointer()}); the SDK's
 * {@code PRPC_ASYNC_STATE}. All are {@code RPC_ENTRY} (see {@link RpcEntry}).
 *
 * <p>Bound by the library's runtime gate ({@code dev.winrpc.async.RpcRuntime}) to the library
 * that backs the runtime; calling a method before that throws UnsatisfiedLinkError, which the
 * gate prevents.
 *
 * <p><b>Lifetime.</b> The state must stay at one address, and stay allocated, from the call
 * that starts an asynchronous call until its final {@link #RpcAsyncCompleteCall} (also after a
 * cancel) or {@link #RpcAsyncAbortCall}; the runtime writes into it from its own threads until
 * then.
 */
public final class Rpcrt4Direct {

    private Rpcrt4Direct() {
    }

    /**
     * Binds the methods to a library. Called once, by the runtime's gate.
     *
     * @param lib the library with rpcrt4's functions, loaded with {@link RpcEntry#OPTIONS}
     */
    public static void bind(NativeLibrary lib) {
        Native.register(Rpcrt4Direct.class, lib);
    }

    /**
     * Initialises a state for a new asynchronous call: writes Size, Signature, Lock, Flags,
     * StubInfo and RuntimeInfo and zeroes Reserved. Nothing is read back into a Java
     * {@link RPC_ASYNC_STATE}'s fields (its caller-owned fields keep their Java values, which
     * {@link RPC_ASYNC_STATE#writeCallerFields()} publishes), so the call allocates nothing.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcasyncinitializehandle">RpcAsyncInitializeHandle</a>
     * @param pAsync the address of the state
     * @param Size {@link RPC_ASYNC_STATE#SIZE}
     * @return RPC_S_OK, or ERROR_INVALID_PARAMETER for a wrong Size
     */
    public static native int RpcAsyncInitializeHandle(Pointer pAsync, int Size);

    /**
     * Returns the status of an asynchronous call: RPC_S_OK, RPC_S_ASYNC_CALL_PENDING,
     * RPC_S_INVALID_ASYNC_HANDLE, or another error meaning the call failed.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcasyncgetcallstatus">RpcAsyncGetCallStatus</a>
     * @param pAsync the address of the call's state
     * @return an RPC_STATUS
     */
    public static native int RpcAsyncGetCallStatus(Pointer pAsync);

    /**
     * Client: obtains the reply (RPC_S_ASYNC_CALL_PENDING before it has arrived; any other
     * result is final). Server: sends the reply; always final.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcasynccompletecall">RpcAsyncCompleteCall</a>
     * @param pAsync the address of the call's state
     * @param Reply the return value's buffer (client: filled on RPC_S_OK; server: sent)
     * @return an RPC_STATUS
     */
    public static native int RpcAsyncCompleteCall(Pointer pAsync, Pointer Reply);

    /**
     * Server only: aborts the call; a nonzero ExceptionCode reaches the client as a fault.
     * Final; calling it twice may crash the process.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcasyncabortcall">RpcAsyncAbortCall</a>
     * @param pAsync the address of the call's state
     * @param ExceptionCode the fault for the client
     * @return an RPC_STATUS
     */
    public static native int RpcAsyncAbortCall(Pointer pAsync, int ExceptionCode);

    /**
     * Client only: cancels the call, at once (fAbort TRUE) or by asking the server (FALSE, no
     * built-in timeout). Either way the client still waits for the completion notification and
     * then calls {@link #RpcAsyncCompleteCall}.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcasync/nf-rpcasync-rpcasynccancelcall">RpcAsyncCancelCall</a>
     * @param pAsync the address of the call's state
     * @param fAbort TRUE for an abortive cancel
     * @return an RPC_STATUS
     */
    public static native int RpcAsyncCancelCall(Pointer pAsync, boolean fAbort);
}
