package dev.winrpc.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.raw.RpcErrors;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The classification of statuses from one explicit list (the codebase issue: it used to depend
 * on whether a constant happened to be declared in RpcErrors, found by reflection, so a runtime
 * RPC_S_SERVER_TOO_BUSY, EPT_S_NOT_REGISTERED or access denied read as the server's fault).
 */
class RpcStatusTest {

    @Test
    void theRuntimesOwnStatusesAreRuntimeFailuresWhereverTheyAreDeclared() {
        for (int code : new int[] {1723 /* RPC_S_SERVER_TOO_BUSY */, 1753 /* EPT_S_NOT_REGISTERED */,
                5 /* ERROR_ACCESS_DENIED */, 1460 /* ERROR_TIMEOUT */, 1780 /* RPC_X_NULL_REF_POINTER */}) {
            assertTrue(RpcStatus.isRuntimeStatus(code), RpcStatus.nameOf(code));
            assertEquals(RpcException.Kind.RUNTIME_FAILURE, RpcException.of("RpcAsyncCompleteCall", code).kind());
        }
        assertEquals("RPC_S_SERVER_TOO_BUSY", RpcStatus.nameOf(1723));
        assertEquals("EPT_S_NOT_REGISTERED", RpcStatus.nameOf(1753));
    }

    @Test
    void anyOtherCodeIsTheServersFault() {
        for (int code : new int[] {0x1234, 0x20001234, 0x80070005, 1699, 1930, 4}) {
            assertFalse(RpcStatus.isRuntimeStatus(code), RpcStatus.nameOf(code));
            RpcException e = RpcException.of("RpcAsyncCompleteCall", code);
            assertEquals(RpcException.Kind.SERVER_FAULT, e.kind());
            assertEquals(code, e.status());
        }
        assertFalse(RpcStatus.isRuntimeStatus(RpcErrors.RPC_S_OK));
    }

    @Test
    void everyConstantOfTheRawLayerIsListedUnderItsName() throws Exception {
        for (java.lang.reflect.Field f : RpcErrors.class.getFields()) {
            int code = f.getInt(null);
            if (code == RpcErrors.RPC_S_OK) {
                continue;
            }
            assertTrue(RpcStatus.isRuntimeStatus(code), f.getName());
            assertEquals(f.getName(), RpcStatus.nameOf(code));
        }
    }

    @Test
    void theListIsTheSdksRpcRangeAndAFewWin32Codes() {
        Map<Integer, String> names = RpcStatus.names();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            int code = e.getKey();
            String name = e.getValue();
            assertTrue(seen.add(name), "listed twice: " + name);
            assertFalse(RpcStatus.describe(code).isBlank(), name);
            if (code >= 1700 && code <= 1999) {
                assertTrue(name.startsWith("RPC_S_") || name.startsWith("RPC_X_") || name.startsWith("EPT_S_"), name);
            } else {
                assertTrue(name.startsWith("ERROR_") || name.startsWith("RPC_"), name);
                assertTrue(code < 1700 || code > 1999);
            }
        }
        // winerror.h (mingw-w64 10) has 120 RPC_S_/RPC_X_/EPT_S_ codes in 1700..1929.
        assertEquals(120, names.keySet().stream().filter(c -> c >= 1700 && c <= 1999).count());
    }
}
