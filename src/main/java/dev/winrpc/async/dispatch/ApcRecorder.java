package dev.winrpc.async.dispatch;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.internal.Cleaner;
import com.sun.jna.platform.win32.BaseTSD.SIZE_T;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.raw.Kernel32Ex;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * APC notifications without an upcall: the notification routine the runtime calls is a few dozen
 * bytes of machine code ({@link ApcRecorderCode}, one table entry per ABI) that only records
 * {@code (pAsync, Event)} into a ring in native memory and returns; the dispatcher's thread
 * delivers the records in Java ({@link #drain}) when its alertable wait returns. An APC runs on
 * the thread it was queued to, inside that thread's alertable wait, so the routine and the drain
 * are the same thread, one after the other: the ring needs no atomic operation.
 *
 * <p>A full ring ({@value ApcRecorderCode#CAPACITY} records not yet drained, which only a backlog
 * of that many APCs run in one wait makes) is no loss: the routine then jumps, its arguments
 * untouched, to the fallback routine, the upcall that served every notification before (JNA's
 * callback or an FFM stub), whose handler drains the ring first and then delivers its own
 * notification, so the order stays the runtime's.
 *
 * <p>Memory: the code lives in a page of its own, written while read-write and then made
 * execute-read (VirtualAllocEx, VirtualProtect, FlushInstructionCache: never writable and
 * executable at once); the ring is ordinary native memory. Under Control Flow Guard the runtime's
 * indirect call to the routine is allowed: a change to an executable protection marks every
 * location of the pages a valid call target unless {@code PAGE_TARGETS_NO_UPDATE} is given
 * (<a href="https://learn.microsoft.com/windows/win32/Memory/memory-protection-constants">Memory
 * Protection Constants</a>). The code uses only {@code ret} and a tail {@code jmp}/{@code br}, so
 * hardware shadow stacks (CET) see ordinary calls and returns. Both stay until the owner (the
 * {@link ApcRoutine}, which the dispatcher and every call registered with it hold) is
 * unreachable, which is the same lifetime JNA gives a callback's entry point: no state that can
 * still be notified ever points at a released page.
 *
 * <p>Where there is no code for the platform's ABI, or the page cannot be made executable (a
 * process that forbids it), or the system property {@value #PROPERTY} is {@code false},
 * {@link #create} returns null and the upcall serves every notification, as before.
 */
final class ApcRecorder {

    /**
     * The system property that turns the recorder off ({@code false}); on by default, where the
     * platform allows it.
     */
    static final String PROPERTY = "winrpc.apcRecorder";

    private final Pointer code;
    /** Held: the ring the code writes lives as long as this object. */
    private final Memory ring;
    private final ByteBuffer view;
    private final int slotSize;
    private final boolean wide;

    private ApcRecorder(ApcRecorderCode.Abi abi, Pointer code, Memory ring) {
        this.code = code;
        this.ring = ring;
        this.view = ring.getByteBuffer(0, ring.size()).order(ByteOrder.nativeOrder());
        this.slotSize = ApcRecorderCode.slotSize(abi);
        this.wide = abi.pointerSize() == 8;
    }

    /**
     * Makes the recorder whose full ring hands over to {@code fallback}.
     *
     * @param owner the object whose reachability keeps the code and ring alive
     * @param fallback the entry point of the upcall routine (same signature and convention)
     * @return the recorder, or null where it cannot serve (see the class comment)
     */
    static ApcRecorder create(Object owner, Pointer fallback) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true")) || fallback == null) {
            return null;
        }
        ApcRecorderCode.Abi abi = ApcRecorderCode.forPlatform(Platform.isWindows(), Platform.ARCH);
        if (abi == null || abi.pointerSize() != Native.POINTER_SIZE) {
            return null;
        }
        Kernel32 k = RpcRuntime.kernel32();
        Kernel32Ex kx = RpcRuntime.kernel32Ex();
        WinNT.HANDLE self = k.GetCurrentProcess();
        byte[] bytes = ApcRecorderCode.code(abi);
        SIZE_T size = new SIZE_T(bytes.length);
        Pointer page;
        try {
            page = k.VirtualAllocEx(self, null, size, WinNT.MEM_COMMIT | WinNT.MEM_RESERVE, WinNT.PAGE_READWRITE);
        } catch (UnsatisfiedLinkError e) {
            return null; // a kernel32 without the function: the upcall serves
        }
        if (page == null) {
            return null;
        }
        Memory ring = new Memory(ApcRecorderCode.ringBytes(abi));
        ring.clear();
        int literals = ApcRecorderCode.literalsOffset(abi);
        page.write(0, bytes, 0, bytes.length);
        page.setPointer(literals, ring);
        page.setPointer(literals + abi.pointerSize(), fallback);
        boolean ready;
        try {
            ready = kx.VirtualProtect(page, size, WinNT.PAGE_EXECUTE_READ, new IntByReference())
                    && kx.FlushInstructionCache(self, page, size);
        } catch (UnsatisfiedLinkError e) {
            ready = false;
        }
        if (!ready) {
            k.VirtualFreeEx(self, page, new SIZE_T(0), WinNT.MEM_RELEASE);
            return null;
        }
        ApcRecorder recorder = new ApcRecorder(abi, page, ring);
        long address = Pointer.nativeValue(page);
        Cleaner.getCleaner().register(owner, () -> release(address));
        return recorder;
    }

    private static void release(long address) {
        Kernel32 k = RpcRuntime.kernel32();
        k.VirtualFreeEx(k.GetCurrentProcess(), new Pointer(address), new SIZE_T(0), WinNT.MEM_RELEASE);
    }

    /** {@return the routine's address: what the states' u.APC.NotificationRoutine gets} */
    Pointer entryPoint() {
        return code;
    }

    /**
     * Delivers every record not yet delivered, oldest first, each one's slot freed before its
     * handler runs (a handler that waits alertably may record more, and a nested drain goes on
     * from where this one is). A record that is {@linkplain #ended stale} is skipped. Call on
     * the dispatcher's thread only.
     *
     * @param handler what receives each notification; must not throw
     * @return true if anything was delivered
     */
    boolean drain(ApcRoutine.Handler handler) {
        ByteBuffer v = view;
        int head = v.getInt(ApcRecorderCode.HEAD_OFFSET);
        if (head == v.getInt(ApcRecorderCode.TAIL_OFFSET)) {
            return false;
        }
        if (depth == 0) {
            ended.clear(); // every record an entry could concern has been delivered
        }
        depth++;
        try {
            do {
                int slot = ApcRecorderCode.SLOTS_OFFSET + (head & (ApcRecorderCode.CAPACITY - 1)) * slotSize;
                long pAsync = wide ? v.getLong(slot) : v.getInt(slot) & 0xFFFF_FFFFL;
                int event = v.getInt(slot + (wide ? 8 : 4));
                v.putInt(ApcRecorderCode.HEAD_OFFSET, head + 1);
                if (!ended.before(pAsync, head)) {
                    handler.onApc(pAsync, event);
                }
                head = v.getInt(ApcRecorderCode.HEAD_OFFSET);
            } while (head != v.getInt(ApcRecorderCode.TAIL_OFFSET));
        } finally {
            depth--;
        }
        return true;
    }

    /**
     * Says that the call whose state is at {@code pAsync} has ended (its registration removed), on
     * the dispatcher's thread. During a drain, the records of that state already in the ring
     * are then stale: the runtime ran their APCs before the call ended (they were all queued by
     * then), and an upcall delivering each at once would have ended the call at the first; the
     * runtime drops a call's APCs that have not run when it completes. The drain skips them
     * rather than report them as notifications for no call. Records made after this (a new
     * call at the same address) are delivered as usual.
     *
     * @param pAsync the address of the state
     */
    void ended(long pAsync) {
        if (depth > 0) {
            ended.put(pAsync, view.getInt(ApcRecorderCode.TAIL_OFFSET), ++ends);
        }
    }

    /**
     * For a notification that reached the upcall (a full ring, or a routine JNA wrote itself):
     * drains the records before it, then says whether one of them ended its call.
     *
     * @param handler what receives each record
     * @param pAsync the state the upcall's notification is for
     * @return true if that notification is stale: skip it
     */
    boolean drainBefore(ApcRoutine.Handler handler, long pAsync) {
        int mark = ends;
        drain(handler);
        return ended.since(pAsync, mark);
    }

    /** Drains in progress (nested when a handler waits alertably). */
    private int depth;
    /** Calls ended during drains, counted: what {@link #drainBefore} compares. */
    private int ends;
    /** State address to the ring's tail when its call ended, since the outermost drain began. */
    private final Ends ended = new Ends();

    /**
     * A small open-addressing map of state addresses (never 0) to record numbers; allocates only
     * when it grows past what any earlier drain needed.
     */
    static final class Ends {
        private long[] keys = new long[16];
        private int[] tails = new int[16];
        private int[] seqs = new int[16];
        private int size;

        void put(long key, int tail, int seq) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int i = find(keys, key);
            if (keys[i] == 0) {
                keys[i] = key;
                size++;
            }
            tails[i] = tail;
            seqs[i] = seq;
        }

        /** {@return true if {@code key} ended after end number {@code mark}} */
        boolean since(long key, int mark) {
            if (size == 0) {
                return false;
            }
            int i = find(keys, key);
            return keys[i] != 0 && seqs[i] - mark > 0;
        }

        /** {@return true if {@code key} ended when the tail was past {@code number}} */
        boolean before(long key, int number) {
            if (size == 0) {
                return false;
            }
            int i = find(keys, key);
            return keys[i] != 0 && number - tails[i] < 0;
        }

        void clear() {
            if (size != 0) {
                Arrays.fill(keys, 0L);
                size = 0;
            }
        }

        private static int find(long[] keys, long key) {
            int mask = keys.length - 1;
            int i = (int) (key ^ (key >>> 29) ^ (key >>> 3)) & mask;
            while (keys[i] != 0 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            return i;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldTails = tails;
            int[] oldSeqs = seqs;
            keys = new long[oldKeys.length * 2];
            tails = new int[oldKeys.length * 2];
            seqs = new int[oldKeys.length * 2];
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != 0) {
                    int i = find(keys, oldKeys[j]);
                    keys[i] = oldKeys[j];
                    tails[i] = oldTails[j];
                    seqs[i] = oldSeqs[j];
                }
            }
        }
    }
}
