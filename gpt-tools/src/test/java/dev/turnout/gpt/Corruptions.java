package dev.turnout.gpt;

import java.util.function.Consumer;

/** Edits a disk image's GPT behind the library's back, keeping or breaking CRCs as a test needs. */
final class Corruptions {
  private Corruptions() {}

  static int primaryHeader() {
    return GptLayout.SECTOR;
  }

  static int backupHeader(byte[] disk) {
    return disk.length - GptLayout.SECTOR;
  }

  /** Applies {@code patch} to both header sectors, then recomputes their CRCs. */
  static void patchHeaders(byte[] disk, Consumer<byte[]> patch) {
    for (int off : new int[] {primaryHeader(), backupHeader(disk)}) {
      byte[] h = new byte[GptLayout.SECTOR];
      System.arraycopy(disk, off, h, 0, h.length);
      patch.accept(h);
      Le.put32(h, GptHeader.CRC_OFFSET, GptHeader.computeCrc(h));
      System.arraycopy(h, 0, disk, off, h.length);
    }
  }

  /** Applies {@code patch} to both partition arrays, then fixes every CRC so only the content is bad. */
  static void patchArrays(byte[] disk, Consumer<byte[]> patch) {
    int[] arrays = {2 * GptLayout.SECTOR, backupHeader(disk) - GptLayout.ENTRIES_BYTES};
    long crc = 0;
    for (int off : arrays) {
      byte[] a = new byte[GptLayout.ENTRIES_BYTES];
      System.arraycopy(disk, off, a, 0, a.length);
      patch.accept(a);
      crc = GptHeader.crc(a, 0, a.length);
      System.arraycopy(a, 0, disk, off, a.length);
    }
    long entriesCrc = crc;
    patchHeaders(disk, h -> Le.put32(h, 88, entriesCrc));
  }

  /** Sets the first and last LBA of entry {@code number} in an array. */
  static Consumer<byte[]> extent(int number, long first, long last) {
    return a -> {
      Le.put64(a, (number - 1) * GptEntry.SIZE + 32, first);
      Le.put64(a, (number - 1) * GptEntry.SIZE + 40, last);
    };
  }
}
