package dev.winrpc.async.dispatch;

/**
 * What a kind of dispatcher can deliver ({@link Dispatcher#capabilities()}). A call asks for
 * what it needs instead of asking which dispatcher it has.
 */
public enum Capability {
    /**
     * Each notification says which RPC_ASYNC_EVENT it is, and none is merged with another: an
     * APC carries the event as its argument. A call with async pipes needs it, since it must
     * tell RpcSendComplete from RpcReceiveComplete. Completion-port and event notifications
     * carry no event (the runtime's Event field, read afterwards, may already hold a later
     * one), and polling sees only the call's completion.
     */
    DISTINCT_EVENTS,
    /**
     * It can deliver a server call's subscription to its client's cancel and disconnect
     * (RpcServerSubscribeForNotification) apart from the call's own notifications.
     */
    SERVER_SUBSCRIPTIONS
}
