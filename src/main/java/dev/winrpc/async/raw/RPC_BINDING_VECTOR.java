package dev.winrpc.async.raw;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code RPC_BINDING_VECTOR} (rpcdce.h): {@code unsigned long Count} and then {@code Count}
 * binding handles ({@code BindingH[1]} in the SDK, a variable-length array). The runtime
 * allocates it ({@link Rpcrt4Server#RpcServerInqBindings}) and frees it
 * ({@link Rpcrt4Server#RpcBindingVectorFree}); read it through {@link #count(Pointer)} and
 * {@link #handle(Pointer, int)} from the pointer the runtime returned. The structure itself
 * (one handle) is 8 bytes on 32-bit Windows, 16 on 64-bit.
 *
 * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/ns-rpcdce-rpc_binding_vector">RPC_BINDING_VECTOR</a>
 */
@FieldOrder({"Count", "BindingH"})
public class RPC_BINDING_VECTOR extends Structure {
    /** The number of handles. */
    public int Count;
    /** The first handle; the others follow it. */
    public Pointer[] BindingH = new Pointer[1];

    /** An empty structure, for the layout tests. */
    public RPC_BINDING_VECTOR() {
    }

    /** {@return the offset of {@code BindingH}: the pointer size (alignment after Count)} */
    public static int handlesOffset() {
        return Native.POINTER_SIZE;
    }

    /**
     * {@return its Count}
     *
     * @param vector a vector the runtime returned (not NULL)
     */
    public static int count(Pointer vector) {
        return vector.getInt(0);
    }

    /**
     * {@return the i-th binding handle}
     *
     * @param vector a vector the runtime returned (not NULL)
     * @param i an index below {@link #count(Pointer)}
     * @throws IndexOutOfBoundsException if i is not below Count
     */
    public static Pointer handle(Pointer vector, int i) {
        int n = count(vector);
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("index " + i + " of a binding vector of " + n);
        }
        return vector.getPointer(handlesOffset() + (long) i * Native.POINTER_SIZE);
    }
}
