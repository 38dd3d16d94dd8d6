package dev.ferry.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.LocalPrometheus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of {@code ferry serve} over the shop repository (in staging: two promotions, the
 * second rolled back), scraped by the real Prometheus on loopback: PromQL reads the change
 * failure rate Ferry computed from git.
 */
class MetricsEndpointTest {

  @TempDir static Path dir;
  static ShopRepo shop;
  static Dashboard dashboard;

  @BeforeAll
  static void start() throws Exception {
    shop = ShopRepo.start(dir, null);
    dashboard = Dashboard.start(shop.config, shop.promoters(), ServeOptions.loopback(0, "local")
        .withRefresh(Duration.ofHours(1)));
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

  static HttpResponse<String> scrape(String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dashboard.url() + "metrics")).GET();
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answersBothTextFormatsByTheAcceptHeader() throws Exception {
    HttpResponse<String> text = scrape(null);
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain; version=0.0.4");
    assertThat(text.body()).contains("ferry_change_failure_ratio{environment=\"staging\"} 0.5\n")
        .contains("ferry_deployments{environment=\"staging\",service=\"web\"} 2.0\n")
        .contains("ferry_blocked_versions{environment=\"staging\",service=\"web\"} 1.0\n")
        .doesNotContain("# EOF");
    HttpResponse<String> open = scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(open.headers().firstValue("Content-Type")).get().asString().startsWith("application/openmetrics-text");
    assertThat(open.body()).contains("ferry_rollbacks_total{environment=\"staging\",service=\"web\"} 1.0\n").endsWith("# EOF\n");
  }

  @Test
  void prometheusScrapingServeReadsTheChangeFailureRate() throws Exception {
    String target = URI.create(dashboard.url()).getAuthority();
    try (LocalPrometheus prometheus = LocalPrometheus.start(dir.resolve("prometheus"), List.of(target))) {
      String query = "ferry_change_failure_ratio{environment=\"staging\",service=\"\"}";
      prometheus.awaitSeries(query, Duration.ofSeconds(60));
      JsonNode answer = new ObjectMapper().readTree(prometheus.query(query));
      assertThat(answer.at("/data/result/0/value/1").asText()).isEqualTo("0.5");
    }
  }
}
