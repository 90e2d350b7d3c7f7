package dev.turnout.engine;

import dev.turnout.gpt.DiskLock;
import dev.turnout.payload.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every part once, from the options and the environment, and wires
 * them. The real clock, timers, HTTP, disks, hooks and bus are chosen here and nowhere else.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** The daemon's options. */
  public record Options(Path root, Path disk, Duration firstCheckDelay, Duration markGoodDelay,
      String busAddress, HttpSettings http, DownloadAndApply.Tuning tuning, Duration hookTimeout) {}

  private final UpdateAttempter attempter;
  private final OnDemandHttpClient http;
  private final RealTimers timers = new RealTimers();
  private final List<java.io.Closeable> locks = new ArrayList<>();
  private final DBusConnection bus;
  private boolean closed;

  /**
   * @param env the process environment: proxies for HTTP, what hooks may see
   * @param onBusLost runs (on a bus thread) when the bus connection drops: the caller stops the
   *     daemon and exits non-zero, so the service manager starts it afresh on the new bus
   */
  public Daemon(Options o, Map<String, String> env, Runnable onBusLost)
      throws IOException, DBusException {
    this(o, env, onBusLost, () -> { });
  }

  /** @param onIdle runs when the daemon has been idle for IDLE_EXIT_SEC: the caller exits 0 */
  public Daemon(Options o, Map<String, String> env, Runnable onBusLost, Runnable onIdle)
      throws IOException, DBusException {
    try {
      SystemPaths paths = new SystemPaths(o.root());
      Prefs prefs = new Prefs(paths.prefsDir());
      try {
        Durable.createDirectories(prefs.dir());
      } catch (IOException e) {
        throw new IOException("the prefs directory " + prefs.dir() + " is not usable: "
            + e.getMessage(), e);
      }
      locks.add(InstanceLock.take(paths.resolve("/var/lib/update_engine/turnout.lock")));
      Clock clock = Clock.systemUTC();
      Random random = new SecureRandom();
      AttemptRecord record = new PrefsAttemptRecord(prefs, clock, random);
      OmahaParamsLoader loader = new OmahaParamsLoader(paths, record,
          OmahaParamsLoader.machineArch());
      HttpSettings httpSettings = o.http().withEnvironment(env);
      OnDemandHttpClient client = new OnDemandHttpClient(
          () -> httpClient(httpSettings, loader, paths));
      http = client;
      OmahaClient omaha = new OmahaClient(new HttpOmahaTransport(client,
          o.http().maxResponseBytes()));
      Disks disks = new FileDisks();
      KernelBootSlots slots = new KernelBootSlots(paths, o.disk(), disks);
      Hooks hooks = new ProcessHooks(env, o.hookTimeout());
      lockDisk(diskOrNull(slots));
      BootGate gate = new BootGate(paths, record, clock,
          Duration.ofSeconds(loader.healthTimeoutSeconds()));
      BootMarker marker = new BootMarker(paths, slots, disks, hooks, record, gate);
      HttpPayloadSource payloads = new HttpPayloadSource(client);
      Stages stages = Stages.assemble(new Stages.Parts(paths, loader, omaha, record,
          marker::notReadyForUpdate, slots, disks, payloads, trustedKeys(paths),
          o.tuning(), hooks, new ExtensionStore(paths, record), new ExtensionLedger(record), clock,
          timers));
      attempter = new UpdateAttempter(stages,
          new UpdateAttempter.Parts(paths, loader, omaha, record, clock,
              payloads::bytesReceived, new Rollback(paths, slots, disks), this::rebootNow));
      marker.onFallBack(attempter::bootFailed);

      Monitor monitor = new Monitor(paths, loader, slots, disks, record, attempter::status,
          attempter::lastError);
      // The totals are counted before an attempt's final status is shown: that change writes
      // them.
      attempter.addListener(monitor::statusChanged);
      marker.afterMarking(monitor::refresh);
      monitor.refresh();

      IDisconnectCallback lost = new IDisconnectCallback() {
        @Override
        public void disconnectOnError(IOException e) {
          LOG.error("lost the message bus ({}); stopping, to be started again on the new bus",
              e.getMessage());
          onBusLost.run();
        }
      };
      bus = (o.busAddress() != null ? DBusConnectionBuilder.forAddress(o.busAddress())
          : DBusConnectionBuilder.forSystemBus()).withDisconnectCallback(lost).build();
      ManagerService service = new ManagerService(attempter, gate, bus, allowedUids(paths),
          System::nanoTime);
      // a method reference, not the service itself: dbus-java requires every interface an
      // exported object implements to be public
      attempter.addListener(service::statusChanged);
      // An attempt has ended: the next check is most of an hour away, so keep no idle connection
      // (and its file descriptor) to servers that may be gone by then, nor the TLS state and
      // trust store the check built; one full collection gives their heap back to the system.
      attempter.addListener(s -> {
        if ((s.operation() == UpdateStatus.IDLE
            || s.operation() == UpdateStatus.UPDATED_NEED_REBOOT) && client.held()) {
          client.release();
          System.gc();
        }
      });
      Duration idle = Duration.ofSeconds(loader.idleExitSeconds());
      CheckScheduler scheduler = idle.isZero() ? new CheckScheduler(timers, random, attempter, clock)
          : new CheckScheduler(timers, random, attempter, record, clock);
      attempter.onEnded(scheduler::attemptEnded);
      service.export();
      try {
        bus.requestBusName(Manager.BUS_NAME);
      } catch (DBusException e) {
        throw new DBusException(Manager.BUS_NAME + " is taken on this bus (another"
            + " update_engine?): " + e.getMessage());
      }
      LOG.info("owning {} at {}; status {}", Manager.BUS_NAME, Manager.OBJECT_PATH,
          attempter.status().operation().wireName());
      service.statusChanged(attempter.status());
      marker.start(timers, o.markGoodDelay());
      scheduler.start(o.firstCheckDelay());
      if (!idle.isZero()) {
        new IdleExit(idle, timers, IdleExit.of(attempter, marker, scheduler, service),
            System::nanoTime, onIdle).start();
      }
    } catch (IOException | DBusException | RuntimeException e) {
      releaseLocks();
      throw e;
    }
  }

  /** logind's Reboot, on the daemon's own bus connection. */
  private void rebootNow() throws IOException {
    try {
      bus.getRemoteObject(Login1Manager.BUS_NAME, Login1Manager.OBJECT_PATH,
          Login1Manager.class).Reboot(false);
    } catch (DBusException | RuntimeException e) {
      throw new IOException("logind refused the reboot: " + e.getMessage(), e);
    }
  }

  /** The boot disk, when the booted slot can be told now; else the lock waits for the next start. */
  private static Path diskOrNull(KernelBootSlots slots) {
    try {
      return slots.disk();
    } catch (UpdateException e) {
      LOG.error("cannot tell the boot disk, so it is not locked: {}", e.getMessage());
      return null;
    }
  }

  /** One daemon per disk: the disk's owner lock, held for the daemon's life. */
  private void lockDisk(Path disk) throws IOException {
    if (disk != null) {
      locks.add(DiskLock.acquire(disk, DiskLock.Kind.OWNER, Duration.ofSeconds(5)));
    }
  }

  /**
   * The one HTTP client, trusting {@code SERVER_CA_BUNDLE} besides the system store when it is
   * set and usable. A bad bundle is an ERROR in the log, not a daemon that cannot start: it runs
   * with the system store (a private server then fails its checks, and says why).
   */
  private static OkHttpClient httpClient(HttpSettings http, OmahaParamsLoader loader,
      SystemPaths paths) {
    try {
      String caBundle = loader.load().extraCaBundle();
      if (caBundle != null) {
        return HttpClients.create(http.withExtraCaBundle(paths.resolve(caBundle)),
            System::nanoTime);
      }
    } catch (IOException e) {
      LOG.error("SERVER_CA_BUNDLE is not usable, trusting the system store only: {}",
          e.getMessage());
    }
    try {
      return HttpClients.create(http, System::nanoTime);
    } catch (IOException e) { // only an extra CA bundle can fail, and there is none here
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The keys payloads must be signed with: {@code /usr/share/update_engine/update-payload-key.pub.pem}
   * (update_engine's path) and any {@code *.pem} in {@code /etc/turnout/keys.d/} (for key
   * rotation). None means every payload is refused; Turnout never skips verification.
   */
  static List<Keys.TrustedKey> trustedKeys(SystemPaths paths) throws IOException {
    List<Keys.TrustedKey> keys = new ArrayList<>();
    Path main = paths.resolve("/usr/share/update_engine/update-payload-key.pub.pem");
    if (Files.exists(main)) {
      keys.add(Keys.readPublic(main));
    }
    Path dir = paths.resolve("/etc/turnout/keys.d");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".pem")).sorted().toList()) {
          keys.add(Keys.readPublic(p));
        }
      }
    }
    if (keys.isEmpty()) {
      LOG.warn("no payload signing key at {} or in {}: every payload will be refused", main, dir);
    }
    return keys;
  }

  /** root, the daemon's own user and {@code core} (from the passwd file) may change state. */
  static Set<Long> allowedUids(SystemPaths paths) {
    Set<Long> uids = new HashSet<>();
    uids.add(0L);
    uids.add(new com.sun.security.auth.module.UnixSystem().getUid());
    Path passwd = paths.resolve("/etc/passwd");
    try {
      if (Files.isReadable(passwd)) {
        for (String line : Files.readAllLines(passwd)) {
          String[] f = line.split(":");
          if (f.length > 2 && "core".equals(f[0])) {
            uids.add(Long.parseLong(f[2]));
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      LOG.warn("cannot read {}: {}", passwd, e.getMessage());
    }
    return uids;
  }

  public UpdateAttempter attempter() {
    return attempter;
  }

  /** Abandons the current attempt safely (its checkpoint kept), leaves the bus, frees the locks. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    attempter.close(http::cancelAll); // first: no write, and no call to a server, once it returns
    timers.close();
    try {
      bus.releaseBusName(Manager.BUS_NAME);
    } catch (DBusException | RuntimeException e) {
      // the bus may already be gone
    }
    try {
      bus.disconnect();
    } catch (RuntimeException e) {
      // gone already
    }
    releaseLocks();
  }

  private void releaseLocks() {
    for (java.io.Closeable l : locks) {
      try {
        l.close();
      } catch (IOException e) {
        LOG.warn("releasing a lock: {}", e.getMessage());
      }
    }
    locks.clear();
  }
}
