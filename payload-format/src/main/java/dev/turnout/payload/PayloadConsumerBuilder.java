package dev.turnout.payload;

import java.util.List;

/** Configuration of one apply: the targets, the trusted keys, what Omaha announced, a resume. */
public final class PayloadConsumerBuilder {
PayloadTarget partition;
PayloadTarget kernel;
List<Keys.TrustedKey> trustedKeys = List.of();
Long expectedSize;
String expectedSha256;
PayloadLimits limits = PayloadLimits.DEFAULT;
Checkpoint resume;
int threads;
boolean verifyTargets = true;

  /** The USR partition to write (required). */
  public PayloadConsumerBuilder partition(PayloadTarget t) {
    this.partition = t;
    return this;
  }

  /** Where the KERNEL procedure goes; without it the kernel is checked and discarded. */
  public PayloadConsumerBuilder kernel(PayloadTarget t) {
    this.kernel = t;
    return this;
  }

  /** Keys whose version-2 signature is accepted; none means every payload is rejected. */
  public PayloadConsumerBuilder trustedKeys(List<Keys.TrustedKey> keys) {
    this.trustedKeys = keys;
    return this;
  }

  /** Omaha's {@code size}: the payload must be exactly this long (error 11). */
  public PayloadConsumerBuilder expectedSize(long size) {
    this.expectedSize = size;
    return this;
  }

  /** Omaha's {@code sha256}, base64: the payload hash must match it as a string (error 10). */
  public PayloadConsumerBuilder expectedSha256(String base64) {
    this.expectedSha256 = base64;
    return this;
  }

  public PayloadConsumerBuilder limits(PayloadLimits l) {
    this.limits = l;
    return this;
  }

  /** Decompression threads; 0 (the default) for one per core. */
  public PayloadConsumerBuilder threads(int n) {
    this.threads = n;
    return this;
  }

  /**
   * Leave reading back the partition and kernel to the caller ({@link PayloadResult} carries the
   * manifest's sizes and hashes for it); {@link #finish()} still checks size, hashes and
   * signature. For targets the caller checks in a way of its own (the daemon's extension images).
   */
  public PayloadConsumerBuilder deferTargetVerification() {
    this.verifyTargets = false;
    return this;
  }

  /** Continue an interrupted apply; feed it the metadata, then the rest from the checkpoint. */
  public PayloadConsumerBuilder resumeFrom(Checkpoint cp) {
    this.resume = cp;
    return this;
  }

  public PayloadConsumer build() {
    return new PayloadConsumer(this);
  }
}
