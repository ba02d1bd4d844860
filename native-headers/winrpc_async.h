/*
 * winrpc_async.h - the Windows ABI that winrpc-async binds, declared by the project.
 *
 * Written with fixed-width integer types so that one declaration compiles
 *   - with gcc/clang on Linux and macOS (the test-scope runtime simulator includes it), and
 *   - with mingw-w64 / MSVC for 32-bit and 64-bit Windows.
 * On Windows, `long` and `unsigned long` are 32 bits; here they are int32_t / uint32_t, so the
 * layout is the same on an LP64 host as on Windows of the same pointer size.
 *
 * Every offset and size is asserted at compile time for 32-bit (x86, ARM32) and 64-bit
 * (x64, ARM64) pointers. native-headers/check/ compiles this header next to mingw-w64's own
 * <rpcasync.h> and asserts the two agree field by field.
 *
 * Names: by default every type, enumerator and function has the Windows SDK's name. A file
 * that must see the SDK's declarations too (the layout check) defines
 * WINRPC_NAME(x) before including this header to give ours a prefix.
 *
 * Sources: Microsoft's rpcasync.h documentation pages; docs/reference/abi.md (measured).
 */
#ifndef WINRPC_ASYNC_H
#define WINRPC_ASYNC_H

#include <stddef.h>
#include <stdint.h>

#ifndef WINRPC_NAME
#define WINRPC_NAME(x) x
#define WINRPC_SDK_NAMES 1 /* our declarations carry the SDK's names (no SDK header in scope) */
#endif

/* RPC_ENTRY and the pipe and notification routines are __stdcall on 32-bit x86 Windows and use
 * the platform's single convention everywhere else. */
#if defined(_WIN32) && !defined(_WIN64) && (defined(__i386__) || defined(_M_IX86))
#define WINRPC_ENTRY __stdcall
#else
#define WINRPC_ENTRY
#endif

#if UINTPTR_MAX == 0xFFFFFFFFu
#define WINRPC_PTR32 1
/* WINRPC_BY_PTR(a, b): a on 32-bit Windows ABIs (x86, ARM32), b on 64-bit ones (x64, ARM64). */
#define WINRPC_BY_PTR(p32, p64) (p32)
#else
#define WINRPC_PTR32 0
#define WINRPC_BY_PTR(p32, p64) (p64)
#endif

