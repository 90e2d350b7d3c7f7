package dev.turnout.it;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A simulated Flatcar node under a real systemd: a Debian rootfs ({@link NodeRootfs}) made to
 * look like Flatcar (os-release {@code ID=flatcar}, Flatcar's own {@code update-engine.service}
 * with a stand-in engine that owns {@code com.coreos.update1}, its D-Bus policy, the developer
 * key, {@code /usr/share/flatcar/release}, {@code update.conf}, a {@code core} user,
 * {@code systemd-sysext.service} and Flatcar's {@code ensure-sysext.service}), booted with
 * {@code systemd-nspawn --boot}, with a Flatcar-layout disk on a loop device whose partitions and
 * {@code /dev/disk/by-partuuid} links are made as udev would, and a kernel command line that names
 * USR-A. Commands run inside through {@code nsenter}, as root or as another user.
 *
 * <p>Needs root, {@code systemd-nspawn} (systemd-container), {@code mmdebstrap}, {@code losetup}
 * and {@code partx}. Everything it starts, attaches or mounts is removed by {@link #close}, also
 * after a failure.
 */
final class SystemdNode implements AutoCloseable {
  static final String VERSION = "4081.2.0";
  static final Duration LONG = Duration.ofSeconds(90);
  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  final Path dir;
  final Path rootfs;
  final Machine machine;
  /** The loop device on the host holding the node's boot disk, e.g. /dev/loop3. */
  final Path loop;
  private Process nspawn;
  private long leader = -1;
  private boolean closed;

  /** Fails in CI, skips elsewhere, when this machine cannot boot a node; says which is missing. */
  static void require() {
    String missing = null;
    if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
      missing = "root (a node is booted with systemd-nspawn and a loop device)";
    } else {
      for (String tool : List.of("systemd-nspawn", "mmdebstrap", "nsenter", "losetup", "partx")) {
        if (!onPath(tool)) {
          missing = tool + " (apt-get install systemd-container mmdebstrap util-linux)";
          break;
        }
      }
    }
    if (missing != null && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("the real-systemd tests cannot run in CI without " + missing);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(missing == null,
        "a real-systemd node needs " + missing);
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
  }

  /** A node in {@code dir}, not booted yet: its files can still be changed before {@link #boot}. */
  SystemdNode(Path dir) throws Exception {
    this.dir = dir;
    this.rootfs = dir.resolve("rootfs");
    Files.createDirectories(rootfs);
    Proc.Result x = Proc.run(LONG, Map.of(), "tar", "-C", rootfs.toString(), "-xf",
        NodeRootfs.tarball().toString());
    if (x.exit() != 0) {
      throw new AssertionError("extracting the node's rootfs: " + x.err());
    }
    machine = new Machine(Files.createDirectories(dir.resolve("machine")), VERSION);
    Proc.Result l = Proc.run(LONG, Map.of(), "losetup", "--find", "--show",
        machine.disk.toString());
    if (l.exit() != 0) {
      throw new AssertionError("losetup: " + l.err());
    }
    loop = Path.of(l.out().strip());
    try {
      // This kernel has no GPT partition parser: partx adds the partitions (BLKPG), as the
      // kernel would at attach.
      Proc.Result p = Proc.run(LONG, Map.of(), "partx", "--add", loop.toString());
      if (p.exit() != 0) {
        throw new AssertionError("partx --add " + loop + ": " + p.err());
      }
      makeFlatcar();
    } catch (Exception | AssertionError e) {
      detach();
      throw e;
    }
  }

  /** The host path of {@code absolute} in the node's file system. */
  Path path(String absolute) {
    return rootfs.resolve(absolute.substring(1));
  }

  void write(String absolute, String text) throws IOException {
    Path p = path(absolute);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  void link(String absolute, String target) throws IOException {
    Path p = path(absolute);
    Files.createDirectories(p.getParent());
    Files.deleteIfExists(p);
    Files.createSymbolicLink(p, Path.of(target));
  }

  private void executable(String absolute, String text) throws IOException {
    write(absolute, text);
    Files.setPosixFilePermissions(path(absolute), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void makeFlatcar() throws IOException {
    write("/usr/lib/os-release", "NAME=\"Flatcar Container Linux by Kinvolk\"\nID=flatcar\n"
        + "ID_LIKE=coreos\nVERSION=" + VERSION + "\nVERSION_ID=" + VERSION + "\nBUILD_ID=\n"
        + "SYSEXT_LEVEL=1.0\nPRETTY_NAME=\"Flatcar Container Linux by Kinvolk " + VERSION
        + " (Oklo)\"\nANSI_COLOR=\"38;5;75\"\nHOME_URL=\"https://flatcar.org/\"\n");
    write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=" + VERSION
        + "\nFLATCAR_RELEASE_BOARD=amd64-usr\n"
        + "FLATCAR_RELEASE_APPID={e96281a6-d1af-4bde-9a0a-97b76e56dc57}\n");
    write("/etc/flatcar/update.conf", "GROUP=stable\nSERVER=disabled\n");
    write("/etc/machine-id", "0123456789abcdef0123456789abcdef\n");
    Files.createDirectories(path("/boot/flatcar"));
    Files.createDirectories(path("/oem"));
    Files.createDirectories(path("/etc/extensions"));
    write("/usr/share/update_engine/update-payload-key.pub.pem",
        Files.readString(Repo.TESTDATA.resolve("flatcar-developer-v1.pub.pem")));
    // Flatcar's own unit (flatcar/update_engine systemd/update-engine.service) and engine: here a
    // stand-in that owns the bus name and answers every call, as the base's C++ daemon would.
    write("/usr/lib/systemd/system/update-engine.service", """
        [Unit]
        Description=Update Engine
        ConditionVirtualization=!container
        ConditionPathExists=!/usr/.noupdate

        [Service]
        Type=dbus
        BusName=com.coreos.update1
        ExecStart=/usr/sbin/update_engine -foreground -logtostderr
        Restart=always
        RestartSec=30

        [Install]
        WantedBy=multi-user.target
        """);
    link("/usr/lib/systemd/system/multi-user.target.wants/update-engine.service",
        "../update-engine.service");
    executable("/usr/sbin/update_engine", "#!/bin/sh\n"
        + "# The base OS's engine, for this simulated node: it owns the name and answers calls.\n"
        + "exec dbus-test-tool echo --system --name=com.coreos.update1\n");
    write("/usr/share/dbus-1/system.d/com.coreos.update1.conf", Files.readString(
        Repo.ROOT.resolve("systemd/units/com.coreos.update1.conf")));
    // The node is a container only to the test: the unit's container condition is dropped (an
    // empty Condition resets them all, so the other is said again), the kernel command line is
    // the one the node's devices unit binds over /proc/cmdline (the unit's own /proc, made for
    // ProtectProc=, needs it again, as does the node's boot ID), and a failure is restarted after
    // 2 s instead of 30.
    write("/etc/systemd/system/update-engine.service.d/50-node.conf", """
        [Unit]
        ConditionVirtualization=
        ConditionPathExists=!/usr/.noupdate

        [Service]
        BindReadOnlyPaths=/etc/turnout-node/cmdline:/proc/cmdline
        BindReadOnlyPaths=/run/turnout-node/boot_id:/proc/sys/kernel/random/boot_id
        RestartSec=2
        # a /proc of the unit's own (as Turnout's drop-in asks anyway), where the node's boot ID
        # can be bound: the container's /proc/sys is a submount a unit's namespace lacks
        ProtectProc=invisible
        """);
    write("/etc/systemd/system/turnout-rebootd.service.d/50-node.conf", """
        [Service]
        BindReadOnlyPaths=/run/turnout-node/boot_id:/proc/sys/kernel/random/boot_id
        """);
    // Flatcar merges extensions at boot and reloads units after (flatcar/init's
    // ensure-sysext.service), so units in an image take part in the boot.
    link("/usr/lib/systemd/system/sysinit.target.wants/systemd-sysext.service",
        "../systemd-sysext.service");
    write("/usr/lib/systemd/system/ensure-sysext.service", """
        [Unit]
        BindsTo=systemd-sysext.service
        After=systemd-sysext.service
        DefaultDependencies=no
        ConditionDirectoryNotEmpty=|/etc/extensions
        ConditionDirectoryNotEmpty=|/run/extensions
        ConditionDirectoryNotEmpty=|/var/lib/extensions
        ConditionDirectoryNotEmpty=|/usr/local/lib/extensions
        ConditionDirectoryNotEmpty=|/usr/lib/extensions
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/usr/bin/systemctl daemon-reload
        ExecStart=/usr/bin/systemctl restart --no-block sockets.target timers.target multi-user.target
        [Install]
        WantedBy=sysinit.target
        """);
    link("/usr/lib/systemd/system/sysinit.target.wants/ensure-sysext.service",
        "../ensure-sysext.service");
    // Flatcar's core user (uid 500), not in the disk group.
    append("/etc/passwd", "core:x:500:500:Flatcar Admin:/home/core:/bin/sh\n");
    append("/etc/group", "core:x:500:\n");
    append("/etc/shadow", "core:*:19000:0:99999:7:::\n");
    Files.createDirectories(path("/home/core"));
    devices();
  }

  private void append(String absolute, String text) throws IOException {
    Files.writeString(path(absolute), text, java.nio.file.StandardOpenOption.APPEND);
  }

  /**
   * What devtmpfs and udev give a real node, made at the start of each boot by a unit of the
   * node's: loop devices (systemd-sysext mounts images on them), the boot disk and its
   * partitions with their by-partuuid links, and the kernel command line bound over
   * /proc/cmdline.
   */
  private void devices() throws IOException {
    StringBuilder s = new StringBuilder("#!/bin/sh\nset -e\n"
        + "[ -e /dev/loop-control ] || mknod -m 0660 /dev/loop-control c 10 237\n"
        + "i=0\nwhile [ $i -lt 256 ]; do\n"
        + "  [ -e /dev/loop$i ] || mknod -m 0660 /dev/loop$i b 7 $i\n  i=$((i+1))\ndone\n");
    String name = loop.getFileName().toString();
    s.append(node("/dev/" + name, Files.readString(Path.of("/sys/class/block", name, "dev"))));
    s.append("mkdir -p /dev/disk/by-partuuid\n");
    try (GptDisk d = GptDisk.open(machine.disk, false)) {
      for (GptEntry e : d.entries().stream().filter(GptEntry::used).toList()) {
        String part = name + "p" + e.number();
        Path dev = Path.of("/sys/class/block", name, part, "dev");
        if (!Files.exists(dev)) {
          throw new AssertionError("partx made no " + part);
        }
        s.append(node("/dev/" + part, Files.readString(dev)));
        s.append("ln -sf ../../" + part + " /dev/disk/by-partuuid/" + e.unique() + "\n");
      }
    }
    s.append("chgrp disk /dev/loop* && chmod 0660 /dev/loop*\n");
    s.append("mount --bind /etc/turnout-node/cmdline /proc/cmdline\n");
    // systemd-nspawn gives each start of the container a boot ID of its own (a file it mounts
    // over /proc/sys/kernel/random/boot_id); a unit with a /proc of its own (ProtectProc=) would
    // see the host's instead, so the node's units bind this copy there.
    s.append("mkdir -p /run/turnout-node && cat /proc/sys/kernel/random/boot_id"
        + " > /run/turnout-node/boot_id\n");
    executable("/usr/local/sbin/turnout-node-devices", s.toString());
    write("/etc/turnout-node/cmdline", "BOOT_IMAGE=/flatcar/vmlinuz-a mount.usr=PARTUUID="
        + Machine.USR_A + " rootflags=rw mount.usrflags=ro consoleblank=0\n");
    write("/etc/systemd/system/turnout-node-devices.service", """
        [Unit]
        Description=Devices of the simulated node (devtmpfs and udev make them on a real one)
        DefaultDependencies=no
        Before=systemd-sysext.service sysinit.target
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/usr/local/sbin/turnout-node-devices
        """);
    link("/etc/systemd/system/sysinit.target.wants/turnout-node-devices.service",
        "../turnout-node-devices.service");
  }

  private static String node(String path, String majorMinor) {
    String[] mm = majorMinor.strip().split(":");
    return "[ -e " + path + " ] || mknod -m 0660 " + path + " b " + mm[0] + " " + mm[1] + "\n";
  }

  /**
   * Waits for the node to go down by itself (a reboot asked of logind ends systemd-nspawn);
   * {@link #boot} then boots it again, from the same disk and files, with a new boot ID.
   */
  void awaitDown(Duration timeout) throws Exception {
    if (!nspawn.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the node did not go down within " + timeout);
    }
    nspawn = null;
    leader = -1;
  }

  /** Points the kernel command line (for the next boot) at {@code partUuid}. */
  void cmdlineUsr(java.util.UUID partUuid) throws IOException {
    write("/etc/turnout-node/cmdline", "BOOT_IMAGE=/flatcar/vmlinuz mount.usr=PARTUUID="
        + partUuid + " rootflags=rw mount.usrflags=ro consoleblank=0\n");
  }

  /** Boots the node; returns once systemd says the boot is done (running or degraded). */
  void boot() throws Exception {
    start();
    String[] last = {""};
    try {
      await(LONG, "the node to boot", () -> {
        Proc.Result r = sh("systemctl is-system-running --wait");
        last[0] = r.out() + r.err();
        return r.out().strip().matches("running|degraded");
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; systemctl said: " + last[0].strip(), e);
    }
  }

  /**
   * Starts the node's boot and returns once its systemd runs, without waiting for the boot to
   * finish: for a boot expected to end in a reboot of its own ({@link #awaitDown}).
   */
  void start() throws Exception {
    if (nspawn != null) {
      throw new IllegalStateException("booted already");
    }
    ProcessBuilder pb = new ProcessBuilder("systemd-nspawn", "--quiet", "--boot",
        "--register=no", "--keep-unit", "--capability=CAP_BPF", "--system-call-filter=bpf",
        "--machine=flatcar", "--directory=" + rootfs)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
            dir.resolve("console.log").toFile()));
    pb.environment().put("SYSTEMD_NSPAWN_UNIFIED_HIERARCHY", "1");
    nspawn = pb.start();
    nspawn.getOutputStream().close();
    // The container's init: systemd-nspawn's child whose name is systemd (a helper it forks
    // first may be seen before it, and goes).
    await(LONG, "the container's systemd", () -> {
      leader = nspawn.descendants().filter(h -> "systemd".equals(comm(h.pid()))).mapToLong(
          ProcessHandle::pid).min().orElse(-1);
      return leader > 0;
    });
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** A shell script as root inside the node. */
  Proc.Result sh(String script) throws Exception {
    return sh(LONG, script);
  }

  Proc.Result sh(Duration timeout, String script) throws Exception {
    return Proc.run(timeout, Map.of(), command(null, script));
  }

  /** A shell script as {@code user} inside the node (uid, gid and groups from its passwd). */
  Proc.Result shAs(String user, String script) throws Exception {
    return Proc.run(LONG, Map.of(), command(user, script));
  }

  private String[] command(String user, String script) {
    if (leader <= 0) {
      throw new IllegalStateException("the node is not booted");
    }
    List<String> cmd = new ArrayList<>(List.of("nsenter", "--target", Long.toString(leader),
        "--all", "/usr/bin/env", "-i", "PATH=" + PATH, "LANG=C.UTF-8"));
    if (user != null) {
      cmd.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups"));
    }
    cmd.addAll(List.of("/bin/sh", "-c", script));
    return cmd.toArray(String[]::new);
  }

  /** Runs {@code script} as root and fails the test, with its output, unless it exits 0. */
  String ok(String script) throws Exception {
    Proc.Result r = sh(script);
    if (r.exit() != 0) {
      throw new AssertionError("on the node: " + script + "\nexit " + r.exit() + "\n" + r.out()
          + r.err());
    }
    return r.out();
  }

  /** {@code systemctl show} of {@code unit}'s properties, by name. */
  Map<String, String> show(String unit, String... properties) throws Exception {
    String out = ok("systemctl show --property=" + String.join(",", properties) + " " + unit);
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }

  /** The journal of this boot, as text ({@code args} added to journalctl's). */
  String journal(String args) throws Exception {
    return ok("journalctl --no-pager --boot -o short-monotonic " + args);
  }

  /** Waits (polling) until {@code test} holds; fails naming {@code what} after {@code timeout}. */
  void await(Duration timeout, String what, Callable<Boolean> test) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (test.call()) {
        return;
      }
      if (nspawn != null && !nspawn.isAlive()) {
        throw new AssertionError("the node stopped while waiting for " + what + "; console:\n"
            + console());
      }
      Thread.sleep(200);
    }
    throw new AssertionError("waiting for " + what + " on the node");
  }

  String console() throws IOException {
    Path c = dir.resolve("console.log");
    return Files.exists(c) ? Files.readString(c) : "";
  }

  /** The boot disk's partition table, read through the loop device (what the node sees). */
  GptDisk gpt(boolean writable) throws IOException {
    return GptDisk.open(loop, writable);
  }

  /** Bytes of partition {@code number} as the node's disk holds them. */
  byte[] partition(int number) throws IOException {
    GptEntry e;
    try (GptDisk d = gpt(false)) {
      e = d.entry(number);
    }
    try (var ch = java.nio.channels.FileChannel.open(loop)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) e.byteLength());
      while (b.hasRemaining() && ch.read(b, e.byteOffset() + b.position()) >= 0) {
        // read all
      }
      return b.array();
    }
  }

  /** The process ID (in the node) of a unit's main process; 0 when it is not running. */
  long mainPid(String unit) throws Exception {
    return Long.parseLong(show(unit, "MainPID").get("MainPID"));
  }

  /**
   * Keeps the node's journal and console in {@code it-tests/target/node-logs/NAME.*} (read them
   * after a failure), stops the node (an orderly shutdown, then kill), detaches the disk;
   * idempotent.
   */
  void close(String name) throws Exception {
    if (!closed && leader > 0 && nspawn.isAlive()) {
      Path logs = Files.createDirectories(Repo.ROOT.resolve("it-tests/target/node-logs"));
      Files.writeString(logs.resolve(name + ".journal"),
          sh("journalctl --no-pager -o short-monotonic").out());
      Files.writeString(logs.resolve(name + ".console"), console());
    }
    close();
  }

  /** Stops the node (an orderly shutdown, then kill), detaches the disk; idempotent. */
  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (nspawn != null && nspawn.isAlive()) {
        // systemd-nspawn turns SIGTERM into an orderly shutdown of the container's systemd.
        nspawn.destroy();
        if (!nspawn.waitFor(60, TimeUnit.SECONDS)) {
          nspawn.descendants().forEach(ProcessHandle::destroyForcibly);
          nspawn.destroyForcibly();
          nspawn.waitFor(20, TimeUnit.SECONDS);
        }
      }
    } finally {
      detach();
      // Removed here, not by JUnit's temp dir, which warns of every absolute link in a rootfs.
      Proc.run(LONG, Map.of(), "rm", "-rf", "--one-file-system", rootfs.toString());
    }
  }

  private void detach() throws Exception {
    Proc.run(LONG, Map.of(), "partx", "--delete", loop.toString());
    Proc.Result r = Proc.run(LONG, Map.of(), "losetup", "--detach", loop.toString());
    if (r.exit() != 0) {
      throw new AssertionError("losetup --detach " + loop + ": " + r.err());
    }
  }

  /** Figures a scenario measured, printed for docs/benchmarks.md. */
  static void figure(String what, Duration d) {
    System.out.printf(java.util.Locale.ROOT, "node figure: %s: %d ms%n", what, d.toMillis());
  }
}
