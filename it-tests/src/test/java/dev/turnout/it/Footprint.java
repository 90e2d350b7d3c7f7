package dev.turnout.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a running process holds, read from /proc: open file descriptors, threads and resident
 * memory; and, through {@code jcmd}, the bytes its Java heap keeps alive after a full collection.
 */
record Footprint(long fds, long threads, long rssKib) {

  static Footprint of(long pid) throws IOException {
    long fds;
    try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      fds = list.count();
    }
    List<String> status = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
    return new Footprint(fds, field(status, "Threads:"), field(status, "VmRSS:"));
  }

  private static long field(List<String> status, String name) {
    return status.stream().filter(l -> l.startsWith(name))
        .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in /proc/<pid>/status"));
  }

  /**
   * The live heap in KiB: {@code jcmd PID GC.class_histogram} collects fully first, and its last
   * line totals what survived.
   */
  static long liveHeapKib(long pid) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Proc.Result r = Proc.run(Duration.ofSeconds(60), Map.of(), jcmd.toString(),
        Long.toString(pid), "GC.class_histogram");
    String total = r.out().lines().filter(l -> l.startsWith("Total ")).findFirst()
        .orElseThrow(() -> new AssertionError("jcmd GC.class_histogram: " + r.out() + r.err()));
    String[] f = total.trim().split("\\s+");
    return Long.parseLong(f[2]) / 1024;
  }
}
