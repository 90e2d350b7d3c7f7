package dev.turnout.engine;

import java.util.Set;
import org.freedesktop.dbus.errors.AccessDenied;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may change the engine's state over D-Bus, besides what the bus policy lets through: the
 * callers whose UID (as the bus daemon reports it) is root, {@code core} or the daemon's own user.
 * Anyone else, and any caller the bus cannot identify, gets
 * {@code org.freedesktop.DBus.Error.AccessDenied}.
 */
final class Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger(Authorizer.class);

  /** The bus daemon's {@code GetConnectionUnixUser}. */
  interface UidLookup {
    long uidOf(String sender) throws Exception;
  }

  private final Set<Long> allowed;
  private final UidLookup lookup;

  Authorizer(Set<Long> allowed, UidLookup lookup) {
    this.allowed = Set.copyOf(allowed);
    this.lookup = lookup;
  }

  /** Returns when {@code sender} may call {@code method}; throws AccessDenied otherwise. */
  void check(String method, String sender) {
    long uid;
    try {
      if (sender == null) {
        throw new IllegalStateException("the call has no sender");
      }
      uid = lookup.uidOf(sender);
    } catch (Exception e) {
      LOG.warn("{} from {}: cannot tell who is calling ({}); refused", method, sender,
          e.getMessage());
      throw new AccessDenied(method + ": cannot identify the caller");
    }
    if (!allowed.contains(uid)) {
      LOG.warn("{} from {} (uid {}) refused", method, sender, uid);
      throw new AccessDenied(method + " is not allowed for uid " + uid);
    }
  }
}
