package dev.winrpc.async.testing;

import com.sun.jna.Pointer;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import com.sun.jna.platform.win32.Kernel32;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.rpc.RpcServer;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixture server written in Java: an {@link WinRpcFixtureNative.SERVER_EPV} of JNA callbacks, served
 * on an endpoint of its own by the library's {@link RpcServer} ({@link FixtureHost#serve}), held
 * strongly until the server is closed.
 *
 * <p>Each manager routine runs on the simulator's dispatch thread (a native thread JNA attaches
 * for the callback), records what it was given, and hands the call to a new Java
 * {@link AlertableThread} that runs the test's {@link Handler}, as the server-side pipe page's
 * manager routine hands its call to a thread of its own. Unless made with {@code subscribe} false,
 * the manager routine first subscribes the call to its client's cancel and disconnect (a server
 * hears of neither otherwise), by APC to the call's thread; the handler starts after that. The
 * handler chooses the notification
 * ({@link RawServerCall#notifyByApc}, {@link RawServerCall#notifyByEvent}), pulls and pushes, and
 * ends the call with {@link RawServerCall#complete} or {@link RawServerCall#abort}; a handler that
 * does neither fails the test, and its call is aborted so that nothing leaks.
 *
 * <p>No exception ever leaves a callback: every failure is recorded and rethrown by
 * {@link #close()} on the test thread.
 */
public final class JavaServer implements AutoCloseable {

    /** The server's work for one call, run on the call's own Java thread. */
    public interface Handler {
        /**
         * @param call the call
         * @throws Exception anything: recorded, and the call is aborted if it is still open
         */
        void serve(RawServerCall call) throws Exception;
    }

    private static final AtomicInteger NEXT = new AtomicInteger();

    private final WinRpcFixtureNative fx = FixtureRuntime.fixture();
    private final Kernel32 k32 = RpcRuntime.kernel32();
    private final String endpoint;
    private final Handler handler;
    private final boolean subscribe;
    final Failures failures = new Failures();
    private final WinRpcFixtureNative.SERVER_EPV epv = new WinRpcFixtureNative.SERVER_EPV();
    private final Set<Thread> threadsBefore;
    private final Set<Thread> workerThreads = ConcurrentHashMap.newKeySet();
    private final List<AlertableThread> workers = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<RawServerCall> dispatched = new LinkedBlockingQueue<>();
    private final RpcServer server;
    private boolean stopped;

    /**
     * Starts listening on a new endpoint; every call subscribes to its client's cancel and
     * disconnect in the manager routine.
     *
     * @param handler serves every call
     */
    public JavaServer(Handler handler) {
        this(handler, true);
    }

    /**
     * Starts listening on a new endpoint.
     *
     * @param handler serves every call
     * @param subscribe whether each call subscribes, in its manager routine, to its client's
     *        cancel and disconnect (false: the handler decides; unsubscribed, it hears neither)
     */
    public JavaServer(Handler handler, boolean subscribe) {
        this.handler = handler;
        this.subscribe = subscribe;
        this.endpoint = "java-server-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
        this.threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
        epv.Add = (pAsync, hBinding, a, b) ->
                dispatch(pAsync, () -> new RawServerCall(this, SimControl.SIM_OP_ADD, pAsync, hBinding,
                        a, b, null, null, null));
        epv.Sleep = (pAsync, hBinding, ms) ->
                dispatch(pAsync, () -> new RawServerCall(this, SimControl.SIM_OP_SLEEP, pAsync, hBinding,
                        ms, 0, null, null, null));
        epv.Fail = (pAsync, hBinding, code) ->
                dispatch(pAsync, () -> new RawServerCall(this, SimControl.SIM_OP_FAIL, pAsync, hBinding,
                        code, 0, null, null, null));
        epv.PipeSum = (pAsync, hBinding, inpipe) ->
                dispatch(pAsync, () -> new RawServerCall(this, SimControl.SIM_OP_PIPE_SUM, pAsync,
                        hBinding, 0, 0, inpipe, null, null));
        epv.PipeRange = (pAsync, hBinding, start, count, outpipe) ->
                dispatch(pAsync, () -> new RawServerCall(this, SimControl.SIM_OP_PIPE_RANGE, pAsync,
                        hBinding, start, count, null, outpipe, null));
        epv.PipeEcho = (pAsync, hBinding, a, inpipe, outpipe, b) ->
                dispatch(pAsync, () -> new RawServerCall(this, SimControl.SIM_OP_PIPE_ECHO, pAsync,
                        hBinding, a, 0, inpipe, outpipe, b));
        this.server = FixtureHost.serve(fx, endpoint, epv);
    }

    /** @return the endpoint this server listens on */
    public String endpoint() {
        return endpoint;
    }

    /** @return the failures recorded so far (callbacks, worker threads) */
    public Failures failures() {
        return failures;
    }

    /**
     * Waits for the next call dispatched to this server.
     *
     * @param timeoutMs the bound
     * @return the call
     */
    public RawServerCall nextCall(long timeoutMs) {
        try {
            RawServerCall c = dispatched.poll(timeoutMs, TimeUnit.MILLISECONDS);
            if (c == null) {
                throw new AssertionError("no call was dispatched to " + endpoint + " within "
                        + timeoutMs + " ms");
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Waits for the next n calls to be dispatched and for their handlers to return. A test calls
     * this before closing the server, so that every call it expects has reached a handler.
     *
     * @param n how many
     * @param timeoutMs the bound for each
     * @return the calls, in dispatch order
     */
    public List<RawServerCall> awaitCalls(int n, long timeoutMs) {
        List<RawServerCall> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawServerCall c = nextCall(timeoutMs);
            try {
                c.done.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError("the handler of " + c + " did not return within "
                        + timeoutMs + " ms", e);
            }
            out.add(c);
        }
        return out;
    }

    /**
     * {@link #awaitCalls(int, long)} for one call.
     *
     * @param timeoutMs the bound
     * @return the call
     */
    public RawServerCall awaitCall(long timeoutMs) {
        return awaitCalls(1, timeoutMs).get(0);
    }

    private interface CallMaker {
        RawServerCall make();
    }

    /** On the manager routine's thread: record what was given, start the call's Java thread. */
    private void dispatch(Pointer pAsync, CallMaker maker) {
        RawServerCall call = null;
        try {
            Thread me = Thread.currentThread();
            call = maker.make();
            call.managerThread = me;
            call.managerThreadId = k32.GetCurrentThreadId();
            call.managerThreadWasJava = threadsBefore.contains(me) || workerThreads.contains(me);
            call.sizeAtDispatch = pAsync.getInt(0);
            call.signatureAtDispatch = pAsync.getInt(4);
            call.statusAtDispatch = call.status();
            RawServerCall c = call;
            dispatched.add(call);
            AlertableThread w = AlertableThread.start("java-server-op" + call.op,
                    self -> c.run(self, handler));
            workers.add(w);
            workerThreads.add(w.thread());
            try {
                if (subscribe) {
                    call.subscribeInManagerRoutine(w.handle());
                }
            } finally {
                call.dispatched.complete(null);
            }
        } catch (Throwable t) {
            failures.record(t);
            try {
                if (call != null) {
                    call.abortIfOpen();
                } else {
                    RawServerCall.abortRaw(pAsync);
                }
            } catch (Throwable t2) {
                failures.record(t2);
            }
        }
    }

    /**
     * Closes the server (which unregisters the interface and waits for its calls to end), waits
     * for the calls' Java threads, keeps the EPV reachable until then, and rethrows any failure.
     */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            server.close();
        } catch (RuntimeException e) {
            failures.record(new AssertionError("closing the server on " + endpoint + " failed", e));
        }
        for (AlertableThread w : workers) {
            try {
                w.join(10_000);
            } catch (Throwable t) {
                failures.record(t);
            }
        }
        Reference.reachabilityFence(epv);
        // The calls' threads have ended; an APC queued to one of them just before its end is
        // discarded when its native thread exits, which may be a moment after join returns.
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (Simulator.control().sim_counter(SimControl.SIM_COUNT_QUEUED_APCS) != 0
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failures.rethrow();
    }
}
