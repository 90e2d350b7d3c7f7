package dev.turnout.reboot;

/** A lock operation the backend refused, with why: full, already held, not held, conflict. */
final class LockException extends Exception {
  private static final long serialVersionUID = 1L;

  enum Kind {
    /** No slot free: wait and try again. */
    FULL,
    /** The id holds a slot already (locksmith's ErrExist: as good as taken). */
    HELD,
    /** The id holds no slot (locksmith's ErrNotExist: as good as released). */
    NOT_HELD,
    /** Another client changed the semaphore between read and write, every retry. */
    CONFLICT,
    /** The server said no for another reason (FleetLock's error kinds). */
    REFUSED
  }

  private final Kind kind;

  LockException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
