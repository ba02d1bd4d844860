/*
 * Compile-time proof that native-headers/winrpc_rpcdce.h (binding handles, authentication,
 * server hosting) agrees with mingw-w64's <rpcdce.h>, <rpcasync.h> and <winerror.h>: layouts,
 * values, and the type of every function pointer. Compiled by check.sh for 32-bit x86 and x64.
 *
 * mingw-w64 12 lacks RpcServerRegisterIf3, RPC_QUERY_CLIENT_PID and later, and the
 * RPC_PROTSEQ_* numbers: RpcServerRegisterIf3 is transcribed from Microsoft's page below (the
 * same parameters as RpcServerRegisterIf2 plus a security descriptor); the numbers are checked
 * by the Java ConstantsTest against the header only.
 */
#define _WIN32_WINNT 0x0A00
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>

#define WINRPC_NAME(x) winrpc_##x
#include "../winrpc_async.h"

#define FIELD_SIZE(type, field) sizeof(((type *)0)->field)
#define SAME_FIELD2(ours, of, sdk, sf)                                                        \
    _Static_assert(offsetof(ours, of) == offsetof(sdk, sf),                                   \
                   "offset of " #of " differs between " #ours " and " #sdk);                  \
    _Static_assert(FIELD_SIZE(ours, of) == FIELD_SIZE(sdk, sf),                               \
                   "size of " #of " differs between " #ours " and " #sdk)
#define SAME_FIELD(ours, sdk, field) SAME_FIELD2(ours, field, sdk, field)
#define SAME_SIZE(ours, sdk)                                                                  \
    _Static_assert(sizeof(ours) == sizeof(sdk), "sizeof " #ours " != sizeof " #sdk);         \
    _Static_assert(_Alignof(ours) == _Alignof(sdk), "alignment " #ours " != " #sdk)
#define SAME_VALUE(ours, sdk) _Static_assert((long long)(ours) == (long long)(sdk), \
                                             #ours " != " #sdk)

SAME_SIZE(winrpc_WINRPC_GUID, GUID);
SAME_SIZE(winrpc_RPC_SYNTAX_IDENTIFIER, RPC_SYNTAX_IDENTIFIER);
SAME_FIELD2(winrpc_WINRPC_IF_HEADER, InterfaceId, RPC_SERVER_INTERFACE, InterfaceId);
SAME_FIELD2(winrpc_WINRPC_IF_HEADER, Length, RPC_SERVER_INTERFACE, Length);
SAME_FIELD2(winrpc_WINRPC_IF_HEADER, InterfaceId, RPC_CLIENT_INTERFACE, InterfaceId);

SAME_SIZE(winrpc_RPC_SECURITY_QOS, RPC_SECURITY_QOS);
SAME_FIELD(winrpc_RPC_SECURITY_QOS, RPC_SECURITY_QOS, Version);
SAME_FIELD(winrpc_RPC_SECURITY_QOS, RPC_SECURITY_QOS, Capabilities);
SAME_FIELD(winrpc_RPC_SECURITY_QOS, RPC_SECURITY_QOS, IdentityTracking);
SAME_FIELD(winrpc_RPC_SECURITY_QOS, RPC_SECURITY_QOS, ImpersonationType);

SAME_SIZE(winrpc_SEC_WINNT_AUTH_IDENTITY_W, SEC_WINNT_AUTH_IDENTITY_W);
SAME_FIELD(winrpc_SEC_WINNT_AUTH_IDENTITY_W, SEC_WINNT_AUTH_IDENTITY_W, User);
SAME_FIELD(winrpc_SEC_WINNT_AUTH_IDENTITY_W, SEC_WINNT_AUTH_IDENTITY_W, UserLength);
SAME_FIELD(winrpc_SEC_WINNT_AUTH_IDENTITY_W, SEC_WINNT_AUTH_IDENTITY_W, Domain);
SAME_FIELD(winrpc_SEC_WINNT_AUTH_IDENTITY_W, SEC_WINNT_AUTH_IDENTITY_W, DomainLength);
SAME_FIELD(winrpc_SEC_WINNT_AUTH_IDENTITY_W, SEC_WINNT_AUTH_IDENTITY_W, Password);
SAME_FIELD(winrpc_SEC_WINNT_AUTH_IDENTITY_W, SEC_WINNT_AUTH_IDENTITY_W, PasswordLength);
SAME_FIELD(winrpc_SEC_WINNT_AUTH_IDENTITY_W, SEC_WINNT_AUTH_IDENTITY_W, Flags);

SAME_SIZE(winrpc_RPC_BINDING_VECTOR, RPC_BINDING_VECTOR);
SAME_FIELD(winrpc_RPC_BINDING_VECTOR, RPC_BINDING_VECTOR, Count);
SAME_FIELD(winrpc_RPC_BINDING_VECTOR, RPC_BINDING_VECTOR, BindingH);

SAME_SIZE(winrpc_RPC_CALL_ATTRIBUTES_V2_W, RPC_CALL_ATTRIBUTES_V2_W);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, Version, RPC_CALL_ATTRIBUTES_V2_W, Version);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, Flags, RPC_CALL_ATTRIBUTES_V2_W, Flags);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, ServerPrincipalNameBufferLength, RPC_CALL_ATTRIBUTES_V2_W, ServerPrincipalNameBufferLength);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, ServerPrincipalName, RPC_CALL_ATTRIBUTES_V2_W, ServerPrincipalName);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, ClientPrincipalNameBufferLength, RPC_CALL_ATTRIBUTES_V2_W, ClientPrincipalNameBufferLength);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, ClientPrincipalName, RPC_CALL_ATTRIBUTES_V2_W, ClientPrincipalName);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, AuthenticationLevel, RPC_CALL_ATTRIBUTES_V2_W, AuthenticationLevel);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, AuthenticationService, RPC_CALL_ATTRIBUTES_V2_W, AuthenticationService);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, NullSession, RPC_CALL_ATTRIBUTES_V2_W, NullSession);
/* Microsoft names it KernelModeCaller, mingw-w64 KernelMode. */
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, KernelModeCaller, RPC_CALL_ATTRIBUTES_V2_W, KernelMode);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, ProtocolSequence, RPC_CALL_ATTRIBUTES_V2_W, ProtocolSequence);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, IsClientLocal, RPC_CALL_ATTRIBUTES_V2_W, IsClientLocal);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, ClientPID, RPC_CALL_ATTRIBUTES_V2_W, ClientPID);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, CallStatus, RPC_CALL_ATTRIBUTES_V2_W, CallStatus);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, CallType, RPC_CALL_ATTRIBUTES_V2_W, CallType);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, CallLocalAddress, RPC_CALL_ATTRIBUTES_V2_W, CallLocalAddress);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, OpNum, RPC_CALL_ATTRIBUTES_V2_W, OpNum);
SAME_FIELD2(winrpc_RPC_CALL_ATTRIBUTES_V2_W, InterfaceUuid, RPC_CALL_ATTRIBUTES_V2_W, InterfaceUuid);

