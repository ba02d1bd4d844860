/*
 * Compile-time proof that native-headers/winrpc_async.h agrees with mingw-w64's own Windows
 * headers, field by field. Compiled by check.sh with i686-w64-mingw32-gcc (32-bit x86) and
 * x86_64-w64-mingw32-gcc (x64); ARM32 and ARM64 share those two layouts (docs/reference/abi.md).
 *
 * Our declarations get the prefix winrpc_ so that both can live in this one file.
 */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>

#define WINRPC_NAME(x) winrpc_##x
#include "../winrpc_async.h"

/* MIDL's output for `typedef pipe int INTPIPE;` in an [async] operation (the server-side pipe
 * page's ASYNC_INTPIPE), transcribed with the SDK's types: midl is not available off Windows. */
typedef struct MIDL_ASYNC_INTPIPE {
    RPC_STATUS (__RPC_USER *pull)(char *state, int *buf, unsigned long esize,
                                  unsigned long *ecount);
    RPC_STATUS (__RPC_USER *push)(char *state, int *buf, unsigned long ecount);
    RPC_STATUS (__RPC_USER *alloc)(char *state, unsigned long bsize, int **buf,
                                   unsigned long *bcount);
    char *state;
} MIDL_ASYNC_INTPIPE;

#define FIELD_SIZE(type, field) sizeof(((type *)0)->field)
#define SAME_FIELD(ours, sdk, field)                                                          \
    _Static_assert(offsetof(ours, field) == offsetof(sdk, field),                             \
                   "offset of " #field " differs between " #ours " and " #sdk);               \
    _Static_assert(FIELD_SIZE(ours, field) == FIELD_SIZE(sdk, field),                         \
                   "size of " #field " differs between " #ours " and " #sdk)
#define SAME_SIZE(ours, sdk)                                                                  \
    _Static_assert(sizeof(ours) == sizeof(sdk), "sizeof " #ours " != sizeof " #sdk);         \
    _Static_assert(_Alignof(ours) == _Alignof(sdk), "alignment " #ours " != " #sdk)
#define SAME_VALUE(ours, sdk) _Static_assert((long long)(ours) == (long long)(sdk), \
                                             #ours " != " #sdk)

/* RPC_ASYNC_STATE */
SAME_SIZE(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, Size);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, Signature);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, Lock);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, Flags);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, StubInfo);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, UserInfo);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, RuntimeInfo);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, Event);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, NotificationType);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.APC.NotificationRoutine);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.APC.hThread);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.IOC.hIOPort);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.IOC.dwNumberOfBytesTransferred);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.IOC.dwCompletionKey);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.IOC.lpOverlapped);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.HWND.hWnd);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.HWND.Msg);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.hEvent);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, u.NotificationRoutine);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, Reserved);
SAME_FIELD(winrpc_RPC_ASYNC_STATE, RPC_ASYNC_STATE, Reserved[3]);

/* The stand-alone notification union */
SAME_SIZE(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, APC.NotificationRoutine);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, APC.hThread);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, IOC.hIOPort);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, IOC.dwNumberOfBytesTransferred);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, IOC.dwCompletionKey);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, IOC.lpOverlapped);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, HWND.hWnd);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, HWND.Msg);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, hEvent);
SAME_FIELD(winrpc_RPC_ASYNC_NOTIFICATION_INFO, RPC_ASYNC_NOTIFICATION_INFO, NotificationRoutine);

/* The MIDL async pipe (generic and pipe-of-int forms) */
SAME_SIZE(winrpc_ASYNC_PIPE, MIDL_ASYNC_INTPIPE);
SAME_FIELD(winrpc_ASYNC_PIPE, MIDL_ASYNC_INTPIPE, pull);
SAME_FIELD(winrpc_ASYNC_PIPE, MIDL_ASYNC_INTPIPE, push);
SAME_FIELD(winrpc_ASYNC_PIPE, MIDL_ASYNC_INTPIPE, alloc);
SAME_FIELD(winrpc_ASYNC_PIPE, MIDL_ASYNC_INTPIPE, state);
SAME_SIZE(winrpc_ASYNC_INTPIPE, MIDL_ASYNC_INTPIPE);
SAME_FIELD(winrpc_ASYNC_INTPIPE, MIDL_ASYNC_INTPIPE, pull);
SAME_FIELD(winrpc_ASYNC_INTPIPE, MIDL_ASYNC_INTPIPE, push);
SAME_FIELD(winrpc_ASYNC_INTPIPE, MIDL_ASYNC_INTPIPE, alloc);
SAME_FIELD(winrpc_ASYNC_INTPIPE, MIDL_ASYNC_INTPIPE, state);