#ifdef __cplusplus
extern "C" {
#define WINRPC_STATIC_ASSERT(c, m) static_assert(c, m)
#define WINRPC_ALIGNOF(t) alignof(t)
#else
#define WINRPC_STATIC_ASSERT(c, m) _Static_assert(c, m)
#define WINRPC_ALIGNOF(t) _Alignof(t)
#endif

/* ---- scalar types ------------------------------------------------------------------------ */

typedef int32_t WINRPC_NAME(RPC_STATUS);      /* long */
typedef uint32_t WINRPC_NAME(WINRPC_DWORD);   /* DWORD, unsigned long */
typedef int32_t WINRPC_NAME(WINRPC_BOOL);     /* BOOL, int */
typedef void *WINRPC_NAME(WINRPC_HANDLE);     /* HANDLE */
typedef void *WINRPC_NAME(RPC_BINDING_HANDLE); /* I_RPC_HANDLE, void * */

/* ---- status codes the library uses (winerror.h / rpcnterr.h) ---------------------------- */

enum {
    WINRPC_NAME(RPC_S_OK) = 0,
    WINRPC_NAME(RPC_X_PIPE_APP_MEMORY) = 14,        /* ERROR_OUTOFMEMORY */
    WINRPC_NAME(RPC_S_INVALID_ARG) = 87,            /* ERROR_INVALID_PARAMETER */
    WINRPC_NAME(RPC_S_ASYNC_CALL_PENDING) = 997,    /* ERROR_IO_PENDING */
    WINRPC_NAME(RPC_S_INVALID_BINDING) = 1702,
    WINRPC_NAME(RPC_S_SERVER_UNAVAILABLE) = 1722,
    WINRPC_NAME(RPC_S_NO_CALL_ACTIVE) = 1725,
    WINRPC_NAME(RPC_S_CALL_FAILED) = 1726,
    WINRPC_NAME(RPC_S_CALL_FAILED_DNE) = 1727,
    WINRPC_NAME(RPC_S_CANNOT_SUPPORT) = 1764,
    WINRPC_NAME(RPC_S_CALL_IN_PROGRESS) = 1791,
    WINRPC_NAME(RPC_S_CALL_CANCELLED) = 1818,
    WINRPC_NAME(RPC_X_WRONG_PIPE_ORDER) = 1831,
    WINRPC_NAME(RPC_X_WRONG_PIPE_VERSION) = 1832,
    WINRPC_NAME(RPC_S_SEND_INCOMPLETE) = 1913,
    WINRPC_NAME(RPC_S_INVALID_ASYNC_HANDLE) = 1914,
    WINRPC_NAME(RPC_S_INVALID_ASYNC_CALL) = 1915,
    WINRPC_NAME(RPC_X_PIPE_CLOSED) = 1916,
    WINRPC_NAME(RPC_X_PIPE_DISCIPLINE_ERROR) = 1917,
    WINRPC_NAME(RPC_X_PIPE_EMPTY) = 1918
};

/* ---- flags and other numbers ------------------------------------------------------------- */

#define WINRPC_RPC_C_NOTIFY_ON_SEND_COMPLETE 0x1u
#define WINRPC_RPC_C_INFINITE_TIMEOUT 0xFFFFFFFFu
#define WINRPC_RPC_ASYNC_SIGNATURE 0x43595341u /* "ASYC", written by RpcAsyncInitializeHandle */
#define WINRPC_WAIT_IO_COMPLETION 0xC0u
#define WINRPC_THREAD_SET_CONTEXT 0x0010u
/* RPC_ASYNC_VERSION_1_0 is sizeof(RPC_ASYNC_STATE): 68 on 32-bit, 112 on 64-bit. */
#define WINRPC_RPC_ASYNC_VERSION_1_0 WINRPC_BY_PTR(68u, 112u)

/* ---- enums (4 bytes on every Windows ABI) ------------------------------------------------- */

typedef enum WINRPC_NAME(_RPC_NOTIFICATION_TYPES) {
    WINRPC_NAME(RpcNotificationTypeNone) = 0,
    WINRPC_NAME(RpcNotificationTypeEvent) = 1,
    WINRPC_NAME(RpcNotificationTypeApc) = 2,
    WINRPC_NAME(RpcNotificationTypeIoc) = 3,
    WINRPC_NAME(RpcNotificationTypeHwnd) = 4,     /* deprecated; not supported by the library */
    WINRPC_NAME(RpcNotificationTypeCallback) = 5  /* OLE only; not supported by the library */
} WINRPC_NAME(RPC_NOTIFICATION_TYPES);

/* All five values, although mingw-w64 10 declares only the first three. */
typedef enum WINRPC_NAME(_RPC_ASYNC_EVENT) {
    WINRPC_NAME(RpcCallComplete) = 0,
    WINRPC_NAME(RpcSendComplete) = 1,
    WINRPC_NAME(RpcReceiveComplete) = 2,
    WINRPC_NAME(RpcClientDisconnect) = 3,
    WINRPC_NAME(RpcClientCancel) = 4
} WINRPC_NAME(RPC_ASYNC_EVENT);

/* RPC_NOTIFICATIONS: what RpcServerSubscribeForNotification subscribes a server call to. The
 * subscribe function takes a bitwise OR of the two kinds (as a DWORD); the unsubscribe function
 * takes exactly one. Delivered as RpcClientDisconnect and RpcClientCancel respectively. */
typedef enum WINRPC_NAME(_RPC_NOTIFICATIONS) {
    WINRPC_NAME(RpcNotificationCallNone) = 0,
    WINRPC_NAME(RpcNotificationClientDisconnect) = 1,
    WINRPC_NAME(RpcNotificationCallCancel) = 2
} WINRPC_NAME(RPC_NOTIFICATIONS);

/* ---- RPC_ASYNC_STATE ---------------------------------------------------------------------- */

struct WINRPC_NAME(_RPC_ASYNC_STATE);

/* RPCNOTIFICATION_ROUTINE: Context is reserved and NULL. */
typedef void (WINRPC_ENTRY *WINRPC_NAME(PFN_RPCNOTIFICATION_ROUTINE))(
    struct WINRPC_NAME(_RPC_ASYNC_STATE) *pAsync, void *Context,
    WINRPC_NAME(RPC_ASYNC_EVENT) Event);

typedef union WINRPC_NAME(_RPC_ASYNC_NOTIFICATION_INFO) {
    struct {
        WINRPC_NAME(PFN_RPCNOTIFICATION_ROUTINE) NotificationRoutine;
        void *hThread;
    } APC;
    struct {
        void *hIOPort;
        uint32_t dwNumberOfBytesTransferred;  /* DWORD; 4 bytes of padding follow on 64-bit */
        uintptr_t dwCompletionKey;            /* DWORD_PTR */
        void *lpOverlapped;                   /* LPOVERLAPPED */
    } IOC;
    struct {
        void *hWnd;
        uint32_t Msg;                         /* UINT */
    } HWND;
    void *hEvent;
    WINRPC_NAME(PFN_RPCNOTIFICATION_ROUTINE) NotificationRoutine;
} WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), *WINRPC_NAME(PRPC_ASYNC_NOTIFICATION_INFO);