/* Status codes */
SAME_VALUE(winrpc_RPC_S_ACCESS_DENIED, RPC_S_ACCESS_DENIED);
SAME_VALUE(winrpc_RPC_S_OUT_OF_MEMORY, RPC_S_OUT_OF_MEMORY);
SAME_VALUE(winrpc_WINRPC_ERROR_MORE_DATA, ERROR_MORE_DATA);
SAME_VALUE(winrpc_RPC_S_INVALID_STRING_BINDING, RPC_S_INVALID_STRING_BINDING);
SAME_VALUE(winrpc_RPC_S_WRONG_KIND_OF_BINDING, RPC_S_WRONG_KIND_OF_BINDING);
SAME_VALUE(winrpc_RPC_S_PROTSEQ_NOT_SUPPORTED, RPC_S_PROTSEQ_NOT_SUPPORTED);
SAME_VALUE(winrpc_RPC_S_INVALID_RPC_PROTSEQ, RPC_S_INVALID_RPC_PROTSEQ);
SAME_VALUE(winrpc_RPC_S_INVALID_STRING_UUID, RPC_S_INVALID_STRING_UUID);
SAME_VALUE(winrpc_RPC_S_INVALID_ENDPOINT_FORMAT, RPC_S_INVALID_ENDPOINT_FORMAT);
SAME_VALUE(winrpc_RPC_S_NO_ENDPOINT_FOUND, RPC_S_NO_ENDPOINT_FOUND);
SAME_VALUE(winrpc_RPC_S_ALREADY_REGISTERED, RPC_S_ALREADY_REGISTERED);
SAME_VALUE(winrpc_RPC_S_ALREADY_LISTENING, RPC_S_ALREADY_LISTENING);
SAME_VALUE(winrpc_RPC_S_NO_PROTSEQS_REGISTERED, RPC_S_NO_PROTSEQS_REGISTERED);
SAME_VALUE(winrpc_RPC_S_NOT_LISTENING, RPC_S_NOT_LISTENING);
SAME_VALUE(winrpc_RPC_S_UNKNOWN_MGR_TYPE, RPC_S_UNKNOWN_MGR_TYPE);
SAME_VALUE(winrpc_RPC_S_INVALID_OBJECT, RPC_S_INVALID_OBJECT);
SAME_VALUE(winrpc_RPC_S_UNKNOWN_IF, RPC_S_UNKNOWN_IF);
SAME_VALUE(winrpc_RPC_S_OUT_OF_RESOURCES, RPC_S_OUT_OF_RESOURCES);
SAME_VALUE(winrpc_RPC_S_NO_BINDINGS, RPC_S_NO_BINDINGS);
SAME_VALUE(winrpc_RPC_S_DUPLICATE_ENDPOINT, RPC_S_DUPLICATE_ENDPOINT);
SAME_VALUE(winrpc_RPC_S_BINDING_HAS_NO_AUTH, RPC_S_BINDING_HAS_NO_AUTH);
SAME_VALUE(winrpc_RPC_S_UNKNOWN_AUTHN_SERVICE, RPC_S_UNKNOWN_AUTHN_SERVICE);
SAME_VALUE(winrpc_RPC_S_UNKNOWN_AUTHN_LEVEL, RPC_S_UNKNOWN_AUTHN_LEVEL);
SAME_VALUE(winrpc_EPT_S_NOT_REGISTERED, EPT_S_NOT_REGISTERED);
SAME_VALUE(winrpc_RPC_S_INVALID_BOUND, RPC_S_INVALID_BOUND);
SAME_VALUE(winrpc_RPC_S_NO_CONTEXT_AVAILABLE, RPC_S_NO_CONTEXT_AVAILABLE);
SAME_VALUE(winrpc_RPC_S_INTERNAL_ERROR, RPC_S_INTERNAL_ERROR);

