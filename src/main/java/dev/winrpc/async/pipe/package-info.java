/**
 * A call's state tables as immutable data: the six of Microsoft's "Asynchronous Pipe State"
 * page ({@code docs/reference/asynchronous-pipe-state.md} in the repository,
 * <a href="https://learn.microsoft.com/en-us/windows/win32/rpc/asynchronous-pipe-state">
 * learn.microsoft.com</a>), one for each {@link dev.winrpc.async.pipe.PipeKind pipe kind} and
 * {@link dev.winrpc.async.pipe.Side side}, and the library's two for plain calls.
 *
 * <p>In each table a {@link dev.winrpc.async.pipe.PipeState state} carries the
 * {@link dev.winrpc.async.pipe.Action} the call performs there, and each outcome of that action
 * (a {@link dev.winrpc.async.pipe.PipeInput}) leads to the next state.
 * {@link dev.winrpc.async.pipe.PipeProtocol#of PipeProtocol.of(kind, side)} and
 * {@link dev.winrpc.async.pipe.PipeProtocol#plain PipeProtocol.plain(side)} return a table; its
 * {@code next} and {@code require} answer "where does this outcome lead", and refuse every pair
 * the table does not list. This package imports nothing from the rest of the library.
 */
package dev.winrpc.async.pipe;
