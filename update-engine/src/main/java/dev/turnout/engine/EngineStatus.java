package dev.turnout.engine;

/**
 * What {@code GetStatus} returns and {@code StatusUpdate} carries: {@code (xdssx)}.
 *
 * @param lastCheckedTime unix seconds of the last update check that succeeded (noupdate counts)
 * @param progress download progress in [0, 1]
 * @param newVersion "0.0.0" unless an update is being or has been applied
 */
public record EngineStatus(long lastCheckedTime, double progress, UpdateStatus operation,
    String newVersion, long newSize) {

  public static final String NO_VERSION = "0.0.0";

  public static EngineStatus idle(long lastChecked) {
    return new EngineStatus(lastChecked, 0.0, UpdateStatus.IDLE, NO_VERSION, 0);
  }

  public EngineStatus with(UpdateStatus op) {
    return new EngineStatus(lastCheckedTime, progress, op, newVersion, newSize);
  }

  /** The five {@code KEY=value} lines of {@code update_engine_client -status}. */
  public String statusLines() {
    return String.format(java.util.Locale.ROOT,
        "LAST_CHECKED_TIME=%d%nPROGRESS=%f%nCURRENT_OP=%s%nNEW_VERSION=%s%nNEW_SIZE=%d%n",
        lastCheckedTime, progress, operation.wireName(), newVersion, newSize)
        .replace(System.lineSeparator(), "\n");
  }
}
