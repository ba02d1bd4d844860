/*
 * subset_layout.c - compile-time only: the structs IdlCompiler's Subset_winrpc.h declares for
 * subset.idl have the sizes and offsets C's rules give them, computed by hand (docs/idl.md, "The
 * stub library": fixed-width types, natural alignment, an 8-byte member 8-aligned on 32-bit x86
 * too, a conformant array as T a[1] as MIDL declares it). IdlCHeaderTest compiles it with gcc
 * (x64) and mingw-w64 (x64 and 32-bit x86).
 */
#include "Subset_winrpc.h"

#include <stddef.h>

#define AT(type, field, x64, x86) \
    _Static_assert(offsetof(type, field) == (sizeof(void *) == 8 ? (x64) : (x86)), #type "." #field)
#define SIZE(type, x64, x86) \
    _Static_assert(sizeof(type) == (sizeof(void *) == 8 ? (x64) : (x86)), "sizeof " #type)

SIZE(GUID, 16, 16);
SIZE(COLOR, 4, 4);
SIZE(SHAPE, 4, 4);

SIZE(POINT, 8, 8);
AT(POINT, y, 4, 4);

/* hyper and double 8-aligned on both */
SIZE(SAMPLE, 24, 24);
AT(SAMPLE, value, 8, 8);
AT(SAMPLE, color, 16, 16);
AT(SAMPLE, tag, 20, 20);

SIZE(NODE, 16, 8);
AT(NODE, next, 8, 4);

AT(RECORD, ansi, 8, 4);
AT(RECORD, alias, 16, 8);
AT(RECORD, id, 24, 12);
AT(RECORD, corner, 40, 28);
AT(RECORD, optional, 48, 36);
AT(RECORD, required, 56, 40);
AT(RECORD, shape, 64, 44);
AT(RECORD, flags, 68, 48);
AT(RECORD, count, 76, 56);
AT(RECORD, values, 80, 60);
SIZE(RECORD, 88, 64);

AT(BLOB, data, 8, 4);
AT(BLOB, labels, 16, 8);
AT(BLOB, required, 32, 16);
SIZE(BLOB, 40, 20);

/* ASYNC_INTPIPE's layout: pull, push, alloc, state */
SIZE(ASYNC_SAMPLE_PIPE, 32, 16);
AT(ASYNC_SAMPLE_PIPE, state, 24, 12);
SIZE(ASYNC_BYTE_PIPE, 32, 16);

/* one manager routine per operation, in the IDL's order */
SIZE(Subset_SERVER_EPV, 88, 44);
AT(Subset_SERVER_EPV, Ping, 56, 28);
AT(Subset_SERVER_EPV, Window, 80, 40);

/* the constants */
_Static_assert(SUBSET_VERSION == 0x0102u && SUBSET_MIN == -128 && SUBSET_STRICT == 1, "constants");
_Static_assert(COLOR_BLUE == 8 && SHAPE_SQUARE == 1, "enum values");
_Static_assert(sizeof(SUBSET_NAME) == 7 * sizeof(uint16_t), "a wchar_t string is UTF-16");

/* An object file needs something in it. */
int subset_layout_checked(void);
int subset_layout_checked(void)
{
    return 1;
}
