package dev.winrpc.async.dispatch;

import java.util.HexFormat;

/**
 * Machine code of the APC recorder: a routine given to the RPC runtime as the APC notification routine
 * that only records {@code (pAsync, Event)} into a ring in native memory, and tail-jumps to a fallback
 * routine with its arguments untouched when the ring is full. The sources, one per ABI, are under
 * {@code src/main/asm/apc-recorder/}; the bytes here are what they assemble to (a test checks it).
 */
final class ApcRecorderCode {

    /** Ring capacity in slots (a power of two). */
    static final int CAPACITY = 1024;
    /** Offset of the uint32 head (written by Java). */
    static final int HEAD_OFFSET = 0;
    /** Offset of the uint32 tail (written by the routine). */
    static final int TAIL_OFFSET = 4;
    /** Offset of slot 0. */
    static final int SLOTS_OFFSET = 8;
    /** Offset of the literal area in every ABI's code. */
    private static final int LITERALS = 64;

    /** The ABIs the recorder exists for. */
    enum Abi {
        /** x64 Windows: rcx, rdx, r8d. */
        X64_WINDOWS(8, "488b0539000000448b48044589ca442b104181fa0004000073204589ca4181e2ff03000049c1e2044a894c1008468944101041ffc144894804c3ff250800000000000000000000000000000000000000"),
        /** x64 System V (the simulator on x86-64 Linux/macOS): rdi, rsi, edx. */
        X64_SYSV(8, "488b0539000000448b48044589ca442b104181fa0004000073204589ca4181e2ff03000049c1e2044a897c1008428954101041ffc144894804c3ff250800000000000000000000000000000000000000"),
        /** 32-bit x86 Windows, stdcall (callee pops 12 bytes). */
        X86_STDCALL(4, "e800000000598b813b0000008b50042b1081fa0004000073208b500481e2ff0300008d54d0088b4c2404890a8b4c240c894a04ff4004c20c00ffa13f000000900000000000000000"),
        /** ARM64 AAPCS64: x0, x1, w2. */
        ARM64(8, "090200582a2d40296c010a4b9f011071220100546c2500122d210091ad110c8ba00100f9a20900b96b0500112b0500b9c0035fd6b000005800021fd61f2003d500000000000000000000000000000000");

        private final int pointerSize;
        private final String hex;

        Abi(int pointerSize, String hex) {
            this.pointerSize = pointerSize;
            this.hex = hex;
        }

        /** {@return the pointer size in bytes} */
        int pointerSize() {
            return pointerSize;
        }
    }

    private ApcRecorderCode() {
    }

    /** {@return the size of one slot: pAsync pointer then Event, 2 * pointer size} @param abi the ABI */
    static int slotSize(Abi abi) {
        return 2 * abi.pointerSize();
    }

    /** {@return the bytes of the ring: header then CAPACITY slots} @param abi the ABI */
    static int ringBytes(Abi abi) {
        return SLOTS_OFFSET + CAPACITY * slotSize(abi);
    }

    /** {@return a fresh copy of the code followed by the zeroed literal area} @param abi the ABI */
    static byte[] code(Abi abi) {
        return HexFormat.of().parseHex(abi.hex);
    }

    /** {@return the offset of LIT_RING; LIT_FALLBACK follows at + pointer size} @param abi the ABI */
    static int literalsOffset(Abi abi) {
        return LITERALS;
    }

    /**
     * {@return the ABI for a platform, or null when there is no recorder for it}
     *
     * @param windows whether the OS is Windows
     * @param jnaArch the architecture as {@code com.sun.jna.Platform.ARCH} names it
     */
    static Abi forPlatform(boolean windows, String jnaArch) {
        if ("x86-64".equals(jnaArch)) {
            return windows ? Abi.X64_WINDOWS : Abi.X64_SYSV;
        }
        if ("aarch64".equals(jnaArch)) {
            return Abi.ARM64;
        }
        if ("x86".equals(jnaArch) && windows) {
            return Abi.X86_STDCALL;
        }
        return null;
    }
}
