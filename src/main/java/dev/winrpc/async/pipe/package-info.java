/**
 * The asynchronous pipe state tables of Microsoft's "Asynchronous Pipe State" page (seed 002,
 * <a href="https://learn.microsoft.com/en-us/windows/win32/rpc/asynchronous-pipe-state">
 * learn.microsoft.com</a>), as immutable data.
 *
 * <p>The page gives six tables, one for each {@link dev.winrpc.async.pipe.PipeKind pipe kind}
 * and {@link dev.winrpc.async.pipe.Side side}. In each, a {@link dev.winrpc.async.pipe.PipeState
 * state} names the call the application makes, and each outcome of that call (a
 * {@link dev.winrpc.async.pipe.PipeInput}) leads to the next state.
 * {@link dev.winrpc.async.pipe.PipeProtocol#of PipeProtocol.of(kind, side)} returns a table;
 * its {@code next} and {@code require} answer "where does this outcome lead", and refuse every
 * pair the page does not list.
 */
package dev.winrpc.async.pipe;
