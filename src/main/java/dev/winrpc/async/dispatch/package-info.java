/**
 * Notification dispatch: a {@link dev.winrpc.async.dispatch.Dispatcher} owns one platform
 * thread and delivers the runtime's notifications for the calls registered with it there, one
 * at a time, in the order the runtime issued them.
 *
 * <p>Four kinds: {@link dev.winrpc.async.dispatch.ApcDispatcher} (APCs to a thread that waits
 * alertably: the only one whose notifications say which event they are, which calls with async
 * pipes need), {@link dev.winrpc.async.dispatch.IocpDispatcher} (a completion port),
 * {@link dev.winrpc.async.dispatch.EventDispatcher} (event handles) and
 * {@link dev.winrpc.async.dispatch.PollingDispatcher} (no notification at all). A dispatcher
 * says what it can deliver ({@link dev.winrpc.async.dispatch.Capability}).
 *
 * <p>The registry that finds a call by the address of its RPC_ASYNC_STATE is also what pins the
 * call's native memory and callbacks until the runtime is done with them
 * ({@link dev.winrpc.async.dispatch.Registration}); closing a dispatcher never frees memory the
 * runtime may still write.
 */
package dev.winrpc.async.dispatch;
