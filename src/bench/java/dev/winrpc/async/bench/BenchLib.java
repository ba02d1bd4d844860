package dev.winrpc.async.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.winrpc.async.RpcRuntime;
import java.io.File;

/**
 * The benchmarks' native side, src/bench/native/winrpcbench.h (libwinrpcbench.so), linked
 * against the runtime simulator: producers of notification streams, the C loop (the baseline)
 * and batch drivers for fixture calls. Every method here is called once per batch, never per
 * notification, so its own JNA cost does not show in the figures.
 *
 * <p>libwinrpcbench.so names libwinrpcsim.so as a dependency by its soname; the dynamic linker
 * resolves it to the copy JNA already loaded for {@link RpcRuntime} (the same soname), so both
 * see one simulator. {@link #get()} loads the runtime first to make sure of that order.
 */
public interface BenchLib extends Library {

    /** System property naming libwinrpcbench.so (default target/bench-native/libwinrpcbench.so). */
    String LIBRARY_PROPERTY = "winrpc.bench.library";

    int WB_APC = 0;
    int WB_IOCP = 1;

    Pointer wb_apc_desc_new(Pointer routine, Pointer pAsync, int event);

    void wb_apc_desc_free(Pointer desc);

    int wb_produce_apc(Pointer hThread, Pointer desc, int n);

    int wb_produce_iocp(Pointer port, Pointer pAsync, int event, int n);

    Pointer wb_states_new(int n);

    void wb_states_free(Pointer states);

    Pointer wb_state_at(Pointer states, int i);

    Pointer wb_binding_new(String endpoint);

    void wb_binding_free(Pointer binding);

    int wb_calls_start(Pointer states, int k, Pointer binding);

    int wb_calls_complete(Pointer states, int k);

    Pointer wb_loop_start(int kind);

    void wb_loop_stop(Pointer loop);

    Pointer wb_loop_thread(Pointer loop);

    Pointer wb_loop_port(Pointer loop);

    Pointer wb_loop_routine();

    int wb_loop_register_counter(Pointer loop, Pointer state);

    void wb_loop_unregister(Pointer loop, Pointer state);

    void wb_loop_gate_close(Pointer loop);

    int wb_loop_release_await(Pointer loop);

    void wb_loop_set_blocking(Pointer loop, int blocking);

    void wb_loop_expect(Pointer loop, long n);

    int wb_loop_await(Pointer loop);

    long wb_loop_errors(Pointer loop);

    long wb_loop_count(Pointer loop);

    int wb_fullcall_batch(Pointer loop, Pointer binding, int k);

    /** winrpcbench.h's pipe directions: PipeSum, PipeRange, PipeEcho. */
    int WB_PIPE_IN = 0;
    int WB_PIPE_OUT = 1;
    int WB_PIPE_ECHO = 2;
    /** PipeEcho's a, on both sides. */
    int WB_PIPE_ECHO_ADD = 7;

    /** @return the C pipe server's endpoint, or null */
    String wb_pipe_server_start(int chunkElements);

    int wb_pipe_server_stop();

    int wb_pipe_call(Pointer binding, int direction, int chunkElements, int elements);

    int wb_sim_check_clean(String what);

    /** @return the library, loaded after the runtime simulator */
    static BenchLib get() {
        return Holder.LIB;
    }

    /** Loads on first use. */
    final class Holder {
        static final BenchLib LIB = load();

        private Holder() {
        }

        private static BenchLib load() {
            RpcRuntime.ensureAvailable(); // the simulator first: libwinrpcbench.so binds to it
            String path = System.getProperty(LIBRARY_PROPERTY,
                    new File("target/bench-native/libwinrpcbench.so").getAbsolutePath());
            return Native.load(path, BenchLib.class);
        }
    }
}
