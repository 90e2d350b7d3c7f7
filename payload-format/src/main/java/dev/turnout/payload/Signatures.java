package dev.turnout.payload;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.turnout.payload.proto.UpdateMetadata;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;

/**
 * Payload signatures: RSASSA-PKCS1-v1_5 over the SHA-256 signed hash, as
 * {@code openssl pkeyutl -sign -pkeyopt digest:sha256} makes them and update_engine's
 * {@code EVP_PKEY_verify_recover} checks them. The hash is already computed, so the JDK's
 * {@code NONEwithRSA} is given the DigestInfo prefix and the hash.
 */
final class Signatures {
  /** The DER DigestInfo prefix for SHA-256 ({@code core_sign_update} ships the same 19 bytes). */
  static final byte[] SHA256_DIGEST_INFO = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86,
      0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
  /** update_engine checks only the entry with this version ({@code kSignatureMessageCurrentVersion}). */
  public static final int CURRENT_VERSION = 2;

  private Signatures() {}

  /** Signs a 32-byte hash with a private key. */
  public static byte[] sign(byte[] hash, PrivateKey key) throws GeneralSecurityException {
    Signature s = Signature.getInstance("NONEwithRSA");
    s.initSign(key);
    s.update(digestInfo(hash));
    return s.sign();
  }

  /**
   * The {@code Signatures} blob for signatures made with N keys: versions {@code 2+1-N .. 2}, so the
   * last key is version 2 ({@code ConvertSignatureToProtobufBlob}).
   */
  public static byte[] blob(List<byte[]> signatures) {
    UpdateMetadata.Signatures.Builder b = UpdateMetadata.Signatures.newBuilder();
    int version = CURRENT_VERSION + 1 - signatures.size();
    for (byte[] sig : signatures) {
      b.addSignatures(UpdateMetadata.Signatures.Signature.newBuilder().setVersion(version++)
          .setData(ByteString.copyFrom(sig)));
    }
    return b.build().toByteArray();
  }

  /** The size of the blob for signatures of these byte lengths (e.g. 256 for 2048-bit keys). */
  public static int blobSize(List<Integer> signatureSizes) {
    return blob(signatureSizes.stream().map(byte[]::new).toList()).length;
  }

  /**
   * Checks a signature blob against the signed hash: the first version-2 entry must verify under
   * one of the trusted keys. Fails closed on every missing piece.
   *
   * @return the name of the key that verified it
   */
  public static String verify(byte[] blob, byte[] signedHash, List<Keys.TrustedKey> trusted)
      throws PayloadException {
    if (trusted.isEmpty()) {
      throw new PayloadException(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR,
          "no public key is configured to verify the payload signature");
    }
    if (blob == null || blob.length == 0) {
      throw new PayloadException(ErrorCode.SIGNED_DELTA_PAYLOAD_EXPECTED_ERROR,
          "the payload is not signed");
    }
    UpdateMetadata.Signatures parsed;
    try {
      parsed = UpdateMetadata.Signatures.parseFrom(blob);
    } catch (InvalidProtocolBufferException e) {
      throw fail("the signature blob cannot be parsed: " + e.getMessage());
    }
    byte[] sig = parsed.getSignaturesList().stream()
        .filter(s -> s.getVersion() == CURRENT_VERSION).findFirst()
        .map(s -> s.getData().toByteArray())
        .orElseThrow(() -> fail("the payload has no version-2 signature (versions present: "
            + parsed.getSignaturesList().stream().map(s -> Integer.toString(s.getVersion()))
                .toList() + ")"));
    for (Keys.TrustedKey k : trusted) {
      int keyBytes = (k.key().getModulus().bitLength() + 7) / 8;
      if (sig.length > 2 * keyBytes) {
        throw fail("the version-2 signature is " + sig.length + " bytes, more than twice the "
            + keyBytes + "-byte key " + k.name());
      }
      try {
        Signature s = Signature.getInstance("NONEwithRSA");
        s.initVerify(k.key());
        s.update(digestInfo(signedHash));
        if (s.verify(sig)) {
          return k.name();
        }
      } catch (GeneralSecurityException e) {
        // a malformed signature for this key: try the next one
      }
    }
    throw fail("the version-2 signature does not verify under "
        + (trusted.size() == 1 ? "the key " + trusted.get(0).name()
            : "any of the " + trusted.size() + " trusted keys"));
  }

  static byte[] digestInfo(byte[] hash) {
    if (hash.length != 32) {
      throw new IllegalArgumentException("a SHA-256 hash is 32 bytes, not " + hash.length);
    }
    byte[] out = Arrays.copyOf(SHA256_DIGEST_INFO, SHA256_DIGEST_INFO.length + 32);
    System.arraycopy(hash, 0, out, SHA256_DIGEST_INFO.length, 32);
    return out;
  }

  private static PayloadException fail(String message) {
    return new PayloadException(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR, message);
  }
}
