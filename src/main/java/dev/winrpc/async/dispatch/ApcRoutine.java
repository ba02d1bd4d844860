package dev.winrpc.async.dispatch;

import com.sun.jna.CallbackReference;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.winrpc.async.raw.Kernel32Direct;
import dev.winrpc.async.raw.Kernel32Ex;
import dev.winrpc.async.raw.Rpcrt4;

/**
 * The notification routine an {@link ApcDispatcher} writes into every state it registers, with
 * an entry point that allocates nothing per notification where JNA allows it.
 *
 * <p>JNA calls an ordinary callback through a proxy: per call an {@code Object[]}, a
 * {@code Pointer} for pAsync, an {@code Integer} for the event, and a reflective call (about
 * 136 bytes). A callback whose method takes primitives only, handed to native code as an
 * argument of a direct-mapped function, gets a direct-mode entry point instead, which JNA calls
 * with the native values as they are. On a 64-bit process this routine obtains that entry point
 * once, on the dispatcher's thread, by passing itself, an
 * {@link Rpcrt4.RPCNOTIFICATION_ROUTINE_DIRECT}, as the argument of an APC queued to that thread ({@link Kernel32Direct#QueueUserAPC}): JNA
 * converts it to its direct-mode entry point, and the APC receives that address as its
 * parameter. {@link #entryPoint()} is then what
 * {@link dev.winrpc.async.raw.RPC_ASYNC_STATE#writeCallerFields()} writes into
 * {@code u.APC.NotificationRoutine}.
 *
 * <p>On 64-bit the object is both forms ({@link Direct}), the primitive one first: JNA takes a
 * callback's method from the first callback interface a class declares, so both of its entry
 * points call {@link Direct#callback(long, long, int)}; and when JNA reads a state back (a
 * structure passed to a function bound by interface), the callback it finds at the direct entry
 * point is this object, an {@link Rpcrt4.RPCNOTIFICATION_ROUTINE} as the field's type requires.
 * On 32-bit, where an address is not a {@code long}, it is only the ordinary form.
 *
 * <p>Where the direct entry point is not available (a 32-bit process, or the APC did not deliver
 * an address), {@link #entryPoint()} stays null and the state gets JNA's ordinary entry point
 * for this object, which reaches the same handler through JNA's boxing proxy. Structures JNA writes itself (a server
 * subscription's notification info) also get the ordinary one.
 *
 * <p>Lifetime: JNA keeps an entry point only while its callback object is reachable. The
 * dispatcher holds this routine for its whole life (and the routine its learning APC), so no
 * entry point written into a state is ever freed while a registered (or stale) call can use it.
 */
class ApcRoutine implements Rpcrt4.RPCNOTIFICATION_ROUTINE, Rpcrt4.EntryPoint {

    /** An entry point made outside JNA (an FFM upcall stub, {@link Upcalls}). */
    interface Upcall {
        /** {@return the entry point's address, valid while this object is reachable} */
        long address();

        /** {@return what made the stub, as {@link ApcRoutine#kind()} says it} */
        default String kind() {
            return "ffm";
        }
    }

    /** What receives each notification: on the dispatcher thread, never throwing. */
    interface Handler {
        /**
         * @param pAsync the address of the call's RPC_ASYNC_STATE
         * @param event the RPC_ASYNC_EVENT
         */
        void onApc(long pAsync, int event);
    }

    /**
     * What the upcall entry points call: the ring's records first (a full ring hands its next
     * notification to the upcall), then the upcall's own notification.
     */
    static final class Recording implements Handler {
        final Handler target;
        /** Set once, on the dispatcher's thread, before any call is registered. */
        ApcRecorder recorder;

        Recording(Handler target) {
            this.target = target;
        }

        @Override
        public void onApc(long pAsync, int event) {
            ApcRecorder r = recorder;
            if (r != null && r.drainBefore(target, pAsync)) {
                return; // a record before it ended its call: stale (ApcRecorder#ended)
            }
            target.onApc(pAsync, event);
        }
    }

    final Recording handler;

    private ApcRoutine(Recording handler) {
        this.handler = handler;
    }

    /**
     * @param handler what receives each notification
     * @return the routine for this process: on 64-bit an FFM upcall stub where the JDK has one
     *         ({@link Ffm}: JDK 22+, or JDK 17 with its incubating linker), else {@link Direct};
     *         the ordinary form on 32-bit
     */
    static ApcRoutine create(Handler handler) {
        Recording recording = new Recording(handler);
        if (Native.POINTER_SIZE != 8) {
            return new ApcRoutine(recording);
        }
        Upcall ffm = Upcalls.apc(recording);
        return ffm != null ? new Ffm(recording, ffm) : new Direct(recording);
    }

