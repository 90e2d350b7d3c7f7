package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The semaphore's JSON and rules, as locksmith#12 writes them (spec 7's observed values). */
class SemaphoreTest {
  static final String ID = "3d1219c7c4c5404aaa1f6d2a48adfda4";

  static String json(Semaphore s) {
    return new String(s.json(), StandardCharsets.UTF_8);
  }

  @Test
  void theBytesAreLocksmithsForEveryStep() throws Exception {
    assertThat(json(Semaphore.INITIAL)).isEqualTo("{\"semaphore\":1,\"max\":1,\"holders\":null}");
    Semaphore locked = Semaphore.INITIAL.lock(ID);
    assertThat(json(locked)).isEqualTo("{\"semaphore\":0,\"max\":1,\"holders\":[\"" + ID
        + "\"]}");
    Semaphore unlocked = locked.unlock(ID);
    assertThat(json(unlocked)).isEqualTo("{\"semaphore\":1,\"max\":1,\"holders\":[]}");
    assertThat(json(unlocked.withMax(2))).isEqualTo("{\"semaphore\":2,\"max\":2,\"holders\":[]}");
    assertThat(Semaphore.parse(locked.json())).isEqualTo(locked);
    assertThat(Semaphore.parse(Semaphore.INITIAL.json()).holders()).isNull();
  }

  @Test
  void holdersStaySortedAndTheRulesAreLocksmiths() throws Exception {
    Semaphore s = Semaphore.INITIAL.withMax(3).lock("cc").lock("aa").lock("bb");
    assertThat(s.holders()).containsExactly("aa", "bb", "cc");
    assertThat(s.semaphore()).isZero();
    assertThatThrownBy(() -> s.lock("dd")).hasMessage("semaphore is at 0");
    assertThatThrownBy(() -> Semaphore.INITIAL.lock("aa").lock("aa"))
        .as("a holder asking again, the semaphore at 0")
        .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.kind())
            .isEqualTo(LockException.Kind.HELD));
    assertThatThrownBy(() -> s.unlock("zz")).hasMessage("holder does not exist");
    // set-max keeps the number held: 3 held of 3, max 5 leaves 2 free
    assertThat(s.withMax(5)).isEqualTo(new Semaphore(2, 5, List.of("aa", "bb", "cc")));
  }

  @Test
  void whatIsNotASemaphoreIsSaidSo() {
    assertThatThrownBy(() -> Semaphore.parse("[1]".getBytes())).hasMessageContaining("not a JSON"
        + " object");
    assertThatThrownBy(() -> Semaphore.parse("{\"max\":1}".getBytes()))
        .hasMessageContaining("lacks semaphore");
    assertThatThrownBy(() -> Semaphore.parse("{\"semaphore\":".getBytes()))
        .hasMessageContaining("not valid JSON");
  }
}
