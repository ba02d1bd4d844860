package dev.winrpc.async.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The layout and constants of native-headers/winrpc_async.h as the host C compiler sees them,
 * written by simulator/abi_dump.c into target/native/abi.properties during the build.
 * A missing file is a failure, never a skip.
 */
public final class AbiDump {

    private static Properties cached;

    private AbiDump() {
    }

    /** @return the dump; fails if the build did not produce it */
    public static synchronized Properties load() {
        if (cached == null) {
            String path = System.getProperty("winrpc.abi.dump");
            if (path == null) {
                throw new AssertionError("system property winrpc.abi.dump is not set: run the "
                        + "tests through Maven, which builds simulator/abi_dump.c");
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(path))) {
                p.load(in);
            } catch (IOException e) {
                throw new AssertionError("cannot read the ABI dump " + path
                        + " (built from simulator/abi_dump.c): " + e, e);
            }
            cached = p;
        }
        return cached;
    }

    /**
     * @param key e.g. "offset.RPC_ASYNC_STATE.Flags"
     * @return its value
     */
    public static long get(String key) {
        String v = load().getProperty(key);
        if (v == null) {
            throw new AssertionError("the ABI dump has no " + key);
        }
        return Long.parseLong(v.trim());
    }
}
