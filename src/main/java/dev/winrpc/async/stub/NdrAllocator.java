package dev.winrpc.async.stub;

import com.sun.jna.Pointer;

/** Allocates native memory for the data a pointer of a written value points to. */
@FunctionalInterface
public interface NdrAllocator {

    /**
     * Allocates a block.
     *
     * @param size its size in bytes, at least 1
     * @return its address, which stays valid and unmoved as long as the written value is used;
     *         the block is zeroed if the allocator says so ({@link NdrMemory}'s are)
     */
    Pointer allocate(long size);
}
