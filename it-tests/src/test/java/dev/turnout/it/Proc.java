package dev.turnout.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real process a test started: output to a log file, stopped (and its children with it) by the
 * test, never left behind.
 */
final class Proc implements AutoCloseable {
  final Process process;
  final Path log;

  private Proc(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static Proc start(Path log, Map<String, String> env, String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return new Proc(p, log);
  }

  /** Runs a command to completion. */
  record Result(int exit, String out, String err) {}

  static Result run(Duration timeout, Map<String, String> env, String... cmd)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    pb.environment().putAll(env);
    Path err = Files.createTempFile("proc", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    // Read on a thread of its own: a command that hangs with its output open must still be
    // stopped at the timeout, not block the test for ever.
    java.util.concurrent.CompletableFuture<byte[]> out =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return p.getInputStream().readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        });
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in " + timeout);
    }
    byte[] bytes;
    try {
      bytes = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      bytes = new byte[0]; // a child kept the output open after the command ended
    }
    String errText = Files.readString(err);
    Files.delete(err);
    return new Result(p.exitValue(), new String(bytes, StandardCharsets.UTF_8), errText);
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** Waits until the log satisfies {@code test}; fails with the log after {@code timeout}. */
  void await(Duration timeout, String what, Predicate<String> test)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (test.test(log())) {
        return;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("waiting for " + what + "; log:\n" + log());
  }

  /** Waits for the process to exit by itself; its exit status (-1 if it did not in time). */
  int waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** kill -9, as a power cut or OOM kill would. */
  void kill() throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