/* Constants */
SAME_VALUE(WINRPC_RPC_IF_AUTOLISTEN, RPC_IF_AUTOLISTEN);
SAME_VALUE(WINRPC_RPC_IF_OLE, RPC_IF_OLE);
SAME_VALUE(WINRPC_RPC_IF_ALLOW_UNKNOWN_AUTHORITY, RPC_IF_ALLOW_UNKNOWN_AUTHORITY);
SAME_VALUE(WINRPC_RPC_IF_ALLOW_SECURE_ONLY, RPC_IF_ALLOW_SECURE_ONLY);
SAME_VALUE(WINRPC_RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH, RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH);
SAME_VALUE(WINRPC_RPC_IF_ALLOW_LOCAL_ONLY, RPC_IF_ALLOW_LOCAL_ONLY);
SAME_VALUE(WINRPC_RPC_IF_SEC_NO_CACHE, RPC_IF_SEC_NO_CACHE);
SAME_VALUE(WINRPC_RPC_C_AUTHN_NONE, RPC_C_AUTHN_NONE);
SAME_VALUE(WINRPC_RPC_C_AUTHN_GSS_NEGOTIATE, RPC_C_AUTHN_GSS_NEGOTIATE);
SAME_VALUE(WINRPC_RPC_C_AUTHN_WINNT, RPC_C_AUTHN_WINNT);
SAME_VALUE(WINRPC_RPC_C_AUTHN_GSS_SCHANNEL, RPC_C_AUTHN_GSS_SCHANNEL);
SAME_VALUE(WINRPC_RPC_C_AUTHN_GSS_KERBEROS, RPC_C_AUTHN_GSS_KERBEROS);
SAME_VALUE(WINRPC_RPC_C_AUTHN_DEFAULT, (unsigned long)RPC_C_AUTHN_DEFAULT);
SAME_VALUE(WINRPC_RPC_C_AUTHN_LEVEL_DEFAULT, RPC_C_AUTHN_LEVEL_DEFAULT);
SAME_VALUE(WINRPC_RPC_C_AUTHN_LEVEL_NONE, RPC_C_AUTHN_LEVEL_NONE);
SAME_VALUE(WINRPC_RPC_C_AUTHN_LEVEL_CONNECT, RPC_C_AUTHN_LEVEL_CONNECT);
SAME_VALUE(WINRPC_RPC_C_AUTHN_LEVEL_CALL, RPC_C_AUTHN_LEVEL_CALL);
SAME_VALUE(WINRPC_RPC_C_AUTHN_LEVEL_PKT, RPC_C_AUTHN_LEVEL_PKT);
SAME_VALUE(WINRPC_RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY);
SAME_VALUE(WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_AUTHN_LEVEL_PKT_PRIVACY);
SAME_VALUE(WINRPC_RPC_C_AUTHZ_NONE, RPC_C_AUTHZ_NONE);
SAME_VALUE(WINRPC_RPC_C_AUTHZ_NAME, RPC_C_AUTHZ_NAME);
SAME_VALUE(WINRPC_RPC_C_IMP_LEVEL_DEFAULT, RPC_C_IMP_LEVEL_DEFAULT);
SAME_VALUE(WINRPC_RPC_C_IMP_LEVEL_ANONYMOUS, RPC_C_IMP_LEVEL_ANONYMOUS);
SAME_VALUE(WINRPC_RPC_C_IMP_LEVEL_IDENTIFY, RPC_C_IMP_LEVEL_IDENTIFY);
SAME_VALUE(WINRPC_RPC_C_IMP_LEVEL_IMPERSONATE, RPC_C_IMP_LEVEL_IMPERSONATE);
SAME_VALUE(WINRPC_RPC_C_IMP_LEVEL_DELEGATE, RPC_C_IMP_LEVEL_DELEGATE);
SAME_VALUE(WINRPC_RPC_C_QOS_CAPABILITIES_DEFAULT, RPC_C_QOS_CAPABILITIES_DEFAULT);
SAME_VALUE(WINRPC_RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH, RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH);
SAME_VALUE(WINRPC_RPC_C_QOS_IDENTITY_STATIC, RPC_C_QOS_IDENTITY_STATIC);
SAME_VALUE(WINRPC_RPC_C_QOS_IDENTITY_DYNAMIC, RPC_C_QOS_IDENTITY_DYNAMIC);
SAME_VALUE(WINRPC_RPC_C_SECURITY_QOS_VERSION, RPC_C_SECURITY_QOS_VERSION);
SAME_VALUE(WINRPC_SEC_WINNT_AUTH_IDENTITY_UNICODE, SEC_WINNT_AUTH_IDENTITY_UNICODE);
SAME_VALUE(WINRPC_RPC_C_OPT_BINDING_NONCAUSAL, RPC_C_OPT_BINDING_NONCAUSAL);
SAME_VALUE(WINRPC_RPC_C_OPT_SECURITY_CALLBACK, RPC_C_OPT_SECURITY_CALLBACK);
SAME_VALUE(WINRPC_RPC_C_OPT_UNIQUE_BINDING, RPC_C_OPT_UNIQUE_BINDING);
SAME_VALUE(WINRPC_RPC_C_OPT_CALL_TIMEOUT, RPC_C_OPT_CALL_TIMEOUT);
SAME_VALUE(WINRPC_RPC_C_OPT_DONT_LINGER, RPC_C_OPT_DONT_LINGER);
SAME_VALUE(WINRPC_RPC_C_LISTEN_MAX_CALLS_DEFAULT, RPC_C_LISTEN_MAX_CALLS_DEFAULT);
SAME_VALUE(WINRPC_RPC_C_PROTSEQ_MAX_REQS_DEFAULT, RPC_C_PROTSEQ_MAX_REQS_DEFAULT);
SAME_VALUE(WINRPC_RPC_QUERY_SERVER_PRINCIPAL_NAME, RPC_QUERY_SERVER_PRINCIPAL_NAME);
SAME_VALUE(WINRPC_RPC_QUERY_CLIENT_PRINCIPAL_NAME, RPC_QUERY_CLIENT_PRINCIPAL_NAME);
SAME_VALUE(WINRPC_rcclInvalid, rcclInvalid);
SAME_VALUE(WINRPC_rcclLocal, rcclLocal);
SAME_VALUE(WINRPC_rcclRemote, rcclRemote);
SAME_VALUE(WINRPC_rcclClientUnknownLocality, rcclClientUnknownLocality);
SAME_VALUE(WINRPC_rctInvalid, rctInvalid);
SAME_VALUE(WINRPC_rctNormal, rctNormal);

