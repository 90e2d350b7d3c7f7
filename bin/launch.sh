# Shared by the launchers in bin/: run one of Turnout's runnable jars, or say how to build it.
# Usage (from a launcher): . "$(dirname "$0")/launch.sh"; launch MODULE JAR MAIN-CLASS|- tool|daemon -- ARGS...
#   tool:   short-lived commands: C1 only, serial GC, and a class-data-sharing archive made on the
#           first run (beside the jar) so later starts are quicker.
#   daemon: long-running: full JIT (payload decompression is hot), serial GC, a small heap.
#   work:   a command that runs hot loops for seconds to minutes (payload apply, generate): the
#           full JIT, serial GC, no archive (start-up is nothing beside the work).
# TURNOUT_JAVA_OPTS replaces these defaults; TURNOUT_CDS=0 turns the archive off.
launch() {
  local module=$1 jar=$2 main=$3 mode=$4
  shift 5
  local top
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local path="$top/$module/target/$jar.jar"
  if [ ! -f "$path" ]; then
    echo "$(basename "$0"): $path has not been built; run: (cd $top && ./mvnw -B -DskipTests package)" >&2
    exit 1
  fi
  local opts
  if [ "$mode" = work ]; then
    opts=${TURNOUT_JAVA_OPTS:--XX:+UseSerialGC -Xss512k}
  elif [ "$mode" = daemon ]; then
    opts=${TURNOUT_JAVA_OPTS:--XX:+UseSerialGC -Xmx96m -Xss512k -XX:MaxMetaspaceSize=96m}
    # Few malloc arenas: each short-lived worker thread would otherwise grow a new one.
    export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
  else
    opts=${TURNOUT_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k}
    if [ "${TURNOUT_CDS:-1}" != 0 ]; then
      local jsa="$top/$module/target/$(basename "$0").jsa"
      if [ -f "$jsa" ] && [ "$jsa" -nt "$path" ]; then
        opts="$opts -XX:SharedArchiveFile=$jsa"
      elif [ -w "$(dirname "$jsa")" ]; then
        rm -f "$jsa"
        opts="$opts -XX:ArchiveClassesAtExit=$jsa"
      fi
    fi
  fi
  # -Xlog:disable keeps JVM notices (such as a stale archive) off stdout, which scripts parse.
  if [ "$main" != - ]; then
    exec java $opts -Xshare:auto -Xlog:disable -Xlog:all=error:stderr -cp "$path" "$main" "$@"
  fi
  exec java $opts -Xshare:auto -Xlog:disable -Xlog:all=error:stderr -jar "$path" "$@"
}
