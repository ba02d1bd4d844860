package dev.winrpc.async.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.AltCallingConvention;
import com.sun.jna.Callback;
import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import dev.winrpc.async.generated.fixture.WinRpcFixtureNative;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The calling convention of every callback native code calls, as JNA would use it on each
 * architecture (the Windows fidelity issue: the Java server's manager routines were declared
 * inside the fixture's JNA interface, whose OPTIONS said RPC_ENTRY, so on 32-bit x86 JNA would have given them
 * stdcall while MIDL's server stub calls them with the C convention, corrupting the stack on
 * every Java-server scenario).
 *
 * <p>JNA takes a callback's convention from the library interface it is declared in (or
 * stdcall if it implements AltCallingConvention). Here each callback type's kind is read from
 * the options JNA finds for it, and the convention that kind means is checked for 32-bit x86
 * Windows, x64, ARM64 and this platform.
 */
class CallbackConventionTest {

    /** Every callback type native code calls, with the convention Windows calls it with. */
    private static Map<Class<? extends Callback>, RpcEntry.Kind> expected() {
        return Map.ofEntries(
                Map.entry(Rpcrt4.RPCNOTIFICATION_ROUTINE.class, RpcEntry.Kind.RPC_ENTRY), // RPC_ENTRY
                Map.entry(Rpcrt4.RPCNOTIFICATION_ROUTINE_DIRECT.class, RpcEntry.Kind.RPC_ENTRY), // the same routine
                Map.entry(Kernel32Ex.PAPCFUNC_DIRECT.class, RpcEntry.Kind.RPC_ENTRY), // NTAPI
                Map.entry(Rpcrt4Server.RPC_IF_CALLBACK_FN.class, RpcEntry.Kind.RPC_ENTRY), // RPC_ENTRY
                Map.entry(Kernel32Ex.PAPCFUNC.class, RpcEntry.Kind.RPC_ENTRY), // NTAPI
                Map.entry(WinRpcFixtureNative.Routines.AddRoutine.class, RpcEntry.Kind.CDECL),
                Map.entry(WinRpcFixtureNative.Routines.SleepRoutine.class, RpcEntry.Kind.CDECL),
                Map.entry(WinRpcFixtureNative.Routines.FailRoutine.class, RpcEntry.Kind.CDECL),
                Map.entry(WinRpcFixtureNative.Routines.PipeSumRoutine.class, RpcEntry.Kind.CDECL),
                Map.entry(WinRpcFixtureNative.Routines.PipeRangeRoutine.class, RpcEntry.Kind.CDECL),
                Map.entry(WinRpcFixtureNative.Routines.PipeEchoRoutine.class, RpcEntry.Kind.CDECL));
    }

    /** What JNA's CallbackReference uses for a callback of this type, on this platform. */
    private static int jnaConvention(Class<?> type) {
        if (AltCallingConvention.class.isAssignableFrom(type)) {
            return Function.ALT_CONVENTION;
        }
        Object c = Native.getLibraryOptions(type).get(Library.OPTION_CALLING_CONVENTION);
        return c == null ? Function.C_CONVENTION : (Integer) c;
    }

    @Test
    void eachCallbackGetsItsConventionOnEveryArchitecture() {
        expected().forEach((type, kind) -> {
            assertFalse(AltCallingConvention.class.isAssignableFrom(type),
                    type + " must not be a StdCallCallback: JNA refuses stdcall off Windows");
            assertEquals(kind, Native.getLibraryOptions(type).get(RpcEntry.OPTION_KIND),
                    type.getName() + " is declared in a library of the wrong convention");
            assertEquals(kind.on(Platform.isWindows(), Platform.ARCH), jnaConvention(type), type.getName());
            int x86 = kind == RpcEntry.Kind.RPC_ENTRY ? Function.ALT_CONVENTION : Function.C_CONVENTION;
            assertEquals(x86, kind.on(true, "x86"), type.getName() + " on 32-bit x86 Windows");
            assertEquals(Function.C_CONVENTION, kind.on(true, "x86-64"), type.getName() + " on x64");
            assertEquals(Function.C_CONVENTION, kind.on(true, "aarch64"), type.getName() + " on ARM64");
        });
    }

    @Test
    void noCallbackTypeOfTheRawLayerOrTheFixtureIsLeftOut() {
        List<Class<?>> found = new ArrayList<>();
        for (Class<?> holder : List.of(Rpcrt4.class, Rpcrt4Binding.class, Rpcrt4Server.class, Kernel32Ex.class,
                WinRpcFixtureNative.class, WinRpcFixtureNative.Routines.class)) {
            for (Class<?> c : holder.getDeclaredClasses()) {
                if (Callback.class.isAssignableFrom(c) && c.isInterface()) {
                    found.add(c);
                }
            }
        }
        assertTrue(found.size() >= 9, found.toString());
        for (Class<?> c : found) {
            assertTrue(expected().containsKey(c), c + " has no expected convention");
        }
    }

    @Test
    void theFunctionsAreRpcEntry() {
        assertEquals(RpcEntry.Kind.RPC_ENTRY, Rpcrt4.OPTIONS.get(RpcEntry.OPTION_KIND));
        assertEquals(RpcEntry.Kind.RPC_ENTRY, Rpcrt4Binding.OPTIONS.get(RpcEntry.OPTION_KIND));
        assertEquals(RpcEntry.Kind.RPC_ENTRY, Rpcrt4Server.OPTIONS.get(RpcEntry.OPTION_KIND));
        assertEquals(RpcEntry.Kind.RPC_ENTRY, Kernel32Ex.OPTIONS.get(RpcEntry.OPTION_KIND));
        assertEquals(RpcEntry.CONVENTION, RpcEntry.Kind.RPC_ENTRY.on(Platform.isWindows(), Platform.ARCH));
    }
}
