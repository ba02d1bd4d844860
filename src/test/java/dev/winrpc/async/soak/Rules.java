package dev.winrpc.async.soak;

import dev.winrpc.async.RpcDeadlineExceededException;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.call.Calls;
import dev.winrpc.async.dispatch.DispatcherClosedException;
import dev.winrpc.async.raw.RpcErrors;
import dev.winrpc.async.soak.Plan.ClientAct;
import dev.winrpc.async.soak.Plan.Kind;
import dev.winrpc.async.soak.Plan.Op;
import dev.winrpc.async.soak.Plan.ServerAct;
import dev.winrpc.async.soak.ServerSide.Decision;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * The specification, as the soak checks it: each side's outcome is named by a word, the words
 * a lifecycle's plan allows are listed, and some are required (a call nobody disturbed must
 * succeed; a stub that throws fails its call with what it threw; ...). A successful call must
 * carry the right reply and data whatever else happened. The bucket is the kind and the words.
 */
final class Rules {

    private Rules() {
    }

    /** What the plan and the run say about one lifecycle. */
    private record Facts(Plan p, boolean faults, boolean cancels, boolean subscriberCancels, boolean clientThrows,
            boolean stubThrows, boolean clientCloses, boolean serverCloses, boolean serverThrows, boolean peerCancels,
            boolean peerDisconnects, Decision decision, boolean deadline) {

        static Facts of(LifecycleRun r) {
            Plan p = r.plan;
            ClientAct c = p.clientAct();
            return new Facts(p, r.mix.faulty(),
                    c == ClientAct.CANCEL_AFTER_MS || c == ClientAct.CANCEL_AT_CHUNK,
                    c == ClientAct.SUBSCRIBER_CANCELS,
                    c == ClientAct.SUBSCRIBER_THROWS || c == ClientAct.PUBLISHER_FAILS,
                    c == ClientAct.STUB_THROWS_BEFORE || c == ClientAct.STUB_THROWS_AFTER,
                    p.closeClientAfterMs() >= 0, p.closeServerAfterMs() >= 0,
                    p.serverAct() == ServerAct.SUBSCRIBER_THROWS || p.serverAct() == ServerAct.THROW_AT_END
                            || p.serverAct() == ServerAct.PUBLISHER_FAILS,
                    p.peerCancelMs() >= 0, p.peerDisconnectAfter() >= 0,
                    r.server != null ? r.server.decision : Decision.NONE, p.deadlineMayPass());
        }

        /** Nothing but the call itself: no fault, no act on either side. */
        boolean quiet() {
            return !faults && !p.clientActs() && !p.serverActs();
        }

        /** The client's side went away (cancel, a failing application, a close). */
        boolean clientLeaves() {
            return cancels || subscriberCancels || clientThrows || stubThrows || clientCloses || peerCancels || deadline;
        }
    }

    static String judge(LifecycleRun r) {
        Facts f = Facts.of(r);
        Plan p = r.plan;
        String cw = r.client != null ? clientWord(r, f) : null;
        String sw = r.server != null ? serverWord(r) : null;
        String pw = r.peer != null ? peerWord(r) : r.plan.kind() == Kind.PEER_TO_JAVA ? "no result" : null;
        if (cw != null) {
            check(r, "client", cw, allowedClient(f, sw), requiredClient(f, faultCodes(r, f)));
            if (cw.equals("reply")) {
                checkClientData(r);
            }
        }
        if (sw != null) {
            check(r, "server", sw, allowedServer(f), f.quiet() ? "reply" : null);
        }
        if (pw != null) {
            check(r, "scripted client", pw, allowedPeer(f, sw), f.quiet() ? "reply" : null);
            if (pw.equals("reply")) {
                checkPeerData(r);
            }
        }
        ClientSide c = r.client;
        if (c != null) {
            checkExtras(r, f);
        }
        if (c != null && p.refusedOn() != null && !"refused".equals(c.refusal)) {
            r.problem("a pipe call on " + p.refusedOn() + " was not refused: " + c.refusal);
        }
        if (c != null && c.startAfterClose != null && !c.startAfterClose.equals("refused")) {
            r.problem("a start on the closed dispatcher was not refused: " + c.startAfterClose);
        }
        if (!r.problems.isEmpty()) {
            throw new LifecycleRun.Violation(String.join("\n  ", r.problems));
        }
        String client = cw != null ? "client " + cw : "client " + pw;
        String server = sw != null ? "server " + sw : "server (scripted)";
        return p.kind().label + ": " + client + " / " + server;
    }

    private static void check(LifecycleRun r, String who, String word, Set<String> allowed, String required) {
        if (required != null && !word.equals(required)) {
            r.problem("the " + who + " must end with \"" + required + "\" here, and ended with \"" + word + "\"");
        } else if (!allowed.contains(word)) {
            r.problem("the " + who + " ended with \"" + word + "\", which the plan does not allow (allowed: " + allowed + ")");
        }
    }

    // ---- the Java client ----------------------------------------------------------------------

