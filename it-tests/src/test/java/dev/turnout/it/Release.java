package dev.turnout.it;

import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadGenerator;
import dev.turnout.payload.PayloadSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** A release: a USR image, a kernel and their payload signed with the developer key. */
final class Release {
  final String version;
  final byte[] image;
  final byte[] kernel;
  final Path payload;

  Release(Path dir, String version, int imageSize) throws IOException {
    this(dir, version, imageSize, Repo.TESTDATA.resolve("flatcar-developer-v1.key.pem"));
  }

  Release(Path dir, String version, int imageSize, Path key) throws IOException {
    this.version = version;
    Random r = new Random(version.hashCode() * 31L);
    image = new byte[imageSize];
    r.nextBytes(image);
    Arrays.fill(image, imageSize / 3, imageSize / 2, (byte) 0);
    kernel = new byte[300_000];
    r.nextBytes(kernel);
    Path d = Files.createDirectories(dir.resolve("release-" + version));
    Path img = Files.write(d.resolve("usr.img"), image);
    Path k = Files.write(d.resolve("vmlinuz"), kernel);
    Path unsigned = d.resolve("update.unsigned");
    new PayloadGenerator(1).generate(img, k, unsigned);
    payload = d.resolve("flatcar_production_update.gz");
    PayloadSigner.sign(unsigned, List.of(Keys.readPrivate(key)), payload);
  }
}
