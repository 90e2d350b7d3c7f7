package dev.turnout.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * {@link Hooks} as processes. A name in an earlier directory hides the same name in a later one,
 * as with systemd's drop-ins; each hook gets a clean environment (only {@code PATH},
 * {@code LD_LIBRARY_PATH} and the proxy variables pass, as update_engine passes to postinstall).
 * A hook that outlives {@code timeout} is killed with every process it started; its output (the
 * first 64 KiB) goes to the daemon's log.
 */
final class ProcessHooks implements Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessHooks.class);
  private static final List<String> PASSED = List.of("PATH", "LD_LIBRARY_PATH", "ALL_PROXY",
      "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "all_proxy", "http_proxy", "https_proxy",
      "no_proxy");
  private static final int MAX_OUTPUT = 64 * 1024;

  private final Map<String, String> environment;
  private final Duration timeout;

  public ProcessHooks(Map<String, String> environment, Duration timeout) {
    this.environment = Map.copyOf(environment);
    this.timeout = timeout;
  }

  /** The executables to run, in order. */
  static List<Path> collect(List<Path> dirs) throws IOException {
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

  @Override
  public Failure runAll(List<Path> dirs, List<String> args) throws IOException {
    for (Path hook : collect(dirs)) {
      Failure f = run(hook, args);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private Failure run(Path hook, List<String> args) throws IOException {
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
    // Output is read beside the wait, so a hook that never closes its output cannot outlast its
    // timeout.
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> drain(p.getInputStream(), output), "hook-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
        return new Failure(hook, -1, text(output) + "\n(killed after " + timeout.toSeconds()
            + " s)");
      }
      reader.join(1000);
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + hook, e);
    }
    String out = text(output);
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        LOG.info("{}: {}", hook.getFileName(), line);
      }
    }
    return p.exitValue() == 0 ? null : new Failure(hook, p.exitValue(), out);
  }

  /** The hook and everything it started. */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (out) {
          if (out.size() < MAX_OUTPUT) {
            out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
          }
        }
      }
    } catch (IOException e) {
      // the hook was killed, or closed its output: what arrived is kept
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
