package dev.ferry.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon.Git;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard over HTTP against a real environment repository behind git daemon: who may look
 * and act (bearer tokens, a trusted proxy's header, read-only, operators), CSRF, bad input, escaping,
 * the push webhook's signatures, server-sent progress, and the static report.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardHttpTest {

  static final String ALICE = "alice-token-0123456789abcdef";
  static final String BOB = "bob-token-0123456789abcdef01";
  static final String SECRET = "webhook-secret-for-tests";

  @TempDir
  static Path dir;

  static ShopRepo shop;
  static Dashboard dashboard;
  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws IOException {
    shop = ShopRepo.start(dir, "[alice]");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# who may use the dashboard\nalice " + ALICE + "\nbob " + BOB + "\n");
    dashboard = Dashboard.start(shop.config, shop.promoters(), ServeOptions.loopback(0, "local")
        .withAccess(List.of(), tokens).withWebhookSecret(SECRET).withRefresh(Duration.ofHours(1)));
  }

  @AfterAll
  static void stop() {
    if (dashboard != null) {
      dashboard.close();
    }
    if (shop != null) {
      shop.close();
    }
  }

  @Test
  @Order(1)
  void withTokensConfiguredAnUnauthenticatedRequestIsRefused() throws Exception {
    HttpResponse<String> page = get(dashboard, "/", null);
    assertThat(page.statusCode()).isEqualTo(401);
    assertThat(page.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"ferry\"");
    assertThat(page.body()).doesNotContain("1.4.2");
    HttpResponse<String> post = post(dashboard, "/release", null, Map.of("service", "web", "env", "staging",
        "image", ShopRepo.WEB_150.toString(), "csrf", "x"));
    assertThat(post.statusCode()).isEqualTo(401);
    assertThat(get(dashboard, "/", "not-a-token-at-all-0000").statusCode()).isEqualTo(401);
  }

  @Test
  @Order(2)
  void aBearerTokenNamesTheUserAndEveryPageCarriesAStrictPolicy() throws Exception {
    HttpResponse<String> page = get(dashboard, "/", ALICE);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Signed in as <strong>alice</strong>").contains("1.5.0 blocked");
    assertThat(page.headers().firstValue("Content-Security-Policy")).contains(Request.CSP);
    assertThat(Request.CSP).contains("script-src 'self'").doesNotContain("unsafe-inline");
    assertThat(page.body()).doesNotContain("<script>").doesNotContain(" onclick=").doesNotContain("style=\"");
    assertThat(page.body()).doesNotContain(ALICE).doesNotContain(SECRET);
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
  }

  @Test
  @Order(3)
  void aPostWithoutTheUsersCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    String before = shop.log();
    Map<String, String> release = new LinkedHashMap<>(Map.of("service", "web", "env", "staging",
        "image", ShopRepo.WEB_150.toString()));
    assertThat(post(dashboard, "/release", ALICE, release).statusCode()).isEqualTo(403);
    release.put("csrf", "forged");
    assertThat(post(dashboard, "/release", ALICE, release).statusCode()).isEqualTo(403);
    // bob's token from bob's page does not work for alice
    release.put("csrf", csrfOf(get(dashboard, "/release?service=web&env=staging&image="
        + enc(ShopRepo.WEB_150.toString()), BOB).body()));
    HttpResponse<String> other = post(dashboard, "/release", ALICE, release);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.body()).contains("CSRF token is missing or not yours");
    assertThat(shop.log()).isEqualTo(before);
    assertThat(dashboard.refreshNow().blocks()).hasSize(1);
  }

  @Test
  @Order(4)
  void badInputIsRefusedWithTheReasonAndNothingFromTheRequestIsEchoedUnescaped() throws Exception {
    HttpResponse<String> unknown = get(dashboard, "/services/wbe", ALICE);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("wbe").contains("web, api");
    HttpResponse<String> markup = get(dashboard, "/services/%3Cscript%3Ealert(1)", ALICE);
    assertThat(markup.statusCode()).isEqualTo(400);
    assertThat(markup.body()).contains("&#39;service&#39; is not a name").doesNotContain("<script>alert");
    assertThat(get(dashboard, "/?state=bogus", ALICE).body()).contains("unknown state &#39;bogus&#39;");
    HttpResponse<String> image = get(dashboard, "/promote?service=web&to=staging&image=" + enc("Not An Image!"), ALICE);
    assertThat(image.statusCode()).isEqualTo(400);
    HttpResponse<String> foreign = get(dashboard, "/promote?service=web&to=staging&image="
        + enc("registry.example.com/shop/api:2.1.0"), ALICE);
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(foreign.body()).contains("is not of service &#39;web&#39;");
    assertThat(get(dashboard, "/promote?service=web&from=nowhere", ALICE).statusCode()).isEqualTo(400);
    assertThat(get(dashboard, "/jobs/0123456789abcdef", ALICE).statusCode()).isEqualTo(404);
    assertThat(get(dashboard, "/nothing-here", ALICE).statusCode()).isEqualTo(404);
    assertThat(post(dashboard, "/", ALICE, Map.of()).statusCode()).isEqualTo(405);
  }

  @Test
  @Order(5)
  void operatorsDecideWhoMayActOnAnEnvironment() throws Exception {
    HttpResponse<String> bob = get(dashboard, "/promote?service=web&from=staging", BOB);
    assertThat(bob.statusCode()).isEqualTo(403);
    assertThat(bob.body()).contains("bob may not act on &#39;prod&#39; (operators: alice)");
    assertThat(get(dashboard, "/", BOB).body()).doesNotContain("promote web 1.4.2 from staging to prod");
    HttpResponse<String> alice = get(dashboard, "/promote?service=web&from=staging", ALICE);
    assertThat(alice.statusCode()).isEqualTo(200);
    assertThat(alice.body()).contains("I, alice, approve this promotion to prod");
  }

  @Test
  @Order(6)
  void aRollbackStreamsItsProgressAndItsReasonIsShownEscaped() throws Exception {
    String reason = "<img src=x onerror=alert(1)> latency";
    HttpResponse<String> plan = get(dashboard, "/rollback?service=web&env=dev", ALICE);
    assertThat(plan.statusCode()).isEqualTo(200);
    HttpResponse<String> started = post(dashboard, "/rollback", ALICE,
        Map.of("service", "web", "env", "dev", "reason", reason, "csrf", csrfOf(plan.body())));
    assertThat(started.statusCode()).isEqualTo(303);
    String job = started.headers().firstValue("Location").orElseThrow();
    assertThat(job).matches("/jobs/[0-9a-f]{16}");
    String events = events(dashboard, job + "/events", ALICE);
    assertThat(events).contains("data: rolled back web in dev from " + ShopRepo.WEB_150)
        .contains("event: end\ndata: done");
    HttpResponse<String> done = get(dashboard, job, ALICE);
    assertThat(done.body()).contains("Rolled back web in dev to 1.4.2; 1.5.0 is blocked there.");
    String service = get(dashboard, "/services/web", ALICE).body();
    assertThat(service).contains("&lt;img src=x onerror=alert(1)&gt; latency").doesNotContain("<img src=x");
    assertThat(shop.log()).contains("Ferry-Promoted-By: alice");
  }

  @Test
  @Order(7)
  void releaseThroughThePageLiftsTheBlockInGit() throws Exception {
    String image = ShopRepo.WEB_150.toString();
    HttpResponse<String> plan = get(dashboard, "/release?service=web&env=staging&image=" + enc(image), ALICE);
    assertThat(plan.body()).contains("error rate 27% after the release");
    HttpResponse<String> started = post(dashboard, "/release", ALICE,
        Map.of("service", "web", "env", "staging", "image", image, "csrf", csrfOf(plan.body())));
    assertThat(started.statusCode()).isEqualTo(303);
    String job = started.headers().firstValue("Location").orElseThrow();
    assertThat(events(dashboard, job + "/events", ALICE)).contains("event: end\ndata: done");
    assertThat(dashboard.board().blocks()).extracting(b -> b.environment() + " " + b.service()).containsExactly("dev web");
    assertThat(Git.run(shop.bare, "notes", "--ref=ferry", "show", "main~1")).contains("\"released\"");
  }

  @Test
  @Order(8)
  void aReadOnlyDashboardOffersNoActionAndRefusesPosts() throws Exception {
    try (Dashboard readOnly = Dashboard.start(shop.config, shop.promoters(), ServeOptions.loopback(0, "local").withReadOnly(true))) {
      String page = get(readOnly, "/", null).body();
      assertThat(page).contains("(read-only)").doesNotContain("promote to").doesNotContain(">release<");
      String plan = get(readOnly, "/rollback?service=api&env=dev", null).body();
      HttpResponse<String> post = post(readOnly, "/rollback", null,
          Map.of("service", "api", "env", "dev", "reason", "x", "csrf", csrfOf(plan)));
      assertThat(post.statusCode()).isEqualTo(403);
      assertThat(post.body()).contains("read-only");
    }
  }

  @Test
  @Order(9)
  void aTrustedProxysUserHeaderCountsOnlyFromItsAddress() throws Exception {
    try (Dashboard proxied = Dashboard.start(shop.config, shop.promoters(), ServeOptions.loopback(0, "local")
        .withAccess(List.of("127.0.0.1"), null))) {
      HttpResponse<String> carol = send(proxied, HttpRequest.newBuilder(URI.create(proxied.url()))
          .header("X-Auth-Request-User", "carol").GET());
      assertThat(carol.body()).contains("Signed in as <strong>carol</strong>");
      HttpResponse<String> forwarded = send(proxied, HttpRequest.newBuilder(URI.create(proxied.url()))
          .header("X-Forwarded-User", "dave").GET());
      assertThat(forwarded.body()).contains("Signed in as <strong>dave</strong>");
      assertThat(get(proxied, "/", null).statusCode()).isEqualTo(401);
    }
    try (Dashboard elsewhere = Dashboard.start(shop.config, shop.promoters(), ServeOptions.loopback(0, "local")
        .withAccess(List.of("192.0.2.10"), null))) {
      HttpResponse<String> spoofed = send(elsewhere, HttpRequest.newBuilder(URI.create(elsewhere.url()))
          .header("X-Auth-Request-User", "mallory").GET());
      assertThat(spoofed.statusCode()).isEqualTo(401);
    }
  }

  @Test
  @Order(10)
  void aSignedPushWebhookMakesTheDashboardFetchAtOnce() throws Exception {
    byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(hook(Map.of(), body).statusCode()).isEqualTo(401);
    assertThat(hook(Map.of("X-Hub-Signature-256", "sha256=" + "00".repeat(32)), body).statusCode()).isEqualTo(401);
    assertThat(hook(Map.of("X-Gitlab-Token", "wrong"), body).statusCode()).isEqualTo(401);
    assertThat(hook(Map.of("X-Gitea-Signature", hmac(body)), body).statusCode()).isEqualTo(202);
    assertThat(hook(Map.of("X-Gitlab-Token", SECRET), body).statusCode()).isEqualTo(202);

    // someone edits dev's api by hand and pushes; the forge tells the dashboard
    Path work = dir.resolve("by-hand");
    Git.run(dir, "clone", "-q", shop.bare.toString(), work.toString());
    Path values = work.resolve("envs/dev/api/values.yaml");
    Files.writeString(values, Files.readString(values).replaceAll("tag: \"[^\"]*\"", "tag: \"2.2.0-hotfix\""));
    Git.run(work, "commit", "-q", "-am", "hotfix by hand");
    Git.run(work, "push", "-q", "origin", "HEAD:main");
    assertThat(hook(Map.of("X-Hub-Signature-256", "sha256=" + hmac(body)), body).statusCode()).isEqualTo(202);
    Instant until = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(until) && !dashboard.board().cell("api", "dev").orElseThrow().image().contains("2.2.0")) {
      Thread.sleep(200);
    }
    var cell = dashboard.board().cell("api", "dev").orElseThrow();
    assertThat(ImageRef.parse(cell.image()).tag()).isEqualTo("2.2.0-hotfix");
    assertThat(dashboard.board().state(cell)).isEqualTo(Board.OUTSIDE);
  }

  @Test
  @Order(11)
  void theReportIsOneFileWithTheMatrixAndHistoryAndNoScript() throws Exception {
    String html = Report.html(dashboard.refreshNow(), Instant.now());
    assertThat(html).startsWith("<!doctype html>").contains("<style>").contains("aria-label=\"Services by environment\"")
        .contains("Recent promotions and rollbacks").contains("<td>promote</td><td>web 1.5.0</td>")
        .contains("&lt;img src=x onerror=alert(1)&gt; latency").contains("2.2.0-hotfix");
    assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("href=\"/")
        .doesNotContain("<form");
  }

  // ------------------------------------------------------------------ HTTP as a client sees it

  static HttpResponse<String> get(Dashboard d, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(d.url() + path.substring(1))).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(d, b);
  }

  static HttpResponse<String> post(Dashboard d, String path, String token, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(d.url() + path.substring(1)))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(d, b);
  }

  static HttpResponse<String> send(Dashboard d, HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> hook(Map<String, String> headers, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dashboard.url() + "hooks/git"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return send(dashboard, b);
  }

  /** Reads a server-sent event stream to its end (bounded by the request timeout). */
  static String events(Dashboard d, String path, String token) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(d.url() + path.substring(1)))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(90)).GET().build();
    HttpResponse<java.io.InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  static String csrfOf(String page) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
    assertThat(m.find()).as("a CSRF field in the page").isTrue();
    return m.group(1);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }
}
