package dev.winrpc.async.testing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tests' {@link System.LoggerFinder} (registered in
 * {@code META-INF/services/java.lang.System$LoggerFinder}): every logger goes to
 * java.util.logging, as the JDK's default finder does, so that nothing changes for a test that
 * does not look; and a logger of the library (a name under {@value #PREFIX}) also records what
 * it logs at or above the level a test set with {@link #capture(Level)}, for the test to read
 * ({@link Capture#records()}). Nothing is recorded while no capture is open.
 */
public final class CapturingLoggerFinder extends System.LoggerFinder {

    /** The loggers recorded: the library's. */
    public static final String PREFIX = "dev.winrpc.async";

    /** One line logged. */
    public record Entry(String logger, Level level, String message) {
    }

    private static final List<Entry> ENTRIES = new CopyOnWriteArrayList<>();
    /** The level recorded from, or OFF (no capture open). */
    private static volatile Level threshold = Level.OFF;
    /** The library's loggers throw from log() (a broken logger), while a capture is open. */
    private static volatile boolean broken;

    /** A capture: records from its opening to its closing. */
    public static final class Capture implements AutoCloseable {
        private Capture() {
        }

        /** @return what the library's loggers logged since the capture opened */
        public List<Entry> records() {
            return new ArrayList<>(ENTRIES);
        }

        /**
         * @param logger a logger's name
         * @return the messages it logged since the capture opened, in order
         */
        public List<String> messages(String logger) {
            List<String> out = new ArrayList<>();
            for (Entry e : ENTRIES) {
                if (e.logger().equals(logger)) {
                    out.add(e.message());
                }
            }
            return out;
        }

        /**
         * Makes the library's loggers throw from log() until the capture closes, as a broken
         * logger of an application's might; each line is recorded before the throw.
         *
         * @return this capture
         */
        public Capture broken() {
            broken = true;
            return this;
        }

        @Override
        public void close() {
            threshold = Level.OFF;
            broken = false;
            ENTRIES.clear();
        }
    }

    /**
     * Records what the library's loggers log at {@code from} or above until the capture closes
     * (one capture at a time: opening one ends any other).
     *
     * @param from the lowest level recorded
     * @return the capture
     */
    public static Capture capture(Level from) {
        ENTRIES.clear();
        threshold = Objects.requireNonNull(from, "from");
        return new Capture();
    }

    @Override
    public Logger getLogger(String name, Module module) {
        Logger jul = new JulLogger(java.util.logging.Logger.getLogger(name));
        return name.startsWith(PREFIX) ? new Recording(jul) : jul;
    }

    private static boolean recorded(Level level) {
        Level t = threshold;
        return t != Level.OFF && level != Level.OFF && level.getSeverity() >= t.getSeverity();
    }

    private static String format(String format, Object... params) {
        return params == null || params.length == 0 ? format : MessageFormat.format(format, params);
    }

    /** A library's logger: records, then passes on to java.util.logging. */
    private static final class Recording implements Logger {
        private final Logger next;

        Recording(Logger next) {
            this.next = next;
        }

        @Override
        public String getName() {
            return next.getName();
        }

        @Override
        public boolean isLoggable(Level level) {
            return recorded(level) || next.isLoggable(level);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (recorded(level)) {
                ENTRIES.add(new Entry(getName(), level, msg));
                if (broken) {
                    throw new IllegalStateException("a broken logger");
                }
            }
            next.log(level, bundle, msg, thrown);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (recorded(level)) {
                ENTRIES.add(new Entry(getName(), level, format(format, params)));
                if (broken) {
                    throw new IllegalStateException("a broken logger");
                }
            }
            next.log(level, bundle, format, params);
        }
    }

    /** Any logger: java.util.logging's, levels mapped as the JDK's default finder maps them. */
    private static final class JulLogger implements Logger {
        private final java.util.logging.Logger jul;

        JulLogger(java.util.logging.Logger jul) {
            this.jul = jul;
        }

        private static java.util.logging.Level map(Level level) {
            switch (level) {
                case ALL:
                    return java.util.logging.Level.ALL;
                case TRACE:
                    return java.util.logging.Level.FINER;
                case DEBUG:
                    return java.util.logging.Level.FINE;
                case INFO:
                    return java.util.logging.Level.INFO;
                case WARNING:
                    return java.util.logging.Level.WARNING;
                case ERROR:
                    return java.util.logging.Level.SEVERE;
                default:
                    return java.util.logging.Level.OFF;
            }
        }

        @Override
        public String getName() {
            return jul.getName();
        }

        @Override
        public boolean isLoggable(Level level) {
            return jul.isLoggable(map(level));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                jul.log(map(level), msg, thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                jul.log(map(level), format(format, params));
            }
        }
    }
}
