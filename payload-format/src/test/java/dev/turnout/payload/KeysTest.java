package dev.turnout.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK's reading of a "PUBLIC KEY", held to BouncyCastle's on the same files. */
class KeysTest {
  @TempDir Path dir;

  private static Path devKey() throws Exception {
    return Path.of(KeysTest.class.getResource("/keys/flatcar-developer-v1.pub.pem").toURI());
  }

  @Test
  void theJdkAndBouncyCastleReadTheSameKey() throws Exception {
    assertThat(Keys.jdkPublic(devKey())).isNotNull().isEqualTo(Keys.bcPublic(devKey()));
    assertThat(Keys.readPublic(devKey()).key()).isEqualTo(Keys.bcPublic(devKey()));
    // CRLF line ends, surrounding blank lines: still the same key.
    Path crlf = Files.writeString(dir.resolve("crlf.pem"), "\n" + Files.readString(devKey())
        .replace("\n", "\r\n") + "\n\n");
    assertThat(Keys.jdkPublic(crlf)).isEqualTo(Keys.bcPublic(devKey()));
  }

  @Test
  void otherFormsGoToBouncyCastleAndGarbageFailsWithTheFileName() throws Exception {
    Path pair = dir.resolve("pair.pem");
    Files.copy(Path.of(KeysTest.class.getResource("/keys/flatcar-developer-v1.key.pem").toURI()),
        pair);
    assertThat(Keys.jdkPublic(pair)).isNull();
    assertThat(Keys.readPublic(pair).key()).isEqualTo(Keys.bcPublic(devKey()));
    Path bad = Files.writeString(dir.resolve("bad.pem"),
        "-----BEGIN PUBLIC KEY-----\nnot base64 at all!\n-----END PUBLIC KEY-----\n");
    assertThat(Keys.jdkPublic(bad)).isNull();
    assertThatThrownBy(() -> Keys.readPublic(bad)).hasMessageContaining("bad.pem");
  }
}
