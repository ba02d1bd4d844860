package dev.winrpc.async.soak;

import dev.winrpc.async.dispatch.Dispatcher;
import dev.winrpc.async.testing.SimControl;
import dev.winrpc.async.testing.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak, as the main of a JVM of its own ({@link SoakTest} starts it, so that a native crash
 * fails the test instead of killing the build's JVM): random call lifecycles through the public
 * API on the simulator, {@link #CONCURRENCY} at a time, in blocks of {@link #CHECKPOINT}; at
 * each block's end, with nothing in flight, every dispatcher must be idle, nothing pinned, the
 * simulator idle, its misuse oracle empty and every live-resource counter zero. Each lifecycle's
 * outcome must be one the specification allows ({@link Rules}).
 *
 * <p>Properties: {@code winrpc.soak.lifecycles} (default 3000), {@code winrpc.soak.seed}
 * (default: random; printed first, and in every failure), {@code winrpc.soak.concurrency}
 * (default 16), {@code winrpc.soak.checkpoint} (default 500). Exit code 0 after the summary line
 * {@code SOAK OK: checked N lifecycles with 0 misuses and 0 leaks}; 1 after a violation.
 */
public final class Soak {

    static final int CONCURRENCY = Integer.getInteger("winrpc.soak.concurrency", 16);
    static final int CHECKPOINT = Integer.getInteger("winrpc.soak.checkpoint", 500);
    /** The summary line's start, which {@link SoakTest} looks for. */
    static final String OK = "SOAK OK: checked ";
    /** The line that names the APC dispatchers' routine ({@code ApcRoutineKind}). */
    static final String UPCALL = "SOAK APC routine: ";

    private final long seed;
    private final int lifecycles;
    private final Map<String, Integer> histogram = new ConcurrentHashMap<>();
    /** What the lifecycles covered: dispatchers, operations, acts, faults. */
    private final Map<String, Integer> coverage = new ConcurrentHashMap<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicInteger done = new AtomicInteger();
    private int misuses;
    private int leaks;

    private Soak(long seed, int lifecycles) {
        this.seed = seed;
        this.lifecycles = lifecycles;
    }

    public static void main(String[] args) {
        String s = System.getProperty("winrpc.soak.seed", "");
        long seed = s.isBlank() ? new Random().nextLong() : Long.parseLong(s.trim());
        String n = System.getProperty("winrpc.soak.lifecycles", "");
        int lifecycles = n.isBlank() ? 3000 : Integer.parseInt(n.trim());
        System.out.println("SOAK seed " + seed + " (reproduce with -Dwinrpc.soak.seed=" + seed + "), " + lifecycles
                + " lifecycles, " + CONCURRENCY + " at a time, a checkpoint every " + CHECKPOINT);
        System.out.println(UPCALL + dev.winrpc.async.dispatch.ApcRoutineKind.ofNewDispatcher());
        System.out.flush();
        int code;
        try {
            code = new Soak(seed, lifecycles).run();
        } catch (Throwable t) {
            System.out.println("SOAK FAILED (seed " + seed + "): the soak itself failed: " + t);
            t.printStackTrace(System.out);
            code = 1;
        }
        System.out.flush();
        Runtime.getRuntime().halt(code); // the daemon threads of a failed run may still wait
    }

    private int run() throws InterruptedException {
        long t0 = System.nanoTime();
        World world = new World(CONCURRENCY);
        SimControl sim = Simulator.control();
        ExecutorService workers = Executors.newFixedThreadPool(CONCURRENCY, r -> {
            Thread t = new Thread(r, "soak-lifecycle");
            t.setDaemon(true);
            return t;
        });
        LifecycleRun.Engine engine = new LifecycleRun.Engine();
        try {
            for (int block = 0; block * CHECKPOINT < lifecycles && failure.get() == null; block++) {
                int start = block * CHECKPOINT;
                int end = Math.min(lifecycles, start + CHECKPOINT);
                FaultMix mix = FaultMix.draw(seed, block);
                sim.sim_set_fault_plan(mix.plan());
                world.open();
                List<Future<?>> runs = new ArrayList<>();
                for (int i = start; i < end; i++) {
                    int index = i;
                    runs.add(workers.submit(() -> runOne(index, mix, world, engine)));
                }
                for (Future<?> f : runs) {
                    try {
                        f.get(10, TimeUnit.MINUTES);
                    } catch (TimeoutException e) {
                        fail("block " + block + " did not finish within 10 minutes (lifecycles stuck?)\n"
                                + threads());
                        return report(t0, engine.peakInFlight.get());
                    } catch (java.util.concurrent.ExecutionException e) {
                        fail("a lifecycle's runner threw: " + e.getCause());
                    }
                }
                String where = "the checkpoint after lifecycle " + (end - 1) + " (" + mix + ")";
                List<String> problems = world.closeAndCheck(where);
                misuses += Simulator.misuses().size();
                for (int c = 0; c < SimControl.SIM_COUNT__MAX; c++) {
                    leaks += sim.sim_counter(c) != 0 ? 1 : 0;
                }
                leaks += Dispatcher.stalePinned();
                sim.sim_reset();
                if (!problems.isEmpty()) {
                    String why = where + ":\n  " + String.join("\n  ", problems);
                    fail(why);
                    System.out.println("SOAK checkpoint FAILED: " + why);
                    break;
                }
                System.out.println("SOAK checkpoint: " + end + " lifecycles, " + mix + ", clean");
                System.out.flush();
            }
        } finally {
            workers.shutdownNow();
            engine.close();
        }
        return report(t0, engine.peakInFlight.get());
    }

    private void runOne(int index, FaultMix mix, World world, LifecycleRun.Engine engine) {
        if (failure.get() != null) {
            return; // the first violation ends the soak
        }
        Plan plan = Plan.draw(seed, index);
        World.Slot slot;
        try {
            slot = world.lease();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        LifecycleRun run = new LifecycleRun(plan, mix, world, slot, engine);
        try {
            histogram.merge(run.run(), 1, Integer::sum);
            cover(plan, mix);
            done.incrementAndGet();
        } catch (Throwable t) {
            StringBuilder why = new StringBuilder("lifecycle ").append(index).append(" (").append(mix).append(")\n  plan: ")
                    .append(plan).append("\n  ").append(t instanceof LifecycleRun.Violation ? t.getMessage() : t);
            if (!(t instanceof LifecycleRun.Violation)) {
                for (StackTraceElement e : t.getStackTrace()) {
                    why.append("\n    at ").append(e);
                }
            }
            why.append("\n  client: ").append(run.client != null ? run.client.call : null)
                    .append(run.client != null && run.client.watched != null ? " -> " + describe(run.client.watched) : "")
                    .append("\n  server: ").append(run.server != null && run.server.a != null ? run.server.a.call : null)
                    .append(run.server != null && run.server.watched != null ? " -> " + describe(run.server.watched)
                            + ", decision " + run.server.decision : "")
                    .append("\n  scripted client: ").append(run.peer != null
                            ? dev.winrpc.async.testing.PeerClient.describe(run.peer) : null);
            fail(why.toString());
        } finally {
            world.release(slot);
        }
    }

    private void cover(Plan p, FaultMix mix) {
        List<String> keys = new ArrayList<>(List.of("op " + p.op(), mix.faulty() ? "faults on" : "faults off"));
        if (p.kind().javaClient()) {
            keys.add("client on " + p.clientDisp());
            keys.add("client act " + p.clientAct() + (p.clientAct().name().startsWith("CANCEL")
                    ? p.abortive() ? " abortive" : p.cancelTimeoutMs() > 0 ? " non-abortive, short bound"
                    : " non-abortive" : ""));
        }
        if (p.kind().javaServer()) {
            keys.add("server on " + p.serverDisp());
            keys.add("server act " + p.serverAct());
        }
        if (p.closeClientAfterMs() >= 0 || p.closeServerAfterMs() >= 0) {
            keys.add("dispatcher closed under the call");
        }
        if (p.extraCalls() > 0) {
            keys.add("dispatcher closed under " + (1 + p.extraCalls()) + " calls");
        }
        if (p.op().out() && p.kind().javaServer()) {
            keys.add(p.serverPublishes() ? "server [out] publisher" : "server [out] send");
        }
        if (p.op().in() && p.kind().javaClient()) {
            keys.add(p.clientPublishes() ? "client [in] publisher" : "client [in] send");
        }
        if (p.refusedOn() != null) {
            keys.add("pipe call refused on " + p.refusedOn());
        }
        if (p.peerCancelMs() >= 0 || p.peerDisconnectAfter() >= 0) {
            keys.add(p.peerCancelMs() >= 0 ? "scripted client cancels" : "scripted client disconnects");
        }
        keys.forEach(k -> coverage.merge(k, 1, Integer::sum));
    }

    private static String describe(Watched<?> w) {
        if (!w.completed) {
            return "no result";
        }
        if (w.failure == null) {
            return "value " + w.value;
        }
        StringBuilder s = new StringBuilder(String.valueOf(w.failure));
        for (StackTraceElement e : w.failure.getStackTrace()) {
            s.append("\n      at ").append(e);
        }
        return s.toString();
    }

    private void fail(String why) {
        if (failure.compareAndSet(null, why)) {
            System.out.println("SOAK FAILED (seed " + seed + ", reproduce with -Dwinrpc.soak.seed=" + seed + "): " + why);
            System.out.flush();
        }
    }

    private static String threads() {
        StringBuilder s = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, st) -> {
            if (t.getName().startsWith("soak") || t.getName().startsWith("winrpc")) {
                s.append(t.getName()).append(":\n");
                for (int i = 0; i < Math.min(12, st.length); i++) {
                    s.append("    at ").append(st[i]).append('\n');
                }
            }
        });
        return s.toString();
    }

    private int report(long t0, int peak) {
        double secs = (System.nanoTime() - t0) / 1e9;
        int n = done.get();
        System.out.println("SOAK figures (seed " + seed + "): " + n + " lifecycles in " + String.format("%.1f", secs)
                + " s, " + String.format("%.0f", n / secs) + " lifecycles/s, peak in flight "
                + peak + " calls");
        System.out.println("SOAK outcomes:");
        new TreeMap<>(histogram).forEach((k, v) -> System.out.printf("  %7d  %s%n", v, k));
        System.out.println("SOAK coverage:");
        new TreeMap<>(coverage).forEach((k, v) -> System.out.printf("  %7d  %s%n", v, k));
        if (failure.get() != null) {
            System.out.println("SOAK FAILED (seed " + seed + "): see above");
            return 1;
        }
        System.out.println(OK + n + " lifecycles with " + misuses + " misuses and " + leaks + " leaks (seed " + seed + ")");
        return n == lifecycles && misuses == 0 && leaks == 0 ? 0 : 1;
    }
}