typedef struct WINRPC_NAME(_RPC_ASYNC_STATE) {
    uint32_t Size;                 /* unsigned int; written by RpcAsyncInitializeHandle */
    uint32_t Signature;            /* unsigned long; runtime-owned after initialisation */
    int32_t Lock;                  /* long; runtime-owned */
    uint32_t Flags;                /* unsigned long; RPC_C_NOTIFY_ON_SEND_COMPLETE */
    void *StubInfo;                /* runtime-owned */
    void *UserInfo;                /* the application's */
    void *RuntimeInfo;             /* runtime-owned; RpcAsyncGetCallHandle() reads it */
    WINRPC_NAME(RPC_ASYNC_EVENT) Event;                     /* written by the runtime */
    WINRPC_NAME(RPC_NOTIFICATION_TYPES) NotificationType;   /* the application's */
    WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO) u;             /* the application's */
    intptr_t Reserved[4];          /* LONG_PTR[4]; runtime-owned */
} WINRPC_NAME(RPC_ASYNC_STATE), *WINRPC_NAME(PRPC_ASYNC_STATE);

/* RpcAsyncGetCallHandle(pAsync): a macro in the SDK's rpcasync.h, the call's binding handle
 * (its RuntimeInfo), for RpcServerSubscribeForNotification and friends off the thread the call
 * was dispatched on. Defined here only when no SDK header supplies it. */
#if defined(WINRPC_SDK_NAMES) && !defined(RpcAsyncGetCallHandle)
#define RpcAsyncGetCallHandle(pAsync) (((PRPC_ASYNC_STATE)(pAsync))->RuntimeInfo)
#endif

/* ---- the MIDL async pipe structure --------------------------------------------------------
 * For `pipe T` in an [async] operation, MIDL generates `ASYNC_<name>` with these four members
 * in this order, the element pointers typed T*. ASYNC_PIPE is the element-type-free form with
 * the same layout; ASYNC_INTPIPE is the fixture's (and the server-side pipe page's) pipe of int. */

typedef WINRPC_NAME(RPC_STATUS) (WINRPC_ENTRY *WINRPC_NAME(ASYNC_PIPE_PULL))(
    char *state, void *buf, uint32_t esize, uint32_t *ecount);
typedef WINRPC_NAME(RPC_STATUS) (WINRPC_ENTRY *WINRPC_NAME(ASYNC_PIPE_PUSH))(
    char *state, void *buf, uint32_t ecount);
typedef WINRPC_NAME(RPC_STATUS) (WINRPC_ENTRY *WINRPC_NAME(ASYNC_PIPE_ALLOC))(
    char *state, uint32_t bsize, void **buf, uint32_t *bcount);

