#!/usr/bin/env bash
# The README's commands and tutor.jar on a machine without the right Java: one line that says what to
# install, exit code 2, never a stack trace.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fail() { echo "FAIL: $1"; exit 1; }

# 1. No JDK anywhere the scripts look.
empty="$(mktemp -d)"
out="$(env -i HOME="$empty" PATH=/usr/bin:/bin TUTOR_JDK_DIRS="$empty" bash -c ". '$here/scripts/find-jdk.sh'; tutor_find_jdk" 2>&1)"
rc=$?
rmdir "$empty"
[ $rc -eq 2 ] || fail "tutor_find_jdk without a JDK returned $rc, expected 2"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "expected one line, got: $out"
case "$out" in *"No JDK 21 or newer found"*install*) ;; *) fail "unexpected message: $out" ;; esac

# 2. tutor.jar started by a Java older than 21, where the machine has one.
old=""
for c in /usr/lib/jvm/*; do
  [ -x "$c/bin/java" ] || continue
  v=$("$c/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  if [ -n "$v" ] && [ "$v" -lt 21 ] && [ "$v" -ge 8 ]; then old="$c/bin/java"; break; fi
done
if [ -n "$old" ]; then
  out="$("$old" -jar "$here/tutor.jar" --help 2>&1)"
  rc=$?
  [ $rc -eq 2 ] || fail "tutor.jar on $old exited $rc, expected 2"
  [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "expected one line from $old, got: $out"
  case "$out" in *"needs Java 21 or newer"*" at /"*install*) ;; *) fail "unexpected message: $out" ;; esac
  echo "OK: old Java ($old) gets one line: $out"
else
  echo "OK (no Java older than 21 on this machine to try tutor.jar with)"
fi
echo "OK: no JDK found gives one line and exit code 2"
