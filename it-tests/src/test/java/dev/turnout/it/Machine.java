package dev.turnout.it;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.PartitionSpec;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;

/**
 * A Flatcar machine in a directory: a root (kernel command line, release, update.conf, the
 * signing key) and a boot disk image with USR-A running {@code version} and an empty USR-B.
 * {@link #boot} simulates a reboot into either slot.
 */
final class Machine {
  static final UUID USR_A = UUID.fromString("7130c94a-213a-4e5a-8e26-6cce9662f132");
  static final UUID USR_B = UUID.fromString("e03dd35c-7c2d-4a47-b3fe-27f15780a57c");
  static final long USR_START_A = 4096;
  static final long USR_START_B = 4096 + 16384;
  static final long USR_SECTORS = 16384;

  final Path dir;
  final Path root;
  final Path disk;
  final String version;
  final byte[] usrA;
  private int booted = 3;
  private byte[] bootedImage;

  Machine(Path dir, String version) throws IOException {
    this.dir = dir;
    this.root = dir.resolve("root");
    this.disk = dir.resolve("disk.img");
    this.version = version;
    try (GptDisk d = GptDisk.createImage(disk, 40960)) {
      d.create(UUID.fromString("00000000-0000-0000-0000-000000000001"));
      d.add(new PartitionSpec(1, 2048L, 2048L, PartitionTypes.EFI, null, "EFI-SYSTEM", null, null,
          null, null, null));
      d.add(new PartitionSpec(3, USR_START_A, USR_SECTORS, PartitionTypes.FLATCAR_USR, USR_A,
          "USR-A", null, null, null, null, null));
      d.add(new PartitionSpec(4, USR_START_B, USR_SECTORS, PartitionTypes.FLATCAR_USR, USR_B,
          "USR-B", null, null, null, null, null));
      d.add(PartitionSpec.attributes(3, true, null, 1));
    }
    usrA = new byte[(int) (USR_SECTORS * 512)];
    new Random(version.hashCode()).nextBytes(usrA);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.seek(USR_START_A * 512);
      f.write(usrA);
    }
    bootedImage = usrA;
    write("/proc/cmdline", "BOOT_IMAGE=/flatcar/vmlinuz-a mount.usr=PARTUUID=" + USR_A
        + " rootflags=rw\n");
    write("/proc/sys/kernel/random/boot_id", "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\n");
    write("/etc/flatcar/update.conf", "IDLE_EXIT_SEC=0\n"); // resident, unless a test says not
    write("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
    write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=" + version
        + "\nFLATCAR_RELEASE_BOARD=amd64-usr\n");
    Files.createDirectories(path("/boot/flatcar"));
    Files.createDirectories(path("/run"));
    Files.createDirectories(path("/usr/share/update_engine"));
    Files.copy(Repo.TESTDATA.resolve("flatcar-developer-v1.pub.pem"),
        path("/usr/share/update_engine/update-payload-key.pub.pem"));
  }

  Path path(String absolute) {
    return root.resolve(absolute.substring(1));
  }

  void write(String absolute, String text) throws IOException {
    Path p = path(absolute);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  void server(String url) throws IOException {
    write("/etc/flatcar/update.conf", "SERVER=" + url + "\nGROUP=stable\nIDLE_EXIT_SEC=0\n");
  }

  /**
   * The machine runs OEM {@code id} with its agent as a system extension (oem-release and the
   * {@code active-oem-<id>} marker), and the Flatcar extensions {@code names}; each has its image
   * of the running version in place.
   */
  void extensions(String oem, String... names) throws IOException {
    write("/usr/share/oem/oem-release", "ID=" + oem + "\nVERSION_ID=0.1.0\n");
    write("/oem/sysext/active-oem-" + oem, "");
    write("/oem/sysext/oem-" + oem + "-" + version + ".raw", "booted oem image");
    write("/etc/flatcar/enabled-sysext.conf", String.join("\n", names) + "\n");
    for (String n : names) {
      write("/etc/flatcar/sysext/flatcar-" + n + "-" + version + ".raw", "booted " + n + " image");
    }
  }

  byte[] partition(long startSector, int length) throws IOException {
    byte[] b = new byte[length];
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
      f.seek(startSector * 512);
      f.readFully(b);
    }
    return b;
  }

  byte[] usrB(int length) throws IOException {
    return partition(USR_START_B, length);
  }

  GptEntry entry(int n) throws IOException {
    try (GptDisk d = GptDisk.open(disk, false)) {
      return d.entry(n);
    }
  }

  boolean usrAUntouched() throws IOException {
    return Arrays.equals(partition(USR_START_A, usrA.length), usrA);
  }

  /** The booted USR partition's number: 3 (USR-A) or 4 (USR-B). */
  int booted() {
    return booted;
  }

  /** The other USR partition: where the next update goes. */
  int target() {
    return booted == 3 ? 4 : 3;
  }

  static UUID partUuid(int n) {
    return n == 3 ? USR_A : USR_B;
  }

  /** The bytes of USR partition {@code n} (3 or 4), from its start. */
  byte[] usr(int n, int length) throws IOException {
    return partition(n == 3 ? USR_START_A : USR_START_B, length);
  }

  boolean bootedUntouched() throws IOException {
    return Arrays.equals(usr(booted, bootedImage.length), bootedImage);
  }

  /** What flatcar-setgoodroot does after a healthy boot: repair, successful=1 tries=0, first. */
  void markGood() throws IOException {
    try (GptDisk d = GptDisk.open(disk, true)) {
      d.markGood(booted);
    }
  }

  /**
   * A simulated reboot into the partition {@code partUuid} (as the boot loader chose it), which
   * holds {@code image} of {@code version}: the kernel command line, release file and boot ID
   * change and /run, a tmpfs, is emptied of the engine's markers.
   */
  void boot(String partUuid, String version, byte[] image) throws IOException {
    booted = USR_A.toString().equals(partUuid) ? 3 : 4;
    bootedImage = image;
    write("/proc/cmdline", "mount.usr=PARTUUID=" + partUuid + "\n");
    write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=" + version + "\n");
    write("/proc/sys/kernel/random/boot_id", java.util.UUID.randomUUID() + "\n");
    Files.deleteIfExists(path("/run/update_engine_autoupdate_completed"));
    Files.deleteIfExists(path("/run/reboot-required"));
  }

  /**
   * Records {@code absolute} (an image of extension {@code id} at {@code version}) as one Turnout
   * placed, as an earlier update would have: only such images are ever pruned.
   */
  void placedByTurnout(String id, String version, String absolute) throws IOException {
    Path p = path(absolute);
    Path pref = path("/var/lib/update_engine/prefs/turnout-extensions-placed");
    String line = id + " " + version + " " + absolute.substring(0, absolute.lastIndexOf('/'))
        + " " + p.getFileName() + " " + Files.size(p) + " "
        + java.util.HexFormat.of().formatHex(sha256(Files.readAllBytes(p)));
    String before = Files.exists(pref) ? Files.readString(pref) + "\n" : "";
    write("/var/lib/update_engine/prefs/turnout-extensions-placed", before + line);
  }

  private static byte[] sha256(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
