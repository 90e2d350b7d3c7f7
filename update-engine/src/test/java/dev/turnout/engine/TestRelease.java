package dev.turnout.engine;

import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadGenerator;
import dev.turnout.payload.PayloadSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A signed release for unit tests: a USR image of {@code imageSize} bytes and a kernel, made into a
 * real CrAU payload by the project's generator and signed with a key made for the test run; and
 * the Omaha answer that offers it.
 */
public final class TestRelease {
  private static final KeyPair KEY = newKey();

  public final String version;
  public final byte[] image;
  public final byte[] kernel;
  public final byte[] payload;
  public final String sha256;

  public TestRelease(Path dir, String version, int imageSize) throws IOException {
    this.version = version;
    Random r = new Random(version.hashCode());
    image = new byte[imageSize];
    r.nextBytes(image);
    kernel = ("kernel of " + version).repeat(300).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path img = Files.write(dir.resolve(version + ".img"), image);
    Path k = Files.write(dir.resolve(version + ".vmlinuz"), kernel);
    Path unsigned = dir.resolve(version + ".unsigned");
    new PayloadGenerator(1).generate(img, k, unsigned);
    Path signed = dir.resolve(version + ".gz");
    PayloadSigner.sign(unsigned, List.of(KEY.getPrivate()), signed);
    payload = Files.readAllBytes(signed);
    try {
      sha256 = Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(payload));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An extension payload, as Flatcar's build makes one: {@code image} as partition operations,
   * no kernel, signed with the release key (or, {@code trusted} false, a key nobody trusts).
   */
  public static byte[] extension(Path dir, String name, byte[] image, boolean trusted)
      throws IOException {
    Path raw = Files.write(dir.resolve(name + ".raw"), image);
    Path unsigned = dir.resolve(name + ".unsigned");
    new PayloadGenerator(1).generate(raw, null, unsigned);
    Path signed = dir.resolve(name + ".gz");
    PayloadSigner.sign(unsigned, List.of(trusted ? KEY.getPrivate() : newKey().getPrivate()),
        signed);
    return Files.readAllBytes(signed);
  }

  /** The key the payload is signed with, as the daemon trusts it. */
  public static Keys.TrustedKey trustedKey() {
    return new Keys.TrustedKey("test.pub.pem", (RSAPublicKey) KEY.getPublic());
  }

  /** Some other key: a payload signed with the release key does not verify under it. */
  public static Keys.TrustedKey otherKey() {
    return new Keys.TrustedKey("other.pub.pem", (RSAPublicKey) newKey().getPublic());
  }

  /** Nebraska's answer offering this release from {@code codebase}. */
  public String response(String codebase) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response protocol=\"3.0\">"
        + "<daystart elapsed_seconds=\"0\"/><app appid=\"" + OmahaParams.DEFAULT_APPID
        + "\" status=\"ok\"><updatecheck status=\"ok\"><urls><url codebase=\"" + codebase
        + "\"/></urls><manifest version=\"" + version + "\"><packages><package name=\""
        + "flatcar_production_update.gz\" hash=\"\" size=\"" + payload.length
        + "\" required=\"true\"/></packages><actions><action event=\"postinstall\" sha256=\""
        + sha256 + "\" DisablePayloadBackoff=\"true\"/></actions></manifest></updatecheck>"
        + "</app></response>";
  }

  /** update_engine's answer when there is nothing newer. */
  public static String noUpdate() {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response protocol=\"3.0\"><daystart"
        + " elapsed_seconds=\"100\"/><app appid=\"" + OmahaParams.DEFAULT_APPID + "\" status=\"ok\">"
        + "<ping status=\"ok\"/><updatecheck status=\"noupdate\"/></app></response>";
  }

  private static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
