/**
 * What the code the IDL compiler generates stands on: marshalling of IDL values to and from
 * the stub library's C forms ({@code NdrType}, {@code NdrCodec}, {@code NdrMemory}), loading a
 * stub library, and the glue of generated clients and servers over the library's
 * {@code ClientCall}, {@code ServerCall}, {@code RpcBinding} and {@code RpcServer}.
 *
 * <p>Users call the generated classes, not this package; it is public because generated code
 * lives in the user's packages. Nothing else in the library depends on it.
 */
package dev.winrpc.async.stub;
