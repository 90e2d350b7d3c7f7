package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.engine.Daemon;
import dev.turnout.engine.UpdateStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Power cuts through the daemon's own I/O: the real daemon (its composition root, every stage,
 * its prefs, checkpoints and GPT writes) runs in this JVM over a {@link PowerCutFileSystem}, which
 * keeps writes (and name changes) in a volatile cache until they are forced. The power goes at a
 * chosen change; what was not forced is lost, /run (a tmpfs) is emptied, and the machine boots
 * what {@code cgpt next} picks. Every cut must leave the invariant; then either the machine comes
 * up on the whole, verified new version, or, back on the old one, a new daemon completes the
 * update, resumed from the checkpoint whenever one survived.
 */
class PowerCutTest extends RigTest {

  /** Where a trial cuts the power: at the n-th change, or at the first change a rule picks. */
  private record Cut(String name, long at, Function<Machine, Predicate<String>> when) {}

  @Test
  void aPowerCutAtAnyChangeKeepsTheInvariantAndTheUpdateStillCompletes() throws Exception {
    // 3 MB/s: operations finish while bytes still arrive, so checkpoints are taken.
    Release release = serve("3900.0.0", 3_000_000);
    // A run without a cut counts the changing calls an update makes; the cuts spread over them.
    PowerCutFileSystem counting = new PowerCutFileSystem();
    assertThat(update(counting, trial("count"))).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    long total = counting.changes();
    var manifest = dev.turnout.payload.PayloadFile.read(release.payload).manifest();
    long operations = manifest.getPartitionOperationsCount()
        + manifest.getProcedures(0).getOperationsCount();
    int points = ReliabilityTest.LONG_RUN ? 50 : 12;
    Random r = new Random(7);
    List<Cut> cuts = new ArrayList<>(List.of(
        new Cut("a partition write after the first durable checkpoint", 0, m -> c ->
            c.startsWith("write " + m.disk) && durableCheckpoint(m) > 0),
        new Cut("right after the checkpoint that covers every operation", 0,
            m -> afterFullCheckpoint(m, operations)),
        new Cut("between the two GPT copies of the flip to USR-B", 0, m -> afterKernel(m,
            c -> c.startsWith("write " + m.disk + " @1024 "))),
        new Cut("right after the new kernel's rename", 0, m -> afterKernel(m, c -> true))));
    for (int i = 0; i < points; i++) {
      cuts.add(new Cut("at random", 1 + (total * i + r.nextLong(total)) / points, null));
    }
    int resumed = 0;
    int onNew = 0;
    for (int i = 0; i < cuts.size(); i++) {
      Cut cut = cuts.get(i);
      Machine m = trial("cut-" + i);
      PowerCutFileSystem fs = new PowerCutFileSystem();
      if (cut.when() != null) {
        fs.cutWhen(cut.when().apply(m));
      } else {
        fs.cutAt(cut.at());
      }
      UpdateStatus ended = update(fs, m);
      String where = fs.isCut() ? String.format("cut %d (%s) at change %d of %d, %s", i,
          cut.name(), fs.changes(), total, fs.cutDuring().replace(m.dir + "/", ""))
          : String.format("cut %d (%s) never came: the update ended after %d changes", i,
              cut.name(), fs.changes());
      assertThat(fs.undoFailure()).as("the simulated cut itself").isNull();
      assertThat(fs.isCut() || ended == UpdateStatus.UPDATED_NEED_REBOOT)
          .as("%s: either cut or completed, ended %s", where, ended).isTrue();
      assertThat(fs.isCut() || cut.when() == null).as("%s: the rule found its change", where)
          .isTrue();
      // Power back: /run is a tmpfs, the disk holds only what was forced, the boot loader picks.
      Files.deleteIfExists(m.path("/run/update_engine_autoupdate_completed"));
      Files.deleteIfExists(m.path("/run/reboot-required"));
      long checkpoint = durableCheckpoint(m);
      Invariant.checkDisk(this, A_GOOD, release);
      String next = bootLoaderPick();
      String outcome;
      if (next.equals(Machine.USR_B.toString())) {
        // USR-B was made bootable before the cut: the machine comes up on the new version, which
        // is whole, runs the offered version (so no update), and is marked good.
        m.boot(next, release.version, release.image);
        assertThat(update(null, m)).as("the boot into USR-B after %s", where)
            .isEqualTo(UpdateStatus.IDLE);
        assertThat(m.bootedUntouched()).as("USR-B holds the new image").isTrue();
        assertThat(Files.readAllBytes(m.path("/boot/flatcar/vmlinuz-b"))).as("its kernel")
            .isEqualTo(release.kernel);
        assertThat(m.entry(4).attributes().successful()).as("USR-B marked good").isTrue();
        assertThat(m.entry(4).attributes().priority())
            .isGreaterThan(m.entry(3).attributes().priority());
        onNew++;
        outcome = "booted USR-B, the verified new version";
      } else {
        assertThat(next).isEqualTo(Machine.USR_A.toString());
        int before = lab.log().entries().size();
        assertThat(update(null, m)).as("the update after %s", where)
            .isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
        Invariant.checkDisk(this, A_GOOD, release);
        assertThat(m.entry(4).attributes().bootable()).isTrue();
        // Resumed: no request for the whole payload from byte 0 (only the metadata, then
        // Range from the checkpoint, or nothing more when it covers every operation).
        boolean wholeFromZero = lab.log().entries().subList(before, lab.log().entries().size())
            .stream().anyMatch(n -> "download".equals(n.path("kind").asText())
                && n.path("range").asText().matches("|bytes=0-"));
        if (checkpoint > 0) {
          assertThat(wholeFromZero).as("%s left a checkpoint, so the update resumed from it",
              where).isFalse();
          resumed++;
        }
        outcome = "booted USR-A, then the update completed"
            + (checkpoint > 0 ? ", resumed at operation " + checkpoint : " from byte 0");
      }
      System.out.printf("power %s: %s%n", where, outcome);
    }
    System.out.printf("power cuts: %d over %d changes; came up on the new version %d; resumed from"
        + " a checkpoint %d%n", cuts.size(), total, onNew, resumed);
    assertThat(resumed).as("the cut after a durable checkpoint resumed").isPositive();
  }

