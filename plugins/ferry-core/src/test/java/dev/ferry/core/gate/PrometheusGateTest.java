package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.SourceLocation;
import dev.ferry.core.config.GateConfig;
import dev.ferry.testing.LocalPrometheus;
import dev.ferry.testing.ServerProcess;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus gates against a real Prometheus scraping, every second, an exporter that this
 * test drives: ten requests every 100 ms, a settable share of them answered 500.
 */
class PrometheusGateTest {

  static final String ERROR_RATIO = "sum(rate(http_requests_total{code=\"500\"}[%s])) / sum(rate(http_requests_total[%s]))";
  static final GateContext CONTEXT = new GateContext("dev", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", Map.of(),
      Instant.now());

  static HTTPServer exporter;
  static LocalPrometheus prometheus;
  static ScheduledExecutorService traffic;
  static volatile double errorShare;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter requests = Counter.builder().name("http_requests").help("requests served").labelNames("code")
        .register(registry);
    // both series exist from the start, so the error ratio is 0 rather than "no series"
    requests.labelValues("200").inc(0);
    requests.labelValues("500").inc(0);
    exporter = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(registry).buildAndStart();
    traffic = Executors.newSingleThreadScheduledExecutor();
    traffic.scheduleAtFixedRate(() -> {
      long errors = Math.round(10 * errorShare);
      requests.labelValues("500").inc(errors);
      requests.labelValues("200").inc(10 - errors);
    }, 0, 100, TimeUnit.MILLISECONDS);
    prometheus = LocalPrometheus.start(dir, List.of("127.0.0.1:" + exporter.getPort()));
    prometheus.awaitSeries(ERROR_RATIO.formatted("3s", "3s"), Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (traffic != null) {
      traffic.shutdownNow();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  static Gate gate(Map<String, Object> settings, Clock clock) {
    return Gates.fromConfig(List.of(new GateConfig("prometheus", settings, SourceLocation.of("ferry.yaml", 20, 9))),
        "dev", Map.of(), clock).get(0);
  }

  static Gate bound() {
    return gate(Map.of("url", prometheus.url(), "query", ERROR_RATIO.formatted("3s", "3s"), "below", 0.05, "for", "2s"),
        Clock.systemUTC());
  }

  static Gate burnRate() {
    return gate(Map.of("url", prometheus.url(), "slo", 0.99,
        "errorRatio", ERROR_RATIO.formatted("{window}", "{window}"),
        "windows", List.of(Map.of("long", "6s", "short", "3s", "burnRate", 10))), Clock.systemUTC());
  }

  static Verification run(Gate gate) {
    return new GateRunner(Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(15), Clock.systemUTC(),
        Sleeper.SYSTEM, null).run(List.of(gate), CONTEXT);
  }

  @Test
  void gatesPassOnGoodTrafficThenFailWhenTheErrorRateRises() throws Exception {
    errorShare = 0;
    Verification good = new GateRunner(Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(15),
        Clock.systemUTC(), Sleeper.SYSTEM, null).run(List.of(bound(), burnRate()), CONTEXT);

    assertThat(good.outcomes()).extracting(GateOutcome::status).containsExactly(GateStatus.PASSED, GateStatus.PASSED);
    assertThat(good.outcomes().get(0).reason()).isEqualTo("value 0 below 0.05 for 2s");
    assertThat(good.outcomes().get(1).reason()).isEqualTo("burn rate 0x over 6s and 0x over 3s (threshold 10x)");

    errorShare = 0.5;
    // a gate that starts before Prometheus has scraped the errors would rightly pass; the burn-rate
    // gate needs its long (6s) window past 10x too, which lags the 3s window by seconds
    prometheus.awaitSeries("(" + ERROR_RATIO.formatted("6s", "6s") + ") > 0.2 and (" + ERROR_RATIO.formatted("3s", "3s")
        + ") > 0.2", Duration.ofSeconds(60));
    Verification badBound = run(bound());
    Verification badBurn = run(burnRate());

    assertThat(badBound.passed()).isFalse();
    assertThat(badBound.outcomes().get(0).status()).isEqualTo(GateStatus.FAILED);
    assertThat(badBound.outcomes().get(0).reason()).startsWith("value 0.").endsWith(" of {} is not below 0.05");
    assertThat(badBurn.outcomes().get(0).status()).isEqualTo(GateStatus.FAILED);
    assertThat(badBurn.outcomes().get(0).reason())
        .startsWith("error budget of SLO 0.99 burning too fast: burn rate ").contains("(threshold 10x)");
    errorShare = 0;
  }

  @Test
  void aQueryWithoutSeriesIsRunningThenFailsAfterTheNoDataBudget() {
    FakeClock clock = new FakeClock();
    Gate gate = gate(Map.of("url", prometheus.url(), "query", "sum(rate(no_such_metric_total[1m]))", "below", 1,
        "noData", "30s"), clock);

    GateResult first = gate.check(CONTEXT);
    clock.advance(Duration.ofSeconds(30));
    GateResult later = gate.check(CONTEXT);

    assertThat(first.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(first.reason()).isEqualTo("query returned no series (waiting up to 30s)");
    assertThat(later.status()).isEqualTo(GateStatus.FAILED);
    assertThat(later.reason()).isEqualTo("query returned no series for 30s");
  }

  @Test
  void aMalformedQueryFailsWithPrometheusError() {
    GateResult r = gate(Map.of("url", prometheus.url(), "query", "sum(rate(http_requests_total[1m])", "below", 1),
        Clock.systemUTC()).check(CONTEXT);

    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).startsWith("Prometheus at " + prometheus.url() + " answered 400 to 'sum(rate(http_requests_total[1m])': bad_data: ")
        .contains("parse error");
  }

  @Test
  void aRangeQueryFailsAsItIsNotAnInstantVector() {
    GateResult r = gate(Map.of("url", prometheus.url(), "query", "http_requests_total[5s]", "below", 1),
        Clock.systemUTC()).check(CONTEXT);

    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("query 'http_requests_total[5s]' returned a matrix, not an instant vector: "
        + "remove the range selector");
  }

  @Test
  void aPrometheusThatIsDownIsErroredThenFailsAfterTheBudget() {
    String down = "http://127.0.0.1:" + ServerProcess.freePort();
    FakeClock clock = new FakeClock();
    Gate gate = gate(Map.of("url", down, "query", "up", "above", 0), clock);

    assertThat(gate.check(CONTEXT)).satisfies(r -> {
      assertThat(r.status()).isEqualTo(GateStatus.ERRORED);
      assertThat(r.reason()).isEqualTo("Prometheus at " + down + ": connection refused");
    });
    Verification v = new GateRunner(Duration.ofMinutes(10), Duration.ofSeconds(15), Duration.ofMinutes(1), clock,
        clock.sleeper(), null).run(List.of(gate), CONTEXT);
    assertThat(v.outcomes().get(0).status()).isEqualTo(GateStatus.FAILED);
    assertThat(v.outcomes().get(0).reason()).isEqualTo("errored for 1m (budget 1m): Prometheus at " + down + ": connection refused");
  }
}
