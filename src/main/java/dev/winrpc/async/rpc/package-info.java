/**
 * Bindings and servers: the safe layer over {@link dev.winrpc.async.raw.Rpcrt4Binding} and
 * {@link dev.winrpc.async.raw.Rpcrt4Server}.
 *
 * <p>{@link dev.winrpc.async.rpc.RpcBinding} is a client binding handle made from a string
 * binding or a builder, with typed authentication ({@link dev.winrpc.async.rpc.RpcAuth}) and a
 * default call deadline; it stays alive while calls started on it are in flight.
 * {@link dev.winrpc.async.rpc.RpcServer} listens on endpoints, registers interfaces with flags
 * ({@link dev.winrpc.async.rpc.IfFlag}) and a security callback written in Java
 * ({@link dev.winrpc.async.rpc.SecurityCallback}), and stops and unregisters everything on
 * close. In a manager routine, {@link dev.winrpc.async.rpc.CallerInfo} says who called and how,
 * and {@link dev.winrpc.async.rpc.Impersonation} acts as the caller in a try-with-resources
 * scope.
 *
 * <p>Every bad input is refused in Java, before native memory is touched, with an
 * {@link java.lang.IllegalArgumentException}, {@link java.lang.NullPointerException} or
 * {@link java.lang.IllegalStateException}; every status the runtime refuses with is an
 * {@link dev.winrpc.async.RpcException} naming the function.
 */
package dev.winrpc.async.rpc;
