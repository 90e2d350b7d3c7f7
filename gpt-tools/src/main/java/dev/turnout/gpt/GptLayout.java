package dev.turnout.gpt;

/**
 * The fixed geometry cgpt supports (seismograph {@code gpt.h}, {@code cgptlib_internal.h}): 512-byte
 * sectors, a 92-byte header, and an entry array of 128 entries of 128 bytes (16384 bytes, 32 sectors).
 */
public final class GptLayout {
  public static final int SECTOR = 512;
  public static final int HEADER_SIZE = 92;
  public static final int ENTRY_COUNT = 128;
  public static final int ENTRIES_BYTES = ENTRY_COUNT * GptEntry.SIZE;
  public static final int ENTRIES_SECTORS = ENTRIES_BYTES / SECTOR;
  /** PMBR + (header + array) twice: the smallest disk that holds a GPT (cgpt CheckParameters). */
  public static final long MIN_SECTORS = 1 + 2 * (1 + ENTRIES_SECTORS);
  /** The first usable LBA of a fresh table: after the PMBR, the primary header and array. */
  public static final long FIRST_USABLE = 2 + ENTRIES_SECTORS;

  private GptLayout() {}

  /** Last usable LBA of a fresh table on a disk of {@code sectors}: before the backup array. */
  public static long lastUsable(long sectors) {
    return sectors - 1 - ENTRIES_SECTORS - 1;
  }

  /** LBA of the backup header: the last sector of the disk. */
  public static long backupHeaderLba(long sectors) {
    return sectors - 1;
  }

  /** LBA of the backup entry array: just before the backup header. */
  public static long backupEntriesLba(long sectors) {
    return sectors - 1 - ENTRIES_SECTORS;
  }

  /** The size of {@code dev} in sectors, when it can hold a GPT at all. */
  static long sectors(BlockDevice dev) throws java.io.IOException {
    long size = dev.size();
    if (size % SECTOR != 0 || size / SECTOR < MIN_SECTORS) {
      throw new GptException(dev.name() + ": too small for a GPT, or not whole 512-byte sectors ("
          + size + " bytes)");
    }
    return size / SECTOR;
  }
}
