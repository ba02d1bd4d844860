package dev.winrpc.async.soak;

/**
 * An exception the soak's application code throws on purpose (a stub, a Flow subscriber or
 * publisher): a call that fails with it must fail with this very instance.
 */
final class Injected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Injected(String what, int lifecycle) {
        super("injected by lifecycle " + lifecycle + ": " + what, null, false, false);
    }
}
