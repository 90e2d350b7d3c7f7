package dev.turnout.gpt;

import java.util.Arrays;

/**
 * seismograph cgptlib's validity rules for one header ({@code CheckHeader}) and one entry array
 * ({@code CheckEntries}), each answering why a copy is invalid so that errors can say what is wrong.
 */
final class GptRules {
  private GptRules() {}

  /**
   * Why a header is not valid, or null when it is (seismograph {@code CheckHeader}).
   */
  static String checkHeader(byte[] h, boolean secondary, long sectors) {
    if (!Arrays.equals(h, 0, 8, GptHeader.SIGNATURE, 0, 8)
        && !Arrays.equals(h, 0, 8, GptHeader.SIGNATURE_CHROMEOS, 0, 8)) {
      return "no GPT signature";
    }
    if (Le.u32(h, 8) != GptHeader.REVISION) {
      return String.format("unsupported revision 0x%08x", Le.u32(h, 8));
    }
    long size = Le.u32(h, 12);
    if (size < GptLayout.HEADER_SIZE || size > GptLayout.SECTOR) {
      return "header size " + size + " is out of range (92..512)";
    }
    long stored = Le.u32(h, GptHeader.CRC_OFFSET);
    long computed = GptHeader.computeCrc(h);
    if (stored != computed) {
      return String.format("header CRC mismatch (stored 0x%08x, computed 0x%08x)", stored, computed);
    }
    if (Le.u32(h, 20) != 0) {
      return "reserved field is not zero";
    }
    long entrySize = Le.u32(h, 84);
    long count = Le.u32(h, 80);
    if (entrySize != GptEntry.SIZE) {
      return "entry size " + entrySize + " is not supported (only 128)";
    }
    if (count * entrySize != GptLayout.ENTRIES_BYTES) {
      return "entry count " + count + " is out of range (only 128 entries of 128 bytes)";
    }
    long my = Le.u64(h, 24);
    long entriesLba = Le.u64(h, 72);
    if (secondary) {
      long expected = GptLayout.backupHeaderLba(sectors);
      if (my > expected) {
        return String.format("header claims LBA %d, past the end of the disk (%d sectors)",
            my, sectors);
      }
      if (my != expected) {
        return String.format("header is at LBA %d, not at the end of the disk (LBA %d)",
            my, expected);
      }
      if (entriesLba != my - GptLayout.ENTRIES_SECTORS) {
        return "partition array LBA " + entriesLba + " does not precede the header";
      }
    } else {
      if (my != 1) {
        return "header claims LBA " + my + ", not 1";
      }
      if (entriesLba != 2) {
        return "partition array LBA " + entriesLba + " is not 2";
      }
    }
    long first = Le.u64(h, 40);
    long last = Le.u64(h, 48);
    if (first < GptLayout.FIRST_USABLE) {
      return "first usable LBA " + first + " overlaps the primary partition array";
    }
    if (Long.compareUnsigned(last, GptLayout.backupEntriesLba(sectors)) >= 0) {
      return String.format("last usable LBA %s is past the end of the disk's usable space (%d)",
          Long.toUnsignedString(last), GptLayout.lastUsable(sectors));
    }
    if (first > last) {
      return "first usable LBA " + first + " is after last usable LBA " + last;
    }
    return null;
  }

  /** The result of checking an entry array against a header (seismograph {@code CheckEntries}). */
  record EntriesCheck(int code, String reason) {
    boolean ok() {
      return code == GptError.SUCCESS.code;
    }
  }

  static EntriesCheck checkEntries(byte[] entries, byte[] h) {
    long stored = Le.u32(h, 88);
    long computed = GptHeader.crc(entries, 0, GptLayout.ENTRIES_BYTES);
    if (stored != computed) {
      return new EntriesCheck(GptError.CRC_CORRUPTED.code, String.format(
          "partition array CRC mismatch (stored 0x%08x, computed 0x%08x)", stored, computed));
    }
    long firstUsable = Le.u64(h, 40);
    long lastUsable = Le.u64(h, 48);
    for (int i = 0; i < GptLayout.ENTRY_COUNT; i++) {
      int off = i * GptEntry.SIZE;
      if (unused(entries, off)) {
        continue;
      }
      long start = Le.u64(entries, off + 32);
      long end = Le.u64(entries, off + 40);
      if (Long.compareUnsigned(start, firstUsable) < 0 || Long.compareUnsigned(end, lastUsable) > 0
          || Long.compareUnsigned(end, start) < 0) {
        return new EntriesCheck(GptError.OUT_OF_REGION.code, String.format(
            "partition %d (LBA %s..%s) is outside the usable region %d..%d", i + 1,
            Long.toUnsignedString(start), Long.toUnsignedString(end), firstUsable, lastUsable));
      }
      for (int j = 0; j < GptLayout.ENTRY_COUNT; j++) {
        int o2 = j * GptEntry.SIZE;
        if (j == i || unused(entries, o2)) {
          continue;
        }
        long s2 = Le.u64(entries, o2 + 32);
        long e2 = Le.u64(entries, o2 + 40);
        if (Long.compareUnsigned(start, s2) >= 0 && Long.compareUnsigned(start, e2) <= 0) {
          return new EntriesCheck(GptError.START_LBA_OVERLAP.code,
              String.format("partition %d starts inside partition %d", i + 1, j + 1));
        }
        if (Long.compareUnsigned(end, s2) >= 0 && Long.compareUnsigned(end, e2) <= 0) {
          return new EntriesCheck(GptError.END_LBA_OVERLAP.code,
              String.format("partition %d ends inside partition %d", i + 1, j + 1));
        }
        if (Arrays.equals(entries, off + 16, off + 32, entries, o2 + 16, o2 + 32)) {
          return new EntriesCheck(GptError.DUP_GUID.code,
              String.format("partitions %d and %d have the same unique GUID", i + 1, j + 1));
        }
      }
    }
    return new EntriesCheck(GptError.SUCCESS.code, null);
  }


  /** An entry whose type GUID is all zero is unused. */
  static boolean unused(byte[] entries, int off) {
    for (int k = 0; k < 16; k++) {
      if (entries[off + k] != 0) {
        return false;
      }
    }
    return true;
  }
}
