package dev.turnout.engine;

/**
 * One Omaha event: type, result and, unless the result is success, an error code with its flag
 * bits ({@code omaha_request_action.h}, go-omaha {@code codes.go}).
 */
public record OmahaEvent(int type, int result, int errorCode) {
  /** Type 0, "unknown": what Turnout's own events carry, which other servers ignore. */
  public static final int TYPE_UNKNOWN = 0;
  public static final int TYPE_UPDATE_COMPLETE = 3;
  public static final int TYPE_UPDATE_DOWNLOAD_STARTED = 13;
  public static final int TYPE_UPDATE_DOWNLOAD_FINISHED = 14;

  public static final int RESULT_ERROR = 0;
  public static final int RESULT_SUCCESS = 1;
  public static final int RESULT_SUCCESS_REBOOT = 2;
  public static final int RESULT_UPDATE_DEFERRED = 9;

  /** Flag ORed into an error code when the failed attempt had resumed a download. */
  public static final int FLAG_RESUMED = 1 << 30;
  /** Flag ORed in when {@code /root/.dev_mode} exists. */
  public static final int FLAG_DEV_MODE = 1 << 29;
  /** Flag ORed in when {@code SERVER} is not exactly Flatcar's public server. */
  public static final int FLAG_NON_DEFAULT_SERVER = 1 << 28;

  public static OmahaEvent success(int type) {
    return new OmahaEvent(type, RESULT_SUCCESS, 0);
  }

  /** 13/1: the payload download started. */
  public static OmahaEvent downloadStarted() {
    return success(TYPE_UPDATE_DOWNLOAD_STARTED);
  }

  /** 14/1: the payload download finished. */
  public static OmahaEvent downloadFinished() {
    return success(TYPE_UPDATE_DOWNLOAD_FINISHED);
  }

  /** 3/1: the update is installed and awaits a reboot. */
  public static OmahaEvent installComplete() {
    return success(TYPE_UPDATE_COMPLETE);
  }

  /**
   * 0/0 with code 66: the update goes on without optional extensions that failed again
   * ({@code OPTIONAL_EXTENSIONS}); Turnout's, sent beside update_engine's events.
   */
  public static OmahaEvent extensionsLeftBehind() {
    return new OmahaEvent(TYPE_UNKNOWN, RESULT_ERROR,
        ErrorCode.EXTENSIONS_LEFT_BEHIND.code);
  }

  /**
   * 3/0 with a code (3/9 for the deferral codes 35, 36 and 40), the flags already ORed in.
   */
  public static OmahaEvent error(int codeWithFlags) {
    int base = codeWithFlags & ~(FLAG_RESUMED | FLAG_DEV_MODE | FLAG_NON_DEFAULT_SERVER);
    int result = base == 35 || base == 36 || base == 40 ? RESULT_UPDATE_DEFERRED : RESULT_ERROR;
    return new OmahaEvent(TYPE_UPDATE_COMPLETE, result, codeWithFlags);
  }
}
