package dev.winrpc.async.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.platform.win32.WinNT;
import dev.winrpc.async.testing.AbiDump;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every constant of the raw layer equals native-headers/winrpc_async.h's value, and back. */
class ConstantsTest {

    private static final Class<?>[] HOLDERS = {RpcErrors.class, Rpcrt4.class, Rpcrt4Binding.class,
        Rpcrt4Server.class, Kernel32Ex.class};

    private static Field find(String name) {
        for (Class<?> c : HOLDERS) {
            try {
                Field f = c.getField(name);
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                    return f;
                }
            } catch (NoSuchFieldException e) {
                // try the next holder
            }
        }
        return null;
    }

    @Test
    void everyHeaderConstantHasTheSameValueInJava() throws IllegalAccessException {
        Properties p = AbiDump.load();
        List<String> missing = new ArrayList<>();
        int compared = 0;
        int constants = 0;
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("const.")) {
                continue;
            }
            constants++;
            String name = key.substring("const.".length());
            long header = Long.parseLong(p.getProperty(key).trim());
            if (name.equals("THREAD_SET_CONTEXT")) {
                assertEquals(header, WinNT.THREAD_SET_CONTEXT, "jna-platform's THREAD_SET_CONTEXT");
                compared++;
                continue;
            }
            Field f = find(name);
            if (f == null) {
                missing.add(name);
                continue;
            }
            assertEquals((int) header, f.getInt(null), name);
            compared++;
        }
        assertTrue(missing.isEmpty(), "constants in the header but not in Java: " + missing);
        assertEquals(constants, compared);
        assertTrue(constants > 30, "the dump holds only " + constants + " constants");
    }

    @Test
    void everyJavaStatusIsDeclaredInTheHeader() {
        Properties p = AbiDump.load();
        for (Field f : RpcErrors.class.getFields()) {
            assertTrue(p.containsKey("const." + f.getName()),
                    f.getName() + " is declared in Java but not in native-headers/winrpc_async.h");
        }
    }
}
