package dev.winrpc.async.property;

import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.raw.RpcErrors;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;

/**
 * Property-based tests of the safe layer on the simulator: random pipe kinds, sides and peers,
 * chunk counts and sizes, seeded fault plans (failing pushes and pulls, fault replies,
 * disconnects, delays), and cancels, aborts and throwing handlers at random points and times.
 * Whatever happens, every call must reach END along a walk of its table, complete its future
 * exactly once within a bound, deliver exactly the data sent when it succeeds, fail only with an
 * RpcException or the application's own exception, and leave the simulator idle, its misuse
 * oracle empty and its counters zero ({@link ScenarioRunner}; the check runs after every try,
 * since the JUnit extension that does it for the other tests runs once per property).
 *
 * <p>Reproducing a failure: jqwik prints the seed of the run and the failing sample; the sample
 * holds the simulator's fault-plan seed (Faults.seed) and the data seed, so
 * {@code @Property(seed = "...")} replays the same scenarios and fault decisions. Shrinking is
 * off: a failing try can leave native state behind (a call the library never finished), which
 * would mislead shrinking's later tries; the failing sample is reported as generated.
 *
 * <p>Not generated: dropped notifications (the library has no timeout of its own, by design: a
 * lost notification strands a call, as on Windows a notification that never comes does), and
 * dispatchers closed mid-call (ClientTablePathsTest, ServerTablePathsTest).
 */
class PipeCallPropertiesTest {

