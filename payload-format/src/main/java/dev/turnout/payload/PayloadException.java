package dev.turnout.payload;

import java.io.IOException;

/**
 * A payload that cannot be read, verified or applied. The code is the update_engine error code
 * the daemon reports; the message says what was wrong and where (which operation, which offset).
 */
public class PayloadException extends IOException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public PayloadException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public PayloadException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  @Override
  public String getMessage() {
    return super.getMessage() + " (error " + code.code + ", " + code.name() + ")";
  }

  /** The message without the code suffix. */
  public String reason() {
    return super.getMessage();
  }
}
