package dev.winrpc.async.stub;

import dev.winrpc.async.call.Reply;
import java.util.Objects;

/** The {@link Reply} of an operation's return type ({@link Reply#INT} and {@link Reply#VOID} exist too). */
public final class NdrReplies {

    private NdrReplies() {
    }

    /**
     * The reply of a return type: a base type or an enum (what IDL allows an operation to
     * return), read from and written into the buffer of {@code RpcAsyncCompleteCall}. Writing
     * checks the value first (a null is refused with NullPointerException).
     *
     * @param type the return type
     * @param <T> its Java type
     * @return the reply
     * @throws IllegalArgumentException for a type with pointers or a conformant array
     */
    public static <T> Reply<T> of(NdrType<T> type) {
        Objects.requireNonNull(type, "type");
        if (type.hasPointers() || type.needsSiblings()) {
            throw new IllegalArgumentException("an operation returns a value without pointers: " + type);
        }
        return Reply.of(type.toString(), (int) type.size(), p -> NdrCodec.read(type, p, 0, null),
                (p, v) -> NdrCodec.write(type, v, p, 0, null, NdrPipes::noAllocation));
    }
}
