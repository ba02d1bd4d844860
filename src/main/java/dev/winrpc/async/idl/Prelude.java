package dev.winrpc.async.idl;

import java.util.List;

/**
 * The built-in prelude: the Windows base typedefs that an {@code import} of the SDK's or the
 * protocol specifications' base IDL files brings ([MS-DTYP] section 2.2 gives the same
 * definitions). Any import of a file in {@link #FILES} loads it, once; every other import is
 * refused.
 */
final class Prelude {

    private Prelude() {
    }

    /** The imports the prelude stands for (compared in lower case). */
    static final List<String> FILES = List.of("wtypes.idl", "wtypesbase.idl", "unknwn.idl", "ms-dtyp.idl", "oaidl.idl",
            "objidl.idl", "basetsd.h", "rpc.h");

    /** The prelude, in the subset's own IDL. */
    static final String SOURCE = """
            typedef unsigned char UCHAR, *PUCHAR;
            typedef unsigned char BYTE, *PBYTE, *LPBYTE;
            typedef unsigned char BOOLEAN, *PBOOLEAN;
            typedef char CHAR, *PCHAR;
            typedef wchar_t WCHAR, *PWCHAR;
            typedef short SHORT;
            typedef unsigned short USHORT, *PUSHORT;
            typedef unsigned short WORD, *PWORD, *LPWORD;
            typedef int INT, *PINT, *LPINT;
            typedef unsigned int UINT, *PUINT;
            typedef long LONG, *PLONG, *LPLONG;
            typedef unsigned long ULONG, *PULONG;
            typedef unsigned long DWORD, *PDWORD, *LPDWORD;
            typedef long BOOL, *PBOOL, *LPBOOL;
            typedef long HRESULT;
            typedef DWORD NET_API_STATUS;
            typedef handle_t RPC_BINDING_HANDLE;
            typedef float FLOAT;
            typedef double DOUBLE;
            typedef hyper LONGLONG, LONG64, INT64;
            typedef unsigned hyper ULONGLONG, DWORDLONG, DWORD64, ULONG64, UINT64, QWORD;
            typedef [string] wchar_t *LPWSTR, *PWSTR;
            typedef [string] const wchar_t *LPCWSTR, *PCWSTR;
            typedef [string] char *LPSTR, *PSTR;
            typedef [string] const char *LPCSTR, *PCSTR;
            typedef struct _GUID {
                unsigned long Data1;
                unsigned short Data2;
                unsigned short Data3;
                byte Data4[8];
            } GUID, UUID, *PGUID;
            typedef struct _FILETIME {
                DWORD dwLowDateTime;
                DWORD dwHighDateTime;
            } FILETIME, *PFILETIME, *LPFILETIME;
            typedef struct _SYSTEMTIME {
                WORD wYear;
                WORD wMonth;
                WORD wDayOfWeek;
                WORD wDay;
                WORD wHour;
                WORD wMinute;
                WORD wSecond;
                WORD wMilliseconds;
            } SYSTEMTIME, *PSYSTEMTIME;
            typedef struct _LARGE_INTEGER {
                LONGLONG QuadPart;
            } LARGE_INTEGER, *PLARGE_INTEGER;
            typedef struct _ULARGE_INTEGER {
                ULONGLONG QuadPart;
            } ULARGE_INTEGER, *PULARGE_INTEGER;
            """;
}
