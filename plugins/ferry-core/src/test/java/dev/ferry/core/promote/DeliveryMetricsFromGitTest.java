package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.FerryListener;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.MetricsConfig;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.metrics.DeliveryRecords;
import dev.ferry.core.metrics.Exposition;
import dev.ferry.core.metrics.MetricsReport;
import dev.ferry.core.notify.DeliveryEvent;
import dev.ferry.testing.LocalPrometheus;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery metrics of a real environment repository: four promotions into dev, one of which
 * fails its gate (an http gate against a local server) and is rolled back seven minutes later.
 * The clock is injected and moves only when the gate runner waits, so every key has an exact value;
 * the real Prometheus scrapes the exposition and reads the same change failure rate.
 */
class DeliveryMetricsFromGitTest {

  static final Instant T0 = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  @TempDir static Path dir;
  static HttpServer health;
  static volatile int status = 200;
  static final FakeClock clock = new FakeClock(T0);
  static final List<DeliveryEvent> told = new ArrayList<>();
  static Promoter promoter;

  /** A clock that moves only when told to, or when the gate runner waits. */
  static final class FakeClock extends Clock {
    final AtomicReference<Instant> now;

    FakeClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(i -> i.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  static ImageRef web(String tag) {
    return ImageRef.parse(WEB + ":" + tag + "@sha256:" + tag.replace(".", "").repeat(64).substring(0, 64));
  }

  static void promote(String tag, Duration sourceAge) {
    promoter.promote(PromotionRequest.to("dev").image("web", web(tag))
        .sourceCommit(new PromotionRequest.SourceCommit("abcdef1", clock.instant().minus(sourceAge))));
  }

  static VerifyResult verify() {
    return new Verifier(promoter, clock::advance).interval(Duration.ofSeconds(30)).verify("dev", List.of(), null);
  }

  @BeforeAll
  static void history() throws Exception {
    health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext("/healthz", exchange -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    health.start();
    Path bare = EnvFixture.bareRepo(dir, Map.of("envs/dev/web/values.yaml", EnvFixture.values(WEB, "1.0.0")));
    String config = """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: %s}
        environments:
          dev:
            repo: env
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
            gates:
              - http: {url: "http://127.0.0.1:%d/healthz", successes: 1}
            gateTimeout: 5m
        metrics:
          targets: {timeToRestore: 15m, changeFailureRate: 0.5%%}
        """.formatted(bare, WEB, health.getAddress().getPort());
    promoter = new Promoter(ConfigLoader.parse("ferry.yaml", config, dir),
        PromoterContext.defaults(ImageResolver.AS_GIVEN, FerryListener.NONE).withCacheRoot(dir.resolve("cache"))
            .withClock(clock).withDeliveries(told::add));

    promote("1.1.0", Duration.ofHours(1));
    assertThat(verify().passed()).isTrue();
    clock.advance(Duration.ofHours(1));
    promote("1.2.0", Duration.ofHours(2));
    assertThat(verify().passed()).isTrue();
    clock.advance(Duration.ofHours(1));
    promote("1.3.0", Duration.ofMinutes(30));
    status = 503;
    assertThat(verify().passed()).isFalse(); // fails when the 5 minutes are up
    clock.advance(Duration.ofMinutes(7));
    promoter.rollback("dev", "web", "503 from /healthz", "alice");
    status = 200;
    clock.advance(Duration.ofHours(1));
    promote("1.4.0", Duration.ofMinutes(90));
    assertThat(verify().passed()).isTrue();
    promoter.release("dev", "web", web("1.3.0"), "alice");
  }

  @AfterAll
  static void stop() {
    health.stop(0);
    promoter.close();
  }

  static MetricsReport report() {
    return DeliveryRecords.read(promoter, List.of(), null)
        .report(Duration.ofDays(30), clock.instant(), promoter.config().metrics().targets());
  }

  @Test
  void fourPromotionsOneRolledBackGiveAChangeFailureRateOfAQuarter() {
    MetricsReport.Keys dev = report().environments().get("dev");
    assertThat(dev.deployments()).isEqualTo(4);
    assertThat(dev.failedDeployments()).isEqualTo(1);
    assertThat(dev.changeFailureRate()).isEqualTo(0.25);
    // the failed verification to the rollback landing: the seven minutes the test waited
    assertThat(dev.timeToRestoreSeconds()).isEqualTo(new MetricsReport.Spread(420L, 420L, 1));
    // lead times 30, 60, 90, 120 minutes, from the Ferry-Source-Time trailers
    assertThat(dev.leadTimeSeconds()).isEqualTo(new MetricsReport.Spread(3600L, 7200L, 4));
    assertThat(dev.targets().get("timeToRestore").met()).isTrue();
    assertThat(dev.targets().get("changeFailureRate").met()).isFalse();
    assertThat(dev.services().get("web").changeFailureRate()).isEqualTo(0.25);
  }

  @Test
  void everyChangeIsToldInOrder() {
    assertThat(told).extracting(DeliveryEvent::type).containsExactly(
        "promoted", "verified", "promoted", "verified", "promoted", "verification-failed",
        "rolled-back", "blocked", "promoted", "verified", "released");
    DeliveryEvent failed = told.get(5);
    assertThat(failed.reason()).contains("gate http").contains("503");
    assertThat(told.get(6).images()).containsEntry("web", web("1.2.0").toString());
    assertThat(told.get(7).images()).containsEntry("web", web("1.3.0").toString());
    assertThat(told.get(6).by()).isEqualTo("alice");
  }

  @Test
  void openMetricsCarriesTheKeysAndCounters() throws Exception {
    DeliveryRecords records = DeliveryRecords.read(promoter, List.of(), null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exposition.writeOpenMetrics(out, records.snapshots(records.report(Duration.ofDays(30), clock.instant(),
        MetricsConfig.Targets.NONE), clock.instant()));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("ferry_change_failure_ratio{environment=\"dev\"} 0.25\n")
        .contains("ferry_change_failure_ratio{environment=\"dev\",service=\"web\"} 0.25\n")
        .contains("ferry_deployments{environment=\"dev\"} 4.0\n")
        .contains("ferry_promotions_total{environment=\"dev\",service=\"web\"} 4.0\n")
        .contains("ferry_rollbacks_total{environment=\"dev\",service=\"web\"} 1.0\n")
        .contains("ferry_verifications_total{environment=\"dev\",result=\"failed\",service=\"web\"} 1.0\n")
        .contains("ferry_time_to_restore_median_seconds{environment=\"dev\"} 420.0\n")
        .contains("ferry_running_image_age_seconds{environment=\"dev\",service=\"web\"} ")
        // released: no version is blocked any more
        .contains("ferry_blocked_versions{environment=\"dev\",service=\"web\"} 0.0\n")
        .endsWith("# EOF\n");
  }

  @Test
  void prometheusScrapingTheExpositionReadsTheSameChangeFailureRate() throws Exception {
    HttpServer exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    DeliveryRecords records = DeliveryRecords.read(promoter, List.of(), null);
    // the body per Accept header, made once: git is not read inside Prometheus' 1 s scrape timeout
    java.util.Map<String, byte[]> bodies = new java.util.concurrent.ConcurrentHashMap<>();
    exporter.createContext("/metrics", exchange -> {
      String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"));
      byte[] body = bodies.computeIfAbsent(accept, a -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
          Exposition.write(out, records.snapshots(records.report(Duration.ofDays(30), clock.instant(),
              MetricsConfig.Targets.NONE), clock.instant()), exchange.getRequestHeaders().getFirst("Accept"));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
      });
      exchange.getResponseHeaders().add("Content-Type", Exposition.contentType(exchange.getRequestHeaders().getFirst("Accept")));
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    exporter.start();
    try (LocalPrometheus prometheus = LocalPrometheus.start(dir.resolve("prometheus"),
        List.of("127.0.0.1:" + exporter.getAddress().getPort()))) {
      String query = "ferry_change_failure_ratio{environment=\"dev\",service=\"\"}";
      prometheus.awaitSeries(query, Duration.ofSeconds(60));
      JsonNode answer = new ObjectMapper().readTree(prometheus.query(query));
      assertThat(answer.at("/data/result/0/value/1").asText()).isEqualTo("0.25");
      JsonNode deployments = new ObjectMapper().readTree(prometheus.query("sum(ferry_promotions_total{environment=\"dev\"})"));
      assertThat(deployments.at("/data/result/0/value/1").asText()).isEqualTo("4");
    } finally {
      exporter.stop(0);
    }
  }
}
