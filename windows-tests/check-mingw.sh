#!/usr/bin/env bash
# windows-tests/check-mingw.sh [OUTDIR] - what of windows-tests can be checked without Windows.
#
#  1. For 32-bit x86 and x64, with mingw-w64 (i686-/x86_64-w64-mingw32-gcc, -Wall -Wextra
#     -Werror): compiles glue/fx_glue.c and glue/fx_peer.c against the Windows SDK headers of
#     mingw-w64 and midl-standin/fixture_h.h, a HAND-WRITTEN stand-in for the header MIDL
#     would generate (there is no MIDL here). fx_glue.c's one SEH construct (RpcTryExcept
#     around the client stubs) is compiled out with -DFX_NO_SEH, since gcc has no
#     __try/__except.
#  2. Links those objects, with midl-standin/fixture_standin.c (empty client stubs, NULL
#     interface handles), into a DLL through glue/winrpc_fixture.def, against mingw-w64's
#     import libraries: every rpcrt4/kernel32 function the glue uses must exist there, the
#     manager routines MIDL's /Oicf routine table names must be defined, and the DLL must
#     export exactly the functions of fx_glue.h (expected_exports below; FixtureIdlTest holds
#     that list to fx_glue.h and the .def). Also compiles check/epv_layout.c: FX_SERVER_EPV
#     has the layout of MIDL's manager EPV. The DLL is never run.
#  3. With the host C compiler: builds the runtime simulator (simulator/build.sh) and
#     runs the fixture's C server (glue/fx_peer.c, the same source, without _WIN32) against it
#     (check/peer_on_simulator.c): served as Java serves it on Windows (RpcServerUseProtseqEpW,
#     RpcServerRegisterIf3 with fx_IfSpec()), called by the simulator's scripted client and by
#     a client of its own on a real binding, under the misuse oracle.
#
# None of this runs anything on Windows, and none of it involves MIDL or MSVC: the real build
# (CMakeLists.txt) and the Java suite against rpcrt4 run only on a Windows machine
# (mvn -Pwindows-it verify; see README.md). A missing compiler is a failure, never a skip.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$root/target/windows-tests-check}
mkdir -p "$out"
out=$(cd "$out" && pwd)
status=0

expected_exports="fx_Add fx_Fail fx_IfSpec fx_PeerEpv fx_PipeEcho fx_PipeRange fx_PipeSum fx_Sleep"

for arch in i686 x86_64; do
  cc=$arch-w64-mingw32-gcc
  objdump=$arch-w64-mingw32-objdump
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "FAIL: $cc not found (apt-get install gcc-mingw-w64)" >&2
    status=1
    continue
  fi
  o="$out/$arch"
  mkdir -p "$o"
  flags=(-std=c11 -O2 -Wall -Wextra -Werror -DFX_NO_SEH -I"$here/midl-standin" -I"$here/glue")
  "$cc" "${flags[@]}" -c "$here/glue/fx_glue.c" -o "$o/fx_glue.o"
  "$cc" "${flags[@]}" -c "$here/glue/fx_peer.c" -o "$o/fx_peer.o"
  "$cc" "${flags[@]}" -c "$here/midl-standin/fixture_standin.c" -o "$o/fixture_standin.o"
  "$cc" "${flags[@]}" -c "$here/check/epv_layout.c" -o "$o/epv_layout.o"
  echo "ok: $cc: glue/fx_glue.c and glue/fx_peer.c compile against the MIDL stand-in;" \
    "FX_SERVER_EPV has the layout of MIDL's manager EPV (check/epv_layout.c)"
  # --enable-stdcall-fixup: on x86 the .def names the undecorated fx_Add for fx_Add@16.
  "$cc" -shared -o "$o/winrpc_fixture-linkcheck.dll" "$o/fx_glue.o" "$o/fx_peer.o" \
    "$o/fixture_standin.o" "$here/glue/winrpc_fixture.def" -Wl,--enable-stdcall-fixup -lrpcrt4
  exports=$("$objdump" -p "$o/winrpc_fixture-linkcheck.dll" |
    awk '/\[Ordinal\/Name Pointer\] Table/ {t = 1; next} t && NF == 0 {t = 0} t {print $NF}' |
    sort | tr '\n' ' ' | sed 's/ $//')
  if [ "$exports" = "$expected_exports" ]; then
    echo "ok: $cc: the link-check DLL resolves against mingw-w64's rpcrt4 and exports: $exports"
  else
    echo "FAIL: $cc: the link-check DLL exports [$exports], expected [$expected_exports]" >&2
    status=1
  fi
done

# 3. The C server against the simulator, with the host compiler.
cc_host=${CC:-cc}
sh "$root/simulator/build.sh" "$out/sim" >/dev/null
"$cc_host" -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wno-unused-function -pthread \
  "$here/check/peer_on_simulator.c" "$here/glue/fx_peer.c" \
  -L"$out/sim" -lwinrpcsim -Wl,-rpath,"$out/sim" -o "$out/peer_on_simulator"
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 300"
# shellcheck disable=SC2086
if $limit "$out/peer_on_simulator" >"$out/peer_on_simulator.log" 2>&1; then
  sed 's/^/    /' "$out/peer_on_simulator.log"
  echo "ok: glue/fx_peer.c (the fixture's C server) passes check/peer_on_simulator.c on the simulator"
else
  sed 's/^/    /' "$out/peer_on_simulator.log"
  echo "FAIL: glue/fx_peer.c on the simulator (check/peer_on_simulator.c)" >&2
  status=1
fi
exit $status
