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
 * <p>{@link #pull} and {@link #push} call through an FFM downcall handle on JDK 22 and later
 * (64-bit), which allocates nothing, and through JNA elsewhere, reusing their argument arrays:
 * call them from one thread at a time (the library drives a call's pipes from its dispatcher's
 * thread). {@code -Dwinrpc.downcalls=jna} keeps JNA on any JDK.
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

    /** How pull and push are called: an FFM downcall on JDK 22+, else JNA (see PipeCalls). */
    private final PipeCalls calls;
    /** The function last made for alloc, reused while the pointer stays. */
    private Function allocFunction;

    /** A zeroed pipe structure in memory of its own, for the stub to fill in. */
    public ASYNC_PIPE() {
        this(PipeCalls.create());
    }

    /** A zeroed pipe structure whose pull and push go through {@code calls} (tests compare the kinds). */
    ASYNC_PIPE(PipeCalls calls) {
        super();
        this.calls = calls;
    }

    /**
     * A view of a pipe structure at an existing address.
     *
     * @param p its address
     */
    public ASYNC_PIPE(Pointer p) {
        super(p);
        this.calls = PipeCalls.create();
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
        return calls.pull(function(pull, "pull"), state, buf, esize, ecount == null ? null : ecount.getPointer());
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
        return calls.push(function(push, "push"), state, buf, ecount);
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
        allocFunction = PipeCalls.Jna.function(allocFunction, function(alloc, "alloc"));
        return allocFunction.invokeInt(new Object[] {state, bsize, buf, bcount});
    }

    /** {@return how pull and push are called: "ffm" or "jna"} */
    String callsKind() {
        return calls.kind();
    }

    /** {@return p, the address of a function the runtime wrote} @throws IllegalStateException if NULL */
    private static Pointer function(Pointer p, String name) {
        if (p == null) {
            throw new IllegalStateException("ASYNC_PIPE." + name
                    + " is NULL: the pipe structure has not been filled in by the runtime");
        }
        return p;
    }
}