/* kernel32 structures */
SAME_SIZE(winrpc_OVERLAPPED_ENTRY, OVERLAPPED_ENTRY);
SAME_FIELD(winrpc_OVERLAPPED_ENTRY, OVERLAPPED_ENTRY, lpCompletionKey);
SAME_FIELD(winrpc_OVERLAPPED_ENTRY, OVERLAPPED_ENTRY, lpOverlapped);
SAME_FIELD(winrpc_OVERLAPPED_ENTRY, OVERLAPPED_ENTRY, Internal);
SAME_FIELD(winrpc_OVERLAPPED_ENTRY, OVERLAPPED_ENTRY, dwNumberOfBytesTransferred);
SAME_SIZE(winrpc_OVERLAPPED, OVERLAPPED);
SAME_FIELD(winrpc_OVERLAPPED, OVERLAPPED, Internal);
SAME_FIELD(winrpc_OVERLAPPED, OVERLAPPED, InternalHigh);
SAME_FIELD(winrpc_OVERLAPPED, OVERLAPPED, Offset);
SAME_FIELD(winrpc_OVERLAPPED, OVERLAPPED, OffsetHigh);
SAME_FIELD(winrpc_OVERLAPPED, OVERLAPPED, hEvent);

/* Scalar types */
_Static_assert(sizeof(winrpc_RPC_STATUS) == sizeof(RPC_STATUS), "RPC_STATUS");
_Static_assert(sizeof(winrpc_WINRPC_DWORD) == sizeof(DWORD), "DWORD");
_Static_assert(sizeof(winrpc_WINRPC_BOOL) == sizeof(BOOL), "BOOL");
_Static_assert(sizeof(winrpc_WINRPC_HANDLE) == sizeof(HANDLE), "HANDLE");
_Static_assert(sizeof(winrpc_PFN_RPCNOTIFICATION_ROUTINE) == sizeof(PFN_RPCNOTIFICATION_ROUTINE),
               "PFN_RPCNOTIFICATION_ROUTINE");
_Static_assert(sizeof(winrpc_PAPCFUNC) == sizeof(PAPCFUNC), "PAPCFUNC");

/* Enumerations (mingw-w64 10 lacks RpcClientDisconnect and RpcClientCancel: docs/reference/abi.md),
 * and RPC_NOTIFICATIONS, which it declares in full */
SAME_VALUE(winrpc_RpcNotificationTypeNone, RpcNotificationTypeNone);
SAME_VALUE(winrpc_RpcNotificationTypeEvent, RpcNotificationTypeEvent);
SAME_VALUE(winrpc_RpcNotificationTypeApc, RpcNotificationTypeApc);
SAME_VALUE(winrpc_RpcNotificationTypeIoc, RpcNotificationTypeIoc);
SAME_VALUE(winrpc_RpcNotificationTypeHwnd, RpcNotificationTypeHwnd);
SAME_VALUE(winrpc_RpcNotificationTypeCallback, RpcNotificationTypeCallback);
SAME_VALUE(winrpc_RpcCallComplete, RpcCallComplete);
SAME_VALUE(winrpc_RpcSendComplete, RpcSendComplete);
SAME_VALUE(winrpc_RpcReceiveComplete, RpcReceiveComplete);
_Static_assert(winrpc_RpcClientDisconnect == RpcReceiveComplete + 1, "RpcClientDisconnect");
_Static_assert(winrpc_RpcClientCancel == RpcReceiveComplete + 2, "RpcClientCancel");
SAME_VALUE(winrpc_RpcNotificationCallNone, RpcNotificationCallNone);
SAME_VALUE(winrpc_RpcNotificationClientDisconnect, RpcNotificationClientDisconnect);
SAME_VALUE(winrpc_RpcNotificationCallCancel, RpcNotificationCallCancel);
_Static_assert(sizeof(winrpc_RPC_NOTIFICATIONS) == sizeof(RPC_NOTIFICATIONS), "RPC_NOTIFICATIONS");
_Static_assert(sizeof(winrpc_RPC_BINDING_HANDLE) == sizeof(RPC_BINDING_HANDLE),
               "RPC_BINDING_HANDLE");

