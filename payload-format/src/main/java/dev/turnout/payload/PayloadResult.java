package dev.turnout.payload;

import java.util.Base64;

/**
 * A payload applied and verified in full.
 *
 * @param size bytes of payload consumed
 * @param sha256 SHA-256 of the whole payload file (what Omaha's {@code sha256} attribute carries)
 * @param signedHash SHA-256 of everything before the signature blob
 * @param verifiedBy name of the trusted key whose version-2 signature verified
 * @param operations operations applied
 * @param newPartitionSize bytes of the new image now in the target partition
 * @param newPartitionSha256 the manifest's SHA-256 of those bytes
 * @param kernelSize the kernel's size, or -1 when the payload carries no kernel
 * @param kernelSha256 the manifest's SHA-256 of the kernel (empty without one)
 * @param targetsVerified whether the partition and kernel were read back and found to match those
 *     hashes; false when the caller deferred that ({@link PayloadConsumerBuilder#deferTargetVerification})
 */
public record PayloadResult(long size, byte[] sha256, byte[] signedHash, String verifiedBy,
    int operations, long newPartitionSize, byte[] newPartitionSha256, long kernelSize,
    byte[] kernelSha256, boolean targetsVerified) {

  public PayloadResult {
    sha256 = sha256.clone();
    signedHash = signedHash.clone();
    newPartitionSha256 = newPartitionSha256.clone();
    kernelSha256 = kernelSha256.clone();
  }

  /** The payload hash as Omaha carries it: standard base64 with padding. */
  public String sha256Base64() {
    return Base64.getEncoder().encodeToString(sha256);
  }
}
