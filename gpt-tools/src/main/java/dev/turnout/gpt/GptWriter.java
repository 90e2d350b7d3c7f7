package dev.turnout.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes the modified parts of a {@link GptImage} in the one order that survives a write torn at any
 * point: backup array, backup header, force; primary array, primary header, force; then the PMBR.
 *
 * <p>Why this order: until the backup header lands, the old primary still describes the old array
 * and wins; once the backup is complete the new table exists in full; a tear inside the primary
 * leaves a primary that no longer matches its CRCs, so cgpt's sanity check falls back to the new
 * backup. Either way {@code repair} restores the old table or the new one, never a mixture.
 * (cgpt itself writes primary first and forces once, at close.)
 */
final class GptWriter {
  private GptWriter() {}

  static void write(BlockDevice dev, GptImage img, boolean writePmbr) throws IOException {
    long sectors = img.sectors;
    int m = img.modified;
    if ((m & GptImage.MODIFIED_ENTRIES2) != 0) {
      put(dev, GptLayout.backupEntriesLba(sectors), img.entries2);
    }
    if ((m & GptImage.MODIFIED_HEADER2) != 0) {
      put(dev, GptLayout.backupHeaderLba(sectors), img.header2);
    }
    dev.force();
    if ((m & GptImage.MODIFIED_ENTRIES1) != 0) {
      put(dev, 2, img.entries1);
    }
    if ((m & GptImage.MODIFIED_HEADER1) != 0) {
      put(dev, 1, img.header1);
    }
    dev.force();
    if (writePmbr) {
      put(dev, 0, img.pmbr);
      dev.force();
    }
    img.modified = 0;
  }

  private static void put(BlockDevice dev, long lba, byte[] data) throws IOException {
    dev.write(lba * GptLayout.SECTOR, ByteBuffer.wrap(data));
  }
}
