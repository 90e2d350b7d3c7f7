package dev.turnout.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Proxies from the standard environment variables, as curl reads them, for every request the
 * daemon makes (update checks, events and downloads alike): {@code https_proxy}/{@code HTTPS_PROXY}
 * for https, {@code http_proxy}/{@code HTTP_PROXY} for http, then {@code all_proxy}/
 * {@code ALL_PROXY}; lower case first. {@code no_proxy}/{@code NO_PROXY} lists hosts or domain
 * suffixes to reach directly, {@code *} for all. Proxy URLs may be http or socks (socks4, socks5,
 * socks5h), with the port defaulting to 1080 as in curl.
 */
final class EnvProxySelector extends ProxySelector {
  private final Map<String, String> env;

  public EnvProxySelector(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public List<Proxy> select(URI uri) {
    String host = uri.getHost();
    if (host == null || bypassed(host.toLowerCase(Locale.ROOT))) {
      return List.of(Proxy.NO_PROXY);
    }
    String spec = "https".equalsIgnoreCase(uri.getScheme())
        ? first("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
        : first("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY");
    if (spec == null) {
      return List.of(Proxy.NO_PROXY);
    }
    ProxySpec p = ProxySpec.parse(spec);
    return List.of(new Proxy(p.type(), InetSocketAddress.createUnresolved(p.host(), p.port())));
  }

  /** The credentials of the proxy that serves {@code uri}, if its URL carries any. */
  public ProxySpec specFor(URI uri) {
    String spec = "https".equalsIgnoreCase(uri.getScheme())
        ? first("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
        : first("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY");
    return spec == null ? null : ProxySpec.parse(spec);
  }

  private boolean bypassed(String host) {
    String list = first("no_proxy", "NO_PROXY");
    if (list == null) {
      return false;
    }
    for (String raw : list.split(",")) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        return true;
      }
      String suffix = entry.startsWith(".") ? entry.substring(1) : entry;
      if (host.equals(suffix) || host.endsWith("." + suffix)) {
        return true;
      }
    }
    return false;
  }

  private String first(String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  @Override
  public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}

  /** A parsed proxy URL. */
  public record ProxySpec(Proxy.Type type, String host, int port, String user, String password) {
    static ProxySpec parse(String spec) {
      String s = spec.contains("://") ? spec : "http://" + spec;
      URI u = URI.create(s);
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      Proxy.Type type = scheme.startsWith("socks") ? Proxy.Type.SOCKS : Proxy.Type.HTTP;
      String user = null;
      String password = null;
      if (u.getRawUserInfo() != null) {
        String[] parts = u.getUserInfo().split(":", 2);
        user = parts[0];
        password = parts.length > 1 ? parts[1] : "";
      }
      if (u.getHost() == null) {
        throw new IllegalArgumentException("cannot parse proxy URL " + spec);
      }
      return new ProxySpec(type, u.getHost(), u.getPort() > 0 ? u.getPort() : 1080, user,
          password);
    }
  }
}
