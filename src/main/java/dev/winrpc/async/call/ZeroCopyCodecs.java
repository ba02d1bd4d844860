package dev.winrpc.async.call;

import com.sun.jna.Pointer;

/**
 * The layouts of the zero-copy pipe ends: a {@link PipeCodec} that only carries the element
 * size, for a writer of {@link PipeBlock}s ({@link PipeWriter#zeroCopy(PipeCodec)}) or a reader
 * that lends {@link PipeView}s ({@link PipeReader#lending(PipeCodec, int)}). Nothing is encoded
 * or decoded: the block is pushed where it is, the view reads the pulled buffer where it is.
 */
final class ZeroCopyCodecs {

    private ZeroCopyCodecs() {
    }

    /** The element size of a layout given by a codec or by a size. */
    static String name(PipeCodec<?> layout, int elementSize) {
        String n = layout != null ? layout.toString().substring("pipe ".length()) : elementSize + "-byte element";
        return n;
    }

    /** The writer's layout: a chunk is a filled block. */
    static final class Blocks extends PipeCodec<PipeBlock> {
        Blocks(String name, int elementSize) {
            super(name + ", zero-copy blocks", elementSize);
        }

        @Override
        public int count(PipeBlock chunk) {
            return chunk.count();
        }

        @Override
        public void encode(PipeBlock chunk, Pointer buf) {
            throw new UnsupportedOperationException("a block is pushed in place, never encoded");
        }

        @Override
        public PipeBlock decode(Pointer buf, int count) {
            throw new UnsupportedOperationException("blocks are sent, not received: use PipeReader.lending");
        }
    }

    /** The reader's layout: a chunk is a view lent for one callback. */
    static final class Views extends PipeCodec<PipeView> {
        Views(String name, int elementSize) {
            super(name + ", lent views", elementSize);
        }

        @Override
        public int count(PipeView chunk) {
            return chunk.count();
        }

        @Override
        public void encode(PipeView chunk, Pointer buf) {
            throw new UnsupportedOperationException("views are received, not sent: use PipeWriter.zeroCopy");
        }

        @Override
        public PipeView decode(Pointer buf, int count) {
            throw new UnsupportedOperationException("a view is lent by its reader for one callback, never decoded");
        }
    }
}
