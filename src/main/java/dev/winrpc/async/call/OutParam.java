package dev.winrpc.async.call;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * A top-level {@code [out]} parameter of an {@code [async]} operation (the server-side pipe page's
 * {@code int *b}).
 *
 * <p>Client: memory the call owns and keeps at its address until the call has ended, passed to
 * the stub with {@link #pointer()}; the runtime fills it, and it may be read only once the call
 * completed with RPC_S_OK ("[out] values are valid only after RPC_S_OK"): before that, or after
 * a failure, {@link #getInt()} throws.
 *
 * <p>Server: the runtime's memory handed to the manager routine; the server sets it before it
 * completes the call ({@link #setInt(int)}), and may not touch it afterwards.
 */
public final class OutParam {

    private final Pointer memory;
    private final int size;
    private final boolean client;
    private CallMachine<?> call;

    private OutParam(Pointer memory, int size, boolean client) {
        this.memory = memory;
        this.size = size;
        this.client = client;
    }

    /**
     * A client's [out] parameter of {@code size} bytes, zero-filled.
     *
     * @param size its size in bytes
     * @return the parameter, to attach to one call with {@link ClientCall.Builder#out(OutParam)}
     */
    public static OutParam client(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size " + size);
        }
        Memory m = new Memory(size);
        m.clear();
        return new OutParam(m, size, true);
    }

    /** {@return a client's {@code [out] int*}} */
    public static OutParam clientInt() {
        return client(4);
    }

    /**
     * A server's [out] parameter: the pointer the manager routine received.
     *
     * @param p the runtime's memory
     * @param size its size in bytes
     * @return the parameter, to attach to the server call with {@link ServerCall.Builder#out(OutParam)}
     */
    public static OutParam server(Pointer p, int size) {
        if (p == null) {
            throw new IllegalArgumentException("the [out] pointer is NULL");
        }
        return new OutParam(p, size, false);
    }

    synchronized void attach(CallMachine<?> owner) {
        if (call != null) {
            throw new IllegalStateException("this [out] parameter already belongs to a call");
        }
        call = owner;
    }

    /** Gives the parameter back, if it still belongs to a call refused before it started. */
    synchronized void detach(CallMachine<?> owner) {
        if (call == owner) {
            call = null;
        }
    }

    /** {@return the address to pass to the stub (client)} */
    public Pointer pointer() {
        if (!client) {
            throw new IllegalStateException("a server's [out] parameter is set with setInt, not passed on");
        }
        return memory;
    }

    /**
     * Client: the value, once the call completed with RPC_S_OK.
     *
     * @return the int at offset 0
     * @throws IllegalStateException before the call succeeded, or if it failed
     */
    public int getInt() {
        if (!client) {
            throw new IllegalStateException("a server's [out] parameter is not read back");
        }
        CallMachine<?> c = call;
        if (c == null || !c.succeeded()) {
            throw new IllegalStateException("[out] values are valid only after the call completed "
                    + "with RPC_S_OK" + (c == null ? " (not attached to a call)" : ": " + c));
        }
        return memory.getInt(0);
    }

    /**
     * Server: sets the value before the call is completed.
     *
     * @param value the value
     * @throws IllegalStateException once the call has been completed or aborted
     */
    public void setInt(int value) {
        if (client) {
            throw new IllegalStateException("a client's [out] parameter is filled by the runtime");
        }
        if (size < 4) {
            throw new IllegalStateException("the parameter has " + size + " bytes, not 4");
        }
        CallMachine<?> c = call;
        if (c == null) {
            throw new IllegalStateException("attach the parameter to the server call first");
        }
        c.checkOutWritable();
        memory.setInt(0, value);
    }
}
