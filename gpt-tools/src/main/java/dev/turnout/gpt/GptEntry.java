package dev.turnout.gpt;

import java.util.Objects;
import java.util.UUID;

/**
 * One 128-byte partition entry: type GUID (0), unique GUID (16), first LBA (32), last LBA inclusive
 * (40), attributes (48), name as 36 UTF-16LE code units (56).
 *
 * @param number the 1-based partition number (index in the array + 1)
 */
public record GptEntry(int number, UUID type, UUID unique, long firstLba, long lastLba,
    PartitionAttributes attributes, String label) {

  static final int SIZE = 128;
  static final int ATTRIBUTES_OFFSET = 48;
  static final int NAME_OFFSET = 56;
  /** The name field holds 36 UTF-16 code units; cgpt keeps the last one for the terminator. */
  static final int MAX_LABEL_UNITS = 35;

  public GptEntry {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(unique, "unique");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(label, "label");
    if (number < 1) {
      throw new IllegalArgumentException("partition numbers start at 1, not " + number);
    }
  }

  /** An entry is in use iff its type GUID is not all zero. */
  public boolean used() {
    return !type.equals(Guids.ZERO);
  }

  /** Size in sectors; the last LBA is inclusive. */
  public long sizeLba() {
    return lastLba - firstLba + 1;
  }

  /** Byte offset of the partition on a disk of 512-byte sectors. */
  public long byteOffset() {
    return firstLba * GptLayout.SECTOR;
  }

  /** Byte length of the partition on a disk of 512-byte sectors. */
  public long byteLength() {
    return sizeLba() * GptLayout.SECTOR;
  }

  static GptEntry decode(int number, byte[] array, int off) {
    return new GptEntry(number, Guids.read(array, off), Guids.read(array, off + 16),
        Le.u64(array, off + 32), Le.u64(array, off + 40),
        new PartitionAttributes(Le.u64(array, off + ATTRIBUTES_OFFSET)),
        decodeLabel(array, off + NAME_OFFSET));
  }

  /** Writes this entry into {@code array} at {@code off}, all 128 bytes. */
  void encode(byte[] array, int off) {
    Guids.write(type, array, off);
    Guids.write(unique, array, off + 16);
    Le.put64(array, off + 32, firstLba);
    Le.put64(array, off + 40, lastLba);
    Le.put64(array, off + ATTRIBUTES_OFFSET, attributes.raw());
    encodeLabel(label, array, off + NAME_OFFSET);
  }

  /** Reads code units up to the first NUL, as cgpt's UTF16ToUTF8 does. */
  static String decodeLabel(byte[] b, int off) {
    StringBuilder sb = new StringBuilder(36);
    for (int i = 0; i < 36; i++) {
      char c = (char) Le.u16(b, off + 2 * i);
      if (c == 0) {
        break;
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Encodes at most 35 code units (never splitting a surrogate pair), zero-filling the rest. */
  static void encodeLabel(String label, byte[] b, int off) {
    int units = Math.min(label.length(), MAX_LABEL_UNITS);
    if (units > 0 && units < label.length() && Character.isHighSurrogate(label.charAt(units - 1))) {
      units--;
    }
    for (int i = 0; i < 36; i++) {
      Le.put16(b, off + 2 * i, i < units ? label.charAt(i) : 0);
    }
  }
}
