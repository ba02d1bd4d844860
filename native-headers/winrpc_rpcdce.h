/*
 * winrpc_rpcdce.h - binding handles, authentication and server hosting (rpcdce.h, rpcasync.h,
 * rpcdcep.h), declared by the project with fixed-width types like winrpc_async.h, which
 * includes this file. Same rules: SDK names unless WINRPC_NAME is defined first, every offset
 * and size asserted for 32-bit and 64-bit pointers, checked against mingw-w64 by
 * native-headers/check/sdk_agreement_rpcdce.c.
 *
 * RPC_WSTR is unsigned short * (UTF-16); `unsigned long` is uint32_t.
 * Sources: Microsoft's rpcdce.h and rpcasync.h documentation pages
 * (docs/reference/rpc-binding.md).
 */
#ifndef WINRPC_RPCDCE_H
#define WINRPC_RPCDCE_H

#ifndef WINRPC_ASYNC_H
#error "include winrpc_async.h, which includes this file"
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef uint16_t *WINRPC_NAME(RPC_WSTR);          /* unsigned short * */
typedef void *WINRPC_NAME(RPC_IF_HANDLE);
typedef void *WINRPC_NAME(RPC_AUTH_IDENTITY_HANDLE);
typedef void *WINRPC_NAME(RPC_AUTHZ_HANDLE);

/* ---- status codes of binding and hosting (winerror.h) ----------------------------------- */
enum {
    WINRPC_NAME(RPC_S_ACCESS_DENIED) = 5,            /* ERROR_ACCESS_DENIED */
    WINRPC_NAME(RPC_S_OUT_OF_MEMORY) = 14,           /* ERROR_OUTOFMEMORY */
    WINRPC_NAME(WINRPC_ERROR_MORE_DATA) = 234,       /* ERROR_MORE_DATA */
    WINRPC_NAME(RPC_S_INVALID_STRING_BINDING) = 1700,
    WINRPC_NAME(RPC_S_WRONG_KIND_OF_BINDING) = 1701,
    WINRPC_NAME(RPC_S_PROTSEQ_NOT_SUPPORTED) = 1703,
    WINRPC_NAME(RPC_S_INVALID_RPC_PROTSEQ) = 1704,
    WINRPC_NAME(RPC_S_INVALID_STRING_UUID) = 1705,
    WINRPC_NAME(RPC_S_INVALID_ENDPOINT_FORMAT) = 1706,
    WINRPC_NAME(RPC_S_NO_ENDPOINT_FOUND) = 1708,
    WINRPC_NAME(RPC_S_ALREADY_REGISTERED) = 1711,
    WINRPC_NAME(RPC_S_ALREADY_LISTENING) = 1713,
    WINRPC_NAME(RPC_S_NO_PROTSEQS_REGISTERED) = 1714,
    WINRPC_NAME(RPC_S_NOT_LISTENING) = 1715,
    WINRPC_NAME(RPC_S_UNKNOWN_MGR_TYPE) = 1716,
    WINRPC_NAME(RPC_S_UNKNOWN_IF) = 1717,
    WINRPC_NAME(RPC_S_NO_BINDINGS) = 1718,
    WINRPC_NAME(RPC_S_OUT_OF_RESOURCES) = 1721,
    WINRPC_NAME(RPC_S_DUPLICATE_ENDPOINT) = 1740,
    WINRPC_NAME(RPC_S_BINDING_HAS_NO_AUTH) = 1746,
    WINRPC_NAME(RPC_S_UNKNOWN_AUTHN_SERVICE) = 1747,
    WINRPC_NAME(RPC_S_UNKNOWN_AUTHN_LEVEL) = 1748,
    WINRPC_NAME(EPT_S_NOT_REGISTERED) = 1753,
    WINRPC_NAME(RPC_S_INVALID_BOUND) = 1734,
    WINRPC_NAME(RPC_S_NO_CONTEXT_AVAILABLE) = 1765,
    WINRPC_NAME(RPC_S_INTERNAL_ERROR) = 1766,
    WINRPC_NAME(RPC_S_INVALID_OBJECT) = 1900
};

