#!/usr/bin/env bash
# For course authors: mutation testing of one exercise's reference solution against its own tests (PIT).
# Each surviving mutant is a change to the solution that the tests did not notice; the report lists them.
# Usage: scripts/pit.sh EXERCISE_ID [more Maven arguments]
# Report: solutions/target/pit-reports/EXERCISE_ID/index.html, and a one-line summary on standard output.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
tutor_find_jdk || exit 2
id="${1:?usage: scripts/pit.sh EXERCISE_ID}"
shift
read -r classes tests < <(python3 - "$here/lessons/src/main/resources/course/course.toml" "$id" <<'PY'
import sys, tomllib
course = tomllib.load(open(sys.argv[1], "rb"))
for e in course["exercises"]:
    if e["id"] == sys.argv[2]:
        name = lambda p: p.removesuffix(".java").replace("/", ".")
        tests = [name(t) for t in e["tests"] if t.endswith("Test.java")]
        print(",".join(name(f) + "*" for f in e["files"]), ",".join(tests))
        break
else:
    sys.exit("No exercise '%s' in course.toml." % sys.argv[2])
PY
)
cd "$here"
report="solutions/target/pit-reports/$id"
# Compiles in the reactor without installing (several checkouts may share ~/.m2); the runtime comes from
# ~/.m2, so after changing the runtime run `mvn -o install -DskipTests` once first.
mvn -B -q -o -pl solutions -am test-compile >/dev/null
mvn -B -q -o -pl solutions org.pitest:pitest-maven:mutationCoverage \
  -DtargetClasses="$classes" -DtargetTests="$tests" -DreportsDirectory="$here/$report" "$@"
python3 - "$report/mutations.xml" "$id" <<'PY'
import sys, xml.etree.ElementTree as ET
mutations = ET.parse(sys.argv[1]).getroot().findall("mutation")
killed = [m for m in mutations if m.get("detected") == "true"]
print("%s: %d of %d mutants killed (%.0f %%)" % (sys.argv[2], len(killed), len(mutations),
      100.0 * len(killed) / max(1, len(mutations))))
for m in mutations:
    if m.get("detected") != "true":
        print("  survived: %s:%s %s (%s)" % (m.findtext("sourceFile"), m.findtext("lineNumber"),
              m.findtext("description"), m.get("status")))
PY