  @Test
  void aPowerCutInsideTheExtensionStageLeavesTheOldSetOrTheWholeNewOneWithTheFlip()
      throws Exception {
    Release release = new Release(dir, "3900.0.0", 1_000_000);
    List<Sysext> images = List.of(new Sysext(dir, "oem-azure", release.version, 128 * 1024),
        new Sysext(dir, "flatcar-zfs", release.version, 160 * 1024));
    List<dev.turnout.labserver.Channel.Served> served = new ArrayList<>();
    for (Sysext x : images) {
      served.add(dev.turnout.labserver.Channel.Served.of(x.payload));
    }
    machine.extensions("azure", "zfs");
    serveWithExtensions(release, served, 0, "");
    List<Cut> cuts = List.of(
        new Cut("inside the first extension's download", 0, m -> c -> c.startsWith("write ")
            && c.contains("/var/lib/update_engine/extensions/oem-azure-")),
        new Cut("while the first image is made", 0, m -> c -> c.startsWith("write ")
            && c.contains("/extensions/oem-azure-3900.0.0.raw.new")),
        new Cut("right after the first image's rename", 0, m -> afterMove(m, "/oem/sysext/")),
        new Cut("right after the second image's rename", 0,
            m -> afterMove(m, "/etc/flatcar/sysext/")),
        new Cut("at the flip, after every image", 0, m -> afterMove(m, "/etc/flatcar/sysext/",
            c -> c.startsWith("write " + m.disk + " @1024 "))),
        new Cut("as an old image is removed, after the flip", 0, m -> c -> c.startsWith(
            "delete ") && c.contains("flatcar-zfs-3700.0.0.raw")));
    int onNew = 0;
    for (int i = 0; i < cuts.size(); i++) {
      Cut cut = cuts.get(i);
      Machine m = trial("ext-cut-" + i);
      m.extensions("azure", "zfs");
      m.write("/etc/flatcar/sysext/flatcar-zfs-3700.0.0.raw", "an old image");
      m.placedByTurnout("flatcar-zfs", "3700.0.0",
          "/etc/flatcar/sysext/flatcar-zfs-3700.0.0.raw");
      PowerCutFileSystem fs = new PowerCutFileSystem();
      fs.cutWhen(cut.when().apply(m));
      update(fs, m);
      String where = cut.name() + " (" + fs.cutDuring().replace(m.dir + "/", "") + ")";
      assertThat(fs.isCut()).as("%s: the rule found its change", cut.name()).isTrue();
      assertThat(fs.undoFailure()).as("the simulated cut itself").isNull();
      Files.deleteIfExists(m.path("/run/update_engine_autoupdate_completed"));
      Invariant.checkDisk(this, A_GOOD, release);
      Invariant.checkExtensions(m, m.version, images);
      if (bootLoaderPick().equals(Machine.USR_B.toString())) {
        System.out.printf("power cut %s: the new set is whole and USR-B is next%n", where);
        onNew++;
        continue;
      }
      assertThat(update(null, m)).as("the update after %s", where)
          .isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
      Invariant.checkDisk(this, A_GOOD, release);
      Invariant.checkExtensions(m, m.version, images);
      assertThat(m.entry(4).attributes().bootable()).isTrue();
      System.out.printf("power cut %s: the old set and an unbootable USR-B, then the update"
          + " completed%n", where);
    }
    assertThat(onNew).as("the cut after the flip came up with the new set").isEqualTo(1);
  }