/* ---- constants ---------------------------------------------------------------------------- */
/* RpcServerRegisterIf2/3 Flags */
#define WINRPC_RPC_IF_AUTOLISTEN 0x0001u
#define WINRPC_RPC_IF_OLE 0x0002u
#define WINRPC_RPC_IF_ALLOW_UNKNOWN_AUTHORITY 0x0004u
#define WINRPC_RPC_IF_ALLOW_SECURE_ONLY 0x0008u
#define WINRPC_RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH 0x0010u
#define WINRPC_RPC_IF_ALLOW_LOCAL_ONLY 0x0020u
#define WINRPC_RPC_IF_SEC_NO_CACHE 0x0040u
/* Authentication services, levels, authorization, impersonation */
#define WINRPC_RPC_C_AUTHN_NONE 0u
#define WINRPC_RPC_C_AUTHN_GSS_NEGOTIATE 9u
#define WINRPC_RPC_C_AUTHN_WINNT 10u
#define WINRPC_RPC_C_AUTHN_GSS_SCHANNEL 14u
#define WINRPC_RPC_C_AUTHN_GSS_KERBEROS 16u
#define WINRPC_RPC_C_AUTHN_DEFAULT 0xFFFFFFFFu
#define WINRPC_RPC_C_AUTHN_LEVEL_DEFAULT 0u
#define WINRPC_RPC_C_AUTHN_LEVEL_NONE 1u
#define WINRPC_RPC_C_AUTHN_LEVEL_CONNECT 2u
#define WINRPC_RPC_C_AUTHN_LEVEL_CALL 3u
#define WINRPC_RPC_C_AUTHN_LEVEL_PKT 4u
#define WINRPC_RPC_C_AUTHN_LEVEL_PKT_INTEGRITY 5u
#define WINRPC_RPC_C_AUTHN_LEVEL_PKT_PRIVACY 6u
#define WINRPC_RPC_C_AUTHZ_NONE 0u
#define WINRPC_RPC_C_AUTHZ_NAME 1u
#define WINRPC_RPC_C_IMP_LEVEL_DEFAULT 0u
#define WINRPC_RPC_C_IMP_LEVEL_ANONYMOUS 1u
#define WINRPC_RPC_C_IMP_LEVEL_IDENTIFY 2u
#define WINRPC_RPC_C_IMP_LEVEL_IMPERSONATE 3u
#define WINRPC_RPC_C_IMP_LEVEL_DELEGATE 4u
#define WINRPC_RPC_C_QOS_CAPABILITIES_DEFAULT 0u
#define WINRPC_RPC_C_QOS_CAPABILITIES_MUTUAL_AUTH 1u
#define WINRPC_RPC_C_QOS_IDENTITY_STATIC 0u
#define WINRPC_RPC_C_QOS_IDENTITY_DYNAMIC 1u
#define WINRPC_RPC_C_SECURITY_QOS_VERSION 1u
#define WINRPC_SEC_WINNT_AUTH_IDENTITY_UNICODE 0x2u
/* RpcBindingSetOption / RpcBindingInqOption (rpcdcep.h) */
#define WINRPC_RPC_C_OPT_BINDING_NONCAUSAL 9u
#define WINRPC_RPC_C_OPT_SECURITY_CALLBACK 10u
#define WINRPC_RPC_C_OPT_UNIQUE_BINDING 11u
#define WINRPC_RPC_C_OPT_CALL_TIMEOUT 12u
#define WINRPC_RPC_C_OPT_DONT_LINGER 13u
/* Listening */
#define WINRPC_RPC_C_LISTEN_MAX_CALLS_DEFAULT 1234u
#define WINRPC_RPC_C_PROTSEQ_MAX_REQS_DEFAULT 10u
/* RPC_CALL_ATTRIBUTES_V2 */
#define WINRPC_RPC_CALL_ATTRIBUTES_VERSION_2 2u
#define WINRPC_RPC_QUERY_SERVER_PRINCIPAL_NAME 0x02u
#define WINRPC_RPC_QUERY_CLIENT_PRINCIPAL_NAME 0x04u
#define WINRPC_RPC_QUERY_CALL_LOCAL_ADDRESS 0x08u
#define WINRPC_RPC_QUERY_CLIENT_PID 0x10u
#define WINRPC_RPC_QUERY_IS_CLIENT_LOCAL 0x20u
#define WINRPC_RPC_QUERY_NO_AUTH_REQUIRED 0x40u
#define WINRPC_RPC_PROTSEQ_TCP 1u
#define WINRPC_RPC_PROTSEQ_NMP 2u
#define WINRPC_RPC_PROTSEQ_LRPC 3u
/* RpcCallClientLocality and RpcCallType (enums, 4 bytes) */
#define WINRPC_rcclInvalid 0
#define WINRPC_rcclLocal 1
#define WINRPC_rcclRemote 2
#define WINRPC_rcclClientUnknownLocality 3
#define WINRPC_rctInvalid 0
#define WINRPC_rctNormal 1

