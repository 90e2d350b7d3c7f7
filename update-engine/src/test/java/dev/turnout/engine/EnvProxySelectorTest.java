package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvProxySelectorTest {
  private static Proxy pick(Map<String, String> env, String url) {
    return new EnvProxySelector(env).select(URI.create(url)).get(0);
  }

  private static String where(Proxy p) {
    InetSocketAddress a = (InetSocketAddress) p.address();
    return p.type() + " " + a.getHostString() + ":" + a.getPort();
  }

  @Test
  void schemeSpecificThenAllProxyLowerCaseFirst() {
    Map<String, String> env = Map.of("https_proxy", "http://lower:3128",
        "HTTPS_PROXY", "http://upper:3128", "ALL_PROXY", "socks5h://socks:1081");
    assertThat(where(pick(env, "https://public.update.flatcar-linux.net/v1/update/")))
        .isEqualTo("HTTP lower:3128");
    assertThat(where(pick(env, "http://lab/v1/update"))).isEqualTo("SOCKS socks:1081");
    assertThat(where(pick(Map.of("HTTPS_PROXY", "proxy.corp"), "https://x/")))
        .isEqualTo("HTTP proxy.corp:1080");
    assertThat(pick(Map.of(), "https://x/")).isEqualTo(Proxy.NO_PROXY);
  }

  @Test
  void noProxyMatchesHostsAndDomainSuffixes() {
    Map<String, String> env = Map.of("https_proxy", "http://p:3128",
        "no_proxy", "localhost, .corp.example,10.0.0.5");
    assertThat(pick(env, "https://nebraska.corp.example/v1/update")).isEqualTo(Proxy.NO_PROXY);
    assertThat(pick(env, "https://corp.example/")).isEqualTo(Proxy.NO_PROXY);
    assertThat(pick(env, "https://10.0.0.5/")).isEqualTo(Proxy.NO_PROXY);
    assertThat(pick(env, "https://notcorp.example/")).isNotEqualTo(Proxy.NO_PROXY);
    assertThat(pick(Map.of("HTTPS_PROXY", "p:1", "NO_PROXY", "*"), "https://a/"))
        .isEqualTo(Proxy.NO_PROXY);
  }
}
