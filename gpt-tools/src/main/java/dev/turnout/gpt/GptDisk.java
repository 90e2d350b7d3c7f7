package dev.turnout.gpt;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A disk with a GPT, and the operations Flatcar's A/B protocol performs on it.
 *
 * <p>Every operation reads the GPT afresh, decides with seismograph cgpt's validity rules, changes it
 * in memory, and writes it back in the crash-safe order of {@link GptWriter}: a change is one write
 * of the whole table, so a torn write leaves the old table or the new one. Nothing is written unless
 * the table read is valid, except by {@link #repair()} and the operations documented to repair first
 * (as Flatcar's scripts run {@code cgpt repair} first).
 *
 * <p>Not thread-safe; one operation at a time.
 */
public final class GptDisk implements Closeable {
  private final BlockDevice dev;
  /**
   * Made when a GUID is first needed: seeding it loads the JDK's security providers, which a
   * read-only {@code cgpt show} or {@code find} would pay for at every start for nothing.
   */
  private SecureRandom random;

  public GptDisk(BlockDevice dev) {
    this(dev, null);
  }

  GptDisk(BlockDevice dev, SecureRandom random) {
    this.dev = dev;
    this.random = random;
  }

  /** Opens a disk or image file; {@code writable} for any operation that changes it. */
  public static GptDisk open(Path path, boolean writable) throws IOException {
    return new GptDisk(FileBlockDevice.open(path, writable));
  }

  /**
   * Creates (or extends) a regular image file to at least {@code sectors} 512-byte sectors, as
   * {@code cgpt create -c -s N} does, and opens it writable.
   */
  public static GptDisk createImage(Path path, long sectors) throws IOException {
    FileBlockDevice.extendImage(path, sectors * GptLayout.SECTOR);
    return open(path, true);
  }

  private SecureRandom random() {
    if (random == null) {
      random = new SecureRandom();
    }
    return random;
  }

  public String name() {
    return dev.name();
  }

  // ---------------------------------------------------------------- reading

  /** The whole picture, valid or not; never writes. Fails only if the disk cannot hold a GPT. */
  public GptInspection inspect() throws IOException {
    return GptInspection.of(dev.name(), GptImage.load(dev));
  }

  /**
   * The partition table, as cgpt reads it (the primary array when valid, else the backup).
   *
   * @throws GptException when neither copy of the header or of the array is valid
   */
  public List<GptEntry> entries() throws IOException {
    return GptImage.entries(loadReadable().anyValidEntries());
  }

  /** One entry by 1-based number (used or not). */
  public GptEntry entry(int number) throws IOException {
    checkNumber(number);
    return entries().get(number - 1);
  }

  /** The used entry with this unique GUID (the kernel's PARTUUID), if any. */
  public Optional<GptEntry> findByUnique(UUID unique) throws IOException {
    return entries().stream().filter(e -> e.used() && e.unique().equals(unique)).findFirst();
  }

  // ---------------------------------------------------------------- cgpt operations

  /** {@code cgpt create}: a fresh, empty GPT and protective MBR over the whole disk. */
  public void create(UUID diskGuid) throws IOException {
    GptImage img = GptImage.blank(GptLayout.sectors(dev));
    GptHeader.initPrimary(img.header1, img.sectors,
        diskGuid == null ? Guids.random(random()) : diskGuid);
    img.updateAllEntries();
    Pmbr.update(img.pmbr, img.entries1, img.sectors);
    GptWriter.write(dev, img, true);
  }

  /** {@code cgpt create -z}: zeroes the PMBR and both headers and arrays. */
  public void zap() throws IOException {
    GptWriter.write(dev, GptImage.blank(GptLayout.sectors(dev)), true);
  }

  /**
   * {@code cgpt repair}: moves the backup to the end of a grown disk and rebuilds any invalid copy
   * from the valid one; always refreshes the PMBR.
   */
  public RepairResult repair() throws IOException {
    GptImage img = GptImage.load(dev);
    GptError sanity = img.sanityCheck();
    List<String> found = List.copyOf(img.problems);
    repairInMemory(img);
    int m = img.modified;
    Pmbr.update(img.pmbr, img.anyValidEntries(), img.sectors);
    GptWriter.write(dev, img, true);
    return new RepairResult(sanity, (m & GptImage.MODIFIED_HEADER1) != 0,
        (m & GptImage.MODIFIED_ENTRIES1) != 0, (m & GptImage.MODIFIED_ENTRIES2) != 0,
        (m & GptImage.MODIFIED_HEADER2) != 0, found);
  }

  /** {@code cgpt add}: creates or edits one entry; returns it as written. */
  public GptEntry add(PartitionSpec spec) throws IOException {
    GptImage img = loadFullyValid("adding anything");
    int index = slotFor(img, spec.number());
    byte[] before = java.util.Arrays.copyOfRange(img.entries1, index * GptEntry.SIZE,
        (index + 1) * GptEntry.SIZE);
    GptEntry old = GptImage.entry(img.entries1, index);
    if (!old.used()) {
      if (spec.firstLba() == null || spec.sizeLba() == null || spec.type() == null) {
        throw request(GptError.SUCCESS, "-t, -b, and -s options are required for new partitions");
      }
      if (spec.type().equals(Guids.ZERO)) {
        throw request(GptError.SUCCESS, "New partitions must have a type other than \"unused\"");
      }
    }
    long first = spec.firstLba() != null ? spec.firstLba() : old.firstLba();
    long last = spec.sizeLba() != null ? first + spec.sizeLba() - 1 : old.lastLba();
    UUID unique = spec.unique() != null ? spec.unique() : old.used() ? old.unique() : Guids.random(random());
    GptEntry updated = new GptEntry(index + 1, spec.type() != null ? spec.type() : old.type(),
        unique, first, last, spec.applyTo(old.attributes()),
        spec.label() != null ? spec.label() : old.label());
    updated.encode(img.entries1, index * GptEntry.SIZE);
    if (spec.label() == null) { // keep the stored name bytes exactly as they were
      System.arraycopy(before, GptEntry.NAME_OFFSET, img.entries1,
          index * GptEntry.SIZE + GptEntry.NAME_OFFSET, GptEntry.SIZE - GptEntry.NAME_OFFSET);
    }
    img.updateAllEntries();
    GptRules.EntriesCheck check = img.checkEntries(img.entries1, img.header1);
    if (!check.ok()) {
      GptError e = GptError.values()[check.code()];
      throw new GptException(GptException.Kind.REQUEST, e, e.text, List.of(check.reason()));
    }
    Pmbr.update(img.pmbr, img.entries1, img.sectors);
    GptWriter.write(dev, img, true);
    return GptImage.entry(img.entries1, index);
  }

  /**
   * {@code cgpt prioritize [-i N [-f]] [-P MAX]}.
   *
   * @param number the partition to put first, or 0
   * @param maxPriority the top priority (1..15), or 0 for the number of priority groups
   */
  public void prioritize(int number, boolean friends, int maxPriority) throws IOException {
    GptImage img = loadFullyValid("changing priorities");
    if (number != 0) {
      checkUsr(img, number);
    }
    Prioritizer.prioritize(img, number, friends, maxPriority);
    img.updateAllEntries();
    GptWriter.write(dev, img, false);
  }

  /**
   * {@code cgpt next}, with its quirks: picks the highest priority USR partition with tries left or
   * marked successful (ties to the lowest number), but takes the first USR partition when none is
   * bootable; decrements its tries when above 0, and writes the table back.
   *
   * @return the chosen partition after the write, or empty when the disk has no USR partition
   */
  public Optional<GptEntry> cgptNext() throws IOException {
    GptImage img = loadFullyValid("choosing the next partition");
    int chosen = UsrChoice.choose(img, true);
    if (chosen < 0) {
      return Optional.empty();
    }
    PartitionAttributes a = img.attributes(chosen);
    img.setAttributes(chosen, a.withTries(Math.max(0, a.tries() - 1)));
    img.updateAllEntries();
    GptWriter.write(dev, img, false);
    return Optional.of(GptImage.entry(img.entries1, chosen));
  }

  // ---------------------------------------------------------------- the A/B protocol

  /**
   * What {@code flatcar-postinst} does to the freshly written partition: {@code cgpt repair},
   * {@code cgpt add -S0 -T1}, {@code cgpt prioritize} of that partition, as one write. The partition
   * then boots once; if it is never marked good the bootloader falls back.
   */
  public void markActive(int number) throws IOException {
    setAndPrioritize(number, false, 1);
  }

  /**
   * Takes a partition out of the boot rotation before it is overwritten: repair, then priority 0,
   * tries 0, successful 0, as one write. Neither GRUB nor {@code cgpt next} ever picks it until
   * {@link #markActive} runs after the new image verified.
   */
  public void markUnbootable(int number) throws IOException {
    GptImage img = loadReadable();
    repairInMemory(img);
    checkUsr(img, number);
    int index = number - 1;
    PartitionAttributes before = img.attributes(index);
    PartitionAttributes after = before.withPriority(0).withTries(0).withSuccessful(false);
    if (after.equals(before) && img.modified == 0) {
      return;
    }
    img.setAttributes(index, after);
    img.updateAllEntries();
    GptWriter.write(dev, img, false);
  }

  /**
   * What {@code flatcar-setgoodroot} does to the booted partition after a healthy boot:
   * {@code cgpt repair}, {@code cgpt add -S1 -T0}, {@code cgpt prioritize}, as one write.
   */
  public void markGood(int number) throws IOException {
    setAndPrioritize(number, true, 0);
  }

  /**
   * Flatcar's patched GRUB {@code gptprio.next}: repairs the table, picks the USR partition with the
   * highest priority among those with tries left or marked successful (ties to the lowest number;
   * priority 0 never boots), and decrements its tries if above 0, writing the table back. Unlike
   * {@link #cgptNext()}, a disk with nothing bootable yields empty ("no such partition").
   */
  public Optional<GptEntry> selectNext() throws IOException {
    GptImage img = loadReadable();
    repairInMemory(img);
    int best = UsrChoice.choose(img, false);
    if (best >= 0 && img.attributes(best).tries() > 0) {
      img.setAttributes(best, img.attributes(best).withTries(img.attributes(best).tries() - 1));
      img.updateAllEntries();
    }
    if (img.modified != 0) {
      GptWriter.write(dev, img, false);
    }
    return best < 0 ? Optional.empty() : Optional.of(GptImage.entry(img.entries1, best));
  }

  /**
   * The partition {@link #selectNext()} would boot, without spending a try or writing anything:
   * for showing an operator which slot comes up after a reboot.
   */
  public Optional<GptEntry> nextBoot() throws IOException {
    GptImage img = loadReadable();
    repairInMemory(img); // in memory only: the choice is made on the table GRUB would repair to
    int best = UsrChoice.choose(img, false);
    return best < 0 ? Optional.empty() : Optional.of(GptImage.entry(img.entries1, best));
  }

  /**
   * The USR partition an update of {@code booted} is written to: the other USR partition, the
   * neighbour when there are several (USR-A 3 and USR-B 4), or empty when there is none.
   */
  public Optional<GptEntry> otherUsr(int booted) throws IOException {
    return UsrChoice.other(entries(), booted);
  }

  private void setAndPrioritize(int number, boolean successful, int tries) throws IOException {
    GptImage img = loadReadable();
    repairInMemory(img);
    checkUsr(img, number);
    int index = number - 1;
    img.setAttributes(index, img.attributes(index).withSuccessful(successful).withTries(tries));
    Prioritizer.prioritize(img, number, false, 0);
    img.updateAllEntries();
    byte[] pmbr = img.pmbr.clone();
    Pmbr.update(img.pmbr, img.entries1, img.sectors);
    GptWriter.write(dev, img, !java.util.Arrays.equals(pmbr, img.pmbr));
  }

  // ---------------------------------------------------------------- helpers

  private void repairInMemory(GptImage img) throws GptException {
    GptError r = img.repair();
    if (r != GptError.SUCCESS) {
      throw new GptException(GptException.Kind.NO_VALID_GPT, r,
          dev.name() + ": cannot repair the GPT: " + String.join("; ", img.problems), img.problems);
    }
  }

  private GptImage loadReadable() throws IOException {
    GptImage img = GptImage.load(dev);
    GptError r = img.sanityCheck();
    if (r != GptError.SUCCESS) {
      throw new GptException(GptException.Kind.NO_VALID_GPT, r,
          dev.name() + ": no valid GPT: " + String.join("; ", img.problems), img.problems);
    }
    return img;
  }

  private GptImage loadFullyValid(String what) throws IOException {
    GptImage img = loadReadable();
    if (!img.fullyValid()) {
      throw new GptException(GptException.Kind.NEEDS_REPAIR, GptError.SUCCESS,
          dev.name() + ": one of the GPT headers or partition tables is invalid ("
              + String.join("; ", img.problems) + "); run 'cgpt repair' before " + what,
          img.problems);
    }
    return img;
  }

  private int slotFor(GptImage img, Integer number) throws GptException {
    if (number != null && number != 0) {
      if (number < 1 || number > GptLayout.ENTRY_COUNT) {
        throw request(GptError.SUCCESS, "invalid partition number: " + number);
      }
      return number - 1;
    }
    for (int i = 0; i < GptLayout.ENTRY_COUNT; i++) {
      if (GptRules.unused(img.entries1, i * GptEntry.SIZE)) {
        return i;
      }
    }
    throw request(GptError.SUCCESS, "no unused partitions available");
  }

  private void checkUsr(GptImage img, int number) throws GptException {
    checkNumber(number);
    if (!img.isUsr(number - 1)) {
      throw request(GptError.SUCCESS, "partition " + number + " is not a Flatcar root");
    }
  }

  private static void checkNumber(int number) throws GptException {
    if (number < 1 || number > GptLayout.ENTRY_COUNT) {
      throw request(GptError.SUCCESS, "invalid partition number: " + number
          + " (must be between 1 and " + GptLayout.ENTRY_COUNT + ")");
    }
  }

  private static GptException request(GptError e, String message) {
    return new GptException(GptException.Kind.REQUEST, e, message, List.of());
  }

  @Override
  public void close() throws IOException {
    dev.close();
  }
}
