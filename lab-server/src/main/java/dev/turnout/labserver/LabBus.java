package dev.turnout.labserver;

import java.util.concurrent.CountDownLatch;
import org.freedesktop.dbus.bin.EmbeddedDBusDaemon;

/**
 * A private message bus for demos on machines without {@code dbus-daemon}: dbus-java's embedded
 * bus daemon listening at the given address (e.g. {@code unix:path=/tmp/demo/bus}), until killed.
 */
public final class LabBus {
  private LabBus() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: LabBus unix:path=SOCKET");
      System.exit(2);
    }
    EmbeddedDBusDaemon daemon = new EmbeddedDBusDaemon(args[0]);
    daemon.startInBackgroundAndWait(10_000);
    System.out.println(args[0]);
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        daemon.close();
      } catch (java.io.IOException e) {
        // exiting anyway
      }
    }));
    new CountDownLatch(1).await();
  }
}
