package dev.turnout.reboot;

import dev.turnout.engine.SystemPaths;
import java.io.IOException;
import java.security.SecureRandom;

/** The lock a configuration names, and the id this machine holds it under. */
final class Backends {
  private Backends() {}

  /** The lock for {@code c}'s strategy; null for {@code reboot} and {@code off}. */
  static RebootLock lock(CoordinatorConfig c) throws IOException {
    return switch (c.strategy()) {
      case ETCD_LOCK -> new EtcdLock(new EtcdClient(Tls.client(c.caFile(), c.certFile(),
          c.keyFile()), c.endpoints(), c.username(), c.password()), c.group(),
          new SecureRandom(), Thread::sleep);
      case FLEETLOCK -> new FleetLock(Tls.client(c.caFile(), c.certFile(), c.keyFile()),
          c.endpoints().get(0), c.group());
      case REBOOT, OFF -> null;
    };
  }

  static String id(CoordinatorConfig c, SystemPaths paths) throws IOException {
    if (!c.idOverride().isEmpty()) {
      return c.idOverride();
    }
    String machine = NodeId.machineId(paths);
    return c.strategy() == CoordinatorConfig.Strategy.FLEETLOCK
        ? NodeId.appSpecific(machine, NodeId.APP_ID) : machine;
  }
}
