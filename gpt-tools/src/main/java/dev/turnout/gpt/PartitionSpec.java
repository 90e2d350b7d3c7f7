package dev.turnout.gpt;

import java.util.UUID;

/**
 * What {@code cgpt add} may set on one entry; null means "leave as it is". A new entry needs
 * {@code firstLba}, {@code sizeLba} and {@code type}.
 *
 * @param number the 1-based partition number, or null for the first unused entry
 * @param rawAttributes the full 64-bit attribute value; when given, the four flags are ignored
 */
public record PartitionSpec(Integer number, Long firstLba, Long sizeLba, UUID type, UUID unique,
    String label, Boolean legacyBootable, Boolean successful, Integer tries, Integer priority,
    Long rawAttributes) {

  /** Only the A/B attributes of an existing partition. */
  public static PartitionSpec attributes(int number, Boolean successful, Integer tries,
      Integer priority) {
    return new PartitionSpec(number, null, null, null, null, null, null, successful, tries, priority,
        null);
  }

  PartitionAttributes applyTo(PartitionAttributes a) {
    if (rawAttributes != null) {
      return new PartitionAttributes(rawAttributes);
    }
    PartitionAttributes r = a;
    if (legacyBootable != null) {
      r = r.withLegacyBootable(legacyBootable);
    }
    if (successful != null) {
      r = r.withSuccessful(successful);
    }
    if (tries != null) {
      r = r.withTries(tries);
    }
    if (priority != null) {
      r = r.withPriority(priority);
    }
    return r;
  }
}
