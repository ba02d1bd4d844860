package dev.winrpc.async.soak;

import dev.winrpc.async.call.Calls;
import dev.winrpc.async.pipe.PipeKind;
import dev.winrpc.async.testing.SimControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One random call lifecycle: who talks to whom, the operation (and so the pipe kind), the
 * dispatchers, the data, and what each side's application does and when. Drawn from the soak's
 * seed and the lifecycle's index alone ({@link #draw}), so a printed seed replays every plan
 * whatever the threads did; the fault plan in force is the block's ({@link FaultMix}).
 */
record Plan(
        int index,
        Kind kind,
        Op op,
        Disp clientDisp,
        Disp serverDisp,
        /** A pipe call is first started on this dispatcher, which cannot serve it (null: not tried). */
        Disp refusedOn,
        /** The client's dispatcher is one of its own, closed this long after the start (-1: shared, never). */
        int closeClientAfterMs,
        /** Plain calls to the scripted server started on that dispatcher too, beside the lifecycle's call. */
        int extraCalls,
        /** The server's dispatcher is one of its own, closed this long after the accept (-1: shared, never). */
        int closeServerAfterMs,
        ClientAct clientAct,
        /** CANCEL_AFTER_MS: ms; CANCEL_AT_CHUNK, SUBSCRIBER_*, PUBLISHER_FAILS: the chunk. */
        int clientAt,
        boolean abortive,
        /** A non-abortive cancel turns abortive after this many ms (0: the default bound). */
        int cancelTimeoutMs,
        Read clientRead,
        /** The client's [in] pipe is fed by a Flow publisher (else by send()). */
        boolean clientPublishes,
        ServerAct serverAct,
        /** ABORT_AT, SUBSCRIBER_THROWS: the chunk; ABORT_AFTER_MS, DELAY: ms. */
        int serverAt,
        int abortCode,
        Read serverRead,
        /** The server's [out] pipe is fed by a Flow publisher (else by send()). */
        boolean serverPublishes,
        /** In-pipe chunks, each of chunkElements; for RANGE, count = chunks * chunkElements. */
        int chunks,
        int chunkElements,
        int readerChunk,
        /** Add's a and b, Echo's a, Range's start; Sleep's ms is sleepMs; Fail's code is abortCode. */
        int a,
        int b,
        int sleepMs,
        /** The scripted client: cancel this long after the start (-1: never), abortively or not. */
        int peerCancelMs,
        boolean peerAbortive,
        /** The scripted client disconnects after this many in-pipe chunks (-1: never). */
        int peerDisconnectAfter,
        /** The Java client call's deadline in ms (0: none; {@link #LONG_DEADLINE_MS}: one that never passes). */
        int deadlineMs) {

    /** A deadline no lifecycle reaches: it must change nothing. */
    static final int LONG_DEADLINE_MS = 600_000;

    /** Who is on each end. */
    enum Kind {
        /** A Java ClientCall against the simulator's scripted C server. */
        JAVA_TO_PEER("java->peer"),
        /** A Java ClientCall against a Java ServerCall. */
        JAVA_TO_JAVA("java->java"),
        /** The simulator's scripted C client against a Java ServerCall. */
        PEER_TO_JAVA("peer->java");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        boolean javaClient() {
            return this != PEER_TO_JAVA;
        }

        boolean javaServer() {
            return this != JAVA_TO_PEER;
        }
    }

    /** The fixture's operations. */
    enum Op {
        ADD(null, SimControl.SIM_OP_ADD), SLEEP(null, SimControl.SIM_OP_SLEEP), FAIL(null, SimControl.SIM_OP_FAIL),
        SUM(PipeKind.IN, SimControl.SIM_OP_PIPE_SUM), RANGE(PipeKind.OUT, SimControl.SIM_OP_PIPE_RANGE),
        ECHO(PipeKind.IN_OUT, SimControl.SIM_OP_PIPE_ECHO);

        final PipeKind pipes;
        final int simOp;

        Op(PipeKind pipes, int simOp) {
            this.pipes = pipes;
            this.simOp = simOp;
        }

        boolean in() {
            return pipes == PipeKind.IN || pipes == PipeKind.IN_OUT;
        }

        boolean out() {
            return pipes == PipeKind.OUT || pipes == PipeKind.IN_OUT;
        }
    }

    /** The four kinds of dispatcher. */
    enum Disp { APC, IOCP, EVENT, POLLING }

    /** How a Java reader reads: receive() one chunk at a time, or a Flow subscriber. */
    enum Read { RECEIVE, PUBLISHER }

    /** What the Java client's application does. */
    enum ClientAct {
        NONE, CANCEL_AFTER_MS, CANCEL_AT_CHUNK, STUB_THROWS_BEFORE, STUB_THROWS_AFTER,
        /** The [out] pipe's subscriber throws from onNext of chunk clientAt (1-based). */
        SUBSCRIBER_THROWS,
        /** The [out] pipe's subscriber cancels its subscription in onNext of chunk clientAt. */
        SUBSCRIBER_CANCELS,
        /** The [in] pipe's publisher signals onError after clientAt chunks. */
        PUBLISHER_FAILS
    }

    /** What the Java server's application does. */
    enum ServerAct {
        NONE,
        /** Replies serverAt ms late. */
        DELAY,
        /** abort(code) after receiving serverAt chunks, or before sending chunk serverAt, or at once. */
        ABORT_AT,
        /** abort(code) serverAt ms after the accept, racing the application's own progress. */
        ABORT_AFTER_MS,
        /** The [in] pipe's subscriber throws from onNext of chunk serverAt (1-based). */
        SUBSCRIBER_THROWS,
        /** The [in] pipe's subscriber throws from onComplete. */
        THROW_AT_END,
        /** The [out] pipe's publisher signals onError before chunk serverAt. */
        PUBLISHER_FAILS
    }

    private static final Disp[] PLAIN_SERVER = {Disp.APC, Disp.IOCP, Disp.EVENT};

    /**
     * @param seed the soak's seed
     * @param index the lifecycle's index
     * @return the lifecycle's plan, a function of the two alone
     */
    static Plan draw(long seed, int index) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + index);
        int k = r.nextInt(100);
        Kind kind = k < 35 ? Kind.JAVA_TO_PEER : k < 70 ? Kind.JAVA_TO_JAVA : Kind.PEER_TO_JAVA;
        Op op = Op.values()[r.nextInt(Op.values().length)];
        boolean pipes = op.pipes != null;
        Disp clientDisp = pipes ? Disp.APC : Disp.values()[r.nextInt(4)];
        Disp serverDisp = pipes ? Disp.APC : PLAIN_SERVER[r.nextInt(3)];
        Disp refusedOn = kind.javaClient() && pipes && r.nextInt(40) == 0 ? Disp.values()[1 + r.nextInt(3)] : null;
        int closeClient = kind.javaClient() && r.nextInt(30) == 0 ? r.nextInt(4) : -1;
        int extraCalls = closeClient >= 0 ? r.nextInt(3) : 0;
        int closeServer = kind.javaServer() && r.nextInt(30) == 0 ? r.nextInt(4) : -1;
        int chunks = r.nextInt(5);
        int chunkElements = 1 + r.nextInt(r.nextBoolean() ? 8 : 300);
        int readerChunk = 1 + r.nextInt(r.nextBoolean() ? 16 : 2048);
        int total = chunks * chunkElements;

        ClientAct clientAct = ClientAct.NONE;
        int clientAt = 0;
        boolean abortive = r.nextBoolean();
        Read clientRead = r.nextBoolean() ? Read.PUBLISHER : Read.RECEIVE;
        boolean clientPublishes = op.in() && r.nextBoolean();
        if (kind.javaClient() && r.nextInt(100) < 50) {
            List<ClientAct> acts = new ArrayList<>(List.of(ClientAct.CANCEL_AFTER_MS, ClientAct.CANCEL_AT_CHUNK,
                    ClientAct.STUB_THROWS_BEFORE, ClientAct.STUB_THROWS_AFTER));
            if (op.out()) {
                acts.add(ClientAct.SUBSCRIBER_THROWS);
                acts.add(ClientAct.SUBSCRIBER_CANCELS);
            }
            if (op.in()) {
                acts.add(ClientAct.PUBLISHER_FAILS);
            }
            clientAct = acts.get(r.nextInt(acts.size()));
            switch (clientAct) {
                case CANCEL_AFTER_MS -> clientAt = r.nextInt(12);
                case CANCEL_AT_CHUNK -> clientAt = r.nextInt(chunks + 1);
                case PUBLISHER_FAILS -> {
                    clientAt = r.nextInt(chunks + 1);
                    clientPublishes = true;
                }
                case SUBSCRIBER_THROWS, SUBSCRIBER_CANCELS -> {
                    clientRead = Read.PUBLISHER;
                    // A chunk that surely comes: the first one, which a non-empty pipe always has.
                    clientAt = 1;
                }
                default -> clientAt = 0;
            }
        }
        boolean cancels = clientAct == ClientAct.CANCEL_AFTER_MS || clientAct == ClientAct.CANCEL_AT_CHUNK;
        int cancelTimeoutMs = cancels && !abortive && r.nextInt(3) == 0 ? 1 + r.nextInt(10) : 0;
        if ((clientAct == ClientAct.SUBSCRIBER_THROWS || clientAct == ClientAct.SUBSCRIBER_CANCELS) && total == 0) {
            chunks = 1; // the subscriber needs a chunk to act on
            total = chunkElements;
        }

        ServerAct serverAct = ServerAct.NONE;
        int serverAt = 0;
        int abortCode = 0x4000 + r.nextInt(0x1000);
        Read serverRead = r.nextBoolean() ? Read.PUBLISHER : Read.RECEIVE;
        boolean serverPublishes = op.out() && r.nextBoolean();
        if (kind.javaServer() && r.nextInt(100) < 45) {
            List<ServerAct> acts = new ArrayList<>(List.of(ServerAct.DELAY, ServerAct.ABORT_AT, ServerAct.ABORT_AFTER_MS));
            if (op.in() && chunks > 0) {
                acts.add(ServerAct.SUBSCRIBER_THROWS);
            }
            if (op.in()) {
                acts.add(ServerAct.THROW_AT_END);
            }
            if (op.out()) {
                acts.add(ServerAct.PUBLISHER_FAILS);
            }
            serverAct = acts.get(r.nextInt(acts.size()));
            switch (serverAct) {
                case DELAY, ABORT_AFTER_MS -> serverAt = r.nextInt(10);
                case ABORT_AT -> serverAt = r.nextInt(chunks + 1);
                case SUBSCRIBER_THROWS -> {
                    serverAt = 1 + r.nextInt(chunks);
                    serverRead = Read.PUBLISHER;
                }
                case THROW_AT_END -> serverRead = Read.PUBLISHER;
                case PUBLISHER_FAILS -> {
                    serverAt = r.nextInt(chunks + 1);
                    serverPublishes = true;
                }
                default -> serverAt = 0;
            }
        }
        int peerCancelMs = -1;
        boolean peerAbortive = r.nextBoolean();
        int peerDisconnect = -1;
        if (kind == Kind.PEER_TO_JAVA) {
            int p = r.nextInt(100);
            if (p < 20) {
                peerCancelMs = r.nextInt(10);
            } else if (p < 30 && op.pipes != null) {
                peerDisconnect = r.nextInt(chunks + 1);
            }
        }
        int sleepMs = r.nextInt(4) == 0 ? 5 + r.nextInt(20) : r.nextInt(3);
        if (op == Op.FAIL && kind == Kind.JAVA_TO_PEER && r.nextInt(8) == 0) {
            abortCode = 0; // the scripted server's Fail(0) aborts with RPC_S_CALL_FAILED
        }
        return new Plan(index, kind, op, clientDisp, serverDisp, refusedOn, closeClient, extraCalls, closeServer,
                clientAct, clientAt, abortive, cancelTimeoutMs, clientRead, clientPublishes, serverAct, serverAt, abortCode,
                serverRead, serverPublishes, chunks, chunkElements, readerChunk, r.nextInt(1 << 20) - (1 << 19),
                op == Op.RANGE ? total : r.nextInt(1 << 20), sleepMs, peerCancelMs, peerAbortive, peerDisconnect,
                deadline(seed, index, kind));
    }

    /**
     * The client call's deadline, drawn from a generator of its own so that the rest of every
     * plan is what it was before deadlines existed: none mostly, one that may pass (1 to 15 ms)
     * for one Java client in ten, one that never passes for another.
     */
    private static int deadline(long seed, int index, Kind kind) {
        Random r = new Random((seed * 0x9E3779B97F4A7C15L + index) ^ 0xDEAD11E5L);
        int d = r.nextInt(10);
        return !kind.javaClient() ? 0 : d == 0 ? 1 + r.nextInt(15) : d == 1 ? LONG_DEADLINE_MS : 0;
    }

    /** @return whether the client call has a deadline that may pass */
    boolean deadlineMayPass() {
        return deadlineMs > 0 && deadlineMs < LONG_DEADLINE_MS;
    }

    /** @return the Java client's in-pipe data (distinct values per lifecycle and chunk) */
    List<int[]> data() {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            out.add(Calls.chunk(index % 20_000 + i, chunkElements));
        }
        return out;
    }

    /** @return whether the client's application does something to the call */
    boolean clientActs() {
        return clientAct != ClientAct.NONE || closeClientAfterMs >= 0 || peerCancelMs >= 0 || peerDisconnectAfter >= 0
                || deadlineMayPass();
    }

    /** @return whether the server's application does something other than reply */
    boolean serverActs() {
        return serverAct != ServerAct.NONE && serverAct != ServerAct.DELAY || closeServerAfterMs >= 0
                || op == Op.FAIL;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("#").append(index).append(' ').append(kind.label).append(' ').append(op)
                .append(" chunks ").append(chunks).append('x').append(chunkElements).append(" reader ").append(readerChunk);
        if (kind.javaClient()) {
            s.append(" | client ").append(clientDisp).append(' ').append(clientAct);
            if (clientAct != ClientAct.NONE) {
                s.append('(').append(clientAt).append(abortive ? ", abortive" : ", non-abortive")
                        .append(cancelTimeoutMs > 0 ? ", abortive after " + cancelTimeoutMs + " ms" : "").append(')');
            }
            s.append(op.out() ? " read " + clientRead : "").append(op.in() ? (clientPublishes ? " publish" : " send") : "");
            s.append(refusedOn != null ? " refused first on " + refusedOn : "");
            s.append(deadlineMs > 0 ? " deadline " + deadlineMs + " ms" : "");
            s.append(closeClientAfterMs >= 0 ? " close after " + closeClientAfterMs + " ms with " + extraCalls
                    + " more calls on it" : "");
        }
        if (kind.javaServer()) {
            s.append(" | server ").append(serverDisp).append(' ').append(serverAct);
            s.append(serverAct != ServerAct.NONE ? "(" + serverAt + ")" : "").append(op.in() ? " read " + serverRead : "")
                    .append(op.out() ? (serverPublishes ? " publish" : " send") : "");
            s.append(closeServerAfterMs >= 0 ? " close after " + closeServerAfterMs + " ms" : "");
        }
        if (kind == Kind.PEER_TO_JAVA) {
            s.append(" | peer").append(peerCancelMs >= 0 ? " cancel after " + peerCancelMs + " ms"
                    + (peerAbortive ? " abortive" : " non-abortive") : "")
                    .append(peerDisconnectAfter >= 0 ? " disconnect after " + peerDisconnectAfter : "");
        }
        s.append(" | a ").append(a).append(" b ").append(b).append(" sleep ").append(sleepMs)
                .append(" code 0x").append(Integer.toHexString(abortCode));
        return s.toString();
    }
}
