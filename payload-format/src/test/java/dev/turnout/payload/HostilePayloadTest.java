package dev.turnout.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link MutationCorpus} against the library: truncations at every region boundary, bit flips
 * everywhere, absurd lengths, bad extents, delta operations, bzip2 bombs. Every one must be
 * rejected with our own error type and a fitting code, and none may write outside the target
 * partition.
 */
class HostilePayloadTest {
  @TempDir static Path dir;
  static byte[] payload;
  static PayloadFile file;
  static final int PARTITION = 3 << 20;

  @BeforeAll
  static void setUp() throws Exception {
    Path p = TestPayloads.payload(dir, TestPayloads.mixedContent(2_300_000, 21),
        TestPayloads.mixedContent(700_000, 22), List.of(TestPayloads.devPrivate()));
    payload = Files.readAllBytes(p);
    file = PayloadFile.read(p);
  }

  /** Applies a payload into a guarded partition; returns the error, asserting guards held. */
  private static PayloadException reject(String name, byte[] mutant) throws Exception {
    Path d = Files.createTempDirectory(dir, "m");
    try (Applier a = new Applier(d, PARTITION)) {
      Throwable thrown = null;
      try {
        a.apply(mutant, Applier.Feed.RANDOM_SPLITS, List.of(TestPayloads.devPublic()));
      } catch (Throwable t) {
        thrown = t;
      }
      assertThat(thrown).as(name + " was accepted").isNotNull();
      assertThat(thrown).as(name).isInstanceOf(PayloadException.class);
      assertThat(a.guardsIntact()).as(name + " wrote outside the partition").isTrue();
      return (PayloadException) thrown;
    } finally {
      try (var files = Files.walk(d)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static int corpus;

  private static void expect(List<MutationCorpus.Mutant> mutants) throws Exception {
    for (MutationCorpus.Mutant m : mutants) {
      PayloadException e = reject(m.name(), m.bytes());
      corpus++;
      assertThat(e.code()).as(m.name() + ": " + e.getMessage()).isIn(m.codes());
    }
  }

  private static MutationCorpus corpus() {
    return new MutationCorpus(payload, file, PARTITION);
  }

  @Test
  void truncationsAtEveryRegionBoundary() throws Exception {
    expect(corpus().truncations());
  }

  @Test
  void bitFlipsInEachRegionGetTheirCode() throws Exception {
    expect(corpus().bitFlips());
  }

  @Test
  void randomBitFlipsAnywhere() throws Exception {
    expect(corpus().randomBitFlips());
  }

  @Test
  void absurdManifestSizes() throws Exception {
    expect(corpus().absurdManifestSizes());
  }

  @Test
  void manifestLies() throws Exception {
    expect(corpus().manifestLies());
  }

  @Test
  void bzip2BombStopsAtItsExtents() throws Exception {
    for (int blocks : MutationCorpus.BOMB_BLOCKS) {
      MutationCorpus.Mutant m = corpus().bomb(blocks);
      PayloadException e = reject(m.name(), m.bytes());
      corpus++;
      assertThat(e.code()).isIn(m.codes());
      assertThat(e.reason()).contains("partition operation 0: data is larger than its extents ("
          + blocks * 4096 + " bytes); stopped at byte " + (blocks * 4096 + 1));
    }
  }

  @org.junit.jupiter.api.AfterAll
  static void corpusSize() {
    System.out.println("hostile payload corpus: " + corpus + " mutants rejected");
  }
}
