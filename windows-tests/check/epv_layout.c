/*
 * epv_layout.c - compile-time only (check-mingw.sh compiles it for 32-bit x86 and x64, never
 * links or runs it): FX_SERVER_EPV, the EPV Java fills and registers with RpcServerRegisterIf3
 * (../fx_glue.h, the project's types), has the layout of the manager EPV MIDL's server stub
 * reads with /use_epv (<interface>_SERVER_EPV, here from the stand-in ../midl-standin/fixture_h.h,
 * MIDL's types): the same size, and each operation's entry at the same offset with the same
 * size. glue/fx_glue.c asserts the same against MIDL's own server prototypes, which is what the
 * Windows build checks against MIDL's real header (where the EPV type's exact name is not
 * confirmed, see ../README.md, "MIDL and the manager EPV").
 */
#include "fx_win.h"

#include <stddef.h>

#define SAME_SLOT(m)                                                                          \
    (offsetof(WinRpcFixture_SERVER_EPV, m) == offsetof(FX_SERVER_EPV, m) &&                   \
     sizeof(((WinRpcFixture_SERVER_EPV *)0)->m) == sizeof(((FX_SERVER_EPV *)0)->m))

_Static_assert(sizeof(WinRpcFixture_SERVER_EPV) == sizeof(FX_SERVER_EPV),
               "FX_SERVER_EPV is as large as MIDL's manager EPV");
_Static_assert(SAME_SLOT(Add), "Add");
_Static_assert(SAME_SLOT(Sleep), "Sleep");
_Static_assert(SAME_SLOT(Fail), "Fail");
_Static_assert(SAME_SLOT(PipeSum), "PipeSum");
_Static_assert(SAME_SLOT(PipeRange), "PipeRange");
_Static_assert(SAME_SLOT(PipeEcho), "PipeEcho");
_Static_assert(offsetof(FX_SERVER_EPV, PipeEcho) == 5 * sizeof(void (*)(void)),
               "one function pointer per operation, in the IDL's order, no padding");

/* An object file needs something in it. */
int fx_epv_layout_checked(void);
int fx_epv_layout_checked(void)
{
    return 1;
}
