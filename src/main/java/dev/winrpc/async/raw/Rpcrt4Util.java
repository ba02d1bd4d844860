package dev.winrpc.async.raw;

import com.sun.jna.Pointer;

/**
 * What the SDK defines as macros or constants rather than exports, next to the raw
 * {@link Rpcrt4} bindings: nothing here checks or decides anything.
 */
public final class Rpcrt4Util {

    /** GetCurrentThread()'s pseudo-handle: means "the calling thread" to whoever uses it. */
    public static final Pointer CURRENT_THREAD_PSEUDO_HANDLE = Pointer.createConstant(-2L);
    /** GetCurrentProcess()'s pseudo-handle, also INVALID_HANDLE_VALUE. */
    public static final Pointer INVALID_HANDLE_VALUE = Pointer.createConstant(-1L);

    private Rpcrt4Util() {
    }

    /**
     * {@code RpcAsyncGetCallHandle(pAsync)}, which the SDK defines as a macro: the call's
     * binding handle, read from the state's runtime-owned RuntimeInfo field in native memory
     * (the Java field is not trusted, since the runtime writes it behind Java's back). Valid
     * for a call the runtime has started.
     *
     * @param pAsync the address of the call's state
     * @return the call handle, for {@link Rpcrt4#RpcServerSubscribeForNotification} and friends
     */
    public static Pointer RpcAsyncGetCallHandle(Pointer pAsync) {
        if (pAsync == null) {
            throw new IllegalArgumentException("pAsync is NULL");
        }
        return pAsync.getPointer(RPC_ASYNC_STATE.RUNTIME_INFO_OFFSET);
    }
}
