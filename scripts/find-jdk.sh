# Sourced by ./tutor, ./run-tests and .ci/run: finds a JDK 21+ and exports JAVA_HOME for it.
# Looks, in order, at $JAVA_HOME, the java on PATH, and the usual install folders.
# Where none exists it prints one line saying what to install and returns 2.

tutor_read_feature() { # sets tutor_feature to the feature version of the JDK at $1, or 0; no subprocess
  local release="$1/release" line v=""
  if [ -r "$release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in JAVA_VERSION=\"*) v=${line#JAVA_VERSION=\"}; break ;; esac
    done < "$release"
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then # no release file: ask the java itself, which costs a JVM start
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9.]*\).*/\1/p' | head -n1)
  fi
  v=${v#1.}
  v=${v%%[!0-9]*}
  tutor_feature=${v:-0}
}

tutor_jdk_feature() { # prints the feature version of the JDK at $1, or 0
  tutor_read_feature "$1"
  echo "$tutor_feature"
}

tutor_find_jdk() {
  local candidates=() c looked=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  # The java on PATH, found without a child process (each one costs a start 5 to 20 ms on a busy machine);
  # only a link (as /usr/bin/java is) needs readlink to say which JDK it belongs to.
  local path_dirs
  IFS=: read -r -a path_dirs <<< "${PATH:-}"
  for c in "${path_dirs[@]}"; do
    if [ -n "$c" ] && [ -f "$c/java" ] && [ -x "$c/java" ]; then
      c="$c/java"
      [ ! -L "$c" ] || c=$(readlink -f "$c")
      candidates+=("${c%/bin/java}")
      break
    fi
  done
  # TUTOR_JDK_DIRS replaces the usual folders (the scripts' own test uses it to hide every JDK).
  local dirs="${TUTOR_JDK_DIRS:-/usr/lib/jvm /opt/java /opt /usr/local/lib/jvm /Library/Java/JavaVirtualMachines $HOME/.sdkman/candidates/java $HOME/.jdks}"
  local d
  for d in $dirs; do
    for c in "$d"/* "$d"/*/Contents/Home; do
      [ -d "$c" ] && [ -x "$c/bin/java" ] && candidates+=("$c")
    done
  done
  local best="" best_v=0 v
  for c in "${candidates[@]}"; do
    looked+=("$c")
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    tutor_read_feature "$c"
    v=$tutor_feature
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "No JDK 21 or newer found (looked in JAVA_HOME, PATH and /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks): install one, for example Temurin 21 or 25, or set JAVA_HOME to it." >&2
    return 2
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  # JDK 24+ warns about Maven's own use of sun.misc.Unsafe; that noise is not ours.
  if [ "$best_v" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