/* Scalar and pointer types */
_Static_assert(sizeof(winrpc_RPC_WSTR) == sizeof(RPC_WSTR), "RPC_WSTR");
_Static_assert(sizeof(*(winrpc_RPC_WSTR)0) == sizeof(*(RPC_WSTR)0), "RPC_WSTR's element");
_Static_assert(sizeof(winrpc_RPC_IF_HANDLE) == sizeof(RPC_IF_HANDLE), "RPC_IF_HANDLE");

/* Prototypes: the same number of parameters and a result of the same size as the SDK's (a
 * call with the wrong number of arguments does not compile); parameter types are spelled with
 * fixed-width types of the SDK's sizes (asserted below for the non-pointer ones). RpcServerRegisterIf3 is not in mingw-w64: its prototype
 * is transcribed from Microsoft's page (docs/reference/rpc-binding.md). */
RPC_STATUS RPC_ENTRY RpcServerRegisterIf3(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid,
    RPC_MGR_EPV *MgrEpv, unsigned int Flags, unsigned int MaxCalls, unsigned int MaxRpcSize,
    RPC_IF_CALLBACK_FN *IfCallback, void *SecurityDescriptor);

#define SAME_RESULT(call_ours, call_sdk) \
    _Static_assert(sizeof(call_ours) == sizeof(call_sdk), #call_sdk " result")
SAME_RESULT(winrpc_RpcStringBindingComposeW(0, 0, 0, 0, 0, 0), RpcStringBindingComposeW(0, 0, 0, 0, 0, 0));
SAME_RESULT(winrpc_RpcBindingFromStringBindingW(0, 0), RpcBindingFromStringBindingW(0, 0));
SAME_RESULT(winrpc_RpcBindingToStringBindingW(0, 0), RpcBindingToStringBindingW(0, 0));
SAME_RESULT(winrpc_RpcStringFreeW(0), RpcStringFreeW(0));
SAME_RESULT(winrpc_RpcBindingFree(0), RpcBindingFree(0));
SAME_RESULT(winrpc_RpcBindingCopy(0, 0), RpcBindingCopy(0, 0));
SAME_RESULT(winrpc_RpcBindingSetAuthInfoExW(0, 0, 0, 0, 0, 0, 0), RpcBindingSetAuthInfoExW(0, 0, 0, 0, 0, 0, 0));
SAME_RESULT(winrpc_RpcBindingInqAuthInfoExW(0, 0, 0, 0, 0, 0, 0, 0), RpcBindingInqAuthInfoExW(0, 0, 0, 0, 0, 0, 0, 0));
SAME_RESULT(winrpc_RpcBindingSetOption(0, 0, 0), RpcBindingSetOption(0, 0, 0));
SAME_RESULT(winrpc_RpcBindingInqOption(0, 0, 0), RpcBindingInqOption(0, 0, 0));
SAME_RESULT(winrpc_RpcEpResolveBinding(0, 0), RpcEpResolveBinding(0, 0));
SAME_RESULT(winrpc_RpcMgmtIsServerListening(0), RpcMgmtIsServerListening(0));
SAME_RESULT(winrpc_RpcServerUseProtseqEpW(0, 0, 0, 0), RpcServerUseProtseqEpW(0, 0, 0, 0));
SAME_RESULT(winrpc_RpcServerUseProtseqW(0, 0, 0), RpcServerUseProtseqW(0, 0, 0));
SAME_RESULT(winrpc_RpcServerInqBindings(0), RpcServerInqBindings(0));
SAME_RESULT(winrpc_RpcBindingVectorFree(0), RpcBindingVectorFree(0));
SAME_RESULT(winrpc_RpcEpRegisterW(0, 0, 0, 0), RpcEpRegisterW(0, 0, 0, 0));
SAME_RESULT(winrpc_RpcEpUnregister(0, 0, 0), RpcEpUnregister(0, 0, 0));
SAME_RESULT(winrpc_RpcServerRegisterIf3(0, 0, 0, 0, 0, 0, 0, 0), RpcServerRegisterIf3(0, 0, 0, 0, 0, 0, 0, 0));
SAME_RESULT(winrpc_RpcServerUnregisterIfEx(0, 0, 0), RpcServerUnregisterIfEx(0, 0, 0));
SAME_RESULT(winrpc_RpcServerUnregisterIf(0, 0, 0), RpcServerUnregisterIf(0, 0, 0));
SAME_RESULT(winrpc_RpcObjectSetType(0, 0), RpcObjectSetType(0, 0));
SAME_RESULT(winrpc_RpcServerRegisterAuthInfoW(0, 0, 0, 0), RpcServerRegisterAuthInfoW(0, 0, 0, 0));
SAME_RESULT(winrpc_RpcServerListen(0, 0, 0), RpcServerListen(0, 0, 0));
SAME_RESULT(winrpc_RpcMgmtStopServerListening(0), RpcMgmtStopServerListening(0));
SAME_RESULT(winrpc_RpcMgmtWaitServerListen(), RpcMgmtWaitServerListen());
SAME_RESULT(winrpc_RpcServerInqCallAttributesW(0, 0), RpcServerInqCallAttributesW(0, 0));
SAME_RESULT(winrpc_RpcImpersonateClient(0), RpcImpersonateClient(0));
SAME_RESULT(winrpc_RpcRevertToSelfEx(0), RpcRevertToSelfEx(0));
SAME_RESULT(winrpc_RpcBindingInqAuthClientW(0, 0, 0, 0, 0, 0), RpcBindingInqAuthClientW(0, 0, 0, 0, 0, 0));

/* The security callback: same result, same convention (a pointer to the SDK's callback type is
 * the same size, and our callback's result is RPC_STATUS-sized). */
_Static_assert(sizeof(winrpc_PWINRPC_IF_CALLBACK_FN) == sizeof(RPC_IF_CALLBACK_FN *), "RPC_IF_CALLBACK_FN");
_Static_assert(sizeof(((winrpc_PWINRPC_IF_CALLBACK_FN)0)(0, 0)) == sizeof(RPC_STATUS), "callback result");
/* Parameter sizes where they are not pointers: unsigned long is 32 bits on Windows, as ours. */
_Static_assert(sizeof(unsigned long) == sizeof(uint32_t), "unsigned long parameters");
_Static_assert(sizeof(ULONG_PTR) == sizeof(uintptr_t), "RpcBindingSetOption's optionValue");

const unsigned winrpc_sdk_agreement_rpcdce_call_attributes_size = sizeof(RPC_CALL_ATTRIBUTES_V2_W);
