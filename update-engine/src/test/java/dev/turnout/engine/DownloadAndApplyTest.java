package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadAndApplyTest {
  @TempDir Path dir;
  FakeNode node;
  TestRelease release;
  final List<Integer> events = new ArrayList<>();
  final AtomicLong lastBytes = new AtomicLong(-1);
  final StageSink sink = new StageSink() {
    @Override
    public void event(OmahaEvent event) {
      events.add(event.type());
    }

    @Override
    public void downloaded(long bytes, long total) {
      lastBytes.set(bytes);
    }
  };

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    release = new TestRelease(dir, "1.1.0", 300_000);
  }

  private InstallPlan planned() throws Exception {
    InstallPlan checked = node.checked(release);
    return new Plan(node.paths, node.slots, node.record)
        .run(checked, StageSink.NONE);
  }

  private DownloadAndApply stage() {
    return (DownloadAndApply) node.stages().downloadAndApply();
  }

  @Test
  void thePayloadLandsInTheTargetAndTheKernelBesideItsFinalName() throws Exception {
    node.source = new FakePayloadSource(release.payload);
    InstallPlan p = stage().run(planned(), sink);
    assertThat(Arrays.copyOf(node.disks.contents(4), release.image.length))
        .isEqualTo(release.image);
    assertThat(Files.readAllBytes(p.kernelStaging())).startsWith(release.kernel);
    assertThat(p.result().verifiedBy()).isEqualTo("test.pub.pem");
    assertThat(events).containsExactly(OmahaEvent.downloadStarted().type(),
        OmahaEvent.downloadFinished().type());
    assertThat(lastBytes.get()).isEqualTo(release.payload.length);
    assertThat(node.disks.contents(3)).as("the booted slot is never written")
        .isEqualTo(new byte[node.disks.contents(3).length]);
  }

  @Test
  void aCutTransferResumesWithRangeAfterTheRetryDelay() throws Exception {
    node.source = new FakePayloadSource(release.payload).cutAfter(100_000).refuse(0);
    InstallPlan p = stage().run(planned(), sink);
    assertThat(p.result()).isNotNull();
    assertThat(node.source.requests).hasSize(2);
    assertThat(node.source.requests.get(1).from()).isEqualTo(100_000);
    assertThat(node.timers.sleeps).containsExactly(Duration.ofSeconds(20));
    assertThat(node.source.bytesServed).isEqualTo(release.payload.length);
  }

  @Test
  void aServerThatNeverAnswersFailsWithError9AfterTheRetries() throws Exception {
    node.source = new FakePayloadSource(release.payload).refuse(100);
    InstallPlan planned = planned();
    assertThatThrownBy(() -> stage().run(planned, sink))
        .isInstanceOfSatisfying(UpdateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.DOWNLOAD_TRANSFER_ERROR);
          assertThat(e).hasMessageContaining("connection refused");
        });
    assertThat(node.source.requests).hasSize(node.tuning.maxRetries() + 1);
  }

  @Test
  void aPayloadSignedWithAnotherKeyIsError18() throws Exception {
    node.source = new FakePayloadSource(release.payload);
    node.keys = List.of(TestRelease.otherKey());
    InstallPlan planned = planned();
    assertThatThrownBy(() -> stage().run(planned, sink))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR));
  }

  @Test
  void bytesOtherThanAnnouncedAreError10() throws Exception {
    byte[] other = release.payload.clone();
    other[other.length - 1] ^= 1; // the signature blob's last byte
    node.source = new FakePayloadSource(other);
    InstallPlan planned = planned();
    assertThatThrownBy(() -> stage().run(planned, sink))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_HASH_MISMATCH_ERROR));
  }

  @Test
  void aSavedCheckpointResumesWithoutFetchingTheAppliedPartAgain() throws Exception {
    release = new TestRelease(dir, "1.2.0", 1_500_000); // two partition operations
    node.source = new FakePayloadSource(release.payload).cutAfter(1_200_000);
    node.tuning = new DownloadAndApply.Tuning(0, Duration.ZERO,
        Duration.ZERO, 1);
    InstallPlan first = planned();
    assertThatThrownBy(() -> stage().run(first, sink)).isInstanceOf(UpdateException.class);
    long firstServed = node.source.bytesServed;
    InstallPlan again = planned();
    assertThat(again.resumeFrom()).as("a checkpoint survived the cut").isNotNull();
    stage().run(again, sink);
    assertThat(node.source.requests.get(1).end()).as("the metadata again")
        .isEqualTo(again.resumeFrom().metadataSize());
    assertThat(node.source.requests.get(2).from()).isEqualTo(again.resumeFrom().resumeOffset());
    assertThat(node.source.bytesServed - firstServed).as("the first 1 MiB operation is not sent again")
        .isLessThan(release.payload.length - 1_000_000);
    assertThat(Arrays.copyOf(node.disks.contents(4), release.image.length))
        .isEqualTo(release.image);
  }

  @Test
  void retriesAreCountedOverTheAttemptEvenWhenEachOneMakesProgress() throws Exception {
    FakePayloadSource dripping = new FakePayloadSource(release.payload);
    for (int i = 0; i < 50; i++) {
      dripping.cutAfter(1000); // a little per connection, then the connection drops
    }
    node.source = dripping;
    InstallPlan planned = planned();
    assertThatThrownBy(() -> stage().run(planned, sink))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DOWNLOAD_TRANSFER_ERROR));
    assertThat(dripping.requests).hasSize(node.tuning.maxRetries() + 1);
  }
}
