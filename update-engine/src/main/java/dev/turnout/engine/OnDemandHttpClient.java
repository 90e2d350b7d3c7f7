package dev.turnout.engine;

import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * The daemon's one OkHttp client, made when a request first needs it and dropped when an attempt
 * ends. Between checks, most of an hour, the daemon holds no TLS context, no parsed system trust
 * store (every certificate in it) and no pooled connection; each check builds them afresh, so a
 * changed {@code SERVER_CA_BUNDLE} counts from the next check on.
 */
final class OnDemandHttpClient implements Supplier<OkHttpClient> {
  private final Supplier<OkHttpClient> factory;
  private OkHttpClient client;

  public OnDemandHttpClient(Supplier<OkHttpClient> factory) {
    this.factory = factory;
  }

  /** The client of the current attempt, made now if there is none. */
  @Override
  public synchronized OkHttpClient get() {
    if (client == null) {
      client = factory.get();
    }
    return client;
  }

  /** True while a client is held. */
  public synchronized boolean held() {
    return client != null;
  }

  /**
   * Drops the client: its idle connections are closed now; a call still running on it (there is
   * none once the attempt has ended) finishes on its own. The daemon makes only synchronous
   * calls, so there is no dispatcher pool to stop. The next {@link #get} makes a new client.
   */
  public void release() {
    OkHttpClient c;
    synchronized (this) {
      c = client;
      client = null;
    }
    if (c != null) {
      c.connectionPool().evictAll();
    }
  }

  /**
   * Cancels every call under way on the current client (its sockets closed, so a thread blocked
   * on a server that takes its time returns at once with an IOException): what a stopping daemon
   * does so that it never waits on the network.
   */
  public void cancelAll() {
    OkHttpClient c;
    synchronized (this) {
      c = client;
    }
    if (c != null) {
      c.dispatcher().cancelAll();
    }
  }
}
