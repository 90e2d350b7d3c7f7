package dev.turnout.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the daemon talks HTTP, with Flatcar's numbers as defaults ({@code libcurl_http_fetcher.cc}):
 * connect within 30 s, abort a transfer slower than 10 bytes/s for 90 s, follow at most 10
 * redirects and never from https to http. Tests shrink the times.
 *
 * @param maxResponseBytes the largest Omaha response accepted; a bigger one is refused unread
 * @param extraCaBundle PEM certificates trusted besides the system store (private Nebraska); or null
 * @param environment where proxy variables come from (the composition root passes the process
 *     environment; {@link #defaults()} has none)
 */
public record HttpSettings(Duration connectTimeout, long lowSpeedBytesPerSecond,
    Duration lowSpeedTime, int maxRedirects, long maxResponseBytes, Path extraCaBundle,
    Map<String, String> environment) {

  public static HttpSettings defaults() {
    return new HttpSettings(Duration.ofSeconds(30), 10, Duration.ofSeconds(90), 10, 4L << 20, null,
        Map.of());
  }

  public HttpSettings withTimeouts(Duration connect, Duration lowSpeed) {
    return new HttpSettings(connect, lowSpeedBytesPerSecond, lowSpeed, maxRedirects,
        maxResponseBytes, extraCaBundle, environment);
  }

  public HttpSettings withExtraCaBundle(Path bundle) {
    return new HttpSettings(connectTimeout, lowSpeedBytesPerSecond, lowSpeedTime, maxRedirects,
        maxResponseBytes, bundle, environment);
  }

  public HttpSettings withEnvironment(Map<String, String> env) {
    return new HttpSettings(connectTimeout, lowSpeedBytesPerSecond, lowSpeedTime, maxRedirects,
        maxResponseBytes, extraCaBundle, Map.copyOf(env));
  }
}
