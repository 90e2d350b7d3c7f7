package dev.turnout.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The working copy of a disk's GPT: the PMBR, both headers and both entry arrays as raw bytes, the
 * validity of each copy, and which parts were modified. It follows seismograph's cgptlib
 * ({@code GptSanityCheck}, {@code GptRepair}, {@code GptRecomputeSize}, {@code UpdateAllEntries})
 * so that validity and repair decisions match cgpt's exactly; unlike cgpt it records why each copy is
 * invalid, so errors can say what is wrong.
 *
 * <p>Mutable and confined to one operation on one thread.
 */
final class GptImage {
  static final int PRIMARY = 1;
  static final int SECONDARY = 2;
  static final int BOTH = PRIMARY | SECONDARY;

  static final int MODIFIED_HEADER1 = 1;
  static final int MODIFIED_HEADER2 = 2;
  static final int MODIFIED_ENTRIES1 = 4;
  static final int MODIFIED_ENTRIES2 = 8;
  static final int MODIFIED_ALL = 15;

  final long sectors;
  final byte[] pmbr;
  final byte[] header1;
  final byte[] header2;
  final byte[] entries1;
  final byte[] entries2;
  int validHeaders;
  int validEntries;
  int modified;
  /** Why copies were found invalid by the last {@link #sanityCheck()}. */
  final List<String> problems = new ArrayList<>();

  private GptImage(long sectors, byte[] pmbr, byte[] h1, byte[] h2, byte[] e1, byte[] e2) {
    this.sectors = sectors;
    this.pmbr = pmbr;
    this.header1 = h1;
    this.header2 = h2;
    this.entries1 = e1;
    this.entries2 = e2;
  }

  /** Reads all GPT structures from {@code dev}; fails only on I/O or a disk too small to hold them. */
  static GptImage load(BlockDevice dev) throws IOException {
    long size = dev.size();
    if (size == 0) {
      throw new GptException(dev.name() + ": the disk is empty (0 bytes)");
    }
    if (size % GptLayout.SECTOR != 0) {
      throw new GptException(String.format(
          "%s: media size (%d) is not a multiple of the sector size (512)", dev.name(), size));
    }
    long sectors = size / GptLayout.SECTOR;
    if (sectors < GptLayout.MIN_SECTORS) {
      throw new GptException(String.format(
          "%s: too small to hold a GPT: %d sectors, at least %d needed", dev.name(), sectors,
          GptLayout.MIN_SECTORS));
    }
    return new GptImage(sectors,
        readSectors(dev, 0, 1),
        readSectors(dev, 1, 1),
        readSectors(dev, GptLayout.backupHeaderLba(sectors), 1),
        readSectors(dev, 2, GptLayout.ENTRIES_SECTORS),
        readSectors(dev, GptLayout.backupEntriesLba(sectors), GptLayout.ENTRIES_SECTORS));
  }

  /** A zeroed table for {@code cgpt create}: every part modified, nothing valid until initialised. */
  static GptImage blank(long sectors) {
    int s = GptLayout.SECTOR;
    GptImage img = new GptImage(sectors, new byte[s], new byte[s], new byte[s],
        new byte[GptLayout.ENTRIES_BYTES], new byte[GptLayout.ENTRIES_BYTES]);
    img.modified = MODIFIED_ALL;
    return img;
  }

  private static byte[] readSectors(BlockDevice dev, long lba, int count) throws IOException {
    byte[] b = new byte[count * GptLayout.SECTOR];
    dev.read(lba * GptLayout.SECTOR, ByteBuffer.wrap(b));
    return b;
  }

  // ---------------------------------------------------------------- validation (cgpt's rules)

  String checkHeader(byte[] h, boolean secondary) {
    return GptRules.checkHeader(h, secondary, sectors);
  }

  GptRules.EntriesCheck checkEntries(byte[] entries, byte[] h) {
    return GptRules.checkEntries(entries, h);
  }

