package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Hooks that run nothing: each call is recorded and answered with what the test set. */
public final class FakeHooks implements Hooks {
  /** One call: the directories and the arguments. */
  public record Call(List<Path> dirs, List<String> args) {}

  public final List<Call> calls = new ArrayList<>();
  private Failure answer;
  private IOException error;

  /** The next calls fail with {@code hook} exiting {@code exitCode} (-1: timed out). */
  public FakeHooks failWith(String hook, int exitCode, String output) {
    answer = new Failure(Path.of(hook), exitCode, output);
    return this;
  }

  public FakeHooks throwing(IOException e) {
    error = e;
    return this;
  }

  @Override
  public synchronized Failure runAll(List<Path> dirs, List<String> args) throws IOException {
    calls.add(new Call(List.copyOf(dirs), List.copyOf(args)));
    if (error != null) {
      throw error;
    }
    return answer;
  }
}
