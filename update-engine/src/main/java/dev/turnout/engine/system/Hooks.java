package dev.turnout.engine.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the executables of hook directories in name order (a name in an earlier directory hides the
 * same name in a later one, as with systemd's drop-ins), each with a clean environment: only
 * {@code PATH}, {@code LD_LIBRARY_PATH} and the proxy variables pass, as update_engine passes to
 * postinstall. Output goes to the daemon's log.
 */
public final class Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);
  private static final List<String> PASSED = List.of("PATH", "LD_LIBRARY_PATH", "ALL_PROXY",
      "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "all_proxy", "http_proxy", "https_proxy",
      "no_proxy");

  /** A hook that did not exit 0. */
  public record Failure(Path hook, int exitCode, String output) {}

  private final Map<String, String> environment;
  private final Duration timeout;

  public Hooks(Map<String, String> environment, Duration timeout) {
    this.environment = environment;
    this.timeout = timeout;
  }

  /** The executables to run, in order. */
  public static List<Path> collect(List<Path> dirs) throws IOException {
    Map<String, Path> byName = new TreeMap<>();
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> s = Files.list(d)) {
        for (Path p : s.toList()) {
          if (Files.isRegularFile(p) && Files.isExecutable(p)) {
            byName.putIfAbsent(p.getFileName().toString(), p);
          }
        }
      }
    }
    return new ArrayList<>(byName.values());
  }

  /** Runs each hook with {@code args}; stops at, and returns, the first failure. */
  public Failure runAll(List<Path> dirs, List<String> args) throws IOException {
    for (Path hook : collect(dirs)) {
      List<String> cmd = new ArrayList<>();
      cmd.add(hook.toString());
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().clear();
      for (String k : PASSED) {
        if (environment.containsKey(k)) {
          pb.environment().put(k, environment.get(k));
        }
      }
      pb.environment().putIfAbsent("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
      LOG.info("running hook {} {}", hook, String.join(" ", args));
      Process p = pb.start();
      p.getOutputStream().close();
      String output;
      try (var in = p.getInputStream()) {
        output = new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      int rc;
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          return new Failure(hook, -1, output + "\n(killed after " + timeout.toSeconds() + " s)");
        }
        rc = p.exitValue();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + hook, e);
      }
      for (String line : output.split("\n")) {
        if (!line.isBlank()) {
          LOG.info("{}: {}", hook.getFileName(), line);
        }
      }
      if (rc != 0) {
        return new Failure(hook, rc, output);
      }
    }
    return null;
  }
}
