package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.config.GateConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD gate against an HTTP fake of Argo CD's REST API (Argo CD cannot run here). The fake
 * answers {@code GET /api/v1/applications/{name}} and {@code POST .../sync} with Application
 * documents shaped like Argo CD's (status.sync, status.health, status.operationState).
 */
class ArgoCdGateAgainstHttpFakeTest {

  static final String COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  static final String OLD = "1a410efbd13591db07496601ebc7a059dd55cfe9";
  static final Instant PROMOTED = Instant.parse("2026-11-29T12:00:00Z");
  static final GateContext CONTEXT = new GateContext("dev", COMMIT, Map.of(), PROMOTED);

  HttpServer server;
  volatile int status = 200;
  volatile String body = "{}";
  volatile long delayMillis;
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/applications/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      boolean sync = exchange.getRequestMethod().equals("POST");
      byte[] bytes = (sync ? "{\"metadata\":{\"name\":\"shop-dev\"}}" : body).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(sync ? 200 : status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  static String application(String sync, String revision, String health, String operation) {
    return """
        {"metadata":{"name":"shop-dev","namespace":"argocd"},
         "spec":{"source":{"repoURL":"https://git.example.com/env.git","path":"envs/dev","targetRevision":"main"},
                 "destination":{"server":"https://kubernetes.default.svc","namespace":"shop"}},
         "status":{"sync":{"status":"%s","revision":"%s"},
                   "health":{"status":"%s"%s}%s}}
        """.formatted(sync, revision, health,
        health.equals("Degraded") ? ",\"message\":\"Deployment web has 0/2 available replicas\"" : "",
        operation == null ? "" : ",\"operationState\":" + operation);
  }

  static String operation(String phase, String revision, String message) {
    return """
        {"operation":{"sync":{"revision":"%s"}},"phase":"%s","message":"%s",
         "syncResult":{"revision":"%s"},"startedAt":"2026-11-29T12:00:05Z","finishedAt":"2026-11-29T12:00:09Z"}
        """.formatted(revision, phase, message, revision);
  }

  Gate gate(Map<String, Object> extra) {
    Map<String, Object> settings = new java.util.HashMap<>(Map.of("server", url().toString(), "app", "shop-{env}",
        "tokenEnv", "ARGOCD_TOKEN"));
    settings.putAll(extra);
    return Gates.fromConfig(List.of(new GateConfig("argocd", settings, SourceLocation.of("ferry.yaml", 9, 9))),
        "dev", Map.of("ARGOCD_TOKEN", "s3cr3t-token")).get(0);
  }

  @Test
  void waitsForThePromotedRevisionThenHealthThenPasses() {
    Gate gate = gate(Map.of());
    assertThat(gate.name()).isEqualTo("argocd shop-dev");

    body = application("OutOfSync", OLD, "Healthy", operation("Succeeded", OLD, "successfully synced (all tasks run)"));
    GateResult r1 = gate.check(CONTEXT);
    body = application("Synced", COMMIT, "Progressing", operation("Succeeded", COMMIT, "successfully synced (all tasks run)"));
    GateResult r2 = gate.check(CONTEXT);
    body = application("Synced", COMMIT, "Healthy", operation("Succeeded", COMMIT, "successfully synced (all tasks run)"));
    GateResult r3 = gate.check(CONTEXT);

    assertThat(r1.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(r1.reason()).isEqualTo("shop-dev is at revision 1a410efbd135 (OutOfSync), waiting for 4b825dc642cb");
    assertThat(r2.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(r2.reason()).isEqualTo("shop-dev is Synced to 4b825dc642cb and Progressing");
    assertThat(r3.status()).isEqualTo(GateStatus.PASSED);
    assertThat(r3.observed()).containsEntry("revision", COMMIT).containsEntry("health", "Healthy");
    assertThat(requests).containsExactly("GET /api/v1/applications/shop-dev?refresh=normal",
        "GET /api/v1/applications/shop-dev", "GET /api/v1/applications/shop-dev");
    assertThat(authorizations).containsOnly("Bearer s3cr3t-token");
  }

  @Test
  void syncedButToAnotherRevisionIsNotPassed() {
    body = application("Synced", OLD, "Healthy", null);
    GateResult r = gate(Map.of()).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(r.reason()).contains("waiting for 4b825dc642cb");
  }

  @Test
  void aLaterHeadOfTheBranchThatIncludesThePromotionPasses() {
    String later = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";
    GateContext withHistory = new GateContext("dev", COMMIT, Map.of(), PROMOTED, later::equals);
    body = application("Synced", later, "Healthy", operation("Succeeded", later, "successfully synced (all tasks run)"));
    assertThat(gate(Map.of()).check(withHistory).status()).isEqualTo(GateStatus.PASSED);
    // a revision that does not include the promotion (an older one) still waits
    body = application("Synced", OLD, "Healthy", null);
    assertThat(gate(Map.of()).check(withHistory).status()).isEqualTo(GateStatus.RUNNING);
  }

  @Test
  void degradedAtThePromotedRevisionFails() {
    body = application("Synced", COMMIT, "Degraded", null);
    GateResult r = gate(Map.of()).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("shop-dev is Degraded at 4b825dc642cb: Deployment web has 0/2 available replicas");
  }

  @Test
  void aFailedSyncOfThePromotedRevisionFailsWithArgoCdsMessage() {
    body = application("OutOfSync", OLD, "Healthy", operation("Failed", COMMIT,
        "one or more objects failed to apply, reason: Deployment.apps \\\"web\\\" is invalid"));
    GateResult r = gate(Map.of()).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("sync of shop-dev Failed: one or more objects failed to apply, reason: "
        + "Deployment.apps \"web\" is invalid");
  }

  @Test
  void aFailedSyncOfAnEarlierRevisionIsIgnored() {
    body = application("OutOfSync", OLD, "Healthy", operation("Error", OLD, "ComparisonError"));
    GateResult r = gate(Map.of()).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.RUNNING);
  }

  @Test
  void aSyncThatNeverStartsFailsAtTheTimeoutWithTheReason() {
    body = application("OutOfSync", OLD, "Healthy", null);
    FakeClock clock = new FakeClock();
    Verification v = new GateRunner(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(2), clock,
        clock.sleeper(), null).run(List.of(gate(Map.of())), CONTEXT);
    assertThat(v.passed()).isFalse();
    assertThat(v.outcomes().get(0).reason())
        .isEqualTo("still RUNNING after 10m: shop-dev is at revision 1a410efbd135 (OutOfSync), waiting for 4b825dc642cb");
  }

  @Test
  void serverErrorsAreRetriedThenFailAfterTheBudget() {
    status = 503;
    body = "{\"error\":\"upstream connect error\",\"code\":14,\"message\":\"upstream connect error\"}";
    Gate gate = gate(Map.of());
    assertThat(gate.check(CONTEXT)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(GateStatus.ERRORED);
      assertThat(r.reason()).contains("answered 503").contains("upstream connect error");
    });
    FakeClock clock = new FakeClock();
    Verification v = new GateRunner(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(2), clock,
        clock.sleeper(), null).run(List.of(gate), CONTEXT);
    assertThat(v.outcomes().get(0).status()).isEqualTo(GateStatus.FAILED);
    assertThat(v.outcomes().get(0).reason()).startsWith("errored for 2m (budget 2m): Argo CD at " + url() + " answered 503");
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsErrored() {
    delayMillis = 2000;
    body = application("Synced", COMMIT, "Healthy", null);
    Gate gate = ArgoCdGate.rest(url(), "shop-dev", "t", false, false, false, Duration.ofMillis(300));
    GateResult r = gate.check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.ERRORED);
    assertThat(r.reason()).isEqualTo("cannot read Application shop-dev at " + url() + ": no answer within 300ms");
  }

  @Test
  void aRefusedTokenFailsWithoutShowingIt() {
    status = 401;
    body = "{\"error\":\"invalid session: token signature is invalid\",\"code\":16,\"message\":\"invalid session: token signature is invalid\"}";
    GateResult r = gate(Map.of()).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).contains("answered 401").contains("token signature is invalid").doesNotContain("s3cr3t");
  }

  @Test
  void syncTrueStartsOneSyncBeforeReading() {
    body = application("Synced", COMMIT, "Healthy", null);
    Gate gate = gate(Map.of("sync", true, "refresh", false));
    gate.check(CONTEXT);
    gate.check(CONTEXT);
    assertThat(requests).containsExactly("POST /api/v1/applications/shop-dev/sync",
        "GET /api/v1/applications/shop-dev", "GET /api/v1/applications/shop-dev");
  }

  @Test
  void anUnsetTokenVariableIsAnInputError() {
    GateConfig config = new GateConfig("argocd", Map.of("server", url().toString(), "app", "shop", "tokenEnv", "NOPE"),
        SourceLocation.of("ferry.yaml", 9, 9));
    assertThatThrownBy(() -> Gates.fromConfig(List.of(config), "dev", Map.of()))
        .isInstanceOf(InputException.class)
        .hasMessage("gate argocd shop: environment variable NOPE is not set; it must hold an Argo CD API token");
  }
}
