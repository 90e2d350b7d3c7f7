package dev.turnout.payload;

import java.io.IOException;
import java.security.MessageDigest;

/**
 * Reads a written image back and checks it against the manifest's size and SHA-256: the new
 * partition ({@code new_partition_info}, error 15), the kernel (error 16) and the PCR policy
 * (error 42). The one check, used by the consumer and by the daemon for extension images.
 */
public final class PartitionVerifier {
  private PartitionVerifier() {}

  /** Checks that the first {@code size} bytes of {@code t} hash to {@code sha256}. */
  static void verify(PayloadTarget t, long size, byte[] sha256, ErrorCode code, String what)
      throws PayloadException {
    byte[] actual;
    try {
      actual = t.sha256(size);
    } catch (IOException e) {
      throw new PayloadException(code, what + ": reading it back failed: " + e.getMessage(), e);
    }
    check(actual, sha256, code, what);
  }

  /** Checks a hash of what was read back (error {@code code} when it is not {@code sha256}). */
  static void check(byte[] actual, byte[] sha256, ErrorCode code, String what)
      throws PayloadException {
    if (!MessageDigest.isEqual(actual, sha256)) {
      throw new PayloadException(code, what + " does not match the manifest's SHA-256 after writing");
    }
  }

  /** A file target (the kernel): cut to {@code size}, forced, then checked as {@link #verify}. */
  public static void truncateAndVerify(PayloadTarget t, long size, byte[] sha256, ErrorCode code,
      String what) throws PayloadException {
    try {
      t.truncate(size);
      t.force();
    } catch (IOException e) {
      throw new PayloadException(code, what + ": cannot cut to " + size + " bytes", e);
    }
    verify(t, size, sha256, code, what);
  }
}
