package dev.turnout.engine.extensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.engine.fakes.FakeClock;
import dev.turnout.engine.fakes.FakeFiles;
import dev.turnout.engine.fakes.FakeTimers;
import dev.turnout.engine.fakes.TestRelease;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.engine.system.SystemPaths;
import dev.turnout.payload.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionFetcherTest {
  static final String V = "1.1.0";
  @TempDir Path dir;
  SystemPaths paths;
  ExtensionStore store;
  FakeFiles files = new FakeFiles();
  final Extension zfs = new Extension(Extension.Kind.FLATCAR, "zfs");
  final Extension oem = new Extension(Extension.Kind.OEM, "azure");
  byte[] image;
  byte[] payload;

  @BeforeEach
  void setUp() throws Exception {
    paths = new SystemPaths(Files.createDirectories(dir.resolve("root")));
    store = new ExtensionStore(paths);
    image = new byte[3 * 4096 + 100];
    new Random(1).nextBytes(image);
    payload = TestRelease.extension(dir, "zfs", image, true);
    files.serve("flatcar-zfs.gz", payload);
  }

  ExtensionFetcher fetcher(int retries) {
    return new ExtensionFetcher(files, List.of(TestRelease.trustedKey()), store,
        new ExtensionFetcher.Tuning(retries, Duration.ofSeconds(1), 1),
        new FakeTimers(new FakeClock()));
  }

  ExtensionSource announced(byte[] served) throws Exception {
    return new ExtensionSource(List.of("http://a.test/flatcar-zfs.gz",
        "http://b.test/flatcar-zfs.gz"), served.length,
        MessageDigest.getInstance("SHA-256").digest(served), "", "the test");
  }

  @Test
  void theImageLandsUnderItsFinalNameByteForByte() throws Exception {
    Path p = fetcher(0).fetch(zfs, announced(payload), V);
    assertThat(p).isEqualTo(paths.resolve("/etc/flatcar/sysext/flatcar-zfs-1.1.0.raw"));
    assertThat(Files.readAllBytes(p)).isEqualTo(image);
    assertThat(store.stagingDir()).isEmptyDirectory();
  }

  @Test
  void aCutDownloadIsResumedWithRangeOnTheNextUrlAndTheNextAttempt() throws Exception {
    files.cutAfter(1000).cutAfter(500);
    assertThatThrownBy(() -> fetcher(1).fetch(zfs, announced(payload), V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_DOWNLOAD_ERROR));
    assertThat(files.requests).extracting(FakeFiles.Request::url, FakeFiles.Request::from)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("http://a.test/flatcar-zfs.gz", 0L),
            org.assertj.core.groups.Tuple.tuple("http://b.test/flatcar-zfs.gz", 1000L));
    assertThat(store.partial(zfs, V)).hasSize(1500);
    assertThat(store.installed(zfs, V)).isEmpty();

    fetcher(0).fetch(zfs, announced(payload), V);
    assertThat(files.requests.get(2).from()).isEqualTo(1500);
    assertThat(files.bytesServed).isEqualTo(payload.length);
    assertThat(Files.readAllBytes(store.installed(zfs, V).orElseThrow())).isEqualTo(image);
  }

  @Test
  void aKeptPartialThatNoLongerChecksOutIsDownloadedAgainOnce() throws Exception {
    Files.createDirectories(store.stagingDir());
    Files.write(store.partial(zfs, V), new byte[700]); // not the start of this payload
    fetcher(0).fetch(zfs, announced(payload), V);
    assertThat(files.requests).extracting(FakeFiles.Request::from).containsExactly(700L, 0L);
    assertThat(Files.readAllBytes(store.installed(zfs, V).orElseThrow())).isEqualTo(image);
  }

  @Test
  void aLyingHashABadSignatureAndABrokenOperationEachHaveTheirCode() throws Exception {
    ExtensionSource lying = new ExtensionSource(List.of("http://a.test/flatcar-zfs.gz"),
        payload.length, new byte[32], "", "the test");
    assertThatThrownBy(() -> fetcher(0).fetch(zfs, lying, V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_HASH_MISMATCH));
    byte[] untrusted = TestRelease.extension(dir, "other", image, false);
    files.serve("flatcar-zfs.gz", untrusted);
    assertThatThrownBy(() -> fetcher(0).fetch(zfs, announced(untrusted), V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_SIGNATURE_ERROR));

    byte[] broken = payload.clone();
    broken[broken.length - 600] ^= 1; // in the last operation's data
    files.serve("flatcar-zfs.gz", broken);
    ExtensionSource noHash = new ExtensionSource(List.of("http://a.test/flatcar-zfs.gz"), -1,
        null, "", "EXTENSIONS_BASE_URL");
    assertThatThrownBy(() -> fetcher(0).fetch(zfs, noHash, V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_VERIFICATION_ERROR));
    assertThat(store.installed(zfs, V)).isEmpty();
    assertThat(paths.resolve("/etc/flatcar/sysext")).doesNotExist();

    // A server that gives SHA-1 alone: checked before anything is applied.
    files.serve("flatcar-zfs.gz", payload);
    ExtensionSource lyingSha1 = new ExtensionSource(List.of("http://a.test/flatcar-zfs.gz"),
        payload.length, null, "c2hhMQ==", "the test");
    assertThatThrownBy(() -> fetcher(0).fetch(zfs, lyingSha1, V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_HASH_MISMATCH)).hasMessageContaining("SHA-1");
    String sha1 = java.util.Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-1").digest(payload));
    fetcher(0).fetch(zfs, new ExtensionSource(List.of("http://a.test/flatcar-zfs.gz"),
        payload.length, null, sha1, "the test"), "0.0.1");
    assertThat(Files.readAllBytes(store.installed(zfs, "0.0.1").orElseThrow())).isEqualTo(image);
  }

  @Test
  void aMissingFileAtEveryUrlIsADownloadErrorWithoutWaiting() throws Exception {
    ExtensionSource src = new ExtensionSource(List.of("http://a.test/nothing.gz",
        "http://b.test/nothing.gz"), 10, null, "", "the test");
    assertThatThrownBy(() -> fetcher(20).fetch(zfs, src, V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_DOWNLOAD_ERROR)).hasMessageContaining("HTTP 404");
    assertThat(files.requests).hasSize(2);
  }

  @Test
  void anOemImageTheOemPartitionCannotTakeGoesToTheFallback() throws Exception {
    byte[] oemPayload = TestRelease.extension(dir, "oem", image, true);
    files.serve("oem-azure.gz", oemPayload);
    // Something in the way of the final name on the OEM partition.
    Files.createDirectories(paths.resolve("/oem/sysext/oem-azure-1.1.0.raw/busy"));
    Path p = fetcher(0).fetch(oem, new ExtensionSource(List.of("http://a.test/oem-azure.gz"),
        oemPayload.length, null, "", "the test"), V);
    assertThat(p).isEqualTo(paths.resolve("/etc/flatcar/oem-sysext/oem-azure-1.1.0.raw"));
    assertThat(Files.readAllBytes(p)).isEqualTo(image);
    assertThat(store.installed(oem, V)).contains(p);
  }

  @Test
  void pruningKeepsTheBootedAndNextVersionsTheInitialImageAndLinkedOnes() throws Exception {
    for (String f : List.of("/etc/flatcar/sysext/flatcar-zfs-1.0.0.raw",
        "/etc/flatcar/sysext/flatcar-zfs-1.1.0.raw", "/etc/flatcar/sysext/flatcar-zfs-0.9.0.raw",
        "/etc/flatcar/sysext/flatcar-python-0.8.0.raw", "/etc/flatcar/sysext/my-own.raw",
        "/oem/sysext/oem-azure-initial.raw", "/oem/sysext/oem-azure-0.9.0.raw",
        "/etc/flatcar/oem-sysext/oem-azure-0.9.0.raw")) {
      Files.createDirectories(paths.resolve(f).getParent());
      Files.writeString(paths.resolve(f), f);
    }
    Files.createDirectories(paths.resolve("/etc/extensions"));
    Files.createSymbolicLink(paths.resolve("/etc/extensions/flatcar-python.raw"),
        Path.of("/etc/flatcar/sysext/flatcar-python-0.8.0.raw"));
    List<Path> removed = store.prune("1.0.0", "1.1.0");
    assertThat(removed).containsExactlyInAnyOrder(
        paths.resolve("/etc/flatcar/sysext/flatcar-zfs-0.9.0.raw"),
        paths.resolve("/oem/sysext/oem-azure-0.9.0.raw"),
        paths.resolve("/etc/flatcar/oem-sysext/oem-azure-0.9.0.raw"));
    assertThat(paths.resolve("/etc/flatcar/sysext/flatcar-python-0.8.0.raw")).exists();
    assertThat(paths.resolve("/etc/flatcar/sysext/my-own.raw")).exists();
    assertThat(paths.resolve("/oem/sysext/oem-azure-initial.raw")).exists();
  }
}
