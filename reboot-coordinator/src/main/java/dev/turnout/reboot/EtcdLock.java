package dev.turnout.reboot;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;

/**
 * locksmith's reboot semaphore on etcd v3, as its v3 port (locksmith#12) keeps it (spec 7): the
 * plain key {@code coreos.com/updateengine/rebootlock/semaphore} (or {@code .../groups/G/semaphore},
 * G query-escaped), created when missing by a {@code Version == 0} transaction, changed only by a
 * {@code Version == read} transaction. Unlike locksmith, a lost compare-and-swap is read and tried
 * again (after a short random pause), not reported as a failure.
 */
final class EtcdLock implements RebootLock {
  static final String ROOT = "coreos.com/updateengine/rebootlock/";
  private static final int CAS_TRIES = 20;

  private final EtcdClient etcd;
  private final String key;
  private final Random jitter;
  private final Pause pause;

  /** Waits between compare-and-swap tries. */
  interface Pause {
    void sleep(long millis) throws InterruptedException;
  }

  EtcdLock(EtcdClient etcd, String group, Random jitter, Pause pause) {
    this.etcd = etcd;
    this.key = key(group);
    this.jitter = jitter;
    this.pause = pause;
  }

  /** The semaphore's key for {@code group} (empty: the default one). */
  static String key(String group) {
    return group == null || group.isEmpty() ? ROOT + "semaphore"
        : ROOT + "groups/" + URLEncoder.encode(group, StandardCharsets.UTF_8) + "/semaphore";
  }

  String key() {
    return key;
  }

  /** Creates the semaphore if it does not exist, as every locksmith client does at start. */
  void init() throws IOException {
    etcd.putIfVersion(key, 0, Semaphore.INITIAL.json());
  }

  @Override
  public void lock(String id) throws IOException, LockException {
    change(s -> s.lock(id));
  }

  @Override
  public void unlock(String id) throws IOException, LockException {
    change(s -> s.unlock(id));
  }

  @Override
  public Optional<Boolean> holds(String id) throws IOException {
    try {
      return Optional.of(status().holdersOrEmpty().contains(id));
    } catch (LockException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public Semaphore status() throws IOException, LockException {
    init();
    EtcdClient.Kv kv = etcd.get(key).orElseThrow(() -> new IOException(key + " vanished"));
    return Semaphore.parse(kv.value());
  }

  @Override
  public void setMax(long max) throws IOException, LockException {
    change(s -> s.withMax(max));
  }

  private interface Change {
    Semaphore apply(Semaphore s) throws LockException;
  }

  /** Read, change, write if unchanged meanwhile; a lost race is read and tried again. */
  private void change(Change c) throws IOException, LockException {
    init();
    for (int i = 0; i < CAS_TRIES; i++) {
      EtcdClient.Kv kv = etcd.get(key).orElseThrow(() -> new IOException(key + " vanished"));
      Semaphore next = c.apply(Semaphore.parse(kv.value()));
      if (etcd.putIfVersion(key, kv.version(), next.json())) {
        return;
      }
      try {
        pause.sleep(20 + jitter.nextInt(200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new LockException(LockException.Kind.CONFLICT, "the semaphore at " + key
        + " kept changing under " + CAS_TRIES + " tries");
  }
}
