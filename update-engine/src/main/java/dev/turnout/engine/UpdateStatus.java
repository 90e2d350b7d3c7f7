package dev.turnout.engine;

/**
 * The daemon's states, with the numbers and wire names of update_engine's {@code UpdateStatus}
 * ({@code update_attempter.h}). locksmith, FLUO and {@code update_engine_client} parse the names.
 */
public enum UpdateStatus {
  IDLE,
  CHECKING_FOR_UPDATE,
  UPDATE_AVAILABLE,
  DOWNLOADING,
  /** Never entered, as in update_engine; kept for the numbering. */
  VERIFYING,
  FINALIZING,
  UPDATED_NEED_REBOOT,
  REPORTING_ERROR_EVENT;

  /** {@code UPDATE_STATUS_IDLE} and so on. */
  public String wireName() {
    return "UPDATE_STATUS_" + name();
  }

  /** The status a wire name names, or empty for a name this version does not know. */
  public static java.util.Optional<UpdateStatus> parse(String wireName) {
    try {
      return java.util.Optional.of(fromWireName(wireName));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  public static UpdateStatus fromWireName(String s) {
    if (!s.startsWith("UPDATE_STATUS_")) {
      throw new IllegalArgumentException("not a status: " + s);
    }
    return valueOf(s.substring("UPDATE_STATUS_".length()));
  }
}
