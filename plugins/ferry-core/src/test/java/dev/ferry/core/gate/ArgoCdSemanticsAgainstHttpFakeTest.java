package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.config.GateConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the Argo CD gate judges Applications, against an HTTP fake of Argo CD's REST API (Argo CD
 * cannot run here) that serves a set of Application documents shaped like Argo CD's by name
 * ({@code GET /api/v1/applications/{name}}) and as a list ({@code GET /api/v1/applications}).
 */
class ArgoCdSemanticsAgainstHttpFakeTest {

  static final String COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  static final String OLD = "1a410efbd13591db07496601ebc7a059dd55cfe9";
  static final String LATER = "9c3e7a11d0f04a6e8b5d2c1f0e9d8c7b6a594837";
  static final String CHART = "aaaaaaaa11111111bbbbbbbb22222222cccccccc";
  static final Instant PROMOTED = Instant.parse("2026-11-29T12:00:00Z");
  static final String ENV_REPO = "https://git.example.com/platform/env.git";
  static final GateContext CONTEXT = new GateContext("dev", COMMIT, Map.of(), PROMOTED, LATER::equals, ENV_REPO, Set.of());

  HttpServer server;
  final Map<String, String> apps = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/applications", exchange -> {
      String path = exchange.getRequestURI().getPath();
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      String body;
      int status = 200;
      if (path.equals("/api/v1/applications")) {
        body = "{\"items\":[" + String.join(",", new java.util.TreeMap<>(apps).values()) + "]}";
      } else {
        String name = path.substring("/api/v1/applications/".length()).replace("/sync", "");
        body = apps.get(name);
        if (body == null) {
          status = 403;
          body = "{\"error\":\"permission denied\",\"code\":7,\"message\":\"permission denied\"}";
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
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

  Gate gate(Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>(Map.of("server", "http://127.0.0.1:" + server.getAddress().getPort(),
        "tokenEnv", "ARGOCD_TOKEN"));
    if (!extra.containsKey("apps")) {
      settings.put("app", "shop-dev");
    }
    settings.putAll(extra);
    return Gates.fromConfig(List.of(new GateConfig("argocd", settings, SourceLocation.of("ferry.yaml", 9, 9))),
        "dev", Map.of("ARGOCD_TOKEN", "s3cr3t-token")).get(0);
  }

  /** An Application; {@code status} is the JSON inside {@code "status":{...}} after sync and health. */
  static String app(String name, String sync, String revision, String health, String extraStatus, String top) {
    return """
        {"metadata":{"name":"%s","namespace":"argocd"},
         "spec":{"source":{"repoURL":"%s","path":"envs/dev","targetRevision":"main"}},
         "status":{"sync":{"status":"%s","revision":"%s"},"health":{"status":"%s"}%s}%s}
        """.formatted(name, ENV_REPO, sync, revision, health, extraStatus, top);
  }

  static String healthy(String name, String revision) {
    return app(name, "Synced", revision, "Healthy", "", "");
  }

  @Test
  void aMultiSourceApplicationIsJudgedOnTheSourceThatIsTheEnvironmentRepository() {
    String multi = """
        {"metadata":{"name":"shop-dev"},
         "spec":{"sources":[{"repoURL":"https://charts.example.com/common.git","path":"chart",
                             "helm":{"valueFiles":["$values/envs/dev/values.yaml"]}},
                            {"repoURL":"git@git.example.com:platform/env","ref":"values"}]},
         "status":{"sync":{"status":"Synced","revisions":["%s","%s"]},"health":{"status":"Healthy"}}}
        """;
    apps.put("shop-dev", multi.formatted(CHART, OLD));
    Gate gate = gate(Map.of());
    GateResult behind = gate.check(CONTEXT);
    apps.put("shop-dev", multi.formatted(CHART, COMMIT));
    GateResult at = gate.check(CONTEXT);

    assertThat(behind.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(behind.observed()).containsEntry("revision", OLD);
    assertThat(at.status()).isEqualTo(GateStatus.PASSED);
    assertThat(at.observed()).containsEntry("revision", COMMIT);
  }

  @Test
  void aRequestedSyncThatHasNotRunYetKeepsTheGateWaiting() {
    apps.put("shop-dev", app("shop-dev", "Synced", COMMIT, "Healthy", "",
        ",\"operation\":{\"sync\":{\"revision\":\"" + COMMIT + "\"},\"initiatedBy\":{\"username\":\"ci\"}}"));
    GateResult r = gate(Map.of()).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(r.reason()).isEqualTo("a sync of shop-dev was requested and has not run yet");
  }

  @Test
  void aHealthOlderThanTheLastSyncKeepsTheGateWaiting() {
    String op = ",\"reconciledAt\":\"2026-11-29T12:00:05Z\",\"operationState\":{\"phase\":\"Succeeded\","
        + "\"syncResult\":{\"revision\":\"" + COMMIT + "\"},\"startedAt\":\"2026-11-29T12:00:06Z\",\"finishedAt\":\"2026-11-29T12:00:09Z\"}";
    apps.put("shop-dev", app("shop-dev", "Synced", COMMIT, "Healthy", op, ""));
    Gate gate = gate(Map.of());
    GateResult stale = gate.check(CONTEXT);
    apps.put("shop-dev", app("shop-dev", "Synced", COMMIT, "Healthy", op.replace("12:00:05Z", "12:00:12Z"), ""));
    GateResult fresh = gate.check(CONTEXT);

    assertThat(stale.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(stale.reason()).startsWith("shop-dev was not reconciled since its sync finished at 2026-11-29T12:00:09Z");
    assertThat(fresh.status()).isEqualTo(GateStatus.PASSED);
  }

  @Test
  void aComparisonErrorIsErroredWithArgoCdsMessage() {
    apps.put("shop-dev", app("shop-dev", "Unknown", "", "Healthy",
        ",\"conditions\":[{\"type\":\"ComparisonError\",\"message\":\"Failed to load target state: helm template failed\"}]", ""));
    GateResult r = gate(Map.of()).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.ERRORED);
    assertThat(r.reason()).isEqualTo("shop-dev has a ComparisonError: Failed to load target state: helm template failed");
  }

  @Test
  void suspendedWaitsUnlessTheTeamCountsItAsReached() {
    apps.put("shop-dev", app("shop-dev", "Synced", COMMIT, "Suspended", "", ""));
    assertThat(gate(Map.of()).check(CONTEXT).status()).isEqualTo(GateStatus.RUNNING);
    GateResult accepted = gate(Map.of("acceptSuspended", true)).check(CONTEXT);
    assertThat(accepted.status()).isEqualTo(GateStatus.PASSED);
    assertThat(accepted.reason()).contains("Suspended (acceptSuspended)");
  }

  @Test
  void driftThatNeverClearsPassesOnHealthOnceTheLastSyncAppliedThePromotedCommit() {
    String op = ",\"operationState\":{\"phase\":\"Succeeded\",\"syncResult\":{\"revision\":\"%s\"}}";
    apps.put("shop-dev", app("shop-dev", "OutOfSync", COMMIT, "Healthy", op.formatted(COMMIT), ""));
    assertThat(gate(Map.of()).check(CONTEXT).status()).isEqualTo(GateStatus.RUNNING);
    assertThat(gate(Map.of("healthOnly", true)).check(CONTEXT).status()).isEqualTo(GateStatus.PASSED);
    apps.put("shop-dev", app("shop-dev", "OutOfSync", COMMIT, "Healthy", op.formatted(OLD), ""));
    assertThat(gate(Map.of("healthOnly", true)).check(CONTEXT).status()).isEqualTo(GateStatus.RUNNING);
  }

  @Test
  void namedResourcesDecideInsteadOfTheApplicationsHealth() {
    String resources = ",\"resources\":[{\"kind\":\"Deployment\",\"namespace\":\"shop\",\"name\":\"web\",\"health\":{\"status\":\"Healthy\"}},"
        + "{\"kind\":\"CronJob\",\"namespace\":\"shop\",\"name\":\"cleanup\",\"health\":{\"status\":\"Degraded\",\"message\":\"CronJob has failed jobs\"}}]";
    apps.put("shop-dev", app("shop-dev", "Synced", COMMIT, "Degraded", resources, ""));

    GateResult whole = gate(Map.of()).check(CONTEXT);
    GateResult web = gate(Map.of("resources", List.of("Deployment/web"))).check(CONTEXT);
    GateResult cron = gate(Map.of("resources", List.of("Deployment/shop/web", "CronJob/cleanup"))).check(CONTEXT);

    assertThat(whole.status()).isEqualTo(GateStatus.FAILED);
    assertThat(web.status()).isEqualTo(GateStatus.PASSED);
    assertThat(web.observed()).containsEntry("resources", Map.of("Deployment/web", "Healthy"));
    assertThat(cron.status()).isEqualTo(GateStatus.FAILED);
    assertThat(cron.reason()).isEqualTo("CronJob/cleanup of shop-dev is Degraded at 4b825dc642cb: CronJob has failed jobs");
  }

  @Test
  void aNamePatternNamesEveryClusterAndAllMustPassWithEachInTheEvidence() {
    apps.put("shop-prod-eu1", healthy("shop-prod-eu1", COMMIT));
    apps.put("shop-prod-us1", healthy("shop-prod-us1", LATER));
    apps.put("shop-prod-ap1", app("shop-prod-ap1", "Synced", COMMIT, "Progressing", "", ""));
    apps.put("billing-prod-eu1", app("billing-prod-eu1", "Synced", OLD, "Degraded", "", ""));
    Gate gate = gate(Map.of("app", "shop-prod-*", "refresh", false));
    assertThat(gate.name()).isEqualTo("argocd shop-prod-*");

    GateResult one = gate.check(CONTEXT);
    apps.put("shop-prod-ap1", healthy("shop-prod-ap1", COMMIT));
    GateResult all = gate.check(CONTEXT);

    assertThat(one.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(one.reason()).isEqualTo("shop-prod-ap1 is Synced to 4b825dc642cb and Progressing");
    assertThat(all.status()).isEqualTo(GateStatus.PASSED);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> each = (Map<String, Map<String, Object>>) all.observed().get("applications");
    assertThat(each).containsOnlyKeys("shop-prod-ap1", "shop-prod-eu1", "shop-prod-us1");
    assertThat(each.get("shop-prod-us1")).containsEntry("status", "PASSED").containsEntry("revision", LATER);
    assertThat(requests).containsOnly("GET /api/v1/applications");
  }

  @Test
  void aListOfApplicationsFailsWhenOneIsDegradedAndAskesInTheApplicationsNamespace() {
    apps.put("shop-prod-eu1", healthy("shop-prod-eu1", COMMIT));
    apps.put("shop-prod-us1", app("shop-prod-us1", "Synced", COMMIT, "Degraded", "", ""));
    GateResult r = gate(Map.of("apps", List.of("shop-prod-eu1", "shop-prod-us1"), "appNamespace", "team-shop",
        "refresh", false)).check(CONTEXT);

    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("shop-prod-us1 is Degraded at 4b825dc642cb");
    assertThat(requests).containsExactly("GET /api/v1/applications/shop-prod-eu1?appNamespace=team-shop",
        "GET /api/v1/applications/shop-prod-us1?appNamespace=team-shop");
  }

  @Test
  void aPatternThatMatchesNothingFails() {
    apps.put("billing-prod-eu1", healthy("billing-prod-eu1", COMMIT));
    GateResult r = gate(Map.of("app", "shop-prod-*")).check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).startsWith("no Application at http://127.0.0.1:").endsWith(" matches shop-prod-*");
  }
}
