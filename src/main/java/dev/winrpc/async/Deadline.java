package dev.winrpc.async;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a client call may take: {@link #none()}, or {@link #after(Duration) a duration}
 * counted from the moment the call is started. When it passes, the library cancels the call
 * abortively ({@code RpcAsyncCancelCall(pAsync, TRUE)}) and the call fails with an
 * {@link RpcDeadlineExceededException}, unless the call has already completed.
 *
 * <p>If the call's dispatcher closes before the deadline passes, the call fails with the
 * dispatcher's {@code DispatcherClosedException} (the close cancels it abortively), and the
 * deadline never fires. A call that the application cancelled before its deadline fails as a
 * cancelled call; a non-abortive cancel still waiting when the deadline passes becomes abortive.
 *
 * <p>A value: what a call is given ({@code ClientCall.Builder#deadline}) or what a binding may
 * hold as the default of the calls made on it. The runtime's own {@code RPC_C_OPT_CALL_TIMEOUT}
 * does not apply to asynchronous calls (and is an inactivity timeout, not a deadline: see
 * {@code docs/reference/deadlines.md}), which is why the library keeps the time itself, on the
 * call's dispatcher thread (no thread of its own).
 */
public final class Deadline {

    private static final Deadline NONE = new Deadline(null);

    private final Duration duration;

    private Deadline(Duration duration) {
        this.duration = duration;
    }

    /** @return no deadline: the call takes as long as it takes */
    public static Deadline none() {
        return NONE;
    }

    /**
     * A deadline a duration after the call starts.
     *
     * @param duration positive
     * @return the deadline
     * @throws NullPointerException if duration is null
     * @throws IllegalArgumentException if duration is zero or negative
     */
    public static Deadline after(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("a deadline must be positive: " + duration);
        }
        return new Deadline(duration);
    }

    /** @return true for {@link #none()} */
    public boolean isNone() {
        return duration == null;
    }

    /** @return the duration, or empty for {@link #none()} */
    public Optional<Duration> duration() {
        return Optional.ofNullable(duration);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Deadline && Objects.equals(duration, ((Deadline) o).duration);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(duration);
    }

    @Override
    public String toString() {
        return duration == null ? "Deadline.none()" : "Deadline.after(" + duration + ")";
    }
}
