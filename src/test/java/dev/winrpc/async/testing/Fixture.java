package dev.winrpc.async.testing;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.PointerByReference;
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

    int fx_ServerStart(String endpoint, FX_SERVER_EPV epv);

    int fx_ServerStop(String endpoint);

    int fx_BindingCreate(String endpoint, PointerByReference phBinding);

    int fx_BindingFree(PointerByReference phBinding);

    int fx_Add(Pointer pAsync, Pointer hBinding, int a, int b);

    int fx_Sleep(Pointer pAsync, Pointer hBinding, int ms);

    int fx_Fail(Pointer pAsync, Pointer hBinding, int code);

    int fx_PipeSum(Pointer pAsync, Pointer hBinding, Pointer inpipe);

    int fx_PipeRange(Pointer pAsync, Pointer hBinding, int start, int count, Pointer outpipe);

    int fx_PipeEcho(Pointer pAsync, Pointer hBinding, int a, Pointer inpipe, Pointer outpipe,
            Pointer b);

    /**
     * The manager routines of the fixture interface, as an entry point vector. Manager
     * routines use the C default calling convention (MIDL declares them without RPC_ENTRY), so
     * the callback types below are plain JNA callbacks. Keep the structure, and every callback
     * in it, strongly reachable until fx_ServerStop returns.
     */
    @FieldOrder({"Add", "Sleep", "Fail", "PipeSum", "PipeRange", "PipeEcho"})
    class FX_SERVER_EPV extends Structure {
        public AddRoutine Add;
        public SleepRoutine Sleep;
        public FailRoutine Fail;
        public PipeSumRoutine PipeSum;
        public PipeRangeRoutine PipeRange;
        public PipeEchoRoutine PipeEcho;
    }

    interface AddRoutine extends Callback {
        void callback(Pointer pAsync, Pointer hBinding, int a, int b);
    }

    interface SleepRoutine extends Callback {
        void callback(Pointer pAsync, Pointer hBinding, int ms);
    }

    interface FailRoutine extends Callback {
        void callback(Pointer pAsync, Pointer hBinding, int code);
    }

    interface PipeSumRoutine extends Callback {
        void callback(Pointer pAsync, Pointer hBinding, Pointer inpipe);
    }

    interface PipeRangeRoutine extends Callback {
        void callback(Pointer pAsync, Pointer hBinding, int start, int count, Pointer outpipe);
    }

    interface PipeEchoRoutine extends Callback {
        void callback(Pointer pAsync, Pointer hBinding, int a, Pointer inpipe, Pointer outpipe,
                Pointer b);
    }
}