/* ---- structures --------------------------------------------------------------------------- */

typedef struct WINRPC_NAME(_WINRPC_GUID) {
    uint32_t Data1;
    uint16_t Data2, Data3;
    uint8_t Data4[8];
} WINRPC_NAME(WINRPC_GUID);

/* RPC_VERSION and RPC_SYNTAX_IDENTIFIER; an RPC_IF_HANDLE points to an RPC_SERVER_INTERFACE or
 * RPC_CLIENT_INTERFACE, which begin with `unsigned int Length; RPC_SYNTAX_IDENTIFIER
 * InterfaceId;` (the runtime identifies an interface by InterfaceId). */
typedef struct WINRPC_NAME(_WINRPC_RPC_VERSION) {
    uint16_t MajorVersion, MinorVersion;
} WINRPC_NAME(WINRPC_RPC_VERSION);
typedef struct WINRPC_NAME(_RPC_SYNTAX_IDENTIFIER) {
    WINRPC_NAME(WINRPC_GUID) SyntaxGUID;
    WINRPC_NAME(WINRPC_RPC_VERSION) SyntaxVersion;
} WINRPC_NAME(RPC_SYNTAX_IDENTIFIER);
typedef struct WINRPC_NAME(WINRPC_IF_HEADER) {
    uint32_t Length;
    WINRPC_NAME(RPC_SYNTAX_IDENTIFIER) InterfaceId;
} WINRPC_NAME(WINRPC_IF_HEADER);

typedef struct WINRPC_NAME(_RPC_SECURITY_QOS) {
    uint32_t Version;
    uint32_t Capabilities;
    uint32_t IdentityTracking;
    uint32_t ImpersonationType;
} WINRPC_NAME(RPC_SECURITY_QOS);

typedef struct WINRPC_NAME(_SEC_WINNT_AUTH_IDENTITY_W) {
    uint16_t *User;
    uint32_t UserLength;           /* characters, without the terminating NUL */
    uint16_t *Domain;
    uint32_t DomainLength;
    uint16_t *Password;
    uint32_t PasswordLength;
    uint32_t Flags;                /* SEC_WINNT_AUTH_IDENTITY_UNICODE */
} WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W);

typedef struct WINRPC_NAME(_RPC_BINDING_VECTOR) {
    uint32_t Count;
    WINRPC_NAME(RPC_BINDING_HANDLE) BindingH[1];   /* Count of them */
} WINRPC_NAME(RPC_BINDING_VECTOR);

typedef struct WINRPC_NAME(_RPC_CALL_ATTRIBUTES_V2_W) {
    uint32_t Version;                          /* unsigned int: 2 */
    uint32_t Flags;                            /* RPC_QUERY_* */
    uint32_t ServerPrincipalNameBufferLength;  /* bytes */
    uint16_t *ServerPrincipalName;
    uint32_t ClientPrincipalNameBufferLength;  /* bytes */
    uint16_t *ClientPrincipalName;
    uint32_t AuthenticationLevel;
    uint32_t AuthenticationService;
    int32_t NullSession;                       /* BOOL */
    int32_t KernelModeCaller;                  /* BOOL */
    uint32_t ProtocolSequence;                 /* RPC_PROTSEQ_* */
    int32_t IsClientLocal;                     /* RpcCallClientLocality */
    void *ClientPID;                           /* HANDLE */
    uint32_t CallStatus;
    int32_t CallType;                          /* RpcCallType */
    void *CallLocalAddress;                    /* RPC_CALL_LOCAL_ADDRESS_V1 * */
    uint16_t OpNum;
    WINRPC_NAME(WINRPC_GUID) InterfaceUuid;
} WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W);

