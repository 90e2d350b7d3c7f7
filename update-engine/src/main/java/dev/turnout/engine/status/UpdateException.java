package dev.turnout.engine.status;

import dev.turnout.payload.ErrorCode;

/**
 * A stage of the update that failed: the update_engine code to report (a number, since HTTP
 * failures are {@code 2000 + status}) and a message that grows context on the way up.
 */
public class UpdateException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int code;

  public UpdateException(ErrorCode code, String message, Throwable cause) {
    this(code.code, message, cause);
  }

  public UpdateException(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The same failure with {@code context: } in front of its message. */
  public UpdateException in(String context) {
    return new UpdateException(code, context + ": " + getMessage(), getCause());
  }
}