    private static String clientWord(LifecycleRun r, Facts f) {
        ClientSide c = r.client;
        if (c.startThrew != null) {
            return "start threw " + c.startThrew;
        }
        if (!c.watched.completed) {
            return "no result";
        }
        Throwable t = c.watched.failure;
        if (t == null) {
            int v = c.watched.value;
            return v == c.expected() ? "reply" : "wrong reply " + v + " (expected " + c.expected() + ")";
        }
        if (t == c.injected) {
            return f.stubThrows ? "stub threw" : "app threw";
        }
        return failureWord(t, faultCodes(r, f));
    }

    private static String failureWord(Throwable t, Set<Integer> faultCodes) {
        if (t instanceof DispatcherClosedException) {
            return "closed";
        }
        if (t instanceof CancellationException) {
            return "subscriber cancelled";
        }
        if (t instanceof TimeoutException) {
            return "timed out";
        }
        if (t instanceof RpcDeadlineExceededException) {
            return "deadline";
        }
        if (t instanceof RpcException e) {
            if (e.isServerFault()) {
                return faultCodes.contains(e.status()) ? "fault" : "fault " + e.statusName();
            }
            return switch (e.status()) {
                case RpcErrors.RPC_S_CALL_CANCELLED -> "cancelled";
                case RpcErrors.RPC_S_CALL_FAILED -> "call failed";
                default -> "rpc " + e.statusName();
            };
        }
        return "other " + t;
    }

    /** The codes a server may have aborted the call with. */
    private static Set<Integer> faultCodes(LifecycleRun r, Facts f) {
        Set<Integer> codes = new HashSet<>();
        if (f.decision == Decision.ABORT || r.plan.op() == Op.FAIL) {
            codes.add(r.plan.abortCode());
        }
        if (f.faults && r.plan.kind() == Kind.JAVA_TO_PEER && r.mix.plan().fault_reply_ppm > 0) {
            codes.add(FaultMix.PLANNED_FAULT);
        }
        return codes;
    }

    private static Set<String> allowedClient(Facts f, String serverWord) {
        Set<String> a = new HashSet<>();
        boolean serverFailed = f.decision == Decision.ABORT || f.p.op() == Op.FAIL;
        if (!f.stubThrows && !f.clientThrows && !f.subscriberCancels && !serverFailed
                && (serverWord == null || serverWord.equals("reply"))) {
            a.add("reply");
        }
        if (f.stubThrows) {
            a.add("stub threw");
        }
        if (f.clientThrows) {
            a.add("app threw");
        }
        if (f.subscriberCancels) {
            a.add("subscriber cancelled");
        }
        if (f.clientCloses) {
            a.add("closed");
        }
        if (serverFailed || f.faults && f.p.kind() == Kind.JAVA_TO_PEER) {
            a.add("fault");
        }
        if (f.cancels || f.subscriberCancels) {
            a.add("cancelled");
        }
        if (f.deadline) {
            a.add("deadline"); // the library's abortive cancel, RPC_S_CALL_CANCELLED
        }
        if (f.faults || f.serverThrows || f.serverCloses
                || f.p.op() == Op.FAIL && f.p.abortCode() == 0 && f.p.kind() == Kind.JAVA_TO_PEER) {
            a.add("call failed");
        }
        return a;
    }

    private static String requiredClient(Facts f, Set<Integer> faultCodes) {
        if (f.stubThrows && faultCodes.isEmpty()) {
            // (A server's fault supersedes it: the call ended with that fault, see Outcome.)
            return "stub threw";
        }
        if (f.quiet() && f.p.op() != Op.FAIL) {
            return "reply";
        }
        boolean undisturbed = !f.faults && !f.p.clientActs() && !f.serverCloses && !f.serverThrows;
        if (undisturbed && (f.decision == Decision.ABORT || f.p.op() == Op.FAIL)) {
            return f.p.abortCode() == 0 ? "call failed" : "fault";
        }
        return null;
    }

    private static void checkClientData(LifecycleRun r) {
        ClientSide c = r.client;
        Plan p = r.plan;
        if (c.in != null && c.sent.size() != c.toSend.size()) {
            r.problem("the client succeeded, but sent only " + c.sent.size() + " of " + c.toSend.size() + " chunks");
        }
        if (p.op() == Op.RANGE) {
            int[] want = new int[p.b()];
            Arrays.setAll(want, i -> p.a() + i);
            same(r, "the client's [out] pipe", want, Calls.flatten(c.received));
        }
        if (p.op() == Op.ECHO) {
            same(r, "the client's [out] pipe (the echo)", Calls.flatten(Calls.plus(c.toSend, p.a())),
                    Calls.flatten(c.received));
            int n = Calls.flatten(c.toSend).length;
            if (c.b.getInt() != n) {
                r.problem("[out] b is " + c.b.getInt() + ", expected " + n);
            }
        }
        if (r.server != null && r.server.decision == Decision.COMPLETE && p.op().in()) {
            same(r, "the server's [in] pipe", Calls.flatten(c.toSend), Calls.flatten(r.server.received));
        }
    }

