package dev.turnout.engine;

import java.util.OptionalInt;

/**
 * An attempt has ended, told to whoever plans the next one.
 *
 * @param outcome how it ended
 * @param httpStatus the HTTP status of a failed check (500 and 503 make checks back off), or 0
 * @param answered whether the server answered the check; only then does {@code pollInterval} say
 *     anything
 * @param pollInterval the {@code PollInterval} of the server's answer
 */
record AttemptEnded(AttemptOutcome outcome, int httpStatus, boolean answered,
    OptionalInt pollInterval) {
  /** A ping while an update awaits its reboot: nothing learnt. */
  public static final AttemptEnded PING = new AttemptEnded(AttemptOutcome.NONE, 0, false,
      OptionalInt.empty());
}
