/**
 * The raw bindings: rpcrt4's asynchronous RPC functions, the kernel32 functions jna-platform
 * lacks, and their structures and callbacks, named and typed exactly as the Windows SDK declares
 * them, with nothing checked and nothing hidden.
 *
 * <p>{@link dev.winrpc.async.raw.Rpcrt4} and {@link dev.winrpc.async.raw.Kernel32Ex} are JNA
 * interfaces; the functions on the hot path of every call are bound once, with JNA's direct
 * mapping, in {@link dev.winrpc.async.raw.Rpcrt4Direct} and
 * {@link dev.winrpc.async.raw.Kernel32Direct}. {@link dev.winrpc.async.raw.RpcEntry} gives the
 * calling convention ({@code __stdcall} on 32-bit x86 Windows). The layouts are those of
 * {@code native-headers/winrpc_async.h}, which is checked against mingw-w64's SDK headers; the
 * binary facts they rest on are in the repository's {@code docs/reference/abi.md}.
 *
 * <p>This package imports nothing from the rest of the library. The library's runtime gate
 * ({@code dev.winrpc.async.RpcRuntime}) loads and binds it.
 */
package dev.winrpc.async.raw;
