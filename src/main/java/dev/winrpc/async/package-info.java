/**
 * winrpc-async: asynchronous Microsoft RPC ({@code rpcrt4.dll}'s {@code RpcAsync*} API) for
 * Java, through JNA.
 *
 * <p>This package holds what every layer shares: {@link dev.winrpc.async.RpcRuntime}, the one
 * place that decides what backs the native bindings and says whether the runtime can be used
 * here (and if not, why); {@link dev.winrpc.async.RpcException}, the exception for every
 * RPC_STATUS, which tells a runtime failure from a server's fault by
 * {@link dev.winrpc.async.RpcStatus}, the library's one explicit list of the runtime's
 * statuses; and {@link dev.winrpc.async.Win32CallException} for the Win32 functions the library
 * calls.
 *
 * <p>The layers, from the bottom: {@link dev.winrpc.async.raw} (the SDK's functions and
 * structures, named as the SDK names them), {@link dev.winrpc.async.pipe} (the state tables as
 * data), {@link dev.winrpc.async.dispatch} (threads that receive the runtime's notifications),
 * {@link dev.winrpc.async.call} (client and server calls that follow the tables). The
 * repository's ARCHITECTURE.md draws them and the life of one call.
 */
package dev.winrpc.async;
