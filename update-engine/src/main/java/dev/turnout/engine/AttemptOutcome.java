package dev.turnout.engine;


/**
 * How an attempt ended, for {@code update_engine_client}: beyond what {@code GetStatus} carries,
 * so the client can tell a failed update from no update.
 *
 * @param sequence counts attempts since the daemon started (0: none yet)
 * @param time unix seconds when it ended
 * @param code the failure's code ({@code null} unless {@link Result#ERROR})
 * @param wireCode the number reported to Omaha ({@code 2000 + status} for HTTP), or 0
 * @param message the failure, or why checks are disabled; empty otherwise
 */
record AttemptOutcome(long sequence, Result result, long time, ErrorCode code,
    int wireCode, String message) {
  /** What an attempt came to. */
  public enum Result { NONE, NO_UPDATE, UPDATED, CHECKS_DISABLED, ERROR }

  public static final AttemptOutcome NONE = new AttemptOutcome(0, Result.NONE, 0, null, 0, "");

  /**
   * The failure's name for people and monitoring: the code's, except 2000 + HTTP status, whose
   * code is only the base ({@code OMAHA_REQUEST_HTTP_RESPONSE}); empty without a failure.
   */
  public String codeName() {
    if (code == null) {
      return "";
    }
    return code == ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE ? "OMAHA_REQUEST_HTTP_RESPONSE"
        : code.name();
  }
}
