package dev.winrpc.async.testing;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import dev.winrpc.async.raw.RpcEntry;
import java.util.Map;

/**
 * The test fixture's C surface (windows-tests/fx_glue.h), exported both by the runtime
 * simulator and, on Windows, by the windows-tests glue library built from fixture.idl. One
 * Java scenario suite drives either through this interface.
 *
 * <p>Every [async] operation replies an int through RpcAsyncCompleteCall. The client stubs
 * return the RPC_STATUS of the initial call (the Windows glue turns the MIDL stub's SEH
 * exception into it).
 */
public interface Fixture extends Library {

    /** fx_* functions are RPC_ENTRY. */
    Map<String, Object> OPTIONS = RpcEntry.OPTIONS;

    /** The elements per chunk the fixture's servers push. */
    int FX_CHUNK_ELEMENTS = 1024;

    /**
     * {@return the fixture interface's handle (MIDL's server ifspec on Windows, the simulator's
     * stand-in), for RpcServerRegisterIf3 with an FX_SERVER_EPV}
     */
    Pointer fx_IfSpec();

    /** {@return the C peer server's manager routines, an FX_SERVER_EPV valid for the process's life} */
    Pointer fx_PeerEpv();

    int fx_Add(Pointer pAsync, Pointer hBinding, int a, int b);

    int fx_Sleep(Pointer pAsync, Pointer hBinding, int ms);

    int fx_Fail(Pointer pAsync, Pointer hBinding, int code);

    int fx_PipeSum(Pointer pAsync, Pointer hBinding, Pointer inpipe);

    int fx_PipeRange(Pointer pAsync, Pointer hBinding, int start, int count, Pointer outpipe);

    int fx_PipeEcho(Pointer pAsync, Pointer hBinding, int a, Pointer inpipe, Pointer outpipe,
            Pointer b);

    /**
     * The manager routines of the fixture interface, as an entry point vector (MIDL's manager
     * EPV: with /use_epv the server stub calls them through it). Keep the structure, and every
     * callback in it, strongly reachable until the server that registered it is closed.
     */
    @FieldOrder({"Add", "Sleep", "Fail", "PipeSum", "PipeRange", "PipeEcho"})
    class FX_SERVER_EPV extends Structure {
        public ManagerRoutines.AddRoutine Add;
        public ManagerRoutines.SleepRoutine Sleep;
        public ManagerRoutines.FailRoutine Fail;
        public ManagerRoutines.PipeSumRoutine PipeSum;
        public ManagerRoutines.PipeRangeRoutine PipeRange;
        public ManagerRoutines.PipeEchoRoutine PipeEcho;
    }

    /**
     * The manager routines' callback types. MIDL's server stub calls manager routines with the
     * C convention (it declares them without RPC_ENTRY), on 32-bit x86 too: JNA gives a callback
     * the convention of the library interface it is declared in, so they live here, under
     * {@link RpcEntry#CDECL_OPTIONS}, and not in {@link Fixture}, whose functions are RPC_ENTRY.
     */
    interface ManagerRoutines extends Library {
        /** The C convention, on every platform. */
        Map<String, Object> OPTIONS = RpcEntry.CDECL_OPTIONS;

        /** {@code void Add(PRPC_ASYNC_STATE, handle_t, int a, int b)}. */
        interface AddRoutine extends Callback {
            void callback(Pointer pAsync, Pointer hBinding, int a, int b);
        }

        /** {@code void Sleep(PRPC_ASYNC_STATE, handle_t, unsigned long ms)}. */
        interface SleepRoutine extends Callback {
            void callback(Pointer pAsync, Pointer hBinding, int ms);
        }

        /** {@code void Fail(PRPC_ASYNC_STATE, handle_t, unsigned long code)}. */
        interface FailRoutine extends Callback {
            void callback(Pointer pAsync, Pointer hBinding, int code);
        }

        /** {@code void PipeSum(PRPC_ASYNC_STATE, handle_t, ASYNC_INTPIPE *inpipe)}. */
        interface PipeSumRoutine extends Callback {
            void callback(Pointer pAsync, Pointer hBinding, Pointer inpipe);
        }

        /** {@code void PipeRange(PRPC_ASYNC_STATE, handle_t, int start, int count, ASYNC_INTPIPE *outpipe)}. */
        interface PipeRangeRoutine extends Callback {
            void callback(Pointer pAsync, Pointer hBinding, int start, int count, Pointer outpipe);
        }

        /** {@code void PipeEcho(PRPC_ASYNC_STATE, handle_t, int a, ASYNC_INTPIPE *in, ASYNC_INTPIPE *out, int *b)}. */
        interface PipeEchoRoutine extends Callback {
            void callback(Pointer pAsync, Pointer hBinding, int a, Pointer inpipe, Pointer outpipe,
                    Pointer b);
        }
    }
}
