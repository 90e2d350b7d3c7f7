package dev.turnout.it;

import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadGenerator;
import dev.turnout.payload.PayloadSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Random;

/**
 * An extension image of one version ({@code oem-azure}, {@code flatcar-zfs}) and its payload, as
 * Flatcar's build makes them: one image as partition operations, no kernel, signed with the
 * developer key (or {@code key}).
 */
final class Sysext {
  final String id;
  final String version;
  final byte[] image;
  final Path payload;

  Sysext(Path dir, String id, String version, int size) throws IOException {
    this(dir, id, version, size, Keys.readPrivate(Repo.TESTDATA.resolve(
        "flatcar-developer-v1.key.pem")));
  }

  Sysext(Path dir, String id, String version, int size, PrivateKey key) throws IOException {
    this.id = id;
    this.version = version;
    Random r = new Random((id + version).hashCode());
    image = new byte[size];
    r.nextBytes(image);
    Path d = Files.createDirectories(dir.resolve("sysext-" + id + "-" + version + "-"
        + Integer.toHexString(key.hashCode())));
    Path raw = Files.write(d.resolve(id + ".raw"), image);
    Path unsigned = d.resolve(id + ".unsigned");
    new PayloadGenerator(1).generate(raw, null, unsigned);
    payload = d.resolve(id + ".gz");
    PayloadSigner.sign(unsigned, List.of(key), payload);
  }

  /** Where the initrd looks for this image on a machine. */
  String finalPath() {
    return (id.startsWith("oem-") ? "/oem/sysext/" : "/etc/flatcar/sysext/") + id + "-"
        + version + ".raw";
  }

  /** A key pair nobody trusts. */
  static PrivateKey untrustedKey() {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair().getPrivate();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
