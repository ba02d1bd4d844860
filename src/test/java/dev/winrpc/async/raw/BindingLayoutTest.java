package dev.winrpc.async.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import dev.winrpc.async.testing.AbiDump;
import dev.winrpc.async.testing.Layout;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The binding and hosting structures of the raw layer lay out as native-headers/winrpc_rpcdce.h
 * declares them (which native-headers/check proves equal to mingw-w64's rpcdce.h and
 * rpcasync.h), for both Windows pointer sizes:
 * <ul>
 *   <li>on this JVM, JNA's layout equals the header's as this host's compiler sees it
 *       (abi.properties);</li>
 *   <li>for 32-bit x86 and x64, the layout the Java fields give under each ABI's C rules
 *       (computed here from the fields' types, the rules JNA applies on that platform) equals
 *       the offsets and sizes the header asserts for that pointer size (the tables below, copied
 *       from its WINRPC_ASSERT_OFFSET/SIZE lines).</li>
 * </ul>
 */
class BindingLayoutTest {

    /** {name: {x86, x64}} from winrpc_rpcdce.h's asserts; "" is the structure's size. */
    private static final Map<String, int[]> QOS = table("", 16, 16, "Version", 0, 0,
            "Capabilities", 4, 4, "IdentityTracking", 8, 8, "ImpersonationType", 12, 12);
    private static final Map<String, int[]> IDENTITY = table("", 28, 48, "User", 0, 0,
            "UserLength", 4, 8, "Domain", 8, 16, "DomainLength", 12, 24, "Password", 16, 32,
            "PasswordLength", 20, 40, "Flags", 24, 44);
    private static final Map<String, int[]> VECTOR = table("", 8, 16, "Count", 0, 0,
            "BindingH", 4, 8);
    private static final Map<String, int[]> ATTRIBUTES = table("", 84, 112, "Version", 0, 0,
            "Flags", 4, 4, "ServerPrincipalNameBufferLength", 8, 8, "ServerPrincipalName", 12, 16,
            "ClientPrincipalNameBufferLength", 16, 24, "ClientPrincipalName", 20, 32,
            "AuthenticationLevel", 24, 40, "ProtocolSequence", 40, 56, "IsClientLocal", 44, 60,
            "ClientPID", 48, 64, "CallStatus", 52, 72, "CallType", 56, 76,
            "CallLocalAddress", 60, 80, "OpNum", 64, 88, "InterfaceUuid", 68, 92);

    private static Map<String, int[]> table(Object... kv) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 3) {
            m.put((String) kv[i], new int[] {(Integer) kv[i + 1], (Integer) kv[i + 2]});
        }
        return m;
    }

    /** size and alignment of a field's Java type under a Windows ABI of the pointer size. */
    private static int[] sizeAlign(Class<?> t, Object value, int ptr) {
        if (t == int.class) {
            return new int[] {4, 4};
        }
        if (t == short.class) {
            return new int[] {2, 2};
        }
        if (t == byte.class) {
            return new int[] {1, 1};
        }
        if (Pointer.class.isAssignableFrom(t) || Callback.class.isAssignableFrom(t)
                || com.sun.jna.PointerType.class.isAssignableFrom(t)) {
            return new int[] {ptr, ptr};
        }
        if (t.isArray()) {
            int n = java.lang.reflect.Array.getLength(value);
            int[] e = sizeAlign(t.getComponentType(), null, ptr);
            return new int[] {e[0] * n, e[1]};
        }
        if (Structure.class.isAssignableFrom(t)) {
            Map<String, Integer> l = layout((Structure) value, ptr);
            return new int[] {l.get(""), l.get("#align")};
        }
        throw new AssertionError("no C layout rule for " + t);
    }

    /** The C layout of a structure's fields (in field order) for the pointer size. */
    static Map<String, Integer> layout(Structure s, int ptr) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int off = 0;
        int align = 1;
        try {
            java.lang.reflect.Method fo = Structure.class.getDeclaredMethod("getFieldOrder");
            fo.setAccessible(true);
            @SuppressWarnings("unchecked")
            List<String> order = (List<String>) fo.invoke(s);
            for (String name : order) {
                Field f = s.getClass().getField(name);
                int[] sa = sizeAlign(f.getType(), f.get(s), ptr);
                off = (off + sa[1] - 1) / sa[1] * sa[1];
                out.put(name, off);
                off += sa[0];
                align = Math.max(align, sa[1]);
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        out.put("", (off + align - 1) / align * align);
        out.put("#align", align);
        return out;
    }

    private static void check(String cName, Supplier<Structure> make, Map<String, int[]> header) {
        Structure host = make.get();
        // This JVM: JNA's layout is the header's as this host compiles it.
        assertEquals(AbiDump.get("size." + cName), host.size(), "sizeof " + cName);
        for (String f : header.keySet()) {
            if (!f.isEmpty()) {
                assertEquals(AbiDump.get("offset." + cName + "." + f), Layout.offset(host, f),
                        cName + "." + f + " on this JVM");
            }
        }
        // And the rule computed here is JNA's on this JVM, so it may stand for JNA's elsewhere.
        Map<String, Integer> mine = layout(make.get(), Native.POINTER_SIZE);
        assertEquals(host.size(), mine.get(""), "the computed size of " + cName + " on this JVM");
        for (String f : header.keySet()) {
            if (!f.isEmpty()) {
                assertEquals(Layout.offset(host, f), mine.get(f), "computed " + cName + "." + f);
            }
        }
        // x86 and x64.
        for (int abi = 0; abi < 2; abi++) {
            int ptr = abi == 0 ? 4 : 8;
            Map<String, Integer> l = layout(make.get(), ptr);
            for (Map.Entry<String, int[]> e : header.entrySet()) {
                assertEquals(e.getValue()[abi], l.get(e.getKey()),
                        (e.getKey().isEmpty() ? "sizeof " + cName : cName + "." + e.getKey())
                                + (abi == 0 ? " on x86" : " on x64"));
            }
        }
    }

    @Test
    void securityQos() {
        check("RPC_SECURITY_QOS", RPC_SECURITY_QOS::new, QOS);
    }

    @Test
    void authIdentity() {
        check("SEC_WINNT_AUTH_IDENTITY_W", SEC_WINNT_AUTH_IDENTITY_W::new, IDENTITY);
    }

    @Test
    void bindingVector() {
        check("RPC_BINDING_VECTOR", RPC_BINDING_VECTOR::new, VECTOR);
        assertEquals(AbiDump.get("offset.RPC_BINDING_VECTOR.BindingH"), RPC_BINDING_VECTOR.handlesOffset());
    }

    @Test
    void callAttributes() {
        check("RPC_CALL_ATTRIBUTES_V2_W", RPC_CALL_ATTRIBUTES_V2_W::new, ATTRIBUTES);
    }
}
