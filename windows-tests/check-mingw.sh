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
#  2. With cmake: CMakeLists.txt configured natively stops with its "needs MSVC" message; a copy
#     of it and of the generated project, their MSVC guards and options taken out, configures and
#     builds for Windows with x86_64-w64-mingw32-gcc and a fake midl (the generated stand-in's
#     files): add_subdirectory, the MIDL steps, the peer after them, the two DLLs where the pom's
#     windows-it profile looks for them.
#  3. With the host C compiler: builds the runtime simulator (simulator/build.sh) and runs the
#     fixture's C server (glue/fx_peer.c, the same source, without _WIN32) against it
#     (check/peer_on_simulator.c): served as Java serves it on Windows (RpcServerUseProtseqEpW,
#     RpcServerRegisterIf3), called by the simulator's scripted client and by a client of its own
#     on a real binding, under the misuse oracle.
#
# None of this runs anything on Windows, and none of it involves MIDL or MSVC: the real build
# (CMakeLists.txt, which adds the generated project) and the Java suite against rpcrt4 run only on
# a Windows machine (mvn -Pwindows-it verify; see README.md). A missing tool (javac, java, a
# mingw-w64 compiler, cmake, the host compiler) is a failure, never a skip.
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
cp "$root/native-headers/winrpc_async.h" "$root/native-headers/winrpc_rpcdce.h" "$out/classes/$idl_pkg/" # resources of the library's classes
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

# 2. CMakeLists.txt's wiring, as far as it can be shown without MIDL and MSVC: configured natively it
#    stops with its "needs MSVC" message; then a copy of it and of the generated project, with
#    their MSVC guards and MSVC-only options taken out, is configured for Windows with
#    x86_64-w64-mingw32-gcc and a fake `midl` that copies the generated stand-in's headers, and
#    built: the generated project is added as the subdirectory "fixture", its MIDL steps run, the
#    peer builds after them with their header, and the two DLLs land where the pom's windows-it
#    profile looks for them (fixture/WinRpcFixture.dll, winrpc_fixture_peer.dll). Says nothing
#    about MIDL's or MSVC's view of the files.
if ! command -v cmake >/dev/null 2>&1; then
  echo "FAIL: cmake not found (apt-get install cmake)" >&2
  status=1
else
  w="$out/cmake-wiring"
  rm -rf "$w"
  mkdir -p "$w/windows-tests/glue" "$w/bin"
  if cmake -S "$here" -B "$w/native" >"$w/native.log" 2>&1; then
    echo "FAIL: windows-tests/CMakeLists.txt configured off Windows without MSVC" >&2
    status=1
  elif tr -s ' \n' '  ' <"$w/native.log" | grep -q "with Microsoft's MIDL and C compiler: configure it on Windows"; then
    echo "ok: cmake: windows-tests/CMakeLists.txt off Windows stops with its 'needs MIDL and MSVC' message"
  else
    sed 's/^/    /' "$w/native.log"
    echo "FAIL: windows-tests/CMakeLists.txt off Windows: not its message" >&2
    status=1
  fi
  cp "$here/CMakeLists.txt" "$w/windows-tests/"
  cp "$here/glue/fx_peer.c" "$here/glue/fx_win.h" "$here/glue/fx_peer.def" "$w/windows-tests/glue/"
  cp -r "$root/native-headers" "$w/native-headers"
  cp -r "$c" "$w/c"
  sed -i -e 's/if(NOT WIN32 OR NOT MSVC)/if(NOT WIN32)/' \
    -e 's|"${CMAKE_C_COMPILER_ARCHITECTURE_ID}"|"x64"|' \
    -e 's|"/W4;/we4013;/we4020;/we4024;/we4028;/we4029;/we4047;/we4113;/we4133"|"-Wall;-Wextra;-Werror"|' \
    -e 's|/W4 /we4013 /we4020 /we4024 /we4028 /we4029 /we4047 /we4113 /we4133|-Wall -Wextra -Werror|' \
    "$w/windows-tests/CMakeLists.txt" "$w/c/CMakeLists.txt"
  cat >"$w/bin/midl" <<MIDL
#!/bin/sh
# fake midl: the generated stand-in's header for /h, its stubs for /cstub, an empty unit for /sstub
out=; h=; cstub=; sstub=
while [ \$# -gt 0 ]; do
  case "\$1" in /out) out=\$2; shift ;; /h) h=\$2; shift ;; /cstub) cstub=\$2; shift ;; /sstub) sstub=\$2; shift ;; esac
  shift
done
cp "$w/c/\$h" "\$out/\$h" || exit 1
[ -z "\$cstub" ] || cp "$w/c/WinRpcFixture_standin.c" "\$out/\$cstub" || exit 1
[ -z "\$sstub" ] || echo "typedef int fake_server_stub;" >"\$out/\$sstub" || exit 1
MIDL
  chmod +x "$w/bin/midl"
  if PATH="$w/bin:$PATH" cmake -S "$w/windows-tests" -B "$w/build" -G "Unix Makefiles" -DCMAKE_SYSTEM_NAME=Windows \
       -DCMAKE_C_COMPILER=x86_64-w64-mingw32-gcc -DCMAKE_SHARED_LIBRARY_PREFIX_C= \
       "-DCMAKE_C_FLAGS=-DWINRPC_NO_SEH -DFX_PIPE_ELEMENT=long" -DCMAKE_BUILD_TYPE=Release \
       -DWINRPC_FIXTURE_C="$w/c" >"$w/build.log" 2>&1 &&
     PATH="$w/bin:$PATH" cmake --build "$w/build" -j 2 >>"$w/build.log" 2>&1 &&
     [ -f "$w/build/fixture/WinRpcFixture.dll" ] && [ -f "$w/build/winrpc_fixture_peer.dll" ]; then
    echo "ok: cmake: windows-tests/CMakeLists.txt adds the generated project and builds" \
      "fixture/WinRpcFixture.dll and winrpc_fixture_peer.dll (mingw-w64, fake midl)"
  else
    sed 's/^/    /' "$w/build.log"
    echo "FAIL: cmake: windows-tests/CMakeLists.txt with the generated project (mingw-w64, fake midl)" >&2
    status=1
  fi
fi

# 3. The C server against the simulator, with the host compiler.
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