    private static final int TRIES = 60;

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void javaClientAgainstTheScriptedServer(@ForAll("javaClientScriptedServer") Scenario s) {
        ScenarioRunner.run(s);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void scriptedClientAgainstAJavaServer(@ForAll("scriptedClientJavaServer") Scenario s) {
        ScenarioRunner.run(s);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void javaClientAgainstAJavaServer(@ForAll("javaClientJavaServer") Scenario s) {
        ScenarioRunner.run(s);
    }

    // ---- generators --------------------------------------------------------------------------------

    @Provide
    Arbitrary<Scenario> javaClientScriptedServer() {
        return scenarios(Scenario.Mode.JAVA_CLIENT_SCRIPTED_SERVER, faults(true, false), clientActs(),
                Arbitraries.just(new Scenario.ServerAct(Scenario.ServerAct.Kind.NONE, 0, 0)), noPeerAct());
    }

    @Provide
    Arbitrary<Scenario> scriptedClientJavaServer() {
        return scenarios(Scenario.Mode.SCRIPTED_CLIENT_JAVA_SERVER, faults(false, true),
                Arbitraries.just(new Scenario.ClientAct(Scenario.ClientAct.Kind.NONE, 0, false)), serverActs(),
                peerActs());
    }

    @Provide
    Arbitrary<Scenario> javaClientJavaServer() {
        return scenarios(Scenario.Mode.JAVA_CLIENT_JAVA_SERVER, faults(false, false), clientActs(), serverActs(),
                noPeerAct());
    }

    /** The shape of the data and how it is read. */
    private record Shape(PipeKind kind, List<Integer> chunks, int peerChunks, int peerChunkElements,
            int readerChunk, Scenario.Read clientRead, Scenario.Read serverRead, long dataSeed) {
    }

    private static Arbitrary<Scenario> scenarios(Scenario.Mode mode, Arbitrary<Scenario.Faults> faults,
            Arbitrary<Scenario.ClientAct> clientActs, Arbitrary<Scenario.ServerAct> serverActs,
            Arbitrary<Scenario.PeerAct> peerActs) {
        Arbitrary<Shape> shapes = Combinators.combine(
                Arbitraries.of(PipeKind.class),
                Arbitraries.integers().between(1, 2500).list().ofMaxSize(6),
                Arbitraries.integers().between(0, 6),
                Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)),
                        Tuple.of(6, Arbitraries.integers().between(1, 1500))),
                Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(4096)),
                        Tuple.of(2, Arbitraries.integers().between(64, 2000))),
                Arbitraries.of(Scenario.Read.class),
                Arbitraries.of(Scenario.Read.class),
                Arbitraries.longs()).as(Shape::new);
        return Combinators.combine(shapes, faults, clientActs, serverActs, peerActs).as((sh, f, c, sv, p) ->
                new Scenario(mode, sh.kind(), sh.chunks(), sh.peerChunks(), sh.peerChunkElements(),
                        sh.readerChunk(), sh.clientRead(), sh.serverRead(), f, c, sv, peerAct(sh.kind(), p),
                        sh.dataSeed()));
    }

    /**
     * The scripted client cancels non-abortively only calls without an out pipe. After such a
     * cancel it stops pulling its out pipe (the pipe state page: Can, then WComp), while the
     * simulator makes a successful reply available only once the client has pulled the out pipe's
     * end (sim_rpc_call.c, try_available_locked): a server that then completes leaves the scripted
     * client waiting for ever, and the simulator busy for every later test of the run. That
     * simulator issue is shown, without the scripted client, by
     * ClientTablePathsTest.OutPipeClient#nonAbortiveCancelAfterTheServerReplied; the library's
     * own handling of non-abortive cancels by ServerTablePathsTest.
     */
    private static Scenario.PeerAct peerAct(PipeKind kind, Scenario.PeerAct p) {
        return kind == PipeKind.IN || p.cancelAbortive() ? p
                : new Scenario.PeerAct(p.cancelAfterMs(), true, p.disconnectAfterChunks());
    }

    private static Arbitrary<Integer> ppm() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(20_000, 400_000)),
                Tuple.of(1, Arbitraries.just(1_000_000)));
    }

    private static Arbitrary<Scenario.Faults> faults(boolean faultReplies, boolean disconnects) {
        return Combinators.combine(
                Arbitraries.longs(),
                ppm(),
                ppm(),
                faultReplies ? ppm() : Arbitraries.just(0),
                disconnects
                        ? Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(0)),
                                Tuple.of(1, Arbitraries.integers().between(20_000, 300_000)))
                        : Arbitraries.just(0),
                Arbitraries.of(0, 0, 1, 3)).as(Scenario.Faults::new);
    }

    private static Arbitrary<Scenario.ClientAct> clientActs() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new Scenario.ClientAct(Scenario.ClientAct.Kind.NONE, 0, false))),
                Tuple.of(3, Combinators.combine(
                        Arbitraries.of(Scenario.ClientAct.Kind.CANCEL_AT_CHUNK, Scenario.ClientAct.Kind.CANCEL_AFTER_MS,
                                Scenario.ClientAct.Kind.THROW_AT_CHUNK),
                        Arbitraries.integers().between(0, 6),
                        Arbitraries.of(true, false)).as(Scenario.ClientAct::new)));
    }

    private static Arbitrary<Scenario.ServerAct> serverActs() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new Scenario.ServerAct(Scenario.ServerAct.Kind.NONE, 0, 0))),
                Tuple.of(3, Combinators.combine(
                        Arbitraries.of(Scenario.ServerAct.Kind.ABORT_AT_CHUNK, Scenario.ServerAct.Kind.ABORT_AFTER_MS,
                                Scenario.ServerAct.Kind.THROW_AT_CHUNK, Scenario.ServerAct.Kind.THROW_AT_END),
                        Arbitraries.integers().between(0, 6),
                        Arbitraries.of(0x3457, RpcErrors.RPC_S_CALL_FAILED, 5)).as(Scenario.ServerAct::new)));
    }

    private static Arbitrary<Scenario.PeerAct> peerActs() {
        return Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(-1)),
                        Tuple.of(2, Arbitraries.integers().between(0, 40))),
                Arbitraries.of(true, false),
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(-1)),
                        Tuple.of(1, Arbitraries.integers().between(0, 6)))).as(Scenario.PeerAct::new);
    }

    private static Arbitrary<Scenario.PeerAct> noPeerAct() {
        return Arbitraries.just(new Scenario.PeerAct(-1, false, -1));
    }
}
