package dev.winrpc.async.testing;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The runtime simulator's test-only controls (simulator/src/winrpcsim.h): the scripted
 * peer, fault injection, the misuse oracle and the live-resource counters.
 */
public interface SimControl extends Library {

    /** The endpoint of the simulator's own scripted C server. */
    String SIM_PEER_ENDPOINT = "sim-peer";

    int SIM_OP_ADD = 0;
    int SIM_OP_SLEEP = 1;
    int SIM_OP_FAIL = 2;
    int SIM_OP_PIPE_SUM = 3;
    int SIM_OP_PIPE_RANGE = 4;
    int SIM_OP_PIPE_ECHO = 5;

    int SIM_MISUSE_RUNTIME_FIELD_WRITTEN = 1;
    int SIM_MISUSE_SECOND_COMPLETION = 2;
    int SIM_MISUSE_CANCEL_ON_SERVER = 3;
    int SIM_MISUSE_ABORT_ON_CLIENT = 4;
    int SIM_MISUSE_ABORT_TWICE = 5;
    int SIM_MISUSE_USE_AFTER_COMPLETION = 6;
    int SIM_MISUSE_APC_NO_SET_CONTEXT = 7;
    int SIM_MISUSE_APC_PSEUDO_HANDLE = 8;
    int SIM_MISUSE_ROUTINE_GONE = 9;
    int SIM_MISUSE_INVALID_HANDLE = 10;
    int SIM_MISUSE_UNINITIALIZED_STATE = 11;
    int SIM_MISUSE_PIPE_DISCIPLINE = 12;
    int SIM_MISUSE_UNSUPPORTED_NOTIFICATION = 13;
    int SIM_MISUSE_BAD_ARGUMENT = 14;
    /** RpcAsyncCompleteCall or RpcAsyncAbortCall on a server call still subscribed. */
    int SIM_MISUSE_SUBSCRIBED_AT_COMPLETION = 15;
    /** RpcBindingFree with calls made on the binding still in flight. */
    int SIM_MISUSE_BINDING_FREED_IN_CALL = 16;
    /** RpcServerUnregisterIfEx while calls of the interface run. */
    int SIM_MISUSE_IF_UNREGISTERED_IN_CALL = 17;
    /** A call ended with a thread still impersonating its client. */
    int SIM_MISUSE_IMPERSONATION_LEFT = 18;

    int SIM_COUNT_ASYNC_STATES = 0;
    int SIM_COUNT_HANDLES = 1;
    int SIM_COUNT_QUEUED_APCS = 2;
    int SIM_COUNT_THREADS = 3;
    int SIM_COUNT_PIPE_BUFFERS = 4;
    int SIM_COUNT_PENDING_NOTIFICATIONS = 5;
    /** RpcServerSubscribeForNotification kinds not yet unsubscribed (or ended by completion). */
    int SIM_COUNT_SUBSCRIPTIONS = 6;
    /** Binding handles not yet freed. */
    int SIM_COUNT_BINDINGS = 7;
    /** Strings and binding vectors the runtime handed out and was not given back. */
    int SIM_COUNT_RPC_ALLOCS = 8;
    /** 1 while the server listens. */
    int SIM_COUNT_LISTENING = 9;
    /** Interfaces registered and not unregistered. */
    int SIM_COUNT_INTERFACES = 10;
    /** Endpoint-map entries not unregistered. */
    int SIM_COUNT_EP_ENTRIES = 11;
    /** Object UUIDs given a manager type and not reset. */
    int SIM_COUNT_OBJECT_TYPES = 12;
    int SIM_COUNT__MAX = 13;

    // Runtime behaviours (winrpcsim.h, sim_set_behaviours): where Microsoft's documentation
    // leaves a behaviour of the runtime open, each bit makes the simulator play a harsher reading
    // than its default one, for the calls started while it is set; sim_reset clears them.
    // SimBehaviours names them, and applies the ones the system property winrpc.sim.behaviours
    // asks for before every test. docs/reference/runtime-behaviours.md gives each one's source.
    /** An APC passes the state's Event as it is when the APC runs (the latest issued). */
    int SIM_BEHAVIOUR_APC_EVENT_AT_RUN = 1;
    /** A client call with an [in] pipe and RPC_C_NOTIFY_ON_SEND_COMPLETE gets an RpcSendComplete for the request. */
    int SIM_BEHAVIOUR_INITIAL_SEND_COMPLETE = 1 << 1;
    /** Sends that complete before the sender's RpcSendComplete APC ran get no notification of their own. */
    int SIM_BEHAVIOUR_COLLAPSE_SEND_COMPLETES = 1 << 2;
    /** RpcCallComplete as soon as the reply is there, out-pipe data unpulled; completing before the end is a misuse. */
    int SIM_BEHAVIOUR_CALL_COMPLETE_BEFORE_DRAIN = 1 << 3;
    /** A receiver buffers at most the pipe window; sends beyond it complete only once it pulled. */
    int SIM_BEHAVIOUR_BACK_PRESSURE = 1 << 4;
    /** RpcSendComplete only for a sender notified by APC. */
    int SIM_BEHAVIOUR_SEND_COMPLETE_APC_ONLY = 1 << 5;
    /** Every behaviour. */
    int SIM_BEHAVIOURS_ALL = (1 << 6) - 1;
    /** BACK_PRESSURE's default window, in elements: two of the fixture's chunks (2 * FX_CHUNK_ELEMENTS). */
    int SIM_PIPE_WINDOW_DEFAULT = 2048;