/* RPC_IF_CALLBACK_FN: the interface's security callback; RPC_S_OK admits the call, anything
 * else refuses it (the client gets RPC_S_ACCESS_DENIED). Context is the call's binding handle. */
typedef WINRPC_NAME(RPC_STATUS) (WINRPC_ENTRY *WINRPC_NAME(PWINRPC_IF_CALLBACK_FN))(
    WINRPC_NAME(RPC_IF_HANDLE) InterfaceUuid, void *Context);

/* ---- functions (RPC_ENTRY) ---------------------------------------------------------------- */

#ifndef WINRPC_NO_PROTOTYPES
#define WINRPC_F(name) WINRPC_NAME(RPC_STATUS) WINRPC_ENTRY WINRPC_NAME(name)
#define WINRPC_H WINRPC_NAME(RPC_BINDING_HANDLE)
#define WINRPC_W WINRPC_NAME(RPC_WSTR)
/* client */
WINRPC_F(RpcStringBindingComposeW)(WINRPC_W ObjUuid, WINRPC_W ProtSeq, WINRPC_W NetworkAddr,
    WINRPC_W Endpoint, WINRPC_W Options, WINRPC_W *StringBinding);
WINRPC_F(RpcBindingFromStringBindingW)(WINRPC_W StringBinding, WINRPC_H *Binding);
WINRPC_F(RpcBindingToStringBindingW)(WINRPC_H Binding, WINRPC_W *StringBinding);
WINRPC_F(RpcStringFreeW)(WINRPC_W *String);
WINRPC_F(RpcBindingFree)(WINRPC_H *Binding);
WINRPC_F(RpcBindingCopy)(WINRPC_H SourceBinding, WINRPC_H *DestinationBinding);
WINRPC_F(RpcBindingSetAuthInfoExW)(WINRPC_H Binding, WINRPC_W ServerPrincName,
    uint32_t AuthnLevel, uint32_t AuthnSvc, WINRPC_NAME(RPC_AUTH_IDENTITY_HANDLE) AuthIdentity,
    uint32_t AuthzSvc, WINRPC_NAME(RPC_SECURITY_QOS) *SecurityQos);
WINRPC_F(RpcBindingInqAuthInfoExW)(WINRPC_H Binding, WINRPC_W *ServerPrincName,
    uint32_t *AuthnLevel, uint32_t *AuthnSvc, WINRPC_NAME(RPC_AUTH_IDENTITY_HANDLE) *AuthIdentity,
    uint32_t *AuthzSvc, uint32_t RpcQosVersion, WINRPC_NAME(RPC_SECURITY_QOS) *SecurityQOS);
WINRPC_F(RpcBindingSetOption)(WINRPC_H hBinding, uint32_t option, uintptr_t optionValue);
WINRPC_F(RpcBindingInqOption)(WINRPC_H hBinding, uint32_t option, uintptr_t *pOptionValue);
WINRPC_F(RpcEpResolveBinding)(WINRPC_H Binding, WINRPC_NAME(RPC_IF_HANDLE) IfSpec);
WINRPC_F(RpcMgmtIsServerListening)(WINRPC_H Binding);
/* server */
WINRPC_F(RpcServerUseProtseqEpW)(WINRPC_W Protseq, uint32_t MaxCalls, WINRPC_W Endpoint,
    void *SecurityDescriptor);
WINRPC_F(RpcServerUseProtseqW)(WINRPC_W Protseq, uint32_t MaxCalls, void *SecurityDescriptor);
WINRPC_F(RpcServerInqBindings)(WINRPC_NAME(RPC_BINDING_VECTOR) **BindingVector);
WINRPC_F(RpcBindingVectorFree)(WINRPC_NAME(RPC_BINDING_VECTOR) **BindingVector);
WINRPC_F(RpcEpRegisterW)(WINRPC_NAME(RPC_IF_HANDLE) IfSpec,
    WINRPC_NAME(RPC_BINDING_VECTOR) *BindingVector, void *UuidVector, WINRPC_W Annotation);
WINRPC_F(RpcEpUnregister)(WINRPC_NAME(RPC_IF_HANDLE) IfSpec,
    WINRPC_NAME(RPC_BINDING_VECTOR) *BindingVector, void *UuidVector);
