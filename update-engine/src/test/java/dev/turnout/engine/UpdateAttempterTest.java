package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.PartitionAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateAttempterTest {
  @TempDir Path dir;
  FakeNode node;
  UpdateAttempter attempter;
  final List<EngineStatus> heard = Collections.synchronizedList(new ArrayList<>());
  final List<AttemptEnded> ends = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
  }

  @AfterEach
  void tearDown() {
    if (attempter != null) {
      attempter.close();
    }
  }

  private UpdateAttempter start(Stages stages) {
    attempter = node.attempter(stages);
    attempter.addListener(heard::add);
    attempter.onEnded(ends::add);
    return attempter;
  }

  /** Starts an interactive attempt and waits for it to end; returns the final status. */
  private EngineStatus attempt() throws Exception {
    return Attempts.run(attempter, true);
  }

  private List<UpdateStatus> operations() {
    List<UpdateStatus> ops = new ArrayList<>();
    for (EngineStatus s : List.copyOf(heard)) {
      if (ops.isEmpty() || ops.get(ops.size() - 1) != s.operation()) {
        ops.add(s.operation());
      }
    }
    return ops;
  }

  @Test
  void aWholeUpdateGoesThroughTheStatusesAndEventsOfUpdateEngine() throws Exception {
    TestRelease release = new TestRelease(dir, "1.1.0", 200_000);
    node.offer(release);
    start(node.stages());
    EngineStatus end = attempt();
    assertThat(end.operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(end.newVersion()).isEqualTo("1.1.0");
    assertThat(end.newSize()).isEqualTo(release.payload.length);
    assertThat(end.lastCheckedTime()).isEqualTo(node.clock.instant().getEpochSecond());
    assertThat(operations()).containsExactly(UpdateStatus.CHECKING_FOR_UPDATE,
        UpdateStatus.UPDATE_AVAILABLE, UpdateStatus.DOWNLOADING, UpdateStatus.FINALIZING,
        UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(node.omaha.events()).containsExactly("13/1", "14/1", "3/1");
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(2, 1, false));
  }

  @Test
  void noUpdateGoesBackToIdleWithTheTimeOfTheCheck() throws Exception {
    node.omaha.answer(TestRelease.noUpdate());
    start(node.stages());
    EngineStatus end = attempt();
    assertThat(end).isEqualTo(EngineStatus.idle(node.clock.instant().getEpochSecond()));
    assertThat(operations()).containsExactly(UpdateStatus.CHECKING_FOR_UPDATE, UpdateStatus.IDLE);
    assertThat(node.omaha.events()).isEmpty();
  }

  @Test
  void aFailedCheckReportsItsHttpCodeAndTheSchedulerHearsTheStatus() throws Exception {
    node.omaha.fail(OmahaException.http(503, "the update server answered HTTP 503", null));
    start(node.stages());
    assertThat(attempt().operation()).isEqualTo(UpdateStatus.IDLE);
    assertThat(operations()).containsExactly(UpdateStatus.CHECKING_FOR_UPDATE,
        UpdateStatus.REPORTING_ERROR_EVENT, UpdateStatus.IDLE);
    assertThat(node.omaha.events()).singleElement().asString().startsWith("3/0:");
    assertThat(node.omaha.events().get(0)).isEqualTo("3/0:" + (2503 | nonDefaultServerFlag()));
    assertThat(ends).singleElement().satisfies(e -> {
      assertThat(e.httpStatus()).isEqualTo(503);
      assertThat(e.answered()).isFalse();
      assertThat(e.outcome().wireCode()).isEqualTo(2503);
    });
  }

  private static int nonDefaultServerFlag() {
    return OmahaEvent.FLAG_NON_DEFAULT_SERVER;
  }

  /** A stage that throws what the test gives it, the first time only. */
  private static Stage throwingOnce(Supplier<Throwable> what, AtomicInteger runs) {
    return new Stage() {
      @Override
      public String describe(InstallPlan plan) {
        return "a stage that fails";
      }

      @Override
      public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
        if (runs.getAndIncrement() == 0) {
          Throwable t = what.get();
          if (t instanceof UpdateException u) {
            throw u;
          }
          if (t instanceof RuntimeException r) {
            throw r;
          }
          throw (Error) t;
        }
        return plan.end();
      }
    };
  }

  private Stages withPlan(Stage plan) {
    Stages s = node.stages();
    return new Stages(s.configure(), s.check(), plan, s.markTargetUnbootable(),
        s.downloadAndApply(), s.verify(), s.fetchExtensions(), s.postinstall(), s.setActive(),
        s.pruneExtensions(), s.report());
  }

  @Test
  void nothingAStageThrowsCanJamTheWorker() throws Exception {
    List<Supplier<Throwable>> failures = List.of(
        () -> new UpdateException(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR, "bad bytes", null),
        () -> new IllegalArgumentException("unexpected url \"ftp://x\""),
        () -> new ArithmeticException("long overflow"),
        () -> new NullPointerException(),
        () -> new StackOverflowError());
    TestRelease release = new TestRelease(dir, "1.1.0", 8192);
    for (Supplier<Throwable> f : failures) {
      heard.clear();
      AtomicInteger runs = new AtomicInteger();
      node.omaha.answer(release.response(FakeNode.CODEBASE))
          .answer(release.response(FakeNode.CODEBASE));
      start(withPlan(throwingOnce(f, runs)));
      EngineStatus end = attempt();
      assertThat(end.operation()).as(f.get().toString()).isEqualTo(UpdateStatus.IDLE);
      assertThat(operations()).contains(UpdateStatus.REPORTING_ERROR_EVENT);
      int expected = f.get() instanceof UpdateException u ? u.wireCode() : 1;
      assertThat(node.omaha.events()).last().asString()
          .isEqualTo("3/0:" + (expected | nonDefaultServerFlag()));
      assertThat(attempt().operation()).as("the next attempt runs").isEqualTo(UpdateStatus.IDLE);
      assertThat(runs).hasValue(2);
      attempter.close();
    }
  }

  @Test
  void twoCallersAtOnceStartExactlyOneCheck() throws Exception {
    for (int round = 0; round < 200; round++) {
      CountDownLatch inCheck = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger checks = new AtomicInteger();
      Stages s = node.stages();
      Stage blocking = new Stage() {
        @Override
        public String describe(InstallPlan plan) {
          return "blocking check";
        }

        @Override
        public InstallPlan run(InstallPlan plan, StageSink sink) {
          checks.incrementAndGet();
          inCheck.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return plan.end();
        }
      };
      start(new Stages(s.configure(), blocking, s.plan(), s.markTargetUnbootable(),
          s.downloadAndApply(), s.verify(), s.fetchExtensions(), s.postinstall(), s.setActive(),
          s.pruneExtensions(), s.report()));
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger started = new AtomicInteger();
      Runnable caller = () -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (attempter.attemptUpdate(true)) {
          started.incrementAndGet();
        }
      };
      Thread a = new Thread(caller);
      Thread b = new Thread(caller);
      a.start();
      b.start();
      go.countDown();
      a.join();
      b.join();
      assertThat(inCheck.await(10, TimeUnit.SECONDS)).isTrue();
      release.countDown();
      attempter.close();
      assertThat(started).as("round " + round).hasValue(1);
      assertThat(checks).as("round " + round).hasValue(1);
    }
  }

  @Test
  void withRestageFalseAwaitingRebootAScheduledCheckOnlyPingsAndResetStatusUndoesIt()
      throws Exception {
    node.write("/etc/flatcar/update.conf", "SERVER=" + FakeNode.SERVER + "\nRESTAGE=false\n");
    Files.createDirectories(node.paths.updateCompletedMarker().getParent());
    Files.createFile(node.paths.updateCompletedMarker());
    start(node.stages());
    assertThat(attempter.status().operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(attempter.attemptUpdate(true)).as("no new check while a reboot is due").isFalse();
    assertThat(attempter.attemptUpdate(false)).isTrue();
    for (int i = 0; i < 500 && node.omaha.requests.isEmpty(); i++) {
      Thread.sleep(10);
    }
    attempter.close();
    assertThat(node.omaha.requests).singleElement().satisfies(r -> {
      assertThat(r.xml()).contains("<ping active=\"1\">").doesNotContain("<updatecheck");
    });
    start(node.stages());
    assertThat(attempter.resetStatus()).isTrue();
    assertThat(attempter.status().operation()).isEqualTo(UpdateStatus.IDLE);
    assertThat(node.paths.updateCompletedMarker()).doesNotExist();
    assertThat(heard).as("ResetStatus sends no signal").isEmpty();
  }
}
