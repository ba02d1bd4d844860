package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import dev.winrpc.async.call.PipeCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** {@link PipeCodec}s of a pipe's element type (a struct without pointers, or a primitive). */
public final class NdrPipes {

    private NdrPipes() {
    }

    /**
     * The codec of {@code pipe T}: a chunk is a {@code List<T>}, its elements laid out one after
     * another, {@code element.size()} bytes each (C's array stride). Encoding checks every
     * element ({@link NdrCodec#check}) before writing any.
     *
     * @param element the pipe's element type
     * @param <T> the element's Java type
     * @return the codec
     * @throws IllegalArgumentException for an element type with pointers or a conformant array
     *         (IDL allows neither in a pipe)
     */
    public static <T> PipeCodec<List<T>> codec(NdrType<T> element) {
        Objects.requireNonNull(element, "element");
        if (element.hasPointers() || element.needsSiblings() || element.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a pipe's elements hold no pointer and no conformant array: " + element);
        }
        int es = (int) element.size();
        return new PipeCodec<>(element.toString(), es) {
            @Override
            public int count(List<T> chunk) {
                return chunk.size();
            }

            @Override
            public void encode(List<T> chunk, Pointer buf) {
                for (int i = 0; i < chunk.size(); i++) {
                    NdrCodec.check(element, chunk.get(i), "chunk[" + i + "]", null);
                }
                for (int i = 0; i < chunk.size(); i++) {
                    element.writeValue(chunk.get(i), buf, (long) i * es, null, NdrPipes::noAllocation);
                }
            }

            @Override
            public List<T> decode(Pointer buf, int count) {
                List<T> out = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    out.add(NdrCodec.read(element, buf, (long) i * es, null));
                }
                return Collections.unmodifiableList(out);
            }
        };
    }

    static Pointer noAllocation(long size) {
        throw new IllegalStateException("a value without pointers allocated " + size + " bytes");
    }
}
