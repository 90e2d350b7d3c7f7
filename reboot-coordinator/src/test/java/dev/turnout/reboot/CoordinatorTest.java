package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.engine.SystemPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's cycle over fakes: a fake clock that sleeping moves, scripted lock answers. */
class CoordinatorTest {
  static final String ID = "0123456789abcdef0123456789abcdef";
  @TempDir Path dir;

  /** A clock that only sleeping moves. */
  static final class Time extends Clock implements Coordinator.Sleeper {
    Instant now = Instant.parse("2026-12-02T10:00:00Z");
    final List<Duration> slept = new ArrayList<>();

    @Override
    public void sleep(Duration d) throws InterruptedException {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      slept.add(d);
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A lock whose answers a test scripts: failures first, then the semaphore's rules. */
  static final class ScriptedLock implements RebootLock {
    Semaphore s = Semaphore.INITIAL;
    final List<Object> failures = new ArrayList<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public synchronized void lock(String id) throws IOException, LockException {
      calls.add("lock");
      fail();
      s = s.lock(id);
    }

    @Override
    public synchronized void unlock(String id) throws IOException, LockException {
      calls.add("unlock");
      fail();
      s = s.unlock(id);
    }

    private void fail() throws IOException, LockException {
      if (!failures.isEmpty()) {
        Object f = failures.remove(0);
        if (f instanceof IOException io) {
          throw io;
        }
        throw (LockException) f;
      }
    }

    @Override
    public Optional<Boolean> holds(String id) {
      return Optional.of(s.holdersOrEmpty().contains(id));
    }

    @Override
    public Semaphore status() {
      return s;
    }

    @Override
    public void setMax(long max) {
      s = s.withMax(max);
    }
  }

  Time time = new Time();
  ScriptedLock lock = new ScriptedLock();
  String operation = Coordinator.NEED_REBOOT;
  final List<Instant> reboots = new ArrayList<>();
  final AtomicInteger healthPolls = new AtomicInteger();
  int goodAfter = 0;
  int loggedIn = 0;
  LockRecord record;
  SystemPaths paths;

  Coordinator coordinator(String conf, String bootId) throws Exception {
    paths = new SystemPaths(dir);
    Files.createDirectories(paths.resolve("/etc/flatcar"));
    Files.writeString(paths.resolve("/etc/flatcar/update.conf"), conf);
    CoordinatorConfig c = CoordinatorConfig.load(paths, Map.of());
    record = new LockRecord(paths.resolve("/var/lib/turnout-rebootd/lock"));
    Coordinator.Engine engine = new Coordinator.Engine() {
      @Override
      public String currentOperation() {
        return operation;
      }

      @Override
      public void awaitNeedReboot() {
        operation = Coordinator.NEED_REBOOT;
      }
    };
    return new Coordinator(new Coordinator.Parts(c, c.strategy()
        == CoordinatorConfig.Strategy.REBOOT ? null : lock, ID, engine,
        () -> reboots.add(time.instant()), () -> healthPolls.incrementAndGet() > goodAfter,
        m -> loggedIn, time, time,
        new StateFile(paths.resolve("/run/update-engine/coordinator.conf"), c.strategy().word,
            c.window()), record, bootId));
  }

  String state() throws IOException {
    return Files.readString(paths.resolve("/run/update-engine/coordinator.conf"));
  }

  @Test
  void waitsForTheWindowTakesTheLockAndAsksLogindToReboot() throws Exception {
    Coordinator c = coordinator("REBOOT_STRATEGY=etcd-lock\nREBOOT_WINDOW_START=13:00\n"
        + "REBOOT_WINDOW_LENGTH=1h\n", "boot-1");
    assertThat(c.run(false)).isEqualTo(Coordinator.Outcome.REBOOT_REQUESTED);
    assertThat(time.slept).containsExactly(Duration.ofHours(3));
    assertThat(lock.s.holders()).containsExactly(ID);
    assertThat(reboots).containsExactly(Instant.parse("2026-12-02T13:00:00Z"));
    assertThat(record.read()).hasValueSatisfying(h -> assertThat(h.bootId()).isEqualTo("boot-1"));
    assertThat(state()).contains("NAME=turnout-rebootd\n").contains("STRATEGY=etcd-lock\n")
        .contains("STATE=rebooting\n").contains("LOCK_HELD_SINCE=" + Instant.parse(
            "2026-12-02T13:00:00Z").getEpochSecond());
  }

  @Test
  void aFullSemaphoreAndADeadEtcdAreRetriedWithBackoffAndNeverRebootWithoutTheLock()
      throws Exception {
    lock.failures.add(new LockException(LockException.Kind.FULL, "semaphore is at 0"));
    lock.failures.add(new IOException("connection refused"));
    lock.failures.add(new LockException(LockException.Kind.CONFLICT, "kept changing"));
    Coordinator c = coordinator("REBOOT_STRATEGY=etcd-lock\n", "boot-1");
    c.run(false);
    assertThat(time.slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(20));
    assertThat(lock.calls).containsExactly("lock", "lock", "lock", "lock");
    assertThat(reboots).hasSize(1);
  }

  @Test
  void aWindowThatClosesWhileWaitingForTheLockIsWaitedForAgain() throws Exception {
    for (int i = 0; i < 8; i++) { // 5 s, 10 s, ... 5 min: past the 10 min window
      lock.failures.add(new LockException(LockException.Kind.FULL, "semaphore is at 0"));
    }
    Coordinator c = coordinator("REBOOT_STRATEGY=etcd-lock\nREBOOT_WINDOW_START=10:00\n"
        + "REBOOT_WINDOW_LENGTH=10m\n", "boot-1");
    c.run(false);
    Instant at = reboots.get(0);
    assertThat(java.time.LocalTime.ofInstant(at, ZoneOffset.UTC))
        .isBetween(java.time.LocalTime.of(10, 0), java.time.LocalTime.of(10, 10));
    assertThat(at).isAfter(Instant.parse("2026-12-03T00:00:00Z")); // the next day's window
  }

  @Test
  void loggedInUsersAreToldAndGivenFiveMinutes() throws Exception {
    loggedIn = 2;
    coordinator("REBOOT_STRATEGY=reboot\n", "boot-1").run(false);
    assertThat(time.slept).containsExactly(Duration.ofMinutes(5));
    assertThat(reboots).hasSize(1);
    assertThat(lock.calls).isEmpty();
  }

  @Test
  void aLockFromAnEarlierBootIsReleasedOnlyOnceTheEngineMarkedThisBootGood() throws Exception {
    lock.s = Semaphore.INITIAL.lock(ID);
    goodAfter = 3;
    operation = "UPDATE_STATUS_IDLE";
    Coordinator c = coordinator("REBOOT_STRATEGY=etcd-lock\nREBOOT_WINDOW_START=04:00\n"
        + "REBOOT_WINDOW_LENGTH=1h\n", "boot-2");
    record.write(new LockRecord.Held("boot-1", Instant.parse("2026-12-02T04:00:00Z")));
    assertThat(c.run(false)).isEqualTo(Coordinator.Outcome.NOTHING);
    assertThat(time.slept).as("polled until good, whatever the window")
        .containsExactly(Coordinator.HEALTH_POLL, Coordinator.HEALTH_POLL,
            Coordinator.HEALTH_POLL);
    assertThat(lock.s.holders()).isEmpty();
    assertThat(record.read()).isEmpty();
    assertThat(state()).doesNotContain("LOCK_HELD_SINCE");
    assertThat(reboots).isEmpty();
  }

  @Test
  void aLockTakenInThisBootIsKeptForItsReboot() throws Exception {
    lock.s = Semaphore.INITIAL.lock(ID);
    Coordinator c = coordinator("REBOOT_STRATEGY=etcd-lock\n", "boot-1");
    record.write(new LockRecord.Held("boot-1", Instant.parse("2026-12-02T09:00:00Z")));
    c.run(false);
    assertThat(lock.calls).containsExactly("lock"); // HELD: as good as taken; no unlock
    assertThat(healthPolls).hasValue(0);
    assertThat(reboots).hasSize(1);
  }

  @Test
  void aNewSlotThatNeverComesUpHealthyNeverReleases() throws Exception {
    lock.s = Semaphore.INITIAL.lock(ID);
    goodAfter = Integer.MAX_VALUE;
    Coordinator c = coordinator("REBOOT_STRATEGY=etcd-lock\n", "boot-2");
    record.write(new LockRecord.Held("boot-1", Instant.parse("2026-12-02T04:00:00Z")));
    Thread t = new Thread(() -> {
      try {
        c.run(false);
      } catch (Exception e) {
        // interrupted: the node fell back and rebooted
      }
    });
    t.start();
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (healthPolls.get() < 50 && System.nanoTime() < end) {
      Thread.sleep(1);
    }
    t.interrupt();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(healthPolls.get()).isGreaterThanOrEqualTo(50);
    assertThat(lock.calls).doesNotContain("unlock");
    assertThat(lock.s.holders()).containsExactly(ID);
  }

  @Test
  void offAndNothingToDoEndAtOnce() throws Exception {
    assertThat(coordinator("REBOOT_STRATEGY=off\n", "b").run(false))
        .isEqualTo(Coordinator.Outcome.DISABLED);
    assertThat(state()).contains("STATE=disabled");
    operation = "UPDATE_STATUS_IDLE";
    assertThat(coordinator("REBOOT_STRATEGY=etcd-lock\n", "b").run(false))
        .isEqualTo(Coordinator.Outcome.NOTHING);
    assertThat(coordinator("REBOOT_STRATEGY=etcd-lock\n", "b").run(true))
        .as("--wait: the signal comes").isEqualTo(Coordinator.Outcome.REBOOT_REQUESTED);
  }
}
