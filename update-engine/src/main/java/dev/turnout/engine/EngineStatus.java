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
}