/* Status codes, flags and numbers */
SAME_VALUE(winrpc_RPC_S_OK, RPC_S_OK);
SAME_VALUE(winrpc_RPC_X_PIPE_APP_MEMORY, RPC_X_PIPE_APP_MEMORY);
SAME_VALUE(winrpc_RPC_S_INVALID_ARG, RPC_S_INVALID_ARG);
SAME_VALUE(winrpc_RPC_S_ASYNC_CALL_PENDING, RPC_S_ASYNC_CALL_PENDING);
SAME_VALUE(winrpc_RPC_S_INVALID_BINDING, RPC_S_INVALID_BINDING);
SAME_VALUE(winrpc_RPC_S_SERVER_UNAVAILABLE, RPC_S_SERVER_UNAVAILABLE);
SAME_VALUE(winrpc_RPC_S_NO_CALL_ACTIVE, RPC_S_NO_CALL_ACTIVE);
SAME_VALUE(winrpc_RPC_S_CALL_FAILED, RPC_S_CALL_FAILED);
SAME_VALUE(winrpc_RPC_S_CALL_FAILED_DNE, RPC_S_CALL_FAILED_DNE);
SAME_VALUE(winrpc_RPC_S_CANNOT_SUPPORT, RPC_S_CANNOT_SUPPORT);
SAME_VALUE(winrpc_RPC_S_CALL_IN_PROGRESS, RPC_S_CALL_IN_PROGRESS);
SAME_VALUE(winrpc_RPC_S_CALL_CANCELLED, RPC_S_CALL_CANCELLED);
SAME_VALUE(winrpc_RPC_X_WRONG_PIPE_ORDER, RPC_X_WRONG_PIPE_ORDER);
SAME_VALUE(winrpc_RPC_X_WRONG_PIPE_VERSION, RPC_X_WRONG_PIPE_VERSION);
SAME_VALUE(winrpc_RPC_S_SEND_INCOMPLETE, RPC_S_SEND_INCOMPLETE);
SAME_VALUE(winrpc_RPC_S_INVALID_ASYNC_HANDLE, RPC_S_INVALID_ASYNC_HANDLE);
SAME_VALUE(winrpc_RPC_S_INVALID_ASYNC_CALL, RPC_S_INVALID_ASYNC_CALL);
SAME_VALUE(winrpc_RPC_X_PIPE_CLOSED, RPC_X_PIPE_CLOSED);
SAME_VALUE(winrpc_RPC_X_PIPE_DISCIPLINE_ERROR, RPC_X_PIPE_DISCIPLINE_ERROR);
SAME_VALUE(winrpc_RPC_X_PIPE_EMPTY, RPC_X_PIPE_EMPTY);
SAME_VALUE(WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE, RPC_C_NOTIFY_ON_SEND_COMPLETE);
SAME_VALUE(WINRPC_RPC_C_INFINITE_TIMEOUT, (DWORD)RPC_C_INFINITE_TIMEOUT);
SAME_VALUE(WINRPC_RPC_ASYNC_VERSION_1_0, RPC_ASYNC_VERSION_1_0);
SAME_VALUE(WINRPC_WAIT_IO_COMPLETION, WAIT_IO_COMPLETION);
SAME_VALUE(WINRPC_THREAD_SET_CONTEXT, THREAD_SET_CONTEXT);

/* Prototypes: same parameter and return sizes as the SDK's (the types differ only in name). */
_Static_assert(sizeof(winrpc_RpcAsyncInitializeHandle(0, 0)) ==
               sizeof(RpcAsyncInitializeHandle(0, 0)), "RpcAsyncInitializeHandle result");
_Static_assert(sizeof(winrpc_RpcAsyncAbortCall(0, 0)) == sizeof(RpcAsyncAbortCall(0, 0)),
               "RpcAsyncAbortCall result");
_Static_assert(sizeof(winrpc_RpcServerSubscribeForNotification(0, 0, 0, 0)) ==
               sizeof(RpcServerSubscribeForNotification(0, 0, 0, 0)),
               "RpcServerSubscribeForNotification result");
_Static_assert(sizeof(winrpc_RpcServerUnsubscribeForNotification(0, 0, 0)) ==
               sizeof(RpcServerUnsubscribeForNotification(0, 0, 0)),
               "RpcServerUnsubscribeForNotification result");
_Static_assert(sizeof(winrpc_RpcServerTestCancel(0)) == sizeof(RpcServerTestCancel(0)),
               "RpcServerTestCancel result");
_Static_assert(sizeof(uint32_t) == sizeof(unsigned long),
               "ExceptionCode and *NotificationsQueued are unsigned long");
_Static_assert(sizeof(uint32_t) == sizeof(DWORD), "Notification is DWORD");
_Static_assert(sizeof(winrpc_RPC_NOTIFICATION_TYPES) == sizeof(RPC_NOTIFICATION_TYPES),
               "NotificationType is RPC_NOTIFICATION_TYPES");
_Static_assert(sizeof(int32_t) == sizeof(WINBOOL), "fAbort is BOOL");

/* A symbol so that the object file is not empty. */
const unsigned winrpc_sdk_agreement_rpc_async_state_size = sizeof(RPC_ASYNC_STATE);
