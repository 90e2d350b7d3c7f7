package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    store = new ExtensionStore(paths, new PrefsAttemptRecord(
        new Prefs(paths.prefsDir()), java.time.Clock.systemUTC(),
        new java.util.Random(1)));
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

  /** Places {@code ext}'s image for {@code version} as the fetcher does (and records it). */
  private Path place(Extension ext, String version, byte[] bytes) throws Exception {
    store.folder(store.stagingDir());
    Path staged = store.stagingDir().resolve("staged-" + ext.id() + "-" + version);
    Files.write(staged, bytes);
    return store.install(ext, version, staged, bytes.length,
        MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void pruningRemovesOnlyWhatTurnoutPlacedForOtherVersionsAndKeepsLinkedOnes() throws Exception {
    Extension python = new Extension(Extension.Kind.FLATCAR, "python");
    Extension k8s = new Extension(Extension.Kind.FLATCAR, "k8s-1.29.2");
    Path zfsOld = place(zfs, "0.9.0", "zfs 0.9".getBytes());
    Path zfsBooted = place(zfs, "1.0.0", "zfs 1.0".getBytes());
    Path zfsNext = place(zfs, "1.1.0", "zfs 1.1".getBytes());
    Path pythonOld = place(python, "0.8.0", "python 0.8".getBytes());
    Path oemOld = place(oem, "0.9.0", "oem 0.9".getBytes());
    Path k8sNext = place(k8s, "1.1.0", "k8s next".getBytes());
    Path k8sBooted = place(k8s, "1.0.0", "k8s booted".getBytes());
    // Not placed by Turnout: never removed, whatever the name says.
    for (String f : List.of("/etc/flatcar/sysext/flatcar-zfs-0.8.0.raw",
        "/etc/flatcar/sysext/my-own.raw", "/oem/sysext/oem-azure-initial.raw")) {
      Files.writeString(paths.resolve(f), f);
    }
    // A chain of links from /etc/extensions keeps the old python image.
    Files.createDirectories(paths.resolve("/etc/extensions"));
    Files.createDirectories(paths.resolve("/var/lib/extensions"));
    Files.createSymbolicLink(paths.resolve("/var/lib/extensions/python.raw"),
        Path.of("/etc/flatcar/sysext/flatcar-python-0.8.0.raw"));
    Files.createSymbolicLink(paths.resolve("/etc/extensions/flatcar-python.raw"),
        Path.of("../../var/lib/extensions/python.raw"));

    List<Path> removed = store.prune("1.0.0", "1.1.0");
    assertThat(removed).containsExactlyInAnyOrder(zfsOld, oemOld);
    assertThat(List.of(zfsBooted, zfsNext, pythonOld, k8sNext, k8sBooted)).allMatch(Files::exists);
    assertThat(paths.resolve("/etc/flatcar/sysext/flatcar-zfs-0.8.0.raw")).exists();
    assertThat(paths.resolve("/etc/flatcar/sysext/my-own.raw")).exists();
    assertThat(paths.resolve("/oem/sysext/oem-azure-initial.raw")).exists();
    assertThat(store.installed(k8s, "1.1.0")).contains(k8sNext);
    assertThat(store.placed()).extracting(ExtensionStore.Placed::version)
        .doesNotContain("0.9.0");
  }

  @Test
  void aFileUnderTheFinalNameCountsOnlyWhenTurnoutPlacedThoseBytes() throws Exception {
    Path fin = paths.resolve("/etc/flatcar/sysext/flatcar-zfs-1.1.0.raw");
    Files.createDirectories(fin.getParent());
    Files.writeString(fin, "whatever was there");
    assertThat(store.installed(zfs, V)).as("a file with the name").isEmpty();
    Files.delete(fin);
    Files.createSymbolicLink(fin, paths.resolve("/etc/hostname"));
    assertThat(store.installed(zfs, V)).as("a link with the name").isEmpty();
    Files.delete(fin);

    Path p = fetcher(0).fetch(zfs, announced(payload), V);
    assertThat(store.installed(zfs, V)).contains(p);
    byte[] changed = image.clone();
    changed[7] ^= 1;
    Files.write(p, changed); // same size, other bytes
    assertThat(store.installed(zfs, V)).as("changed since it was placed").isEmpty();
    Files.delete(p);
    Files.createSymbolicLink(p, dir.resolve("elsewhere.raw"));
    Files.write(dir.resolve("elsewhere.raw"), image);
    assertThat(store.installed(zfs, V)).as("replaced by a link to the same bytes").isEmpty();
  }

  @Test
  void aLinkForTheStagingFolderIsRefusedWith65AndItsTargetUntouched() throws Exception {
    Path victim = Files.createDirectories(dir.resolve("victim"));
    Files.writeString(victim.resolve("keep.txt"), "keep");
    Files.createDirectories(store.stagingDir().getParent());
    Files.createSymbolicLink(store.stagingDir(), victim);
    assertThatThrownBy(() -> fetcher(0).fetch(zfs, announced(payload), V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_WRITE_ERROR))
        .hasMessageContaining(store.stagingDir() + " is a symbolic link");
    assertThatThrownBy(() -> store.prune("1.0.0", "1.1.0"))
        .hasMessageContaining("is a symbolic link");
    assertThat(victim).isDirectoryContaining(p -> p.getFileName().toString().equals("keep.txt"));
    assertThat(files.requests).as("nothing downloaded").isEmpty();
  }

  @Test
  void aLinkAtTheDownloadIsRefusedNotAppendedTo() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim.conf"), "root's file\n");
    store.folder(store.stagingDir());
    Files.createSymbolicLink(store.partial(zfs, V), victim);
    assertThatThrownBy(() -> fetcher(0).fetch(zfs, announced(payload), V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_WRITE_ERROR))
        .hasMessageContaining(store.partial(zfs, V) + " is a symbolic link");
    assertThat(victim).hasContent("root's file\n");
  }

  @Test
  void aLinkForTheFinalFolderIsRefusedAndNothingIsWrittenThrough() throws Exception {
    Path victim = Files.createDirectories(dir.resolve("victim"));
    Files.createDirectories(paths.resolve("/etc/flatcar"));
    Files.createSymbolicLink(paths.resolve("/etc/flatcar/sysext"), victim);
    assertThatThrownBy(() -> fetcher(0).fetch(zfs, announced(payload), V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_WRITE_ERROR))
        .hasMessageContaining("is a symbolic link");
    assertThat(victim).isEmptyDirectory();
    assertThat(store.installed(zfs, V)).isEmpty();
  }

  @Test
  void anAnnouncedSizeBeyondAnyExtensionFailsBeforeTheDownloadWith61() throws Exception {
    ExtensionSource huge = new ExtensionSource(List.of("http://a.test/flatcar-zfs.gz"),
        17L << 30, null, "", "the test");
    assertThatThrownBy(() -> fetcher(20).fetch(zfs, huge, V))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.EXTENSION_HASH_MISMATCH))
        .hasMessageContaining("announces " + (17L << 30) + " bytes");
    assertThat(files.requests).isEmpty();
  }

  @Test
  void aFullDiskFailsAtOnceWith65NotAfterTwentyRetries() throws Exception {
    // A real full file system: a 64 KiB tmpfs on the staging folder (root only: mount).
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root to mount a tmpfs");
    byte[] big = new byte[400_000];
    new Random(5).nextBytes(big);
    byte[] bigPayload = TestRelease.extension(dir, "big", big, true);
    files.serve("flatcar-zfs.gz", bigPayload);
    Path staging = Files.createDirectories(store.stagingDir());
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
        staging.toString()).inheritIO().start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "mount -t tmpfs failed");
    try {
      FakeTimers timers = new FakeTimers(new FakeClock());
      ExtensionFetcher f = new ExtensionFetcher(files, List.of(TestRelease.trustedKey()), store,
          new ExtensionFetcher.Tuning(20, Duration.ofSeconds(20), 1), timers);
      ExtensionSource src = new ExtensionSource(List.of("http://a.test/flatcar-zfs.gz"), -1,
          null, "", "EXTENSIONS_BASE_URL"); // no size announced: nothing to check beforehand
      assertThatThrownBy(() -> f.fetch(zfs, src, V))
          .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
              .isEqualTo(ErrorCode.EXTENSION_WRITE_ERROR))
          .hasMessageContaining("writing " + store.partial(zfs, V));
      assertThat(timers.sleeps).as("no retries").isEmpty();
    } finally {
      new ProcessBuilder("umount", staging.toString()).inheritIO().start().waitFor();
    }
  }
}
