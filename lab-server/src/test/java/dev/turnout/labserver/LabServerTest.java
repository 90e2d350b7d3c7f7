package dev.turnout.labserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.engine.HttpClients;
import dev.turnout.engine.HttpSettings;
import dev.turnout.engine.OmahaClient;
import dev.turnout.engine.OmahaEvent;
import dev.turnout.engine.OmahaParams;
import dev.turnout.engine.OmahaRequest;
import dev.turnout.engine.OmahaResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Our Omaha client against our lab server over real HTTP on loopback. */
class LabServerTest {
  @TempDir Path dir;
  byte[] payload;
  byte[] extension;
  LabServer server;
  ByteArrayOutputStream logged = new ByteArrayOutputStream();
  OkHttpClient http;
  OmahaClient client;

  @BeforeEach
  void start() throws Exception {
    payload = new byte[300_000];
    new Random(1).nextBytes(payload);
    extension = new byte[5_000];
    new Random(2).nextBytes(extension);
    Path p = Files.write(dir.resolve("flatcar_test_update.gz"), payload);
    Path e = Files.write(dir.resolve("oem-qemu.gz"), extension);
    server = new LabServer(new InetSocketAddress("127.0.0.1", 0),
        List.of(Channel.of("stable", "3900.0.0", p, List.of(e))), null,
        new RequestLog(new PrintStream(logged, true, StandardCharsets.UTF_8), Clock.systemUTC()))
        .start();
    HttpSettings s = HttpSettings.defaults().withTimeouts(Duration.ofSeconds(5),
        Duration.ofSeconds(5)).withEnvironment(Map.of());
    http = HttpClients.create(s, System::nanoTime);
    client = new OmahaClient(new dev.turnout.engine.HttpOmahaTransport(() -> http, s.maxResponseBytes()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static OmahaParams params(String version, String group) {
    return new OmahaParams("http://x", group, version, "amd64-usr",
        "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}", "", "qemu", "0.2.0",
        "0123456789abcdef0123456789abcdef", "1b3d5f7e-0000-4000-8000-000000000001", version,
        "x86_64", "", "", null);
  }

  @Test
  void offersTheChannelsReleaseToOlderMachines() throws Exception {
    OmahaResponse r = client.updateCheck(server.updateUrl(),
        OmahaRequest.updateCheck(params("3815.2.0", "stable"), true, "3760.1.0"));
    assertThat(r.updateAvailable()).isTrue();
    assertThat(r.version()).isEqualTo("3900.0.0");
    String base = "http://127.0.0.1:" + server.address().getPort() + "/payloads/stable/3900.0.0/";
    assertThat(r.payloadUrls()).containsExactly(base + "flatcar_test_update.gz");
    assertThat(r.size()).isEqualTo(payload.length);
    assertThat(r.sha256()).isEqualTo(Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(payload)));
    assertThat(r.sha1()).isEqualTo(Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-1").digest(payload)));
    assertThat(r.disablePayloadBackoff()).isTrue();
    assertThat(r.extraPackages()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("oem-qemu.gz");
      assertThat(p.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(extension));
      assertThat(p.sha1()).isEqualTo(Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-1").digest(extension)));
      assertThat(p.size()).isEqualTo(extension.length);
      assertThat(p.urls()).containsExactly(base + "oem-qemu.gz");
    });
    try (Response get = http.newCall(new Request.Builder().url(r.payloadUrls().get(0)).build())
        .execute()) {
      assertThat(get.code()).isEqualTo(200);
      assertThat(get.body().bytes()).isEqualTo(payload);
    }
    ObjectNode line = server.log().entries().get(0);
    assertThat(line.get("response").asText()).isEqualTo("update");
    assertThat(line.get("machineid").asText()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(line.get("installsource").asText()).isEqualTo("ondemandupdate");
    assertThat(line.get("events").get(0).get("previousversion").asText()).isEqualTo("3760.1.0");
    assertThat(logged.toString(StandardCharsets.UTF_8)).startsWith("{\"time\":")
        .contains("\"kind\":\"omaha\"");
  }

  @Test
  void currentOrNewerMachinesAndUnknownChannelsGetNoUpdate() throws Exception {
    assertThat(client.updateCheck(server.updateUrl(), OmahaRequest.updateCheck(
        params("3900.0.0", "stable"), false, "")).updateAvailable()).isFalse();
    assertThat(client.updateCheck(server.updateUrl(), OmahaRequest.updateCheck(
        params("3901.1.0", "stable"), false, "")).updateAvailable()).isFalse();
    assertThat(client.updateCheck(server.updateUrl().replace("/v1/update/", "/v1/update"),
        OmahaRequest.updateCheck(params("1.0.0", "beta"), false, "")).updateAvailable()).isFalse();
    assertThat(server.log().entries().get(2).get("warning").asText())
        .isEqualTo("unknown channel \"beta\"");
  }

  @Test
  void eventsAreRecordedWithTheirCodes() throws Exception {
    OmahaParams p = params("3815.2.0", "stable");
    client.send(server.updateUrl(), OmahaRequest.event(p, false, OmahaEvent.downloadStarted()));
    client.send(server.updateUrl(), OmahaRequest.event(p, false, OmahaEvent.downloadFinished()));
    client.send(server.updateUrl(), OmahaRequest.event(p, false,
        OmahaEvent.error(10 | OmahaEvent.FLAG_NON_DEFAULT_SERVER)));
    client.send(server.updateUrl(), OmahaRequest.ping(p, false));
    List<ObjectNode> lines = server.log().entries();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).get("events").get(0).get("type").asInt()).isEqualTo(13);
    assertThat(lines.get(1).get("events").get(0).get("type").asInt()).isEqualTo(14);
    assertThat(lines.get(2).get("events").get(0).get("errorcode").asInt()).isEqualTo(268435466);
    assertThat(lines.get(2).get("events").get(0).get("result").asInt()).isZero();
    assertThat(lines.get(3).get("ping").asBoolean()).isTrue();
    assertThat(lines.get(3).get("events")).isEmpty();
  }

  private Response get(String range) throws Exception {
    Request.Builder b = new Request.Builder().url("http://127.0.0.1:" + server.address().getPort()
        + "/payloads/stable/3900.0.0/flatcar_test_update.gz");
    if (range != null) {
      b.header("Range", range);
    }
    return http.newCall(b.build()).execute();
  }

  @Test
  void rangeRequestsAreServed() throws Exception {
    try (Response r = get("bytes=100-199")) {
      assertThat(r.code()).isEqualTo(206);
      assertThat(r.header("Content-Range")).isEqualTo("bytes 100-199/300000");
      assertThat(r.body().bytes()).isEqualTo(Arrays.copyOfRange(payload, 100, 200));
    }
    try (Response r = get("bytes=299000-")) {
      assertThat(r.code()).isEqualTo(206);
      assertThat(r.body().bytes()).isEqualTo(Arrays.copyOfRange(payload, 299000, 300000));
    }
    try (Response r = get("bytes=-10")) {
      assertThat(r.body().bytes()).isEqualTo(Arrays.copyOfRange(payload, 299990, 300000));
    }
    try (Response r = get("bytes=300000-")) {
      assertThat(r.code()).isEqualTo(416);
      assertThat(r.header("Content-Range")).isEqualTo("bytes */300000");
    }
    try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:"
        + server.address().getPort() + "/payloads/stable/3800.0.0/flatcar_test_update.gz")
        .build()).execute()) {
      assertThat(r.code()).as("another version's path").isEqualTo(404);
    }
  }

  @Test
  void malformedRequestsGet400AndAreLogged() throws Exception {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> client.send(
        server.updateUrl(), "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM"
            + " \"file:///etc/passwd\">]><request>&e;</request>"))).hasMessageContaining("2400");
    assertThat(server.log().entries().get(0).get("error").asText()).startsWith("bad request");
  }

  @Test
  void helpExplainsHowToServeALabFleet() {
    String help = new CommandLine(new LabServerMain()).getUsageMessage();
    assertThat(help).contains("--listen").contains("--channel").contains("--payload")
        .contains("--extension").contains("--config").contains("SERVER=http://THIS-HOST:8080/v1/update/");
  }

  @Test
  void configFileServesSeveralChannels() throws Exception {
    Files.createDirectories(dir.resolve("beta"));
    Files.write(dir.resolve("beta/flatcar_production_update.gz"), new byte[] {1, 2, 3});
    Path conf = Files.writeString(dir.resolve("lab.json"), """
        {"listen": "127.0.0.1:0", "base_url": "http://updates.lab:8080/",
         "channels": [
           {"name": "stable", "version": "3900.0.0", "payload": "flatcar_test_update.gz",
            "extensions": ["oem-qemu.gz"]},
           {"name": "beta", "version": "3950.0.0",
            "payload": "beta/flatcar_production_update.gz"}]}
        """);
    LabServerMain.Config c = LabServerMain.readConfig(conf);
    assertThat(c.listen()).isEqualTo("127.0.0.1:0");
    assertThat(c.channels()).extracting(Channel::name).containsExactly("stable", "beta");
    try (LabServer two = new LabServer(LabServerMain.parseListen(c.listen()), c.channels(),
        c.baseUrl(), new RequestLog(null, Clock.systemUTC())).start()) {
      OmahaResponse r = client.updateCheck(two.updateUrl(),
          OmahaRequest.updateCheck(params("3900.0.0", "beta"), false, ""));
      assertThat(r.payloadUrls()).containsExactly(
          "http://updates.lab:8080/payloads/beta/3950.0.0/flatcar_production_update.gz");
      assertThat(r.size()).isEqualTo(3);
    }
  }

  @Test
  void aDirectoryOfExtensionsIsServedWithTheRelease() throws Exception {
    Path ext = Files.createDirectories(dir.resolve("sysexts"));
    Files.write(ext.resolve("oem-azure.gz"), new byte[] {1});
    Files.write(ext.resolve("flatcar-zfs.gz"), new byte[] {2, 2});
    Files.writeString(ext.resolve("README"), "not a payload");
    Files.copy(dir.resolve("flatcar_test_update.gz"), ext.resolve("flatcar_test_update.gz"));
    Path conf = Files.writeString(dir.resolve("dir.json"), """
        {"channels": [{"name": "stable", "version": "3900.0.0",
          "payload": "sysexts/flatcar_test_update.gz", "extensions_dir": "sysexts"}]}
        """);
    Channel c = LabServerMain.readConfig(conf).channels().get(0);
    assertThat(c.extensions()).extracting(Channel.Served::name)
        .containsExactly("flatcar-zfs.gz", "oem-azure.gz");
    assertThat(c.extensions().get(1).sha256Hex()).isEqualTo(java.util.HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(new byte[] {1})));
  }

  @Test
  void versionsCompareNumerically() {
    assertThat(Versions.compare("3815.2.0", "3900.0.0")).isNegative();
    assertThat(Versions.compare("3815.10.0", "3815.9.0")).isPositive();
    assertThat(Versions.compare("1.2", "1.2.0")).isZero();
  }
}
