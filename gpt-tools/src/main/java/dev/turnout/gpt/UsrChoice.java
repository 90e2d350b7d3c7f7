package dev.turnout.gpt;

/** Which USR partition boots next, decided once for GRUB's gptprio.next and cgpt's {@code next}. */
final class UsrChoice {
  private UsrChoice() {}

  /**
   * The one USR-partition choice. gptprio.next: the highest priority above 0 among the USR
   * partitions with tries left or marked successful, ties to the lowest number, or none (-1).
   * {@code cgptQuirks}, as seismograph's {@code cgpt next}: start from the first USR partition
   * whatever its state (so a disk with nothing bootable yields it), and let an eligible partition
   * of priority 0 beat an ineligible start.
   */
  static int choose(GptImage img, boolean cgptQuirks) {
    int chosen = -1;
    int chosenPriority = 0;
    for (int i = 0; i < GptLayout.ENTRY_COUNT; i++) {
      if (!img.isUsr(i)) {
        continue;
      }
      PartitionAttributes a = img.attributes(i);
      boolean eligible = a.successful() || a.tries() > 0;
      if (eligible && a.priority() > chosenPriority || cgptQuirks && chosen == -1) {
        chosen = i;
        chosenPriority = eligible ? a.priority() : -1;
      }
    }
    return chosen;
  }

  /** See {@link GptDisk#otherUsr}. */
  static java.util.Optional<GptEntry> other(java.util.List<GptEntry> entries, int booted) {
    GptEntry target = null;
    for (GptEntry e : entries) {
      if (e.used() && e.number() != booted && PartitionTypes.isUsr(e.type())
          && (target == null || Math.abs(e.number() - booted) == 1)) {
        target = e;
      }
    }
    return java.util.Optional.ofNullable(target);
  }
}
