package dev.turnout.engine;

import java.io.IOException;
import java.util.List;

/**
 * What the attempt's record keeps about the extensions of the version being installed: which version that is,
 * how many attempts for it failed on an extension, and which optional extensions it went ahead
 * without. The client reads the same files.
 */
final class ExtensionLedger {
  private final AttemptRecord record;

  public ExtensionLedger(AttemptRecord record) {
    this.record = record;
  }

  /** The version whose extensions were last fetched, or empty. */
  public String target() throws IOException {
    return record.extensionsTarget();
  }

  public void start(String version) throws IOException {
    record.extensionsTarget(version);
  }

  /** Attempts for {@code version} that failed on an extension. */
  public long failures(String version) throws IOException {
    return record.extensionFailures(version);
  }

  public void failed(String version) throws IOException {
    record.extensionFailed(version);
  }

  public void leftBehind(String version, List<String> ids) throws IOException {
    record.extensionsLeftBehind(version, ids);
  }

  /** The extensions {@code version} was installed without. */
  public List<String> leftBehind(String version) throws IOException {
    return record.extensionsLeftBehind(version);
  }
}
