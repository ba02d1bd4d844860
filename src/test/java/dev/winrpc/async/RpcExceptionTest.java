package dev.winrpc.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.raw.RpcErrors;
import org.junit.jupiter.api.Test;

class RpcExceptionTest {

    @Test
    void runtimeFailureCarriesStatusNameFunctionAndMessage() {
        RpcException e = RpcException.runtimeFailure("RpcAsyncCompleteCall", RpcErrors.RPC_S_CALL_CANCELLED);
        assertEquals(1818, e.status());
        assertEquals("RPC_S_CALL_CANCELLED", e.statusName());
        assertEquals("RpcAsyncCompleteCall", e.function());
        assertEquals(RpcException.Kind.RUNTIME_FAILURE, e.kind());
        assertFalse(e.isServerFault());
        assertEquals("RpcAsyncCompleteCall failed with RPC_S_CALL_CANCELLED (1818): "
                + "the remote procedure call was cancelled", e.getMessage());
    }

    @Test
    void serverFaultIsToldApartFromARuntimeFailure() {
        RpcException e = RpcException.serverFault("RpcAsyncCompleteCall", 5);
        assertTrue(e.isServerFault());
        assertEquals(RpcException.Kind.SERVER_FAULT, e.kind());
        assertEquals("ERROR_ACCESS_DENIED", e.statusName());
        assertTrue(e.getMessage().contains("the server failed the call with fault ERROR_ACCESS_DENIED (5)"),
                e.getMessage());
    }

    @Test
    void unknownCodesAreNamedInHex() {
        RpcException e = RpcException.serverFault("RpcAsyncCompleteCall", 0x1234567);
        assertEquals("0x01234567", e.statusName());
        assertTrue(e.getMessage().endsWith("unknown status"), e.getMessage());
    }

    @Test
    void everyStatusOfTheRawLayerHasANameAndADescription() throws Exception {
        for (java.lang.reflect.Field f : RpcErrors.class.getFields()) {
            int code = f.getInt(null);
            assertEquals(f.getName(), RpcException.nameOf(code), "name of " + code);
            assertFalse(RpcException.describe(code).equals("unknown status"), "description of " + f.getName());
        }
    }

    @Test
    void checkPassesOkAndThrowsOtherwise() {
        RpcException.check("RpcAsyncInitializeHandle", RpcErrors.RPC_S_OK);
        RpcException e = assertThrows(RpcException.class,
                () -> RpcException.check("RpcAsyncInitializeHandle", RpcErrors.RPC_S_INVALID_ARG));
        assertEquals("RPC_S_INVALID_ARG", e.statusName());
        assertEquals("RpcAsyncInitializeHandle", e.function());
    }
}