  /** A rule that picks the change right after the first rename into {@code dir}. */
  private static Predicate<String> afterMove(Machine m, String dir) {
    return afterMove(m, dir, c -> true);
  }

  /** Among the changes after the first rename into {@code dir}, the first {@code then} takes. */
  private static Predicate<String> afterMove(Machine m, String dir, Predicate<String> then) {
    AtomicBoolean moved = new AtomicBoolean();
    String target = m.path(dir).toString();
    return c -> {
      if (moved.get()) {
        return then.test(c);
      }
      moved.set(c.startsWith("move ") && c.contains(" -> " + target));
      return false;
    };
  }

  /**
   * What GRUB's gptprio boots after the cut: it reads the primary GPT when that is valid, else the
   * backup, which is the table {@code cgpt repair} keeps; then {@code cgpt next} picks from it.
   * (A cut between the two copies leaves them different, and {@code cgpt next} alone refuses such
   * a disk.)
   */
  private String bootLoaderPick() throws Exception {
    Proc.Result repair = Proc.run(LONG, Map.of(), Repo.bin("cgpt").toString(), "repair",
        machine.disk.toString());
    assertThat(repair.exit()).as("cgpt repair: " + repair.err()).isZero();
    return cgptNext();
  }

  /** The operation a durable checkpoint resumes at, from the prefs on disk; 0 for none. */
  private static long durableCheckpoint(Machine m) {
    try {
      Path p = m.path("/var/lib/update_engine/prefs/update-state-next-operation");
      return Files.exists(p) ? Math.max(0, Long.parseLong(Files.readString(p).strip())) : 0;
    } catch (java.io.IOException | NumberFormatException e) {
      return 0;
    }
  }

  /**
   * A rule that picks the change right after the prefs directory is forced with a checkpoint past
   * the last of {@code operations} in it: the moment that checkpoint is on disk.
   */
  private static Predicate<String> afterFullCheckpoint(Machine m, long operations) {
    AtomicBoolean durable = new AtomicBoolean();
    String forcePrefs = "force " + m.path("/var/lib/update_engine/prefs");
    return c -> {
      if (durable.get()) {
        return true;
      }
      durable.set(c.equals(forcePrefs) && durableCheckpoint(m) >= operations);
      return false;
    };
  }

  /** A rule that picks, among the changes after the new kernel's rename, the first {@code then} takes. */
  private static Predicate<String> afterKernel(Machine m, Predicate<String> then) {
    AtomicBoolean renamed = new AtomicBoolean();
    return c -> {
      if (renamed.get()) {
        return then.test(c);
      }
      renamed.set(c.startsWith("move ") && c.endsWith(m.path("/boot/flatcar/vmlinuz-b")
          .toString()));
      return false;
    };
  }

  /** A fresh machine for one trial, pointed at the lab server. */
  private Machine trial(String name) throws Exception {
    machine = new Machine(Files.createDirectories(dir.resolve(name)), "3815.2.0");
    machine.server(lab.updateUrl());
    return machine;
  }

  /**
   * One update by an in-process daemon over {@code fs} ({@code null}: the plain file system);
   * returns the status the attempt ended in. A cut before the daemon is up ends it IDLE.
   */
  private UpdateStatus update(PowerCutFileSystem fs, Machine m) throws Exception {
    Path root = fs == null ? m.root : fs.wrap(m.root);
    Path disk = fs == null ? m.disk : fs.wrap(m.disk);
    Daemon d;
    try {
      d = inProcessDaemon(root, disk);
    } catch (java.io.IOException e) {
      assertThat(fs != null && fs.isCut()).as("the daemon failed to start: %s", e).isTrue();
      return UpdateStatus.IDLE;
    }
    try {
      return attempt(d);
    } finally {
      d.close();
    }
  }
}