    /** The plain calls beside the lifecycle's on its closing dispatcher: a reply, or the close. */
    private static void checkExtras(LifecycleRun r, Facts f) {
        Set<Integer> codes = new HashSet<>();
        if (f.faults && r.mix.plan().fault_reply_ppm > 0) {
            codes.add(FaultMix.PLANNED_FAULT);
        }
        for (int i = 0; i < r.client.extras.size(); i++) {
            Watched<Integer> x = r.client.extras.get(i);
            if (!x.completed) {
                continue; // a problem already
            }
            String w = x.failure == null ? x.value == i + r.plan.index() ? "reply" : "wrong reply " + x.value
                    : failureWord(x.failure, codes);
            if (!w.equals("reply") && !w.equals("closed") && !(w.equals("fault") && !codes.isEmpty())) {
                r.problem("extra call " + i + " on the closing dispatcher ended with \"" + w + "\"");
            }
        }
    }

    // ---- the Java server ----------------------------------------------------------------------

    private static String serverWord(LifecycleRun r) {
        ServerSide s = r.server;
        if (s.watched == null) {
            return "no call";
        }
        if (!s.watched.completed) {
            return "no result";
        }
        Throwable t = s.watched.failure;
        if (t == null) {
            Integer v = s.watched.value;
            return v.equals(s.replyGiven) ? "reply" : "wrong reply " + v + " (gave " + s.replyGiven + ")";
        }
        if (t == s.injected) {
            return "app threw";
        }
        Set<Integer> codes = new HashSet<>();
        if (s.decision == Decision.ABORT) {
            codes.add(r.plan.abortCode());
        }
        String w = failureWord(t, codes);
        return w.equals("cancelled") ? "client cancelled" : w;
    }

    private static Set<String> allowedServer(Facts f) {
        Set<String> a = new HashSet<>();
        if (f.p.clientAct() == ClientAct.STUB_THROWS_BEFORE) {
            a.add("no call");
            return a;
        }
        if (f.decision == Decision.COMPLETE) {
            a.add("reply");
        }
        if (f.decision == Decision.ABORT) {
            a.add("fault");
        }
        if (f.clientLeaves()) {
            a.add("client cancelled");
        }
        if (f.faults || f.peerDisconnects) {
            a.add("call failed");
        }
        if (f.serverThrows) {
            a.add("app threw");
        }
        if (f.serverCloses) {
            a.add("closed");
        }
        return a;
    }

    // ---- the scripted client ------------------------------------------------------------------

    private static String peerWord(LifecycleRun r) {
        int st = r.peer.status;
        if (st == RpcErrors.RPC_S_OK) {
            Integer given = r.server != null ? r.server.replyGiven : null;
            return given != null && given == r.peer.reply ? "reply"
                    : "reply " + r.peer.reply + " the server did not give (it gave " + given + ")";
        }
        if (r.server != null && r.server.decision == Decision.ABORT && st == r.plan.abortCode()) {
            return "fault";
        }
        return switch (st) {
            case RpcErrors.RPC_S_CALL_CANCELLED -> "cancelled";
            case RpcErrors.RPC_S_CALL_FAILED -> "call failed";
            default -> "status " + st;
        };
    }

    private static Set<String> allowedPeer(Facts f, String serverWord) {
        Set<String> a = new HashSet<>();
        if ("reply".equals(serverWord)) {
            a.add("reply");
        }
        if (f.decision == Decision.ABORT) {
            a.add("fault");
        }
        if (f.peerCancels) {
            a.add("cancelled");
        }
        if (f.faults || f.peerDisconnects || f.serverThrows || f.serverCloses) {
            a.add("call failed");
        }
        return a;
    }

    private static void checkPeerData(LifecycleRun r) {
        Plan p = r.plan;
        ServerSide s = r.server;
        int n = p.op().in() ? p.chunks() * p.chunkElements() : 0;
        if (p.op().in()) {
            int[] want = new int[n];
            Arrays.setAll(want, i -> i);
            same(r, "the server's [in] pipe", want, Calls.flatten(s.received));
        }
        if (p.op().out()) {
            int[] sent = Calls.flatten(s.sentOut);
            long sum = 0;
            for (int x : sent) {
                sum += x;
            }
            if (r.peer.out_elements != sent.length || r.peer.out_sum != sum) {
                r.problem("the scripted client received " + r.peer.out_elements + " elements summing to "
                        + r.peer.out_sum + "; the server sent " + sent.length + " summing to " + sum);
            }
        }
        if (p.op() == Op.ECHO && r.peer.out_b != n) {
            r.problem("the scripted client's [out] b is " + r.peer.out_b + ", expected " + n);
        }
    }

    private static void same(LifecycleRun r, String what, int[] expected, int[] actual) {
        if (!Arrays.equals(expected, actual)) {
            r.problem(what + ": expected " + expected.length + " elements, got " + actual.length
                    + (expected.length == actual.length ? " (different values)" : ""));
        }
    }
}
