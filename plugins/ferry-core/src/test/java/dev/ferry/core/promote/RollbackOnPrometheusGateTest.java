package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryListener;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.GitDaemon.Git;
import dev.ferry.testing.LocalPrometheus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback end to end: a real git server (git daemon), a real Prometheus scraping an exporter that
 * the test drives from a good error rate to a bad one. The good version passes its gate; the bad
 * one fails it, is rolled back by a new commit and blocked; the next promotion of it is refused
 * until it is released; then it is promoted again.
 */
class RollbackOnPrometheusGateTest {

  static final String ERROR_RATIO = "sum(rate(http_requests_total{code=\"500\"}[3s])) / sum(rate(http_requests_total[3s]))";
  static final ImageRef GOOD = ImageRef.parse(WEB + ":1.1.0@sha256:" + "a".repeat(64));
  static final ImageRef BAD = ImageRef.parse(WEB + ":1.2.0@sha256:" + "b".repeat(64));

  @TempDir Path dir;
  volatile double errorShare;

  @Test
  void failedGateRollsBackBlocksAndReleaseLetsItIn() throws Exception {
    PrometheusRegistry metrics = new PrometheusRegistry();
    Counter requests = Counter.builder().name("http_requests").help("requests served").labelNames("code").register(metrics);
    requests.labelValues("200").inc(0);
    requests.labelValues("500").inc(0);
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    traffic.scheduleAtFixedRate(() -> {
      long errors = Math.round(10 * errorShare);
      requests.labelValues("500").inc(errors);
      requests.labelValues("200").inc(10 - errors);
    }, 0, 100, TimeUnit.MILLISECONDS);
    Path repos = Files.createDirectories(dir.resolve("repos"));
    EnvFixture.bareRepo(repos, EnvFixture.files());
    try (HTTPServer exporter = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(metrics).buildAndStart();
         LocalPrometheus prometheus = LocalPrometheus.start(Files.createDirectories(dir.resolve("prom")),
             List.of("127.0.0.1:" + exporter.getPort()));
         GitDaemon git = GitDaemon.start(repos)) {
      prometheus.awaitSeries(ERROR_RATIO, Duration.ofSeconds(30));
      String staging = """
              gates:
                - prometheus: {url: "%s", query: '%s', below: 0.05, for: 2s}
              gateTimeout: 30s
              rollback: auto
          """.formatted(prometheus.url(), ERROR_RATIO);
      var config = ConfigLoader.parse("ferry.yaml", EnvFixture.config(git.url("env.git"), staging), dir);
      try (Promoter promoter = new Promoter(config, PromoterContext.defaults(ImageResolver.AS_GIVEN, FerryListener.NONE)
          .withCacheRoot(dir.resolve("cache")))) {
        Verifier verifier = new Verifier(promoter, Sleeper.SYSTEM).interval(Duration.ofMillis(500));

        promoter.promote(PromotionRequest.to("dev").image("web", GOOD));
        verifier.verify("dev", List.of("web"), null);
        var good = verifier.promoteAndVerify(PromotionRequest.to("staging").image("web", GOOD), null);
        assertThat(good.passed()).as("good version passes its gate").isTrue();

        promoter.promote(PromotionRequest.to("dev").image("web", BAD));
        verifier.verify("dev", List.of("web"), null);
        errorShare = 0.5;
        // the gate must see the errors: wait for Prometheus to have scraped them (a fixed sleep raced a loaded machine)
        prometheus.awaitSeries("(" + ERROR_RATIO + ") > 0.2", Duration.ofSeconds(60));
        var bad = verifier.promoteAndVerify(PromotionRequest.to("staging").image("web", BAD), null);
        assertThat(bad.passed()).isFalse();
        assertThat(bad.failure()).get().asString().contains("prometheus");
        assertThat(bad.verification().rollbacks()).singleElement().satisfies(r -> {
          assertThat(r.restored()).isEqualTo(GOOD.toString());
          assertThat(r.blocked()).isEqualTo(BAD.toString());
        });

        // the git server holds the revert as a new commit, with the block in its note
        Path clone = dir.resolve("clone");
        Git.run(dir, "clone", "-q", git.url("env.git"), clone.toString());
        assertThat(Files.readString(clone.resolve("envs/staging/web/values.yaml"))).contains("tag: \"1.1.0\"");
        assertThat(Git.run(clone, "log", "-1", "--format=%s")).startsWith("Roll back web in staging");
        Git.run(clone, "fetch", "-q", "origin", "refs/notes/ferry:refs/notes/ferry");
        assertThat(Git.run(clone, "notes", "--ref=ferry", "show", "HEAD")).contains("\"blocks\"", "1.2.0");
        assertThat(Git.run(clone, "rev-list", "--count", "--merges", "HEAD").trim()).isEqualTo("0");

        assertThatThrownBy(() -> promoter.promote(PromotionRequest.to("staging").image("web", BAD)))
            .isInstanceOf(RefusedException.class).hasMessageContaining("is blocked in 'staging'");

        promoter.release("staging", "web", BAD, "alice");
        errorShare = 0;
        // and now a 3 s window without a single error
        prometheus.awaitSeries("(" + ERROR_RATIO + ") == 0", Duration.ofSeconds(60));
        var again = verifier.promoteAndVerify(PromotionRequest.to("staging").image("web", BAD), null);
        assertThat(again.passed()).isTrue();
        assertThat(Status.read(promoter).cell("web", "staging")).get()
            .satisfies(c -> assertThat(c.state()).isEqualTo(Status.VERIFIED))
            .satisfies(c -> assertThat(c.image()).isEqualTo(BAD.toString()));
      }
    } finally {
      traffic.shutdownNow();
    }
  }
}
