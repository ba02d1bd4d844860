package dev.winrpc.async.raw;

import com.sun.jna.Function;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The async pipe structure MIDL generates for {@code pipe T} in an {@code [async]} operation
 * ({@code ASYNC_<name>}, for example the server-side pipe page's {@code ASYNC_INTPIPE}): four
 * pointer-sized members, in this order; 16 bytes on 32-bit Windows, 32 on 64-bit. The element
 * type only changes the type of {@code buf}, so one class serves every pipe: buffers are raw
 * memory and counts are in elements.
 *
 * <p>The runtime fills the structure in (the client stub does it for the client, the runtime
 * for the server's manager routine); the caller only calls through it. The function pointers
 * are {@code __stdcall} on 32-bit x86: {@link #pull}, {@link #push} and {@link #alloc} call
 * them with {@link RpcEntry#CONVENTION}.
 *
 * <p>{@link #pull} and {@link #push} reuse their argument arrays: call them from one thread at
 * a time (the library drives a call's pipes from its dispatcher's thread).
 *
 * <p>Lifetime: a client's pipe structure must stay at its address until the call's final
 * completion; a buffer handed to {@link #push} must stay valid and unchanged until the push is
 * sent (the RpcSendComplete notification).
 */
@FieldOrder({"pull", "push", "alloc", "state"})
public class ASYNC_PIPE extends Structure {

    /** {@code sizeof(ASYNC_PIPE)} on this platform. */
    public static final int SIZE = 4 * com.sun.jna.Native.POINTER_SIZE;

    /** {@code RPC_STATUS pull(char *state, T *buf, unsigned long esize, unsigned long *ecount)}. */
    public Pointer pull;
    /** {@code RPC_STATUS push(char *state, T *buf, unsigned long ecount)}. */
    public Pointer push;
    /** {@code RPC_STATUS alloc(char *state, unsigned long bsize, T **buf, unsigned long *bcount)}. */
    public Pointer alloc;
    /** {@code char *state}: the first argument of each function. */
    public Pointer state;

    /**
     * The argument arrays of pull and push, reused: a call's pipe is driven from one thread at
     * a time (its dispatcher's), and JNA copies the array before it converts anything. With
     * them the last count boxed, since a stream pushes and pulls chunks of one size.
     */
    private final Object[] pullArgs = new Object[4];
    private final Object[] pushArgs = new Object[3];
    private Integer lastCount = 0;

    /** The functions last made for pull, push and alloc, reused while the pointers stay. */
    private Function pullFunction;
    private Function pushFunction;
    private Function allocFunction;

    /** A zeroed pipe structure in memory of its own, for the stub to fill in. */
    public ASYNC_PIPE() {
        super();
    }

    /**
     * A view of a pipe structure at an existing address.
     *
     * @param p its address
     */
    public ASYNC_PIPE(Pointer p) {
        super(p);
        read();
    }

    /**
     * Calls {@code pull(state, buf, esize, ecount)}.
     *
     * @param buf room for esize elements
     * @param esize the capacity of buf, in elements
     * @param ecount receives the number of elements pulled (0: the pipe has ended)
     * @return an RPC_STATUS; RPC_S_ASYNC_CALL_PENDING when no data is ready yet
     */
    public int pull(Pointer buf, int esize, IntByReference ecount) {
        pullFunction = function(pullFunction, pull, "pull");
        Object[] a = pullArgs;
        a[0] = state;
        a[1] = buf;
        a[2] = boxed(esize);
        a[3] = ecount;
        try {
            return pullFunction.invokeInt(a);
        } finally {
            a[1] = null;
            a[3] = null;
        }
    }

    /**
     * Calls {@code push(state, buf, ecount)}; {@code ecount == 0} is the null push that ends the
     * pipe.
     *
     * @param buf the elements; must stay valid until the push is sent
     * @param ecount the number of elements
     * @return an RPC_STATUS
     */
    public int push(Pointer buf, int ecount) {
        pushFunction = function(pushFunction, push, "push");
        Object[] a = pushArgs;
        a[0] = state;
        a[1] = buf;
        a[2] = boxed(ecount);
        try {
            return pushFunction.invokeInt(a);
        } finally {
            a[1] = null; // the buffer is not kept reachable from here
        }
    }

    private Integer boxed(int n) {
        Integer last = lastCount;
        if (last != n) {
            last = n;
            lastCount = last;
        }
        return last;
    }

    /**
     * Calls {@code alloc(state, bsize, buf, bcount)}.
     *
     * @param bsize the wanted size in bytes
     * @param buf receives the buffer
     * @param bcount receives its size in bytes
     * @return an RPC_STATUS
     */
    public int alloc(int bsize, PointerByReference buf, IntByReference bcount) {
        return (allocFunction = function(allocFunction, alloc, "alloc")).invokeInt(new Object[] {state, bsize, buf, bcount});
    }

    /**
     * The function at {@code p}: {@code last} if it is at the same address, else a new one. JNA
     * makes a new {@code Function} (and names it, a string built from the address) on every
     * {@code Function.getFunction}; a pipe calls these once or twice per chunk.
     */
    private static Function function(Function last, Pointer p, String name) {
        if (last != null && p != null && Pointer.nativeValue(last) == Pointer.nativeValue(p)) {
            return last;
        }
        if (p == null) {
            throw new IllegalStateException("ASYNC_PIPE." + name
                    + " is NULL: the pipe structure has not been filled in by the runtime");
        }
        return Function.getFunction(p, RpcEntry.CONVENTION);
    }
}
