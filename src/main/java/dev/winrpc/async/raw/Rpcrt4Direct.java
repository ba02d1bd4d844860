package dev.winrpc.async.raw;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The rpcrt4 functions the safe layer calls for every call, bound with JNA's direct mapping
 * (see {@link Kernel32Direct}): the same functions as {@link Rpcrt4}, with the state passed as
 * its address. Bound by {@link dev.winrpc.async.RpcRuntime}.
 */
public final class Rpcrt4Direct {

    private Rpcrt4Direct() {
    }

    /**
     * Binds the methods to a library. Called once, by the runtime's gate.
     *
     * @param lib the library with rpcrt4's functions
     */
    public static void bind(NativeLibrary lib) {
        Native.register(Rpcrt4Direct.class, lib);
    }

    /**
     * {@code RpcAsyncGetCallStatus}.
     *
     * @param pAsync the state's address
     * @return an RPC_STATUS
     */
    public static native int RpcAsyncGetCallStatus(Pointer pAsync);

    /**
     * {@code RpcAsyncCompleteCall}.
     *
     * @param pAsync the state's address
     * @param Reply the reply buffer
     * @return an RPC_STATUS
     */
    public static native int RpcAsyncCompleteCall(Pointer pAsync, Pointer Reply);

    /**
     * {@code RpcAsyncAbortCall}.
     *
     * @param pAsync the state's address
     * @param ExceptionCode the fault for the client
     * @return an RPC_STATUS
     */
    public static native int RpcAsyncAbortCall(Pointer pAsync, int ExceptionCode);

    /**
     * {@code RpcAsyncCancelCall}.
     *
     * @param pAsync the state's address
     * @param fAbort TRUE for an abortive cancel
     * @return an RPC_STATUS
     */
    public static native int RpcAsyncCancelCall(Pointer pAsync, boolean fAbort);
}
