package dev.turnout.gpt;

/**
 * The 64-bit attribute field of a GPT entry, with the ChromeOS/Flatcar A/B bits as named values.
 *
 * <p>Bit layout (seismograph {@code cgptlib_internal.h}; Flatcar's GRUB gptprio patch
 * {@code gpt_partition.h}): bit 0 required, bit 2 legacy BIOS bootable, bits 48-51 priority, 52-55
 * tries, 56 successful. The setters touch only their own bits; every other bit is kept as it was.
 *
 * @param raw the attribute field exactly as stored on disk (as an unsigned 64-bit value)
 */
public record PartitionAttributes(long raw) {
  static final int PRIORITY_SHIFT = 48;
  static final int TRIES_SHIFT = 52;
  static final int SUCCESSFUL_SHIFT = 56;
  static final int LEGACY_BOOTABLE_BIT = 2;
  static final int REQUIRED_BIT = 0;
  /** Largest value of priority and of tries: each is a 4-bit field. */
  public static final int MAX_NIBBLE = 15;

  public static final PartitionAttributes NONE = new PartitionAttributes(0);

  /** Attributes with only the three A/B fields set. */
  public static PartitionAttributes of(int priority, int tries, boolean successful) {
    return NONE.withPriority(priority).withTries(tries).withSuccessful(successful);
  }

  public int priority() {
    return (int) (raw >>> PRIORITY_SHIFT) & 0xF;
  }

  public int tries() {
    return (int) (raw >>> TRIES_SHIFT) & 0xF;
  }

  public boolean successful() {
    return bit(SUCCESSFUL_SHIFT);
  }

  public boolean legacyBootable() {
    return bit(LEGACY_BOOTABLE_BIT);
  }

  public boolean required() {
    return bit(REQUIRED_BIT);
  }

  public PartitionAttributes withPriority(int priority) {
    return withNibble(PRIORITY_SHIFT, priority, "priority");
  }

  public PartitionAttributes withTries(int tries) {
    return withNibble(TRIES_SHIFT, tries, "tries");
  }

  public PartitionAttributes withSuccessful(boolean successful) {
    return withBit(SUCCESSFUL_SHIFT, successful);
  }

  public PartitionAttributes withLegacyBootable(boolean bootable) {
    return withBit(LEGACY_BOOTABLE_BIT, bootable);
  }

  public PartitionAttributes withRequired(boolean required) {
    return withBit(REQUIRED_BIT, required);
  }

  /** The GRUB gptprio rule for "may be booted": tries left, or booted successfully before. */
  public boolean bootable() {
    return priority() > 0 && (tries() > 0 || successful());
  }

  private boolean bit(int n) {
    return (raw >>> n & 1) != 0;
  }

  private PartitionAttributes withBit(int n, boolean on) {
    return new PartitionAttributes(on ? raw | 1L << n : raw & ~(1L << n));
  }

  private PartitionAttributes withNibble(int shift, int value, String name) {
    if (value < 0 || value > MAX_NIBBLE) {
      throw new IllegalArgumentException(name + " must be between 0 and 15, not " + value);
    }
    return new PartitionAttributes(raw & ~(0xFL << shift) | (long) value << shift);
  }

  @Override
  public String toString() {
    return String.format("priority=%d tries=%d successful=%d (0x%016x)",
        priority(), tries(), successful() ? 1 : 0, raw);
  }
}
