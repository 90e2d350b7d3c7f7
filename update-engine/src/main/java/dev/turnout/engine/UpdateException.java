package dev.turnout.engine;

import java.util.OptionalInt;

/**
 * A stage of the update that failed: the {@link ErrorCode} to report, the HTTP status when the
 * failure was an HTTP answer (reported to Omaha as {@code 2000 + status}), and a message that grows
 * context on the way up ("downloading 4081.2.0 into USR-B: ...").
 */
class UpdateException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final int httpStatus;

  public UpdateException(ErrorCode code, String message, Throwable cause) {
    this(code, -1, message, cause);
  }

  /** What a payload failed with, under the same code and reason. */
  public static UpdateException of(dev.turnout.payload.PayloadException e) {
    return new UpdateException(ErrorCode.of(e.code()), e.reason(), e);
  }

  private UpdateException(ErrorCode code, int httpStatus, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /**
   * An update check answered with HTTP {@code status} (0: no answer at all); its code is
   * {@link ErrorCode#OMAHA_REQUEST_HTTP_RESPONSE_BASE}.
   */
  public static UpdateException http(int status, String message, Throwable cause) {
    return new UpdateException(ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE, Math.max(0, status),
        message, cause);
  }

  public ErrorCode code() {
    return code;
  }

  /** The HTTP status of an HTTP failure, empty for every other code. */
  public OptionalInt httpStatus() {
    return httpStatus < 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /** The number Omaha's error event carries: the code's, or {@code 2000 + status}. */
  public int wireCode() {
    return httpStatus < 0 ? code.code : ErrorCode.httpCode(httpStatus);
  }

  /** The same failure with {@code context: } in front of its message. */
  public UpdateException in(String context) {
    return new UpdateException(code, httpStatus, context + ": " + getMessage(), getCause());
  }
}
