package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.freedesktop.dbus.errors.AccessDenied;
import org.junit.jupiter.api.Test;

class AuthorizerTest {
  private final Map<String, Long> uids = Map.of(":1.1", 0L, ":1.2", 500L, ":1.3", 65534L);
  private final Authorizer auth = new Authorizer(Set.of(0L, 500L), sender -> {
    Long uid = uids.get(sender);
    if (uid == null) {
      throw new IllegalStateException("no such connection " + sender);
    }
    return uid;
  });

  @Test
  void rootAndCoreMayChangeState() {
    assertThatCode(() -> auth.check("AttemptUpdate", ":1.1")).doesNotThrowAnyException();
    assertThatCode(() -> auth.check("ResetStatus", ":1.2")).doesNotThrowAnyException();
  }

  @Test
  void anyoneElseIsAccessDeniedWithTheirUid() {
    assertThatThrownBy(() -> auth.check("AttemptUpdate", ":1.3")).isInstanceOf(AccessDenied.class)
        .hasMessage("AttemptUpdate is not allowed for uid 65534");
  }

  @Test
  void aCallerTheBusCannotIdentifyIsRefused() {
    assertThatThrownBy(() -> auth.check("ResetStatus", ":1.9")).isInstanceOf(AccessDenied.class)
        .hasMessage("ResetStatus: cannot identify the caller");
    assertThatThrownBy(() -> auth.check("ResetStatus", null)).isInstanceOf(AccessDenied.class);
  }
}