  /**
   * Decides which header and entry copies are valid, exactly as seismograph's
   * {@code GptSanityCheck}, and returns its result code.
   */
  GptError sanityCheck() {
    validHeaders = 0;
    validEntries = 0;
    problems.clear();
    String p1 = checkHeader(header1, false);
    String p2 = checkHeader(header2, true);
    byte[] good = null;
    if (p1 == null) {
      validHeaders |= PRIMARY;
      good = header1;
    } else {
      problems.add("primary GPT header: " + p1);
    }
    if (p2 == null) {
      validHeaders |= SECONDARY;
      if (good == null) {
        good = header2;
      }
    } else {
      problems.add("secondary GPT header: " + p2);
    }
    if (good == null) {
      return GptError.INVALID_HEADERS;
    }
    GptRules.EntriesCheck c1 = checkEntries(entries1, good);
    GptRules.EntriesCheck c2 = checkEntries(entries2, good);
    if (c1.ok()) {
      validEntries |= PRIMARY;
    }
    if (c2.ok()) {
      validEntries |= SECONDARY;
    }
    // Both headers good but neither array matches the first: perhaps the secondary header
    // describes an array (a write torn between the two copies). Then the primary header is stale.
    if (validHeaders == BOTH && validEntries == 0) {
      GptRules.EntriesCheck d1 = checkEntries(entries1, header2);
      GptRules.EntriesCheck d2 = checkEntries(entries2, header2);
      if (d1.ok()) {
        validEntries |= PRIMARY;
      }
      if (d2.ok()) {
        validEntries |= SECONDARY;
      }
      if (validEntries != 0) {
        validHeaders &= ~PRIMARY;
        problems.add("primary GPT header: does not describe either partition array");
        c1 = d1;
        c2 = d2;
      }
    }
    if ((validEntries & PRIMARY) == 0) {
      problems.add("primary partition table: " + c1.reason());
    }
    if ((validEntries & SECONDARY) == 0) {
      problems.add("secondary partition table: " + c2.reason());
    }
    if (validEntries == 0) {
      return GptError.INVALID_ENTRIES;
    }
    if (validHeaders == BOTH && !headerFieldsSame(header1, header2)) {
      validHeaders &= ~SECONDARY;
      problems.add("secondary GPT header: differs from the primary header");
    }
    return GptError.SUCCESS;
  }

  /** True when both copies of header and entries are valid. */
  boolean fullyValid() {
    return validHeaders == BOTH && validEntries == BOTH;
  }

  /** seismograph {@code HeaderFieldsSame}: everything but the location fields and the CRC. */
  private static boolean headerFieldsSame(byte[] a, byte[] b) {
    return Arrays.equals(a, 0, 16, b, 0, 16) // signature, revision, size
        && Arrays.equals(a, 20, 24, b, 20, 24) // reserved
        && Arrays.equals(a, 40, 72, b, 40, 72) // first/last usable LBA, disk GUID
        && Arrays.equals(a, 80, 92, b, 80, 92); // entry count and size, entries CRC
  }

  /** seismograph {@code IsSynonymous}: the fields both headers must share. */
  static boolean synonymous(byte[] a, byte[] b) {
    return Arrays.equals(a, 40, 72, b, 40, 72) && Arrays.equals(a, 80, 88, b, 80, 88);
  }

  // ---------------------------------------------------------------- repair and update

  /**
   * seismograph {@code GptRepair}: moves the backup to the end of a grown disk, then rebuilds
   * whichever header and array copy is invalid from the valid one. Call after {@link #sanityCheck}.
   */
  GptError repair() {
    if (validHeaders == 0) {
      return GptError.INVALID_HEADERS;
    }
    if (validEntries == 0) {
      return GptError.INVALID_ENTRIES;
    }
    GptError resized = recomputeSize();
    if (resized != GptError.SUCCESS) {
      return resized;
    }
    if (validHeaders == PRIMARY) {
      copyHeader(header1, header2, GptLayout.backupHeaderLba(sectors), 1);
      modified |= MODIFIED_HEADER2;
    } else if (validHeaders == SECONDARY) {
      copyHeader(header2, header1, 1, GptLayout.backupHeaderLba(sectors));
      modified |= MODIFIED_HEADER1;
    }
    validHeaders = BOTH;
    if (validEntries == PRIMARY) {
      System.arraycopy(entries1, 0, entries2, 0, GptLayout.ENTRIES_BYTES);
      modified |= MODIFIED_ENTRIES2;
    } else if (validEntries == SECONDARY) {
      System.arraycopy(entries2, 0, entries1, 0, GptLayout.ENTRIES_BYTES);
      modified |= MODIFIED_ENTRIES1;
    }
    validEntries = BOTH;
    return GptError.SUCCESS;
  }

