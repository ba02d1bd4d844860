package dev.winrpc.async.call;

/** What a test outside this package may ask of a call beyond its public API. */
public final class CallProbe {

    private CallProbe() {
    }

    /**
     * @param call a call
     * @return true if it holds no registration with its dispatcher (never had one, or closed it)
     */
    public static boolean registrationClosed(AsyncCall<?> call) {
        return call.registration == null || call.registration.isClosed();
    }
}
