# Shared by the launchers in bin/: run one of Turnout's runnable jars, or say how to build it.
# Usage (from a launcher): . "$(dirname "$0")/launch.sh"; launch MODULE JAR-NAME [MAIN-CLASS] -- ARGS...
launch() {
  local module=$1 jar=$2 main=""
  shift 2
  if [ "${1:-}" != "--" ]; then main=$1; shift; fi
  shift
  local top
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local path="$top/$module/target/$jar.jar"
  if [ ! -f "$path" ]; then
    echo "$(basename "$0"): $path has not been built; run: (cd $top && ./mvnw -B -DskipTests package)" >&2
    exit 1
  fi
  # A small, quickly starting JVM: these are short-lived tools or a long-running daemon that idles.
  local opts=${TURNOUT_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto}
  if [ -n "$main" ]; then
    exec java $opts -cp "$path" "$main" "$@"
  fi
  exec java $opts -jar "$path" "$@"
}
