package dev.winrpc.async.testing;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import dev.winrpc.async.raw.RPC_ASYNC_STATE;
import dev.winrpc.async.raw.Rpcrt4;
import java.lang.reflect.Method;

/** Where JNA puts a structure's fields, and the runtime-owned bytes of an RPC_ASYNC_STATE. */
public final class Layout {

    private Layout() {
    }

    /**
     * @param s a structure
     * @param field one of its fields
     * @return the field's offset as JNA lays it out
     */
    public static int offset(Structure s, String field) {
        try {
            Method m = Structure.class.getDeclaredMethod("fieldOffset", String.class);
            m.setAccessible(true);
            return (Integer) m.invoke(s, field);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A state as RpcAsyncInitializeHandle leaves it, with runtime-owned fields set to a pattern. */
    public static RPC_ASYNC_STATE initialisedState() {
        RPC_ASYNC_STATE s = new RPC_ASYNC_STATE();
        Pointer p = s.getPointer();
        p.setInt(0, RPC_ASYNC_STATE.SIZE);
        p.setInt(4, Rpcrt4.RPC_ASYNC_SIGNATURE);
        scribbleRuntimeFields(s, 1);
        return s;
    }

    /** Writes distinct values into every runtime-owned field, as the runtime would. */
    public static void scribbleRuntimeFields(RPC_ASYNC_STATE s, int salt) {
        Pointer p = s.getPointer();
        p.setInt(offset(s, "Lock"), 0x10 + salt);
        p.setPointer(offset(s, "StubInfo"), Pointer.createConstant(0x5100 + salt));
        p.setPointer(offset(s, "RuntimeInfo"), Pointer.createConstant(0x5200 + salt));
        p.setInt(offset(s, "Event"), 2);
        int reserved = offset(s, "Reserved");
        for (int i = 0; i < 4; i++) {
            p.setPointer(reserved + (long) i * com.sun.jna.Native.POINTER_SIZE,
                    Pointer.createConstant(0x5300 + salt * 16 + i));
        }
    }

    public static byte[] runtimeOwnedBytes(RPC_ASYNC_STATE s) {
        Pointer p = s.getPointer();
        int[][] ranges = {
            {0, offset(s, "Flags")},                              // Size, Signature, Lock
            {offset(s, "StubInfo"), com.sun.jna.Native.POINTER_SIZE},
            {offset(s, "RuntimeInfo"), com.sun.jna.Native.POINTER_SIZE},
            {offset(s, "Event"), 4},
            {offset(s, "Reserved"), 4 * com.sun.jna.Native.POINTER_SIZE},
        };
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int[] r : ranges) {
            out.writeBytes(p.getByteArray(r[0], r[1]));
        }
        return out.toByteArray();
    }
}
