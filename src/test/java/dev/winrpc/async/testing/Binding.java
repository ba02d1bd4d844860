package dev.winrpc.async.testing;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.RpcException;

/** A fixture binding handle to an endpoint, freed by close. */
public final class Binding implements AutoCloseable {

    private final Fixture fixture;
    private final PointerByReference ref = new PointerByReference();

    /** @param endpoint e.g. {@link SimControl#SIM_PEER_ENDPOINT} (the simulator's fixture) */
    public Binding(String endpoint) {
        this(Simulator.fixture(), endpoint);
    }

    /**
     * @param fixture the fixture to bind through (see {@link FixtureRuntime#bind(String)})
     * @param endpoint the endpoint
     */
    public Binding(Fixture fixture, String endpoint) {
        this.fixture = fixture;
        RpcException.check("fx_BindingCreate", fixture.fx_BindingCreate(endpoint, ref));
    }

    public Pointer handle() {
        return ref.getValue();
    }

    @Override
    public void close() {
        if (ref.getValue() != null) {
            RpcException.check("fx_BindingFree", fixture.fx_BindingFree(ref));
        }
    }
}
