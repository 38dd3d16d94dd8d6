#!/usr/bin/env bash
# Runs the ferry CLI for the Jenkins steps with arguments that never pass through a shell parser.
#
# The step puts each argument in its own environment variable (withEnv), FERRY_ARG_0 ..
# FERRY_ARG_<FERRY_ARGC-1>, and runs this fixed script. The values are copied into an array and
# handed to java as separate words, so `1.0;rm -rf /` or `$(id)` reach ferry as that literal text.
#
#   FERRY_JAR   the ferry CLI jar (install-ferry.sh prints it)
#   FERRY_OUT   file that receives ferry's stdout (the --json document); stderr goes to the log
#   FERRY_JAVA  java executable (default: java on the PATH, or $JAVA_HOME/bin/java)
# Creates the folders of the report files named by --junit, --sarif and --markdown.
# Exits with ferry's exit code.
set -euo pipefail

: "${FERRY_JAR:?FERRY_JAR is not set}"
: "${FERRY_OUT:?FERRY_OUT is not set}"
: "${FERRY_ARGC:?FERRY_ARGC is not set}"
[[ $FERRY_ARGC =~ ^[0-9]+$ ]] || { echo "ferry-run: FERRY_ARGC must be a number" >&2; exit 2; }

java=${FERRY_JAVA:-}
if [ -z "$java" ]; then
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
fi

args=()
for ((i = 0; i < FERRY_ARGC; i++)); do
  var="FERRY_ARG_$i"
  [ "${!var+set}" = set ] || { echo "ferry-run: $var is not set" >&2; exit 2; }
  args+=("${!var}")
done

# ferry writes report files but does not create their folders (ferry-reports/...): make them here.
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --junit | --sarif | --markdown)
      mkdir -p -- "$(dirname -- "${args[$((i + 1))]}")"
      ;;
  esac
done

set +e
"$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn24m -XX:-UsePerfData -Xlog:disable -Xlog:all=warning:stderr -jar "$FERRY_JAR" "${args[@]}" >"$FERRY_OUT"
exit $?
