package dev.winrpc.async.testing;

import com.sun.jna.Pointer;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import dev.winrpc.async.rpc.IfFlag;
import dev.winrpc.async.rpc.RpcBinding;
import dev.winrpc.async.rpc.RpcInterface;
import dev.winrpc.async.rpc.RpcServer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The fixture interface served and bound the way an application serves and binds its own, with
 * the library's {@link RpcServer} and {@link RpcBinding}: the fixture's generated stub library has no
 * server or binding functions of its own (docs/idl.md, "The stub library").
 *
 * <p>Every server of the fixture in this process registers the interface with a manager type of
 * its own and gives it an object UUID, both derived from its endpoint's name; a binding to an
 * endpoint carries that object UUID, so its calls reach the EPV of the server on that endpoint
 * (rpcrt4 dispatches by object type, not by endpoint: every endpoint of a process reaches every
 * interface). The interfaces are {@link IfFlag#AUTOLISTEN}: several servers share the process
 * without touching its listening state.
 */
public final class FixtureHost {

    private FixtureHost() {
    }

    /**
     * {@return the object UUID that selects the server on an endpoint}
     *
     * @param endpoint the server's ncalrpc endpoint
     */
    public static UUID objectOf(String endpoint) {
        return UUID.nameUUIDFromBytes(("winrpc-fixture-object:" + endpoint).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@return the manager type UUID of the server on an endpoint}
     *
     * @param endpoint the server's ncalrpc endpoint
     */
    public static UUID typeOf(String endpoint) {
        return UUID.nameUUIDFromBytes(("winrpc-fixture-type:" + endpoint).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Serves the fixture interface with a Java EPV on an ncalrpc endpoint.
     *
     * @param fx the fixture
     * @param endpoint a new endpoint ({@link FixtureRuntime#newEndpoint})
     * @param epv the manager routines: keep it reachable until the server is closed
     * @return the server, taking calls
     */
    public static RpcServer serve(WinRpcFixtureNative fx, String endpoint, WinRpcFixtureNative.SERVER_EPV epv) {
        epv.write();
        return serve(fx, endpoint, epv.getPointer());
    }

    /**
     * Serves the fixture interface with an EPV in native memory (the C peer's, {@link FixtureRuntime#peerEpv()}).
     *
     * @param fx the fixture
     * @param endpoint a new endpoint
     * @param epv the SERVER_EPV
     * @return the server, taking calls
     */
    public static RpcServer serve(WinRpcFixtureNative fx, String endpoint, Pointer epv) {
        return RpcServer.builder()
                .endpoint("ncalrpc", endpoint)
                .register(RpcInterface.of(fx.WinRpcFixture_IfSpec()).withEpv(epv).withFlags(IfFlag.AUTOLISTEN)
                        .withManagerType(typeOf(endpoint), objectOf(endpoint)))
                .build();
    }

    /**
     * {@return a binding to the fixture's server on an ncalrpc endpoint, carrying its object UUID}
     *
     * @param endpoint the endpoint
     */
    public static RpcBinding bind(String endpoint) {
        return RpcBinding.builder().protocolSequence("ncalrpc").endpoint(endpoint).objectUuid(objectOf(endpoint))
                .build();
    }

    /**
     * {@return the string binding of {@link #bind}, for the simulator's scripted client
     * ({@link SimControl#sim_peer_call_start})}
     *
     * @param endpoint the endpoint
     */
    public static String stringBinding(String endpoint) {
        return objectOf(endpoint) + "@ncalrpc:[" + endpoint + "]";
    }
}
