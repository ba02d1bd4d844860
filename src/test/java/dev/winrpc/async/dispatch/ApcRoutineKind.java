package dev.winrpc.async.dispatch;

/** For tests in other packages: how an APC dispatcher's notification routine is reached. */
public final class ApcRoutineKind {

    private ApcRoutineKind() {
    }

    /**
     * @return the kind of routine a new {@link ApcDispatcher} gets on this JVM: "ffm",
     *         "ffm-incubator", "jna-direct" or "jna"
     */
    public static String ofNewDispatcher() {
        try (ApcDispatcher d = new ApcDispatcher()) {
            return d.routine().kind();
        }
    }
}
