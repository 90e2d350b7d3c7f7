package dev.turnout.gpt;

import java.io.IOException;
import java.util.List;

/**
 * A disk whose GPT cannot be read, repaired or changed as asked. The message says what is wrong in
 * words; {@link #kind()}, {@link #error()} and {@link #details()} let {@code cgpt} print the exact
 * message seismograph's cgpt would.
 */
public class GptException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in the categories cgpt distinguishes. */
  public enum Kind {
    /** The disk cannot hold a GPT at all (empty, too small, not whole sectors). */
    DEVICE,
    /** Neither copy of the header, or of the partition array, is valid. */
    NO_VALID_GPT,
    /** One copy is invalid; the change was refused until {@code repair} is run. */
    NEEDS_REPAIR,
    /** The change asked for is not possible (bad partition number, overlap, ...). */
    REQUEST,
  }

  private final Kind kind;
  private final GptError error;
  private final transient List<String> details;

  public GptException(Kind kind, GptError error, String message, List<String> details) {
    super(message);
    this.kind = kind;
    this.error = error;
    this.details = List.copyOf(details);
  }

  public GptException(String message) {
    this(Kind.DEVICE, null, message, List.of());
  }

  public Kind kind() {
    return kind;
  }

  /** cgptlib's code for the failure, where there is one; may be null. */
  public GptError error() {
    return error;
  }

  /** One line per problem found (which copy, and why it is invalid). */
  public List<String> details() {
    return details == null ? List.of() : details;
  }
}