  /**
   * seismograph {@code GptRecomputeSize}: on a disk that grew, point the valid header at the new
   * end (AlternateLBA, LastUsableLBA), but only if every partition still fits.
   */
  private GptError recomputeSize() {
    long alt = GptLayout.backupHeaderLba(sectors);
    long altEntries = GptLayout.backupEntriesLba(sectors);
    long lastUsable = altEntries - 1;
    byte[] h;
    int wasValid;
    if ((validHeaders & PRIMARY) != 0) {
      h = header1;
      if (Le.u64(h, 32) == alt && Le.u64(h, 48) == lastUsable) {
        return GptError.SUCCESS;
      }
      wasValid = PRIMARY;
    } else {
      h = header2;
      if (Le.u64(h, 24) == alt && Le.u64(h, 72) == altEntries && Le.u64(h, 48) == lastUsable) {
        return GptError.SUCCESS;
      }
      wasValid = SECONDARY;
    }
    byte[] saved = h.clone();
    if (wasValid == PRIMARY) {
      Le.put64(h, 32, alt);
    } else {
      Le.put64(h, 24, alt);
      Le.put64(h, 72, altEntries);
    }
    Le.put64(h, 48, lastUsable);
    Le.put32(h, GptHeader.CRC_OFFSET, GptHeader.computeCrc(h));
    List<String> before = List.copyOf(problems);
    if (sanityCheck() != GptError.SUCCESS || validHeaders != wasValid) {
      System.arraycopy(saved, 0, h, 0, saved.length);
      sanityCheck();
      problems.clear();
      problems.addAll(before);
      problems.add("cannot move the backup GPT to the end of the disk: a partition would not fit");
      return GptError.INVALID_HEADERS;
    }
    modified |= MODIFIED_HEADER2 | MODIFIED_ENTRIES2;
    if (wasValid == PRIMARY) {
      modified |= MODIFIED_HEADER1;
    }
    return GptError.SUCCESS;
  }

  /** Copies the 92-byte header {@code from} into {@code to} at a new location, with a fresh CRC. */
  private void copyHeader(byte[] from, byte[] to, long myLba, long alternateLba) {
    System.arraycopy(from, 0, to, 0, GptLayout.HEADER_SIZE);
    Le.put64(to, 24, myLba);
    Le.put64(to, 32, alternateLba);
    Le.put64(to, 72, myLba == 1 ? 2 : myLba - GptLayout.ENTRIES_SECTORS);
    Le.put32(to, GptHeader.CRC_OFFSET, GptHeader.computeCrc(to));
  }

  /**
   * seismograph {@code UpdateAllEntries}: after the primary array changed, copy it and the primary
   * header to the backup and recompute every CRC.
   */
  void updateAllEntries() {
    System.arraycopy(entries1, 0, entries2, 0, GptLayout.ENTRIES_BYTES);
    System.arraycopy(header1, 0, header2, 0, GptLayout.HEADER_SIZE);
    Le.put64(header2, 24, GptLayout.backupHeaderLba(sectors));
    Le.put64(header2, 32, Le.u64(header1, 24));
    Le.put64(header2, 72, GptLayout.backupEntriesLba(sectors));
    modified = MODIFIED_ALL;
    updateCrcs();
  }

  /** seismograph {@code UpdateCrc}: entries CRCs first, then header CRCs over 92 bytes. */
  void updateCrcs() {
    if ((modified & MODIFIED_ENTRIES1) != 0) {
      Le.put32(header1, 88, GptHeader.crc(entries1, 0, GptLayout.ENTRIES_BYTES));
    }
    if ((modified & MODIFIED_ENTRIES2) != 0) {
      Le.put32(header2, 88, GptHeader.crc(entries2, 0, GptLayout.ENTRIES_BYTES));
    }
    for (byte[] h : new byte[][] {header1, header2}) {
      int flag = h == header1 ? MODIFIED_HEADER1 : MODIFIED_HEADER2;
      if ((modified & flag) != 0) {
        Le.put32(h, GptHeader.CRC_OFFSET, 0);
        Le.put32(h, GptHeader.CRC_OFFSET, GptHeader.crc(h, 0, GptLayout.HEADER_SIZE));
      }
    }
  }

  // ---------------------------------------------------------------- entry access

  /** The entries of the valid array (primary preferred), all 128 of them. */
  byte[] anyValidEntries() {
    return (validEntries & PRIMARY) != 0 ? entries1 : entries2;
  }

  /** The valid header (primary preferred). */
  byte[] anyValidHeader() {
    return (validHeaders & PRIMARY) != 0 ? header1 : header2;
  }

  static GptEntry entry(byte[] entries, int index) {
    return GptEntry.decode(index + 1, entries, index * GptEntry.SIZE);
  }

  static List<GptEntry> entries(byte[] entries) {
    List<GptEntry> list = new ArrayList<>(GptLayout.ENTRY_COUNT);
    for (int i = 0; i < GptLayout.ENTRY_COUNT; i++) {
      list.add(entry(entries, i));
    }
    return list;
  }

  PartitionAttributes attributes(int index) {
    return new PartitionAttributes(Le.u64(entries1, index * GptEntry.SIZE + GptEntry.ATTRIBUTES_OFFSET));
  }

  /** Sets the attributes of a primary entry (the copy every cgpt mutation edits). */
  void setAttributes(int index, PartitionAttributes attrs) {
    Le.put64(entries1, index * GptEntry.SIZE + GptEntry.ATTRIBUTES_OFFSET, attrs.raw());
  }

  boolean isUsr(int index) {
    return PartitionTypes.isUsr(Guids.read(entries1, index * GptEntry.SIZE));
  }
}
