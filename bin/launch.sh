# Shared by the launchers in bin/: run one of Turnout's runnable jars, or say how to build it.
# Usage (from a launcher): . "$(dirname "$0")/launch.sh"; launch MODULE JAR-NAME "$@"
launch() {
  local module=$1 jar=$2
  shift 2
  local top
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local path="$top/$module/target/$jar.jar"
  if [ ! -f "$path" ]; then
    echo "$(basename "$0"): $path has not been built; run: (cd $top && ./mvnw -B -DskipTests package)" >&2
    exit 1
  fi
  exec java ${TURNOUT_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto} -jar "$path" "$@"
}
