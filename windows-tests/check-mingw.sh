#!/usr/bin/env bash
# windows-tests/check-mingw.sh [OUTDIR] - what of windows-tests can be checked without Windows.
#
#  0. Generates what the Windows build compiles: javac builds the IDL compiler (the package
#     dev.winrpc.async.idl needs only the JDK) and runs it on fixture.idl + fixture.acf with the
#     pom's idl-fixture command line, into OUTDIR/c (the generated stub library: glue, .def,
#     CMake project, WinRpcFixture_winrpc.h), then writes beside it the GENERATED stand-in of
#     MIDL's output (src/test/.../idl/MidlStandin.java, the one IdlWindowsGlueTest uses: MIDL's
#     two headers, the stubs' stand-in, the EPV layout check). No stand-in is written by hand.
#  1. For 32-bit x86 and x64, with mingw-w64 (i686-/x86_64-w64-mingw32-gcc, -Wall -Wextra
#     -Werror), against the Windows SDK headers of mingw-w64 and the stand-in:
#     - the generated glue (WinRpcFixture_glue.c, _glue_s.c, _glue_static.c; its SEH guard
#       compiled out with -DWINRPC_NO_SEH, gcc has no __try/__except) and the stubs' stand-in
#       link into WinRpcFixture.dll through the generated WinRpcFixture.def, which must export
#       exactly the .def's names;
#     - glue/fx_peer.c (the fixture's C server) links into winrpc_fixture_peer.dll through
#       glue/fx_peer.def, alone (no stub, no glue), which must export exactly fx_PeerEpv;
#     - the generated WinRpcFixture_epv_layout.c: WinRpcFixture_SERVER_EPV, the type of the C
#       server's EPV and of Java's, has the layout of MIDL's manager EPV.
#     Both DLLs resolve against mingw-w64's rpcrt4 and kernel32. They are never run.
#  2. With the host C compiler: builds the runtime simulator (simulator/build.sh) and runs the
#     fixture's C server (glue/fx_peer.c, the same source, without _WIN32) against it
#     (check/peer_on_simulator.c): served as Java serves it on Windows (RpcServerUseProtseqEpW,
#     RpcServerRegisterIf3), called by the simulator's scripted client and by a client of its own
#     on a real binding, under the misuse oracle.
#
# None of this runs anything on Windows, and none of it involves MIDL or MSVC: the real build
# (CMakeLists.txt, which adds the generated project) and the Java suite against rpcrt4 run only on
# a Windows machine (mvn -Pwindows-it verify; see README.md). A missing tool (javac, java, a
# mingw-w64 compiler, the host compiler) is a failure, never a skip.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$root/target/windows-tests-check}
mkdir -p "$out"
out=$(cd "$out" && pwd)
status=0

# 0. The generated glue and the generated stand-in of MIDL's output.
jbin=${JAVA_HOME:+$JAVA_HOME/bin/}
for tool in javac java; do
  if ! command -v "$jbin$tool" >/dev/null 2>&1; then
    echo "FAIL: $jbin$tool not found (a JDK 17 or later; set JAVA_HOME)" >&2
    exit 1
  fi
