package dev.winrpc.async.dispatch;

import java.lang.reflect.Method;

/** Thread facts the library needs on JDK 17 and on JDK 21+. */
final class Threads {

    private static final Method IS_VIRTUAL = isVirtualMethod();

    private Threads() {
    }

    private static Method isVirtualMethod() {
        try {
            return Thread.class.getMethod("isVirtual");
        } catch (NoSuchMethodException e) {
            return null; // JDK 17-20: no virtual threads
        }
    }

    /**
     * @param t a thread
     * @return true if t is a virtual thread (JDK 21+)
     */
    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (Boolean) IS_VIRTUAL.invoke(t);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Thread.isVirtual() failed", e);
        }
    }

    /**
     * Refuses a virtual thread where the runtime must reach one OS thread.
     *
     * @param t the thread
     * @param role what it would be, for the message
     * @throws IllegalArgumentException if t is virtual
     */
    static void requirePlatformThread(Thread t, String role) {
        if (isVirtual(t)) {
            throw new IllegalArgumentException(role + " is a virtual thread, which cannot receive "
                    + "APCs or wait alertably: Windows queues an APC to one OS thread, and a "
                    + "virtual thread moves between carrier threads and parks in non-alertable "
                    + "waits, so its notifications would run on some other virtual thread or "
                    + "never. Use a platform thread.");
        }
    }
}
