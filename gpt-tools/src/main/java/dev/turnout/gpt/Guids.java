package dev.turnout.gpt;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * GUIDs as GPT stores them: the first three fields little-endian, the last eight bytes as they are
 * ("mixed-endian"). Flatcar's USR type {@code 5dfbf5f4-2848-4bac-aa5e-0d9a20b745a6} is stored as
 * {@code f4f5fb5d 4828 ac4b aa5e0d9a20b745a6}.
 */
public final class Guids {
  /** The all-zero GUID: the type of an unused partition entry. */
  public static final UUID ZERO = new UUID(0, 0);

  private static final Pattern TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Guids() {}

  /** Decodes the 16 bytes at {@code off}. */
  public static UUID read(byte[] b, int off) {
    long msb = (long) Le.u32(b, off) << 32 | (long) Le.u16(b, off + 4) << 16 | Le.u16(b, off + 6);
    long lsb = 0;
    for (int i = 8; i < 16; i++) {
      lsb = lsb << 8 | (b[off + i] & 0xFF);
    }
    return new UUID(msb, lsb);
  }

  /** Encodes {@code guid} into the 16 bytes at {@code off}. */
  public static void write(UUID guid, byte[] b, int off) {
    long msb = guid.getMostSignificantBits();
    Le.put32(b, off, (int) (msb >>> 32));
    Le.put16(b, off + 4, (int) (msb >>> 16));
    Le.put16(b, off + 6, (int) msb);
    long lsb = guid.getLeastSignificantBits();
    for (int i = 15; i >= 8; i--) {
      b[off + i] = (byte) lsb;
      lsb >>>= 8;
    }
  }

  /** Parses the canonical 8-4-4-4-12 form, either case. */
  public static UUID parse(String text) {
    if (!TEXT.matcher(text).matches()) {
      throw new IllegalArgumentException("not a GUID: \"" + text + "\"");
    }
    return UUID.fromString(text);
  }

  /** The form cgpt shows in tables: upper case. */
  public static String upper(UUID guid) {
    return guid.toString().toUpperCase(Locale.ROOT);
  }

  /** The form {@code cgpt next} and GRUB print, and the kernel's PARTUUID uses: lower case. */
  public static String lower(UUID guid) {
    return guid.toString();
  }

  /** A random (version 4, RFC 4122) GUID from {@code random}. */
  static UUID random(java.util.Random random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    b[6] = (byte) (b[6] & 0x0F | 0x40); // version 4
    b[8] = (byte) (b[8] & 0x3F | 0x80); // RFC 4122 variant
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = msb << 8 | (b[i] & 0xFF);
      lsb = lsb << 8 | (b[i + 8] & 0xFF);
    }
    return new UUID(msb, lsb);
  }
}
