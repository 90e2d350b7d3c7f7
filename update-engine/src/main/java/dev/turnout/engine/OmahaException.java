package dev.turnout.engine;

import java.io.IOException;

/**
 * An Omaha exchange that failed: the {@link ErrorCode}, and for an HTTP failure the status
 * (reported as {@code 2000 + status}; 0 when no answer arrived at all), and what went wrong.
 */
class OmahaException extends IOException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final int httpStatus;

  public OmahaException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public OmahaException(ErrorCode code, String message, Throwable cause) {
    this(code, -1, message, cause);
  }

  private OmahaException(ErrorCode code, int httpStatus, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The server answered HTTP {@code status}, or (0) did not answer at all. */
  public static OmahaException http(int status, String message, Throwable cause) {
    return new OmahaException(ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE, Math.max(0, status),
        message, cause);
  }

  public ErrorCode code() {
    return code;
  }

  /** The HTTP status of an HTTP failure, or -1. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The update_engine error code number: the code's, or {@code 2000 + status}. */
  public int wireCode() {
    return httpStatus < 0 ? code.code : ErrorCode.httpCode(httpStatus);
  }

  /** The failure as a stage reports it (the attempter puts the stage's name in front). */
  public UpdateException toUpdateException() {
    String m = super.getMessage();
    return httpStatus < 0 ? new UpdateException(code, m, this)
        : UpdateException.http(httpStatus, m, this);
  }

  @Override
  public String getMessage() {
    return super.getMessage() + " (error " + wireCode() + ")";
  }
}
