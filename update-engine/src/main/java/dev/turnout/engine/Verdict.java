package dev.turnout.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@code -update} says at the end, on stderr, and its exit status: 0 for no update and for
 * an installed update waiting for its reboot (as Flatcar's client), 1 when the attempt failed or
 * update checks are disabled.
 *
 * @param line the line a person reads
 */
record Verdict(int exit, String line) {
  /**
   * The verdict from the final {@code CURRENT_OP} and the daemon's account of the attempt
   * ({@code dev.turnout.Engine1.GetLastAttempt}).
   */
  static Verdict of(String finalOperation, JsonNode lastAttempt) {
    if (UpdateStatus.parse(finalOperation).orElse(null) == UpdateStatus.UPDATED_NEED_REBOOT) {
      return new Verdict(0, "Update succeeded -- reboot needed.");
    }
    JsonNode a = lastAttempt.path("last_attempt");
    return switch (a.path("result").asText()) {
      case "error" -> new Verdict(1, "Update failed: error " + a.path("code").asInt() + " ("
          + a.path("name").asText() + "): " + a.path("message").asText());
      case "checks_disabled" -> new Verdict(1, "Update failed: update checks are disabled: "
          + lastAttempt.path("checks_disabled").asText());
      default -> new Verdict(0, "No update available.");
    };
  }
}
