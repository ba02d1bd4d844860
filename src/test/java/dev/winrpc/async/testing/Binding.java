package dev.winrpc.async.testing;

import com.sun.jna.Pointer;
import dev.winrpc.async.rpc.RpcBinding;

/**
 * A binding handle to the fixture's server on an endpoint ({@link FixtureHost#bind}), freed by
 * close. The C peer server's endpoint ({@link FixtureRuntime#peerEndpoint()}) is served on
 * demand where it is not always there (on Windows, {@link FixtureRuntime#ensurePeer()}).
 */
public final class Binding implements AutoCloseable {

    private final RpcBinding binding;

    /** @param endpoint e.g. {@link FixtureRuntime#peerEndpoint()}, or a {@link JavaServer}'s */
    public Binding(String endpoint) {
        if (endpoint.equals(FixtureRuntime.peerEndpoint())) {
            FixtureRuntime.ensurePeer();
        }
        this.binding = FixtureHost.bind(endpoint);
    }

    /** @return the binding handle */
    public Pointer handle() {
        return binding.handle();
    }

    /** @return the library's binding */
    public RpcBinding binding() {
        return binding;
    }

    @Override
    public void close() {
        binding.close();
    }
}
