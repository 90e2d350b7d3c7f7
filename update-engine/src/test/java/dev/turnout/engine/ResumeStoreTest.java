package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.payload.Checkpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeStoreTest {
  @TempDir Path dir;
  Prefs prefs;
  ResumeStore store;
  final Checkpoint cp = new Checkpoint(3, 4096,
      new org.bouncycastle.crypto.digests.SHA256Digest().getEncodedState(), new byte[0],
      new byte[0], 120, new byte[32]);

  @BeforeEach
  void setUp() {
    prefs = new Prefs(dir.resolve("prefs"));
    store = new ResumeStore(prefs);
  }

  @Test
  void aSavedCheckpointResumesTheSamePayloadOnly() throws Exception {
    store.save("hash-a", cp);
    assertThat(store.resumable("hash-a")).hasValueSatisfying(c -> {
      assertThat(c.nextOperation()).isEqualTo(3);
      assertThat(c.nextDataOffset()).isEqualTo(4096);
    });
    assertThat(store.resumable("hash-b")).isEmpty();
    assertThat(prefs.getLong(PrefKeys.UPDATE_STATE_NEXT_OPERATION)).hasValue(3L);
    assertThat(prefs.getLong(PrefKeys.MANIFEST_METADATA_SIZE)).hasValue(120L);
  }

  @Test
  void aSaveCutBeforeItsLastWriteLeavesNothingResumable() throws Exception {
    store.save("hash-a", cp);
    prefs.setLong(PrefKeys.UPDATE_STATE_NEXT_OPERATION, -1); // the first write of the next save
    assertThat(store.resumable("hash-a")).isEmpty();
  }

  @Test
  void moreThanTenResumedFailuresStartOver() throws Exception {
    store.save("hash-a", cp);
    for (int i = 0; i < ResumeStore.MAX_RESUMED_FAILURES; i++) {
      store.countResume();
    }
    assertThat(store.resumable("hash-a")).isPresent();
    store.countResume();
    assertThat(store.resumable("hash-a")).isEmpty();
  }

  @Test
  void aCheckpointThatCannotBeDecodedIsNotResumed() throws Exception {
    store.save("hash-a", cp);
    prefs.setBytes(PrefKeys.CHECKPOINT, new byte[] {9, 9, 9});
    assertThat(store.resumable("hash-a")).isEmpty();
  }

  @Test
  void aCheckpointWhoseHashStateIsGarbageIsDroppedAndTheDownloadStartsOver() throws Exception {
    store.save("hash-a", new Checkpoint(3, 4096, new byte[] {1, 2, 3}, new byte[0], new byte[0],
        120, new byte[32]));
    assertThat(store.resumable("hash-a")).isEmpty();
    assertThat(prefs.exists(PrefKeys.CHECKPOINT)).as("dropped, not tried again").isFalse();
    assertThat(prefs.getLong(PrefKeys.UPDATE_STATE_NEXT_OPERATION)).hasValue(-1L);
  }

  @Test
  void resetClearsEverythingAndCountsAfresh() throws Exception {
    store.save("hash-a", cp);
    store.countResume();
    store.reset("hash-a");
    assertThat(store.resumable("hash-a")).isEmpty();
    assertThat(prefs.getLong(PrefKeys.RESUMED_UPDATE_FAILURES)).hasValue(0L);
    assertThat(prefs.exists(PrefKeys.CHECKPOINT)).isFalse();
    assertThat(prefs.getString(PrefKeys.UPDATE_CHECK_RESPONSE_HASH)).hasValue("hash-a");
  }
}
