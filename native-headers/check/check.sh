#!/usr/bin/env bash
# Compiles native-headers/winrpc_async.h (and winrpc_rpcdce.h) next to mingw-w64's own <rpcasync.h> and <rpcdce.h> for 32-bit and
# 64-bit Windows; every agreement is a _Static_assert, so a successful compile is the proof.
# A missing compiler is a failure, never a skip.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
status=0
for cc in i686-w64-mingw32-gcc x86_64-w64-mingw32-gcc; do
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "FAIL: $cc not found (apt-get install gcc-mingw-w64)" >&2
    status=1
    continue
  fi
  # The header on its own, strictly (it must not depend on any Windows header).
  "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -c -x c "$here/../winrpc_async.h" -o "$out/header-$cc.o"
  # The header next to the SDK's declarations.
  if "$cc" -std=c11 -Wall -Werror -c "$here/sdk_agreement.c" -o "$out/agreement-$cc.o"; then
    echo "ok: $cc: winrpc_async.h agrees with mingw-w64 <rpcasync.h> field by field"
  else
    echo "FAIL: $cc: winrpc_async.h disagrees with mingw-w64 <rpcasync.h>" >&2
    status=1
  fi
  if "$cc" -std=c11 -Wall -Werror -c "$here/sdk_agreement_rpcdce.c" -o "$out/agreement-rpcdce-$cc.o"; then
    echo "ok: $cc: winrpc_rpcdce.h agrees with mingw-w64 <rpcdce.h>/<rpcasync.h>"
  else
    echo "FAIL: $cc: winrpc_rpcdce.h disagrees with mingw-w64 <rpcdce.h>/<rpcasync.h>" >&2
    status=1
  fi
done
# And the host compiler, as the simulator will use it.
cc_host=${CC:-cc}
"$cc_host" -std=c11 -Wall -Wextra -Werror -pedantic -c -x c "$here/../winrpc_async.h" -o "$out/header-host.o"
echo "ok: $cc_host: winrpc_async.h compiles on the host"
exit $status
