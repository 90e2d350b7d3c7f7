package dev.turnout.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and verification, against openssl as an independent implementation. */
class SignatureTest {
  @TempDir static Path dir;
  static byte[] image;
  static Path unsigned;
  static KeyPair other;

  @BeforeAll
  static void setUp() throws Exception {
    image = TestPayloads.mixedContent(600_000, 3);
    unsigned = TestPayloads.payload(dir, image, new byte[5000], List.of());
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    other = g.generateKeyPair();
  }

  private static Keys.TrustedKey otherPublic() {
    return new Keys.TrustedKey("other.pub.pem", (RSAPublicKey) other.getPublic());
  }

  private static PayloadResult apply(Path payload, List<Keys.TrustedKey> keys) throws Exception {
    try (Applier a = new Applier(Files.createTempDirectory(dir, "apply"), 1 << 20)) {
      return a.apply(Files.readAllBytes(payload), Applier.Feed.FOUR_KIB, keys);
    }
  }

  private static PayloadException rejected(Path payload, List<Keys.TrustedKey> keys) {
    try {
      apply(payload, keys);
    } catch (PayloadException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a PayloadException, got " + e, e);
    }
    throw new AssertionError("the payload was accepted");
  }

  @Test
  void developerKeySignsAndVerifiesAsOnADevelopmentImage() throws Exception {
    Path signed = dir.resolve("dev.gz");
    PayloadSigner.sign(unsigned, List.of(TestPayloads.devPrivate()), signed);
    PayloadResult r = apply(signed, List.of(TestPayloads.devPublic()));
    assertThat(r.verifiedBy()).isEqualTo("flatcar-developer-v1.pub.pem");
    assertThat(PayloadFile.read(signed).signatures().getSignaturesList())
        .singleElement().satisfies(s -> {
          assertThat(s.getVersion()).isEqualTo(2);
          assertThat(s.getData().size()).isEqualTo(256);
        });
    // 2048-bit key: one 264-byte blob, covered by a one-block noop (spec 1.4).
    assertThat(PayloadFile.read(signed).manifest().getSignaturesSize()).isEqualTo(264);
  }

  @Test
  void opensslSignaturesVerifyAndMatchDirectSigningByteForByte() throws Exception {
    Path hashFile = Files.write(dir.resolve("update.hash"),
        PayloadSigner.hashToSign(unsigned, List.of(256)));
    Path sig = dir.resolve("update.sig");
    Process p = new ProcessBuilder("openssl", "pkeyutl", "-sign", "-inkey",
        TestPayloads.DEV_KEY.toString(), "-pkeyopt", "digest:sha256", "-in", hashFile.toString(),
        "-out", sig.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    Path viaOpenssl = dir.resolve("openssl.gz");
    PayloadSigner.insert(unsigned, List.of(Files.readAllBytes(sig)), viaOpenssl);

    Path direct = dir.resolve("direct.gz");
    PayloadSigner.sign(unsigned, List.of(TestPayloads.devPrivate()), direct);
    assertThat(Files.readAllBytes(viaOpenssl)).isEqualTo(Files.readAllBytes(direct));
    assertThat(apply(viaOpenssl, List.of(TestPayloads.devPublic())).verifiedBy()).isNotNull();
  }

  @Test
  void productionStyleDummyV1PlusRealV2VerifiesUnderTheV2KeyOnly() throws Exception {
    Path two = dir.resolve("two.gz");
    PayloadSigner.sign(unsigned, List.of(other.getPrivate(), TestPayloads.devPrivate()), two);
    assertThat(PayloadFile.read(two).signatures().getSignaturesList())
        .extracting(s -> s.getVersion()).containsExactly(1, 2);
    assertThat(PayloadFile.read(two).manifest().getSignaturesSize()).isEqualTo(528);
    assertThat(apply(two, List.of(TestPayloads.devPublic())).verifiedBy())
        .isEqualTo("flatcar-developer-v1.pub.pem");
    PayloadException e = rejected(two, List.of(otherPublic()));
    assertThat(e.code()).isEqualTo(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR);
    assertThat(e.reason()).contains("does not verify under the key other.pub.pem");
  }

  @Test
  void keyRotationAcceptsAnyTrustedKey() throws Exception {
    Path signed = dir.resolve("rot.gz");
    PayloadSigner.sign(unsigned, List.of(TestPayloads.devPrivate()), signed);
    assertThat(apply(signed, List.of(otherPublic(), TestPayloads.devPublic())).verifiedBy())
        .isEqualTo("flatcar-developer-v1.pub.pem");
  }

  @Test
  void failsClosed() throws Exception {
    Path signed = dir.resolve("closed.gz");
    PayloadSigner.sign(unsigned, List.of(TestPayloads.devPrivate()), signed);
    assertThat(rejected(signed, List.of()).code())
        .isEqualTo(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR);
    assertThat(rejected(unsigned, List.of(TestPayloads.devPublic())).code())
        .isEqualTo(ErrorCode.SIGNED_DELTA_PAYLOAD_EXPECTED_ERROR);
    Path garbage = dir.resolve("garbage.gz");
    PayloadSigner.insert(unsigned, List.of(new byte[256]), garbage);
    PayloadException e = rejected(garbage, List.of(TestPayloads.devPublic()));
    assertThat(e.code()).isEqualTo(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR);
  }

  @Test
  void oversizedAndMissingVersion2SignaturesAreRejected() throws Exception {
    var sig = dev.turnout.payload.proto.UpdateMetadata.Signatures.Signature.newBuilder();
    byte[] v1 = dev.turnout.payload.proto.UpdateMetadata.Signatures.newBuilder()
        .addSignatures(sig.setVersion(1).setData(com.google.protobuf.ByteString.copyFrom(
            new byte[256]))).build().toByteArray();
    assertThatThrownBy(() -> Signatures.verify(v1, new byte[32], List.of(TestPayloads.devPublic())))
        .isInstanceOf(PayloadException.class).hasMessageContaining("no version-2 signature");
    byte[] huge = dev.turnout.payload.proto.UpdateMetadata.Signatures.newBuilder()
        .addSignatures(sig.setVersion(2).setData(com.google.protobuf.ByteString.copyFrom(
            new byte[513]))).build().toByteArray();
    assertThatThrownBy(() -> Signatures.verify(huge, new byte[32],
        List.of(TestPayloads.devPublic()))).hasMessageContaining("more than twice");
    assertThatThrownBy(() -> Signatures.verify(new byte[] {1, 2, 3}, new byte[32],
        List.of(TestPayloads.devPublic()))).hasMessageContaining("cannot be parsed");
  }

  @Test
  void resigningReplacesTheOldSignature() throws Exception {
    Path a = dir.resolve("a.gz");
    Path b = dir.resolve("b.gz");
    PayloadSigner.sign(unsigned, List.of(other.getPrivate()), a);
    PayloadSigner.sign(a, List.of(TestPayloads.devPrivate()), b);
    Path direct = dir.resolve("b-direct.gz");
    PayloadSigner.sign(unsigned, List.of(TestPayloads.devPrivate()), direct);
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(direct));
  }
}
