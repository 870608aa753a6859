#!/usr/bin/env bash
# The bundled servers against real clients that nobody here wrote: curl, and Python's http.client,
# urllib, asyncio and socket. Loopback only; every request is bounded in count and time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
tutor_find_jdk || exit 2
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed for this check: apt-get install $tool" >&2; exit 2; }
done
jar="$here/tutor.jar"
logs="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$logs"; }
trap cleanup EXIT
fail() { echo "FAIL: $1"; exit 1; }

start() { # start KIND DELAY VARIABLE: sets VARIABLE to the port (not in a subshell, so cleanup knows the pid)
  local log="$logs/$1.log"
  "$JAVA_HOME/bin/java" -jar "$jar" serve "$1" --delay "$2" --max-seconds 120 >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$log"; then
      printf -v "$3" '%s' "$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")"
      return 0
    fi
    sleep 0.1
  done
  cat "$log"; fail "the $1 server did not start"
}

start http 100 http
start echo 0 echo_port
start trickle 5 trickle

# curl: status line, headers, body, keep-alive across two requests on one connection.
out=$(curl -sS -i --max-time 10 "http://127.0.0.1:$http/delay/50" "http://127.0.0.1:$http/again")
echo "$out" | grep -q "^HTTP/1.1 200" || fail "curl got no 200: $out"
echo "$out" | grep -qi "^Content-Length:" || fail "curl saw no Content-Length"
[ "$(echo "$out" | grep -c '^HTTP/1.1 200')" -eq 2 ] || fail "curl did not get two responses"
curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$trickle/" | grep -q 200 || fail "curl against trickle"

python3 - "$http" "$echo_port" "$trickle" <<'PY'
import asyncio, http.client, socket, sys, time, urllib.request
http_port, echo_port, trickle_port = map(int, sys.argv[1:])

# urllib, with the delay the request names.
start = time.perf_counter()
with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/delay/200", timeout=10) as r:
    body = r.read()
    assert r.status == 200, r.status
elapsed = time.perf_counter() - start
assert 0.19 < elapsed < 5, f"urllib waited {elapsed:.3f} s for a 200 ms delay"

# http.client: two requests on one kept-alive connection.
c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
for path in ("/a", "/b"):
    c.request("GET", path)
    r = c.getresponse()
    assert r.status == 200 and r.read(), path
c.close()

# asyncio: ten concurrent fetches of 300 ms overlap (far less than 3 s in all).
async def fetch(path):
    reader, writer = await asyncio.open_connection("127.0.0.1", http_port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    return data
async def main():
    start = time.perf_counter()
    replies = await asyncio.wait_for(asyncio.gather(*(fetch(f"/delay/300?n={i}") for i in range(10))), 10)
    assert all(r.startswith(b"HTTP/1.1 200") for r in replies)
    return time.perf_counter() - start
took = asyncio.run(main())
assert took < 2.0, f"ten concurrent 300 ms requests took {took:.2f} s: the server does not serve them at once"

# socket: the echo server echoes, the trickle server answers in pieces.
with socket.create_connection(("127.0.0.1", echo_port), timeout=10) as s:
    s.sendall(b"x" * 100_000)
    got = b""
    while len(got) < 100_000:
        got += s.recv(65536)
    assert got == b"x" * 100_000
with socket.create_connection(("127.0.0.1", trickle_port), timeout=10) as s:
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    pieces = []
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        pieces.append(chunk)
    assert len(pieces) > 3 and b"".join(pieces).startswith(b"HTTP/1.1 200"), len(pieces)
print("python clients: urllib %.3f s for /delay/200, asyncio 10 x 300 ms in %.3f s, echo and trickle ok" % (elapsed, took))
PY
echo "OK: curl and Python (urllib, http.client, asyncio, socket) against http, echo and trickle"