WINRPC_F(RpcServerRegisterIf3)(WINRPC_NAME(RPC_IF_HANDLE) IfSpec, WINRPC_NAME(WINRPC_GUID) *MgrTypeUuid,
    void *MgrEpv, uint32_t Flags, uint32_t MaxCalls, uint32_t MaxRpcSize,
    WINRPC_NAME(PWINRPC_IF_CALLBACK_FN) IfCallback, void *SecurityDescriptor);
WINRPC_F(RpcServerUnregisterIfEx)(WINRPC_NAME(RPC_IF_HANDLE) IfSpec,
    WINRPC_NAME(WINRPC_GUID) *MgrTypeUuid, int32_t RundownContextHandles);
WINRPC_F(RpcServerUnregisterIf)(WINRPC_NAME(RPC_IF_HANDLE) IfSpec,
    WINRPC_NAME(WINRPC_GUID) *MgrTypeUuid, uint32_t WaitForCallsToComplete);
WINRPC_F(RpcObjectSetType)(WINRPC_NAME(WINRPC_GUID) *ObjUuid, WINRPC_NAME(WINRPC_GUID) *TypeUuid);
WINRPC_F(RpcServerRegisterAuthInfoW)(WINRPC_W ServerPrincName, uint32_t AuthnSvc, void *GetKeyFn,
    void *Arg);
WINRPC_F(RpcServerListen)(uint32_t MinimumCallThreads, uint32_t MaxCalls, uint32_t DontWait);
WINRPC_F(RpcMgmtStopServerListening)(WINRPC_H Binding);
WINRPC_F(RpcMgmtWaitServerListen)(void);
WINRPC_F(RpcServerInqCallAttributesW)(WINRPC_H ClientBinding, void *RpcCallAttributes);
WINRPC_F(RpcImpersonateClient)(WINRPC_H BindingHandle);
WINRPC_F(RpcRevertToSelfEx)(WINRPC_H BindingHandle);
WINRPC_F(RpcBindingInqAuthClientW)(WINRPC_H ClientBinding, WINRPC_NAME(RPC_AUTHZ_HANDLE) *Privs,
    WINRPC_W *ServerPrincName, uint32_t *AuthnLevel, uint32_t *AuthnSvc, uint32_t *AuthzSvc);
#undef WINRPC_F
#undef WINRPC_H
#undef WINRPC_W
#endif

/* ---- layout ------------------------------------------------------------------------------- */
WINRPC_ASSERT_SIZE(WINRPC_NAME(WINRPC_GUID), 16, 16);
WINRPC_ASSERT_SIZE(WINRPC_NAME(RPC_SYNTAX_IDENTIFIER), 20, 20);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(WINRPC_IF_HEADER), InterfaceId, 4, 4);
WINRPC_ASSERT_SIZE(WINRPC_NAME(RPC_SECURITY_QOS), 16, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_SECURITY_QOS), ImpersonationType, 12, 12);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W), User, 0, 0);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W), UserLength, 4, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W), Domain, 8, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W), DomainLength, 12, 24);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W), Password, 16, 32);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W), PasswordLength, 20, 40);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W), Flags, 24, 44);
WINRPC_ASSERT_SIZE(WINRPC_NAME(SEC_WINNT_AUTH_IDENTITY_W), 28, 48);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_BINDING_VECTOR), BindingH, 4, 8);
WINRPC_ASSERT_SIZE(WINRPC_NAME(RPC_BINDING_VECTOR), 8, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), ServerPrincipalNameBufferLength, 8, 8);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), ServerPrincipalName, 12, 16);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), ClientPrincipalNameBufferLength, 16, 24);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), ClientPrincipalName, 20, 32);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), AuthenticationLevel, 24, 40);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), ProtocolSequence, 40, 56);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), IsClientLocal, 44, 60);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), ClientPID, 48, 64);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), CallStatus, 52, 72);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), CallType, 56, 76);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), CallLocalAddress, 60, 80);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), OpNum, 64, 88);
WINRPC_ASSERT_OFFSET(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), InterfaceUuid, 68, 92);
WINRPC_ASSERT_SIZE(WINRPC_NAME(RPC_CALL_ATTRIBUTES_V2_W), 84, 112);

#ifdef __cplusplus
}
#endif

#endif /* WINRPC_RPCDCE_H */
