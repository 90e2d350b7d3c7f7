package dev.turnout.engine;

import java.io.IOException;

/** A download answered with an HTTP error status; what it says depends on the status. */
final class HttpStatusException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public HttpStatusException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /**
   * Whether asking the same URL again cannot help: a client error (404: the file is not there),
   * other than a timeout (408) or too many requests (429).
   */
  public boolean definitive() {
    return status >= 400 && status < 500 && status != 408 && status != 429;
  }
}