typedef struct WINRPC_NAME(ASYNC_PIPE) {
    WINRPC_NAME(ASYNC_PIPE_PULL) pull;
    WINRPC_NAME(ASYNC_PIPE_PUSH) push;
    WINRPC_NAME(ASYNC_PIPE_ALLOC) alloc;
    char *state;
} WINRPC_NAME(ASYNC_PIPE);

typedef struct WINRPC_NAME(ASYNC_INTPIPE) {
    WINRPC_NAME(RPC_STATUS) (WINRPC_ENTRY *pull)(char *state, int32_t *buf, uint32_t esize,
                                                 uint32_t *ecount);
    WINRPC_NAME(RPC_STATUS) (WINRPC_ENTRY *push)(char *state, int32_t *buf, uint32_t ecount);
    WINRPC_NAME(RPC_STATUS) (WINRPC_ENTRY *alloc)(char *state, uint32_t bsize, int32_t **buf,
                                                  uint32_t *bcount);
    char *state;
} WINRPC_NAME(ASYNC_INTPIPE);

/* ---- kernel32 structures the library binds itself ----------------------------------------- */

/* OVERLAPPED_ENTRY, filled by GetQueuedCompletionStatusEx. */
typedef struct WINRPC_NAME(_OVERLAPPED_ENTRY) {
    uintptr_t lpCompletionKey;     /* ULONG_PTR */
    void *lpOverlapped;            /* LPOVERLAPPED */
    uintptr_t Internal;            /* ULONG_PTR */
    uint32_t dwNumberOfBytesTransferred;
} WINRPC_NAME(OVERLAPPED_ENTRY);

/* OVERLAPPED, as jna-platform maps it; the library only passes its address through. */
typedef struct WINRPC_NAME(_OVERLAPPED) {
    uintptr_t Internal;
    uintptr_t InternalHigh;
    uint32_t Offset;
    uint32_t OffsetHigh;
    void *hEvent;
} WINRPC_NAME(OVERLAPPED);

/* PAPCFUNC, the routine QueueUserAPC queues. */
typedef void (WINRPC_ENTRY *WINRPC_NAME(PAPCFUNC))(uintptr_t Parameter);

/* ---- rpcrt4 functions (RPC_ENTRY) --------------------------------------------------------- */

#ifndef WINRPC_NO_PROTOTYPES
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcAsyncInitializeHandle)(
    WINRPC_NAME(PRPC_ASYNC_STATE) pAsync, unsigned int Size);
/* Obsolete in the SDK; Wine's is a stub that aborts the process. */
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcAsyncRegisterInfo)(
    WINRPC_NAME(PRPC_ASYNC_STATE) pAsync);
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcAsyncGetCallStatus)(
    WINRPC_NAME(PRPC_ASYNC_STATE) pAsync);
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcAsyncCompleteCall)(
    WINRPC_NAME(PRPC_ASYNC_STATE) pAsync, void *Reply);
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcAsyncAbortCall)(
    WINRPC_NAME(PRPC_ASYNC_STATE) pAsync, uint32_t ExceptionCode);
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcAsyncCancelCall)(
    WINRPC_NAME(PRPC_ASYNC_STATE) pAsync, int32_t fAbort);
/* Server only. Binding: the call's binding handle, RpcAsyncGetCallHandle(pAsync); NULL only on
 * the thread the runtime dispatched the call on. Notification: a bitwise OR of RPC_NOTIFICATIONS
 * (DWORD). NotificationInfo is copied during the call. Every subscription must be ended before
 * the call is completed or aborted. */
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcServerSubscribeForNotification)(
    WINRPC_NAME(RPC_BINDING_HANDLE) Binding, uint32_t Notification,
    WINRPC_NAME(RPC_NOTIFICATION_TYPES) NotificationType,
    WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO) *NotificationInfo);
/* One RPC_NOTIFICATIONS value; NotificationsQueued (unsigned long, required) receives how many
 * notifications of that kind the runtime queued for the call. */
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcServerUnsubscribeForNotification)(
    WINRPC_NAME(RPC_BINDING_HANDLE) Binding, WINRPC_NAME(RPC_NOTIFICATIONS) Notification,
    uint32_t *NotificationsQueued);
