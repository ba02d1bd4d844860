package dev.winrpc.async.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.winrpc.async.RpcException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Data and outcome helpers shared by the table tests. */
public final class Calls {

    private Calls() {
    }

    /**
     * @param tag distinguishes chunks
     * @param n elements
     * @return n distinct values
     */
    public static int[] chunk(int tag, int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            c[i] = tag * 100_000 + i * 7 - 3;
        }
        return c;
    }

    /** @return the int (wrapping) sum of all the elements */
    public static int sum(List<int[]> chunks) {
        int s = 0;
        for (int[] c : chunks) {
            for (int x : c) {
                s += x;
            }
        }
        return s;
    }

    /** @return the elements, in order, as one array */
    public static int[] flatten(List<int[]> chunks) {
        int n = 0;
        for (int[] c : chunks) {
            n += c.length;
        }
        int[] out = new int[n];
        int i = 0;
        for (int[] c : chunks) {
            System.arraycopy(c, 0, out, i, c.length);
            i += c.length;
        }
        return out;
    }

    /** @return each element plus a */
    public static List<int[]> plus(List<int[]> chunks, int a) {
        List<int[]> out = new ArrayList<>();
        for (int[] c : chunks) {
            int[] d = c.clone();
            for (int i = 0; i < d.length; i++) {
                d[i] += a;
            }
            out.add(d);
        }
        return out;
    }

    /**
     * Sends the chunks (without waiting).
     *
     * @return their futures
     */
    public static List<CompletableFuture<Void>> sendAll(PipeWriter<int[]> w, List<int[]> chunks) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int[] c : chunks) {
            sent.add(w.send(c));
        }
        return sent;
    }

    /** Sends the chunks, each once the previous one was sent. */
    public static void sendEach(PipeWriter<int[]> w, List<int[]> chunks) {
        for (int[] c : chunks) {
            Await.value(w.send(c));
        }
    }

    /**
     * Receives one chunk at a time until the end of the pipe.
     *
     * @return the chunks
     */
    public static List<int[]> receiveAll(PipeReader<int[]> r) {
        List<int[]> got = new ArrayList<>();
        for (int[] c; (c = Await.value(r.receive())) != null; ) {
            got.add(c);
        }
        return got;
    }

    /**
     * Receives until the end of the pipe or its failure.
     *
     * @return the chunks received
     */
    public static List<int[]> drain(PipeReader<int[]> r) {
        List<int[]> got = new ArrayList<>();
        try {
            for (int[] c; (c = r.receive().get(Await.SECONDS, java.util.concurrent.TimeUnit.SECONDS)) != null; ) {
                got.add(c);
            }
        } catch (java.util.concurrent.ExecutionException failed) {
            // the call failed: the pipe ends here
        } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
            throw new AssertionError("the pipe neither ended nor failed within " + Await.SECONDS + " s", e);
        }
        return got;
    }

    /** Asserts the same elements in the same order (chunk boundaries aside). */
    public static void assertSameData(List<int[]> expected, List<int[]> actual) {
        int[] e = flatten(expected);
        int[] a = flatten(actual);
        if (!Arrays.equals(e, a)) {
            throw new AssertionError("the data differ: expected " + e.length + " elements "
                    + Arrays.toString(Arrays.copyOf(e, Math.min(e.length, 12))) + "..., got " + a.length
                    + " " + Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 12))) + "...");
        }
    }

    /** Finishes the pipe unless the call has ended meanwhile (then finish throws, as it should). */
    public static void finishUnlessEnded(PipeWriter<int[]> w) {
        try {
            w.finish();
        } catch (IllegalStateException ended) {
            // the call ended first
        }
    }

    /**
     * @param t a failure
     * @param status the RPC status it must carry
     * @param serverFault whether it must be a server fault
     * @return it as an RpcException
     */
    public static RpcException rpc(Throwable t, int status, boolean serverFault) {
        RpcException e = assertInstanceOf(RpcException.class, t, () -> "the failure " + t);
        assertEquals(status, e.status(), "status of " + e);
        assertEquals(serverFault, e.isServerFault(), "server fault? " + e);
        return e;
    }

    /** The same chunks, n of them, each of size elements. */
    public static List<int[]> chunks(int n, int size) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(chunk(i + 1, size));
        }
        return out;
    }
}
