package dev.turnout.gpt.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link Cgpt} in-process and captures what it prints. */
final class CgptRunner {
  record Result(int exit, String out, String err) {}

  private CgptRunner() {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      rc = Cgpt.run(args, o, e);
    }
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs a command that must succeed; returns its stdout. */
  static String ok(String... args) {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("cgpt " + String.join(" ", args) + " exited " + r.exit() + ": "
          + r.err());
    }
    return r.out();
  }
}
