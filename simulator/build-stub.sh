#!/bin/sh
# build-stub.sh [--if-present] OUTDIR CDIR NAME - compiles the generated stub library of interface NAME off
# Windows: CDIR/NAME_sim.c (and the CDIR/NAME_winrpc.h it includes), written by the IDL
# compiler's --c-out (docs/idl.md, "The stub library"), into OUTDIR/libNAME.so (.dylib on
# macOS), linked to OUTDIR/libwinrpcsim.so, which build.sh OUTDIR must have built (or to the one
# in $WINRPCSIM_DIR). With the flags of build.sh (every warning an error). POSIX sh.
#
# --if-present: a CDIR that does not exist is no error (nothing is built; the Maven build uses
# it for the IDL compiler's output, which another execution writes).
#
# Environment: CC (default cc), SIM_CFLAGS, SIM_LDFLAGS as for build.sh; WINRPCSIM_DIR, the
# directory of libwinrpcsim.so (default OUTDIR).
set -eu

IF_PRESENT=0
if [ "${1:-}" = "--if-present" ]; then
    IF_PRESENT=1
    shift
fi
if [ $# -ne 3 ] || [ -z "$1" ] || [ -z "$2" ] || [ -z "$3" ]; then
    echo "usage: sh build-stub.sh [--if-present] OUTDIR CDIR NAME" >&2
    exit 2
fi
if [ ! -d "$2" ] && [ "$IF_PRESENT" = 1 ]; then
    echo "build-stub.sh: no $2: lib$3 not built"
    exit 0
fi
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$1" && pwd)
CDIR=$(cd "$2" && pwd)
NAME=$3
SRC="$CDIR/${NAME}_sim.c"
if [ ! -f "$SRC" ]; then
    echo "build-stub.sh: no $SRC (run the IDL compiler with --c-out $2 first)" >&2
    exit 1
fi
SIMDIR=$(cd "${WINRPCSIM_DIR:-$OUT}" && pwd)
if [ ! -f "$SIMDIR/libwinrpcsim.so" ]; then
    echo "build-stub.sh: no $SIMDIR/libwinrpcsim.so (run build.sh $SIMDIR first)" >&2
    exit 1
fi
CC=${CC:-cc}
CFLAGS_ALL="-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -fvisibility=hidden -fPIC -pthread ${SIM_CFLAGS:-}"
case $(uname -s) in
Darwin) EXT=dylib; SHARED_FLAGS="-dynamiclib -install_name @rpath/lib$NAME.dylib" ;;
*) EXT=so; SHARED_FLAGS="-shared -Wl,-soname,lib$NAME.so" ;;
esac
LIB="$OUT/lib$NAME.$EXT"
echo "build-stub.sh: cc ${NAME}_sim.c -> $LIB"
# shellcheck disable=SC2086
$CC $CFLAGS_ALL $SHARED_FLAGS -I"$HERE/src" -I"$HERE/../native-headers" -I"$CDIR" -o "$LIB.tmp" "$SRC" \
    -L"$SIMDIR" -lwinrpcsim -Wl,-rpath,"$SIMDIR" -pthread ${SIM_LDFLAGS:-}
mv -f "$LIB.tmp" "$LIB"