/* RPC_S_OK if the client cancelled the call (it must still be completed or aborted),
 * RPC_S_CALL_IN_PROGRESS if not. BindingHandle: RpcAsyncGetCallHandle(pAsync), or NULL for the
 * call on the current thread. Declared in rpcdce.h. */
WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(RpcServerTestCancel)(
    WINRPC_NAME(RPC_BINDING_HANDLE) BindingHandle);
#endif

/* ---- layout, asserted for the pointer size being compiled --------------------------------- */

#define WINRPC_ASSERT_OFFSET(type, field, p32, p64)                                           \
    WINRPC_STATIC_ASSERT(offsetof(type, field) == WINRPC_BY_PTR(p32, p64),                    \
                         "offsetof(" #type ", " #field ") differs from the Windows ABI")
#define WINRPC_ASSERT_SIZE(type, p32, p64)                                                    \
    WINRPC_STATIC_ASSERT(sizeof(type) == WINRPC_BY_PTR(p32, p64),                             \
                         "sizeof(" #type ") differs from the Windows ABI")

WINRPC_STATIC_ASSERT(sizeof(WINRPC_NAME(RPC_ASYNC_EVENT)) == 4, "RPC_ASYNC_EVENT is 4 bytes");
WINRPC_STATIC_ASSERT(sizeof(WINRPC_NAME(RPC_NOTIFICATION_TYPES)) == 4,
                     "RPC_NOTIFICATION_TYPES is 4 bytes");
WINRPC_STATIC_ASSERT(sizeof(WINRPC_NAME(RPC_NOTIFICATIONS)) == 4, "RPC_NOTIFICATIONS is 4 bytes");

WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), Size, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), Signature, 4, 4);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), Lock, 8, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), Flags, 12, 12);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), StubInfo, 16, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), UserInfo, 20, 24);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), RuntimeInfo, 24, 32);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), Event, 28, 40);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), NotificationType, 32, 44);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), u, 36, 48);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_STATE), Reserved, 52, 80);
WINRPC_ASSERT_SIZE(WINRPC_NAME(RPC_ASYNC_STATE), 68, 112);
WINRPC_STATIC_ASSERT(WINRPC_ALIGNOF(WINRPC_NAME(RPC_ASYNC_STATE)) == WINRPC_BY_PTR(4, 8),
                     "alignment of RPC_ASYNC_STATE differs from the Windows ABI");

WINRPC_ASSERT_SIZE(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), 16, 32);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), APC.NotificationRoutine, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), APC.hThread, 4, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), IOC.hIOPort, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), IOC.dwNumberOfBytesTransferred, 4, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), IOC.dwCompletionKey, 8, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), IOC.lpOverlapped, 12, 24);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), HWND.hWnd, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), HWND.Msg, 4, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), hEvent, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_ASYNC_NOTIFICATION_INFO), NotificationRoutine, 0, 0);

WINRPC_ASSERT_OFFSET(WINRPC_NAME(ASYNC_PIPE), pull, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(ASYNC_PIPE), push, 4, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(ASYNC_PIPE), alloc, 8, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(ASYNC_PIPE), state, 12, 24);
WINRPC_ASSERT_SIZE(WINRPC_NAME(ASYNC_PIPE), 16, 32);
WINRPC_ASSERT_SIZE(WINRPC_NAME(ASYNC_INTPIPE), 16, 32);

WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED_ENTRY), lpCompletionKey, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED_ENTRY), lpOverlapped, 4, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED_ENTRY), Internal, 8, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED_ENTRY), dwNumberOfBytesTransferred, 12, 24);
WINRPC_ASSERT_SIZE(WINRPC_NAME(OVERLAPPED_ENTRY), 16, 32);

WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED), Internal, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED), InternalHigh, 4, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED), Offset, 8, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED), OffsetHigh, 12, 20);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(OVERLAPPED), hEvent, 16, 24);
WINRPC_ASSERT_SIZE(WINRPC_NAME(OVERLAPPED), 20, 32);

#ifdef __cplusplus
}
#endif

/* Binding handles, authentication and server hosting. */
#include "winrpc_rpcdce.h"

#endif /* WINRPC_ASYNC_H */
