package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.config.GateConfig;
import dev.ferry.testing.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP probe against a real HTTP server (the JDK's) on loopback that plays the service. */
class HttpGateTest {

  static final GateContext CONTEXT = new GateContext("dev", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", Map.of(),
      Instant.parse("2026-11-29T12:00:00Z"));

  HttpServer server;
  volatile int status = 200;
  volatile String body = "{\"status\":\"UP\",\"components\":{\"db\":{\"status\":\"UP\"}},\"checks\":[{\"name\":\"db\"}]}";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  Gate gate(Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>(Map.of("url", url("/{env}/healthz")));
    settings.putAll(extra);
    return Gates.fromConfig(List.of(new GateConfig("http", settings, SourceLocation.of("ferry.yaml", 30, 9))),
        "dev", Map.of()).get(0);
  }

  @Test
  void passesAfterThreeConsecutiveGoodAnswersAndStartsOverAfterABadOne() {
    Gate gate = gate(Map.of("jsonPath", "$.status", "equals", "UP"));
    assertThat(gate.name()).isEqualTo("http " + url("/dev/healthz"));

    GateStatus first = gate.check(CONTEXT).status();
    status = 503;
    GateResult bad = gate.check(CONTEXT);
    status = 200;
    GateResult one = gate.check(CONTEXT);
    gate.check(CONTEXT);
    GateResult three = gate.check(CONTEXT);

    assertThat(first).isEqualTo(GateStatus.RUNNING);
    assertThat(bad.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(bad.reason()).isEqualTo("GET " + url("/dev/healthz") + " answered 503, expected 200");
    assertThat(one.reason()).isEqualTo("GET " + url("/dev/healthz") + " answered as expected 1 of 3 times");
    assertThat(three.status()).isEqualTo(GateStatus.PASSED);
  }

  @ParameterizedTest(name = "{0} = {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "$.status               | UP   | PASSED",
      "components.db.status   | UP   | PASSED",
      "$.checks[0].name       | db   | PASSED",
      "$.status               | DOWN | RUNNING",
      "$.missing.field        | UP   | RUNNING"})
  void comparesTheValueAtASimpleJsonPath(String path, String expected, GateStatus status) {
    GateResult r = gate(Map.of("jsonPath", path, "equals", expected, "successes", 1)).check(CONTEXT);
    assertThat(r.status()).isEqualTo(status);
  }

  @Test
  void checksTheStatusAndBodyText() {
    status = 204;
    body = "";
    assertThat(gate(Map.of("expectStatus", 204, "successes", 1)).check(CONTEXT).status()).isEqualTo(GateStatus.PASSED);
    status = 200;
    body = "ok: version 1.4.2";
    assertThat(gate(Map.of("bodyContains", "1.4.2", "successes", 1)).check(CONTEXT).status()).isEqualTo(GateStatus.PASSED);
    GateResult r = gate(Map.of("bodyContains", "1.4.3", "successes", 1)).check(CONTEXT);
    assertThat(r.reason()).endsWith("answered a body without '1.4.3'");
  }

  @Test
  void noAnswerIsErroredAndCredentialsInTheUrlAreNotShown() {
    String url = "http://user:pw@127.0.0.1:" + ServerProcess.freePort() + "/healthz";
    GateResult r = Gates.fromConfig(List.of(new GateConfig("http", Map.of("url", url), SourceLocation.of("f", 1, 1))),
        "dev", Map.of()).get(0).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.ERRORED);
    assertThat(r.reason()).endsWith(": connection refused").doesNotContain("pw");
  }

  @Test
  void selectsSimplePaths() throws Exception {
    var json = new ObjectMapper().readTree("{\"a\":{\"b\":[{\"c\":1}]}}");
    assertThat(HttpGate.select(json, "$.a.b[0].c").asInt()).isEqualTo(1);
    assertThat(HttpGate.select(json, "a.b[1]")).isNull();
    assertThat(HttpGate.validPath("a..b")).isFalse();
  }
}
