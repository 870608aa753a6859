#!/usr/bin/env bash
# Runs the lessons' runnable Python snippets against the bundled servers (see check_python_snippets.py).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
tutor_find_jdk || exit 2
command -v python3 >/dev/null || { echo "python3 is needed for this check: apt-get install python3" >&2; exit 2; }
exec python3 "$here/scripts/check_python_snippets.py"
