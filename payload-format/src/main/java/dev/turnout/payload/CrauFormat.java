package dev.turnout.payload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The CrAU container ({@code update_engine/update_metadata.proto} and {@code payload_generator}):
 * a 20-byte header (magic {@code CrAU}, format version 1 as a big-endian u64, manifest size as a
 * big-endian u64), the manifest, the operation blobs, then the signature blob; and the hashing
 * every reader and writer of it shares.
 */
final class CrauFormat {
  static final byte[] MAGIC = {'C', 'r', 'A', 'U'};
  static final int HEADER_SIZE = 20;
  static final long VERSION = 1;

  private CrauFormat() {}

  /** The JDK's SHA-256 (intrinsic, fast); for everything whose state need not be saved. */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The digest of a running BouncyCastle hash, leaving the running one as it is. */
  static byte[] finalHash(SHA256Digest d) {
    SHA256Digest copy = new SHA256Digest(d);
    byte[] out = new byte[32];
    copy.doFinal(out, 0);
    return out;
  }

  /** The first {@code n} bytes as {@code 0x...} hex, for messages about a bad header. */
  static String hex(byte[] b, int n) {
    StringBuilder sb = new StringBuilder("0x");
    for (int i = 0; i < n; i++) {
      sb.append(String.format("%02x", b[i]));
    }
    return sb.toString();
  }

  /** Checks a payload's 20-byte header and returns its manifest size (at most {@code max}). */
  static long manifestSize(byte[] header, long max) throws PayloadException {
    if (!java.util.Arrays.equals(header, 0, 4, MAGIC, 0, 4)) {
      throw new PayloadException(ErrorCode.DOWNLOAD_INVALID_METADATA_MAGIC_STRING,
          "not a CrAU payload (it starts with " + hex(header, 4) + ")");
    }
    long version = java.nio.ByteBuffer.wrap(header, 4, 8).getLong();
    if (version != 1) {
      throw new PayloadException(ErrorCode.DOWNLOAD_INVALID_METADATA_MAGIC_STRING,
          "unsupported payload format version " + Long.toUnsignedString(version) + " (only 1)");
    }
    long size = java.nio.ByteBuffer.wrap(header, 12, 8).getLong();
    if (size <= 0 || size > max) {
      throw new PayloadException(ErrorCode.DOWNLOAD_INVALID_METADATA_SIZE, "manifest size "
          + Long.toUnsignedString(size) + " is outside 1.." + max);
    }
    return size;
  }
}
