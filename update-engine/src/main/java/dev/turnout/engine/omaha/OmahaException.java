package dev.turnout.engine.omaha;

import dev.turnout.payload.ErrorCode;
import java.io.IOException;

/**
 * An update check that failed: the numeric code the daemon reports (an {@link ErrorCode} number,
 * or {@code 2000 + HTTP status}) and what went wrong.
 */
public class OmahaException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int code;

  public OmahaException(ErrorCode code, String message) {
    this(code.code, message, null);
  }

  public OmahaException(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The update_engine error code number. */
  public int code() {
    return code;
  }

  @Override
  public String getMessage() {
    return super.getMessage() + " (error " + code + ")";
  }
}