done
idl_pkg=dev/winrpc/async/idl
rm -rf "$out/classes" "$out/c" "$out/java"
mkdir -p "$out/classes/$idl_pkg"
"${jbin}javac" -nowarn -d "$out/classes" "$root/src/main/java/$idl_pkg"/*.java \
  "$root/src/test/java/$idl_pkg/MidlStandin.java" "$root/src/test/java/$idl_pkg/MidlStandinTool.java"
cp "$root/native-headers/winrpc_async.h" "$out/classes/$idl_pkg/" # a resource of the library's classes
c="$out/c"
"${jbin}java" -cp "$out/classes" dev.winrpc.async.idl.IdlCompiler \
  --idl "$here/fixture.idl" --acf "$here/fixture.acf" \
  --java-out "$out/java" --java-package dev.winrpc.async.generated.fixture --c-out "$c" >/dev/null
"${jbin}java" -cp "$out/classes" dev.winrpc.async.idl.MidlStandinTool "$here/fixture.idl" "$here/fixture.acf" "$c"
echo "ok: IdlCompiler generated the fixture's stub library into $c, with the generated MIDL stand-in beside it"

# The generated .def's names: what WinRpcFixture.dll must export.
expected_fixture=$(awk '/^EXPORTS/ {t = 1; next} t && NF {print $1}' "$c/WinRpcFixture.def" | sort | tr '\n' ' ' | sed 's/ $//')
expected_peer="fx_PeerEpv"
if [ -z "$expected_fixture" ]; then
  echo "FAIL: no EXPORTS in the generated $c/WinRpcFixture.def" >&2
  exit 1
fi

exports_of() { # objdump DLL: its export names, sorted, on one line
  "$1" -p "$2" | awk '/\[Ordinal\/Name Pointer\] Table/ {t = 1; next} t && NF == 0 {t = 0} t {print $NF}' |
    sort | tr '\n' ' ' | sed 's/ $//'
}

# 1. mingw-w64, x86 and x64.
for arch in i686 x86_64; do
  cc=$arch-w64-mingw32-gcc
  objdump=$arch-w64-mingw32-objdump
  if ! command -v "$cc" >/dev/null 2>&1 || ! command -v "$objdump" >/dev/null 2>&1; then
    echo "FAIL: $cc or $objdump not found (apt-get install gcc-mingw-w64)" >&2
    status=1
    continue
  fi
  o="$out/$arch"
  rm -rf "$o"
  mkdir -p "$o"
  flags=(-std=c11 -O2 -Wall -Wextra -Werror -DWINRPC_NO_SEH -I"$c" -I"$root/native-headers" -I"$here/glue")
  for src in WinRpcFixture_glue.c WinRpcFixture_glue_s.c WinRpcFixture_glue_static.c WinRpcFixture_standin.c \
      WinRpcFixture_epv_layout.c; do
    "$cc" "${flags[@]}" -c "$c/$src" -o "$o/$src.o"
  done
  # The stand-in spells the pipe's 32-bit element long where MIDL spells it int (glue/fx_win.h).
  "$cc" "${flags[@]}" -DFX_PIPE_ELEMENT=long -c "$here/glue/fx_peer.c" -o "$o/fx_peer.o"
  echo "ok: $cc: the generated glue and glue/fx_peer.c compile against the generated MIDL stand-in;" \
    "WinRpcFixture_SERVER_EPV has the layout of MIDL's manager EPV (WinRpcFixture_epv_layout.c)"
  # --enable-stdcall-fixup: on x86 the .def files name the undecorated fx_PeerEpv for fx_PeerEpv@0.
  "$cc" -shared -o "$o/WinRpcFixture.dll" "$o/WinRpcFixture_glue.c.o" "$o/WinRpcFixture_glue_s.c.o" \
    "$o/WinRpcFixture_glue_static.c.o" "$o/WinRpcFixture_standin.c.o" "$c/WinRpcFixture.def" \
    -Wl,--enable-stdcall-fixup -lrpcrt4
  "$cc" -shared -o "$o/winrpc_fixture_peer.dll" "$o/fx_peer.o" "$here/glue/fx_peer.def" \
    -Wl,--enable-stdcall-fixup -lrpcrt4
  for dll in "WinRpcFixture.dll:$expected_fixture" "winrpc_fixture_peer.dll:$expected_peer"; do
    name=${dll%%:*}
    want=${dll#*:}
    got=$(exports_of "$objdump" "$o/$name")
    if [ "$got" = "$want" ]; then
      echo "ok: $cc: $name links against mingw-w64's rpcrt4 and exports: $got"
    else
      echo "FAIL: $cc: $name exports [$got], expected [$want]" >&2
      status=1
    fi
  done
done

# 2. The C server against the simulator, with the host compiler.
cc_host=${CC:-cc}
sh "$root/simulator/build.sh" "$out/sim" >/dev/null
"$cc_host" -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wno-unused-function -pthread \
  -I"$c" -I"$root/native-headers" \
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
