/**
 * The safe layer: {@link dev.winrpc.async.call.ClientCall} and
 * {@link dev.winrpc.async.call.ServerCall}, asynchronous calls that follow their state table
 * ({@link dev.winrpc.async.pipe.PipeProtocol}), complete exactly once, keep native memory pinned
 * until the runtime is done with it, and fail with clear exceptions.
 *
 * <p>A call's async pipes are a {@link dev.winrpc.async.call.PipeWriter} (the pipe a side sends)
 * and a {@link dev.winrpc.async.call.PipeReader} (the pipe it receives), with chunks laid out by
 * a {@link dev.winrpc.async.call.PipeCodec}; its reply is read or written by a
 * {@link dev.winrpc.async.call.Reply}, and its top-level [out] parameters are
 * {@link dev.winrpc.async.call.OutParam}s. Everything that moves a call happens on its
 * dispatcher's thread; the methods here may be called from any thread.
 */
package dev.winrpc.async.call;
