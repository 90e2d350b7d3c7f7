package dev.turnout.reboot;

import dev.turnout.engine.SystemPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who this machine is to the lock: {@code /etc/machine-id} for the etcd semaphore (as locksmith,
 * so both share one), and for FleetLock the machine id made app-specific as systemd's
 * {@code sd_id128_get_machine_app_specific} does (HMAC-SHA256 keyed by the machine id over an
 * application id, cut to 128 bits and marked a version-4 UUID), as Zincati sends it: the raw
 * machine id never leaves the node.
 */
final class NodeId {
  /** Turnout's application id for FleetLock node ids. */
  static final String APP_ID = "5a1e3f0c6b2d4e8f9a7c1d3b5e7f9a2c";

  private NodeId() {}

  static String machineId(SystemPaths paths) throws IOException {
    String id = Files.readString(paths.resolve("/etc/machine-id")).strip();
    if (!id.matches("[0-9a-f]{32}")) {
      throw new IOException("Cannot read machine-id: " + paths.resolve("/etc/machine-id")
          + " does not hold 32 hex digits");
    }
    return id;
  }

  static String appSpecific(String machineId, String appId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(HexFormat.of().parseHex(machineId), "HmacSHA256"));
      byte[] h = mac.doFinal(HexFormat.of().parseHex(appId));
      byte[] id = java.util.Arrays.copyOf(h, 16);
      id[6] = (byte) ((id[6] & 0x0F) | 0x40);
      id[8] = (byte) ((id[8] & 0x3F) | 0x80);
      return HexFormat.of().formatHex(id);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