    /** The counters' names, by index, for messages. */
    String[] COUNTER_NAMES = {"async states", "handles", "queued APCs", "threads",
        "pipe buffers", "pending notifications", "subscriptions", "binding handles",
        "runtime strings and binding vectors", "listening", "registered interfaces",
        "endpoint-map entries", "object types"};

    /**
     * The fault plan (winrpcsim.h). Random faults: the ppm fields and max_delay_ms, drawn from
     * generators seeded with {@code seed} and the call's sequence number. Deterministic faults:
     * the {@code _at} fields name the k-th (1-based, 0 never) push, completing pull, notification
     * or send of one side of every call; they come on top of the random ones and change nothing
     * the seed draws.
     */
    @FieldOrder({"seed", "push_fail_ppm", "pull_fail_ppm", "drop_notification_ppm",
        "fault_reply_ppm", "fault_code", "disconnect_ppm", "max_delay_ms",
        "client_push_fail_at", "server_push_fail_at", "client_pull_fail_at",
        "server_pull_fail_at", "client_drop_notification_at", "server_drop_notification_at",
        "client_send_delay_at", "server_send_delay_at", "send_delay_ms"})
    class SIM_FAULT_PLAN extends Structure {
        public long seed;
        public int push_fail_ppm;
        public int pull_fail_ppm;
        public int drop_notification_ppm;
        public int fault_reply_ppm;
        public int fault_code;
        public int disconnect_ppm;
        public int max_delay_ms;
        /** The client's k-th push (the null push included) returns RPC_S_CALL_FAILED. */
        public int client_push_fail_at;
        /** The server's k-th push returns RPC_S_CALL_FAILED. */
        public int server_push_fail_at;
        /** The client's k-th pull that would complete (not one that pends) returns RPC_S_CALL_FAILED. */
        public int client_pull_fail_at;
        /** The server's k-th pull that would complete returns RPC_S_CALL_FAILED. */
        public int server_pull_fail_at;
        /** The k-th notification issued to the client's state is never delivered. */
        public int client_drop_notification_at;
        /** The k-th notification issued to the server's state (or subscription) is never delivered. */
        public int server_drop_notification_at;
        /** The client's k-th push arrives, and its send completes, send_delay_ms late. */
        public int client_send_delay_at;
        /** The server's k-th push arrives, and its send completes, send_delay_ms late. */
        public int server_send_delay_at;
        /** The delay of the sends the two fields above name. */
        public int send_delay_ms;
    }

    @FieldOrder({"op", "a", "b", "ms_or_code", "in_chunks", "in_chunk_elements",
        "cancel_after_ms", "cancel_abortive", "disconnect_after_chunks",
        "interrupt_when_subscribed"})
    class SIM_PEER_CALL extends Structure {
        public int op;
        public int a;
        public int b;
        public int ms_or_code;
        public int in_chunks;
        public int in_chunk_elements;
        public int cancel_after_ms = -1;
        public int cancel_abortive;
        public int disconnect_after_chunks = -1;
        /**
         * Nonzero: the scripted client's cancel or disconnect waits until the server side of
         * the call has subscribed to hear it (at most 10 s, no longer than the server's call).
         */
        public int interrupt_when_subscribed;
    }

    @FieldOrder({"status", "reply", "out_b", "out_elements", "out_sum", "events_seen"})
    class SIM_PEER_RESULT extends Structure {
        public int status;
        public int reply;
        public int out_b;
        public int out_elements;
        public long out_sum;
        public int events_seen;
    }

    void sim_set_fault_plan(SIM_FAULT_PLAN plan);

    void sim_set_reply_delay(int ms);

    /** The behaviours of the calls started from now on; bits outside SIM_BEHAVIOURS_ALL are ignored. */
    void sim_set_behaviours(int mask);

    /** @return the behaviours in force for calls started now */
    int sim_behaviours();

    /** BACK_PRESSURE's window, in elements, for the calls started from now on (0: the default). */
    void sim_set_pipe_window(int elements);

    /** @return BACK_PRESSURE's window for calls started now */
    int sim_pipe_window();

    int sim_peer_call_start(String endpoint, SIM_PEER_CALL call);

    int sim_peer_call_wait(int id, int timeoutMs, SIM_PEER_RESULT result);

    int sim_misuse_count();

    int sim_misuse_get(int index, byte[] buf, int buflen);

    void sim_misuse_clear();

    long sim_counter(int which);

    int sim_scribble_runtime_fields(Pointer pAsync, int salt);

    int sim_quiesce(int timeoutMs);

    void sim_reset();

    /**
     * A manager routine for {@link #sim_call_interface}: runs on the runtime's dispatch thread
     * with the call's server binding handle. Plain C convention (a test-only export).
     */
    interface SIM_MANAGER_FN extends com.sun.jna.Callback {
        /**
         * @param context the context given to sim_call_interface
         * @param hCall the call's server binding handle
         * @return the call's status
         */
        int callback(Pointer context, Pointer hCall);
    }

    /**
     * A synchronous call on a client binding to an interface, with the runtime's call-time
     * checks, then the security callback and the manager on a thread of the runtime's
     * (winrpcsim.h).
     *
     * @param binding a client binding handle
     * @param ifspec the interface (Length and InterfaceId are read)
     * @param opNum the operation number
     * @param manager the manager routine, or null
     * @param context passed to the manager
     * @return the call's status
     */
    int sim_call_interface(Pointer binding, Pointer ifspec, short opNum, SIM_MANAGER_FN manager,
            Pointer context);

    /** @return 1 if the calling thread impersonates a client */
    int sim_is_impersonating();
}
