package dev.turnout.engine;

import java.io.IOException;

/** A redirect the daemon will not follow: off https (or http), to no URL, or one too many. */
final class RedirectRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  RedirectRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The redirect's HTTP status. */
  public int status() {
    return status;
  }
}
