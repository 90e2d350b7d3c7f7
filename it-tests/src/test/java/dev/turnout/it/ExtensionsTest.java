package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.labserver.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The extensions of the new version, with the real daemon and client on the simulated node: the
 * OEM agent's image and the enabled Flatcar extensions come with the OS or the target stays
 * unbootable, a failure keeps the written OS, and old images go once the new version is next.
 */
class ExtensionsTest extends RigTest {
  static final String NEXT = "3900.0.0";

  Release release;
  Sysext oem;
  Sysext zfs;
  Sysext podman;

  /** The machine runs OEM azure with zfs and podman; the release and its images are made. */
  void node() throws Exception {
    machine.extensions("azure", "zfs", "podman");
    release = new Release(dir, NEXT, 3_000_000);
    oem = new Sysext(dir, "oem-azure", NEXT, 256 * 1024);
    zfs = new Sysext(dir, "flatcar-zfs", NEXT, 300 * 1024);
    podman = new Sysext(dir, "flatcar-podman", NEXT, 200 * 1024);
  }

  static List<Channel.Served> served(Sysext... s) throws Exception {
    List<Channel.Served> out = new ArrayList<>();
    for (Sysext x : s) {
      out.add(Channel.Served.of(x.payload));
    }
    return out;
  }

  @Test
  void anOemAndTwoFlatcarExtensionsLandWithTheFlipAndOldImagesGo() throws Exception {
    node();
    Sysext nvidia = new Sysext(dir, "flatcar-nvidia-drivers-535", NEXT, 64 * 1024);
    machine.write("/etc/flatcar/sysext/flatcar-zfs-3700.0.0.raw", "an old image");
    machine.write("/oem/sysext/oem-azure-3700.0.0.raw", "an old image");
    machine.placedByTurnout("flatcar-zfs", "3700.0.0",
        "/etc/flatcar/sysext/flatcar-zfs-3700.0.0.raw");
    machine.placedByTurnout("oem-azure", "3700.0.0", "/oem/sysext/oem-azure-3700.0.0.raw");
    machine.write("/etc/flatcar/sysext/flatcar-zfs-3600.0.0.raw", "placed by someone else");
    machine.write("/oem/sysext/oem-azure-initial.raw", "the image the machine came with");
    Files.createDirectories(machine.path("/etc/extensions"));
    Files.createSymbolicLink(machine.path("/etc/extensions/flatcar-podman.raw"),
        Path.of("/etc/flatcar/sysext/flatcar-podman-3600.0.0.raw"));
    machine.write("/etc/flatcar/sysext/flatcar-podman-3600.0.0.raw", "linked by the system");
    serveWithExtensions(release, served(oem, zfs, nvidia, podman), 0, "");
    daemon("daemon", 3600);

    Proc.Result update = client("-update");
    assertThat(update.exit()).as(update.err()).isZero();
    for (Sysext s : List.of(oem, zfs, podman)) {
      assertThat(Files.readAllBytes(machine.path(s.finalPath()))).as(s.id).isEqualTo(s.image);
    }
    assertThat(cgptNext()).isEqualTo(Machine.USR_B.toString());
    Invariant.check(this, A_GOOD, release);
    Invariant.checkExtensions(machine, machine.version, List.of(oem, zfs, podman));
    assertThat(bytesSent(nvidia.id + ".gz")).as("an extension nobody enabled").isZero();
    assertThat(machine.path("/etc/flatcar/sysext/flatcar-zfs-3700.0.0.raw")).doesNotExist();
    assertThat(machine.path("/oem/sysext/oem-azure-3700.0.0.raw")).doesNotExist();
    assertThat(machine.path("/etc/flatcar/sysext/flatcar-zfs-3600.0.0.raw"))
        .as("not placed by Turnout: kept").exists();
    assertThat(machine.path("/oem/sysext/oem-azure-initial.raw")).exists();
    assertThat(machine.path("/etc/flatcar/sysext/flatcar-podman-3600.0.0.raw")).exists();
    assertThat(machine.path("/var/lib/update_engine/extensions")).isEmptyDirectory();

    Proc.Result list = client("-extensions", "-root", machine.root.toString());
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).isEqualTo("""
        EXTENSION       3815.2.0 (booted)  3900.0.0 (next)
        oem-azure       present            present
        flatcar-zfs     present            present
        flatcar-podman  present            present
        """);
    String entries = "[{\"name\":\"oem-azure\",\"kind\":\"oem\",\"state\":\"present\"},"
        + "{\"name\":\"flatcar-zfs\",\"kind\":\"flatcar\",\"state\":\"present\"},"
        + "{\"name\":\"flatcar-podman\",\"kind\":\"flatcar\",\"state\":\"present\"}]";
    String both = "\"extensions\":{\"booted\":{\"version\":\"3815.2.0\",\"extensions\":"
        + entries + "},\"next\":{\"version\":\"3900.0.0\",\"extensions\":" + entries + "}}";
    assertThat(client("-status", "-json", "-root", machine.root.toString()).out())
        .contains(both);
    assertThat(client("-slots", "-json", "-root", machine.root.toString(), "-disk",
        machine.disk.toString()).out()).contains(both);
  }

  enum Break { BAD_SIGNATURE, LYING_HASH, MISSING }

  @ParameterizedTest
  @EnumSource(Break.class)
  void aBrokenExtensionLeavesTheTargetUnbootableAndTheFixedServerCompletesWithoutTheOsAgain(
      Break how) throws Exception {
    node();
    List<Channel.Served> broken = new ArrayList<>(served(oem, podman));
    int code;
    switch (how) {
      case BAD_SIGNATURE -> {
        broken.add(Channel.Served.of(new Sysext(dir, "flatcar-zfs", NEXT, 300 * 1024,
            Sysext.untrustedKey()).payload));
        code = 62;
      }
      case LYING_HASH -> {
        Channel.Served real = Channel.Served.of(zfs.payload);
        byte[] lie = real.sha256().clone();
        lie[0] ^= 1;
        broken.add(new Channel.Served(real.path(), real.name(), real.size(), real.sha1Base64(),
            lie));
        code = 61;
      }
      default -> code = 63;
    }
    serveWithExtensions(release, broken, 0, "");
    Proc d = daemon("daemon", 3600);
    Proc.Result failed = client("-update");
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.err()).contains("Update failed: error " + code + " (EXTENSION_")
        .contains("flatcar-zfs");
    assertThat(eventsHeard()).last().isEqualTo("3/0:" + (code | 1 << 28));
    assertThat(machine.entry(4).attributes().bootable()).as("USR-B").isFalse();
    assertThat(cgptNext()).isEqualTo(Machine.USR_A.toString());
    assertThat(machine.path(zfs.finalPath())).doesNotExist();
    assertThat(Files.readAllBytes(machine.path(oem.finalPath()))).isEqualTo(oem.image);
    Invariant.check(this, A_GOOD, release);
    Invariant.checkExtensions(machine, machine.version, List.of(oem, zfs, podman));
    if (how == Break.MISSING) {
      assertThat(d.log()).contains("flatcar-zfs.gz is not in the update response from http://"
          + "127.0.0.1:" + lab.address().getPort() + "/v1/update/ and EXTENSIONS_BASE_URL is not"
          + " set; a self-hosted update server is not left for another host");
    }

    // The server is fixed; the OS payload written before is checked, not downloaded again.
    long payload = Files.size(release.payload);
    serveWithExtensions(release, served(oem, zfs, podman), 0, "");
    Proc.Result fixed = client("-update");
    assertThat(fixed.exit()).as(fixed.err()).isZero();
    assertThat(bytesSent(release.payload.getFileName().toString())).as("OS payload bytes sent"
        + " again (only its metadata)").isLessThan(payload / 20);
    assertThat(bytesSent(oem.id + ".gz")).as("the OEM image, in place already").isZero();
    assertThat(Files.readAllBytes(machine.path(zfs.finalPath()))).isEqualTo(zfs.image);
    assertThat(cgptNext()).isEqualTo(Machine.USR_B.toString());
    Invariant.check(this, A_GOOD, release);
    Invariant.checkExtensions(machine, machine.version, List.of(oem, zfs, podman));
  }

  @Test
  void optionalExtensionsAreLeftBehindAfterThreeFailedAttemptsAndTheClientSaysSo()
      throws Exception {
    node();
    serveWithExtensions(release, served(oem, zfs), 0, "OPTIONAL_EXTENSIONS=podman\n");
    Proc d = daemon("daemon", 3600);
    for (int i = 1; i <= 3; i++) {
      Proc.Result r = client("-update");
      assertThat(r.exit()).as("attempt %d", i).isEqualTo(1);
      assertThat(r.err()).contains("error 63");
      assertThat(machine.entry(4).attributes().bootable()).isFalse();
    }
    Proc.Result fourth = client("-update");
    assertThat(fourth.exit()).as(fourth.err()).isZero();
    assertThat(d.log()).contains("ERROR").contains("installing 3900.0.0 without the optional"
        + " extensions flatcar-podman: 3 attempts failed on them (OPTIONAL_EXTENSIONS)");
    assertThat(eventsHeard()).contains("0/0:66").endsWith("3/1");
    assertThat(cgptNext()).isEqualTo(Machine.USR_B.toString());
    Invariant.checkExtensions(machine, machine.version, List.of(oem, zfs));
    Proc.Result list = client("-extensions", "-root", machine.root.toString());
    assertThat(list.out()).contains("flatcar-podman  present            left behind\n");
  }

  @Test
  void anOemExtensionIsNeverOptionalAndABaseUrlIsUsedOnlyWhenSet() throws Exception {
    node();
    // The OEM image is not in the response; a second server has it under EXTENSIONS_BASE_URL.
    var other = new dev.turnout.labserver.LabServer(new java.net.InetSocketAddress("127.0.0.1",
        0), List.of(Channel.of("ext", NEXT, oem.payload, List.of())), null,
        new dev.turnout.labserver.RequestLog(null, java.time.Clock.systemUTC())).start();
    started.add(other);
    serveWithExtensions(release, served(zfs, podman), 0, "OPTIONAL_EXTENSIONS=azure\n");
    daemon("daemon", 3600);
    assertThat(client("-update").err()).contains("error 63").contains("oem-azure.gz");
    Files.writeString(machine.path("/etc/flatcar/update.conf"), "EXTENSIONS_BASE_URL=http://"
        + "127.0.0.1:" + other.address().getPort() + "/payloads/ext/{VERSION}/\n",
        java.nio.file.StandardOpenOption.APPEND);
    Proc.Result ok = client("-update");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(Files.readAllBytes(machine.path(oem.finalPath()))).isEqualTo(oem.image);
  }

  @Test
  void aPayloadMadeByFlatcarsOwnGeneratorIsAcceptedAsAnExtension() throws Exception {
    machine.extensions("azure", "zfs");
    Files.delete(machine.path("/oem/sysext/active-oem-azure")); // only zfs is wanted
    release = new Release(dir, NEXT, 1_000_000);
    Path vectors = Path.of(getClass().getResource("/mantle/flatcar-mantle.gz").toURI())
        .getParent();
    Path zfsPayload = Files.createDirectories(dir.resolve("mantle")).resolve("flatcar-zfs.gz");
    Files.copy(vectors.resolve("flatcar-mantle.gz"), zfsPayload);
    byte[] image;
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(
        vectors.resolve("flatcar-mantle.raw.gz")))) {
      image = in.readAllBytes();
    }
    serveWithExtensions(release, List.of(Channel.Served.of(zfsPayload)), 0, "");
    daemon("daemon", 3600);
    Proc.Result r = client("-update");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(machine.path("/etc/flatcar/sysext/flatcar-zfs-" + NEXT
        + ".raw"))).isEqualTo(image);
    assertThat(cgptNext()).isEqualTo(Machine.USR_B.toString());
  }

  @Test
  void killedInsideTheExtensionStageItKeepsTheOldSetAndThenCompletes() throws Exception {
    node();
    // Slow enough to be caught inside an extension's download.
    serveWithExtensions(release, served(oem, zfs, podman), 400_000, "");
    Proc d = daemon("daemon", 3600);
    client("-check_for_update");
    Path staging = machine.path("/var/lib/update_engine/extensions");
    long deadline = System.nanoTime() + LONG.toNanos();
    while (System.nanoTime() < deadline && !(Files.isDirectory(staging)
        && Files.list(staging).findAny().isPresent())) {
      Thread.sleep(20);
    }
    d.kill();
    assertThat(client("-extensions", "-root", machine.root.toString()).out())
        .containsPattern("(?m)^oem-azure +present +in progress$");
    Invariant.checkDisk(this, A_GOOD, release);
    Invariant.checkExtensions(machine, machine.version, List.of(oem, zfs, podman));
    assertThat(machine.entry(4).attributes().bootable()).isFalse();

    long payload = Files.size(release.payload);
    long before = bytesSent(release.payload.getFileName().toString());
    daemon("again", 3600);
    Proc.Result r = client("-update");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(bytesSent(release.payload.getFileName().toString()) - before)
        .as("the OS payload is not sent again").isLessThan(payload / 20);
    Invariant.check(this, A_GOOD, release);
    Invariant.checkExtensions(machine, machine.version, List.of(oem, zfs, podman));
    assertThat(cgptNext()).isEqualTo(Machine.USR_B.toString());
  }
}