    /**
     * On the dispatcher's thread, after {@link #bindDirect} and before any call is registered:
     * puts the {@link ApcRecorder} in front of the upcall where the platform allows it.
     *
     * @return true if states get the recorder's routine
     */
    boolean record() {
        Pointer upcall = upcallEntryPoint();
        handler.recorder = ApcRecorder.create(this, upcall != null ? upcall : CallbackReference.getFunctionPointer(this));
        return handler.recorder != null;
    }

    /**
     * Delivers what the recorder holds; on the dispatcher's thread, after each alertable wait.
     *
     * @return true if anything was delivered
     */
    boolean drain() {
        ApcRecorder r = handler.recorder;
        return r != null && r.drain(handler.target);
    }

    /**
     * On the dispatcher's thread: the call whose state is at {@code pAsync} has ended, so records
     * of it made before now are stale ({@link ApcRecorder#ended}).
     *
     * @param pAsync the state's address
     */
    void ended(long pAsync) {
        ApcRecorder r = handler.recorder;
        if (r != null) {
            r.ended(pAsync);
        }
    }

    /**
     * {@return how native code reaches the handler: the upcall's kind, "ffm" (JDK 22+),
     * "ffm-incubator" (JDK 17 with its incubating linker), "jna-direct" or "jna", prefixed with
     * "recorder+" where the {@link ApcRecorder} routine records notifications and the upcall only
     * serves a full ring}
     */
    String kind() {
        return handler.recorder != null ? "recorder+" + upcallKind() : upcallKind();
    }

    /** {@return how the upcall reaches the handler, without the recorder} */
    String upcallKind() {
        return "jna";
    }

    /**
     * On the thread {@code thread} names, before any call is registered: obtains the direct-mode
     * entry point where there is one. Leaves {@link #entryPoint()} null if it cannot.
     *
     * @param thread a real handle of the current thread, with THREAD_SET_CONTEXT
     * @return true if the direct entry point is in use
     */
    boolean bindDirect(HANDLE thread) {
        return false;
    }

    /** {@return the recorder's routine where there is one, else the upcall's entry point} */
    @Override
    public final Pointer entryPoint() {
        ApcRecorder r = handler.recorder;
        return r != null ? r.entryPoint() : upcallEntryPoint();
    }

    /** {@return the upcall's own entry point, or null where JNA makes the ordinary one} */
    Pointer upcallEntryPoint() {
        return null;
    }

    /** JNA's ordinary entry point (32-bit), or a caller holding this as a routine. */
    @Override
    public void callback(Pointer pAsync, Pointer context, int event) {
        handler.onApc(Pointer.nativeValue(pAsync), event);
    }

    /**
     * The routine whose entry point is an FFM upcall stub: known at once, no learning APC. The
     * object is still JNA's ordinary callback for the structures JNA writes itself.
     */
    static final class Ffm extends ApcRoutine {

        /** Held: the stub lives as long as this object. */
        private final Upcall upcall;
        private final Pointer entryPoint;

        private Ffm(Recording handler, Upcall upcall) {
            super(handler);
            this.upcall = upcall;
            this.entryPoint = new Pointer(upcall.address());
        }

        @Override
        boolean bindDirect(HANDLE thread) {
            return true;
        }

        @Override
        Pointer upcallEntryPoint() {
            return entryPoint;
        }

        @Override
        String upcallKind() {
            return upcall.kind();
        }
    }

    /** The 64-bit routine: also an {@link Rpcrt4.RPCNOTIFICATION_ROUTINE_DIRECT}, which JNA uses. */
    static final class Direct extends ApcRoutine implements Rpcrt4.RPCNOTIFICATION_ROUTINE_DIRECT {

        /** The APC that learns the direct entry point; held while it may run. */
        private final Kernel32Ex.PAPCFUNC_DIRECT learn = parameter -> this.learned = parameter;
        private long learned;
        private volatile Pointer entryPoint;

        private Direct(Recording handler) {
            super(handler);
        }

        @Override
        boolean bindDirect(HANDLE thread) {
            learned = 0;
            try {
                if (Kernel32Direct.QueueUserAPC(learn, thread.getPointer(), this) == 0) {
                    return false;
                }
            } catch (RuntimeException | LinkageError e) {
                return false; // JNA could not make the entry points: the ordinary one serves
            }
            // The APC is this thread's own: an alertable wait of 0 runs it (and anything queued
            // before it, which at this point is at most a wake-up).
            for (int i = 0; i < 100 && learned == 0; i++) {
                Kernel32Direct.SleepEx(0, true);
            }
            if (learned == 0) {
                return false;
            }
            entryPoint = new Pointer(learned);
            return true;
        }

        @Override
        String upcallKind() {
            return entryPoint != null ? "jna-direct" : "jna";
        }

        @Override
        Pointer upcallEntryPoint() {
            return entryPoint;
        }

        /** What both of JNA's entry points for this object call. */
        @Override
        public void callback(long pAsync, long context, int event) {
            handler.onApc(pAsync, event);
        }
    }
}
