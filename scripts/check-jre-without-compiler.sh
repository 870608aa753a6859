#!/usr/bin/env bash
# tutor.jar on a Java runtime without a compiler (a JRE): grading says so in one line, exit code 2,
# and everything that needs no compiler still works. The JRE is made here with jlink, without jdk.compiler.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
tutor_find_jdk || exit 2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $1"; exit 1; }
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.xml,java.sql,jdk.unsupported \
  --output "$tmp/jre" --strip-debug --no-header-files --no-man-pages
jar="$here/tutor.jar"
"$tmp/jre/bin/java" -jar "$jar" --workspace "$tmp/ws" init >/dev/null || fail "init needs no compiler, yet failed"
"$tmp/jre/bin/java" -jar "$jar" --workspace "$tmp/ws" list >/dev/null || fail "list needs no compiler, yet failed"
set +e
out="$("$tmp/jre/bin/java" -jar "$jar" --workspace "$tmp/ws" check workload-probe 2>&1)"
rc=$?
set -e
[ $rc -eq 2 ] || fail "check on a JRE exited $rc, expected 2: $out"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "expected one line, got: $out"
case "$out" in *"has no compiler"*"Install a JDK"*) ;; *) fail "unexpected message: $out" ;; esac
echo "OK: a JRE gets one line: $out"
