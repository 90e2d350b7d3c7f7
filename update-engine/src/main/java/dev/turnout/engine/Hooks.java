package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the executables of hook directories (postinstall, health checks). The real one is
 * {@link ProcessHooks}; tests use a fake that records what ran and answers as told.
 */
interface Hooks {
  /** A hook that did not exit 0 ({@code exitCode} -1: killed after its timeout). */
  record Failure(Path hook, int exitCode, String output) {}

  /**
   * Runs each executable of {@code dirs} in name order with {@code args}, on the calling thread;
   * stops at, and returns, the first failure, or null when all exited 0.
   */
  Failure runAll(List<Path> dirs, List<String> args) throws IOException;
}
