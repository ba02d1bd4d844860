#!/bin/sh
# build.sh SIMDIR OUTDIR - builds the benchmarks' native side against the runtime simulator.
#
#   SIMDIR              where simulator/build.sh put libwinrpcsim.so (target/native)
#   OUTDIR/libwinrpcbench.so  producers, the C loop and call drivers (winrpcbench.c), linked
#                             against SIMDIR/libwinrpcsim.so (rpath SIMDIR): the Java
#                             benchmarks load it with JNA next to the simulator
#   OUTDIR/winrpcbench        the standalone C baseline (winrpcbench_main.c)
#
# Environment: CC (default cc), BENCH_CFLAGS (extra flags). Always rebuilds (two small files).
set -eu

if [ $# -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
    echo "usage: sh build.sh SIMDIR OUTDIR" >&2
    exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
SIM=$(cd "$1" && pwd)
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
if [ ! -f "$SIM/libwinrpcsim.so" ]; then
    echo "build.sh: $SIM/libwinrpcsim.so does not exist: build the simulator first" \
        "(sh simulator/build.sh $1)" >&2
    exit 1
fi

CC=${CC:-cc}
CFLAGS="-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -fPIC -pthread ${BENCH_CFLAGS:-}"
case $(uname -s) in
Darwin) SHARED="-dynamiclib -install_name @rpath/libwinrpcbench.so" ;;
*) SHARED="-shared -Wl,-soname,libwinrpcbench.so" ;;
esac

echo "build.sh: libwinrpcbench.so"
# shellcheck disable=SC2086
$CC $CFLAGS $SHARED -fvisibility=hidden -o "$OUT/libwinrpcbench.so.tmp" "$HERE/winrpcbench.c" \
    "$SIM/libwinrpcsim.so" -Wl,-rpath,"$SIM" -pthread
mv -f "$OUT/libwinrpcbench.so.tmp" "$OUT/libwinrpcbench.so"

echo "build.sh: winrpcbench"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$OUT/winrpcbench" "$HERE/winrpcbench_main.c" "$OUT/libwinrpcbench.so" \
    "$SIM/libwinrpcsim.so" -Wl,-rpath,"$OUT" -Wl,-rpath,"$SIM" -pthread
echo "build.sh: built $OUT/libwinrpcbench.so and $OUT/winrpcbench"
