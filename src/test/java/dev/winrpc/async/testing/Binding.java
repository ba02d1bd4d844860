package dev.winrpc.async.testing;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.RpcException;

/** A fixture binding handle to an endpoint, freed by close. */
public final class Binding implements AutoCloseable {

    private final PointerByReference ref = new PointerByReference();

    /** @param endpoint e.g. {@link SimControl#SIM_PEER_ENDPOINT} */
    public Binding(String endpoint) {
        RpcException.check("fx_BindingCreate", Simulator.fixture().fx_BindingCreate(endpoint, ref));
    }

    public Pointer handle() {
        return ref.getValue();
    }

    @Override
    public void close() {
        if (ref.getValue() != null) {
            RpcException.check("fx_BindingFree", Simulator.fixture().fx_BindingFree(ref));
        }
    }
}
