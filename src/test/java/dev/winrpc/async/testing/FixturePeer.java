package dev.winrpc.async.testing;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The independent C peer server of the fixture interface, "the other side" of the scenario
 * suite: it stays hand-written, and all it exports is its manager routines. The simulator
 * exports them itself; on Windows windows-tests' {@code winrpc_fixture_peer.dll}
 * ({@value FixtureRuntime#FIXTURE_PEER_PROPERTY}) does. Either is served through the library's
 * RpcServer for the generated {@code WinRpcFixture_IfSpec()} ({@link FixtureRuntime#peerEpv()}).
 */
public interface FixturePeer extends Library {

    /**
     * {@return the C peer server's manager routines: the fixture interface's EPV (its six routines
     * in the IDL's order), valid for the life of the process}
     */
    Pointer fx_PeerEpv();
}
