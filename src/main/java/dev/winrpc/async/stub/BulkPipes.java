package dev.winrpc.async.stub;

import dev.winrpc.async.call.PipeBlock;
import dev.winrpc.async.call.PipeCodec;
import dev.winrpc.async.call.PipeReader;
import dev.winrpc.async.call.PipeView;
import dev.winrpc.async.call.PipeWriter;
import java.util.Objects;

/**
 * The checks of a generated client's bulk method ({@code <op>Bulk}): every pipe end it is given
 * must be in its bulk form, a {@linkplain PipeWriter#zeroCopy(PipeCodec) zero-copy writer} or a
 * {@linkplain PipeReader#lending(PipeCodec, int) lending reader}, of the IDL element's size. An
 * end that is not is refused here, before the call touches anything native.
 */
public final class BulkPipes {

    private BulkPipes() {
    }

    /**
     * Checks a bulk method's sending end.
     *
     * @param writer the end
     * @param name the parameter's name, in messages
     * @param layout the IDL element's layout (only its element size is compared)
     * @return writer
     * @throws NullPointerException if writer is null
     * @throws IllegalArgumentException if writer copies (a {@link PipeWriter#of(PipeCodec)}) or
     *         its element size is not the layout's
     */
    public static PipeWriter<PipeBlock> writer(PipeWriter<PipeBlock> writer, String name, PipeCodec<?> layout) {
        Objects.requireNonNull(writer, name);
        if (writer.codec().isPresent()) {
            throw new IllegalArgumentException(name + ": a bulk call sends through a zero-copy writer "
                    + "(PipeWriter.zeroCopy), not a copying one: " + writer);
        }
        size(writer.elementSize(), name, layout, writer);
        return writer;
    }

    /**
     * Checks a bulk method's receiving end.
     *
     * @param reader the end
     * @param name the parameter's name, in messages
     * @param layout the IDL element's layout (only its element size is compared)
     * @return reader
     * @throws NullPointerException if reader is null
     * @throws IllegalArgumentException if reader does not {@linkplain PipeReader#lends() lend} its
     *         chunks or its element size is not the layout's
     */
    public static PipeReader<PipeView> reader(PipeReader<PipeView> reader, String name, PipeCodec<?> layout) {
        Objects.requireNonNull(reader, name);
        if (!reader.lends()) {
            throw new IllegalArgumentException(name + ": a bulk call receives through a lending reader "
                    + "(PipeReader.lending), not a copying one: " + reader);
        }
        size(reader.elementSize(), name, layout, reader);
        return reader;
    }

    private static void size(int elementSize, String name, PipeCodec<?> layout, Object end) {
        if (elementSize != layout.elementSize()) {
            throw new IllegalArgumentException(name + ": a pipe of " + layout + " has elements of "
                    + layout.elementSize() + " bytes, not " + elementSize + ": " + end);
        }
    }
}
