package dev.winrpc.async.dispatch;

/** The dispatcher is closed (or closing) and refuses the operation, or closed under a live call. */
public class DispatcherClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused or failed
     */
    public DispatcherClosedException(String message) {
        super(message);
    }
}
