package dev.ferry.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus (Debian's {@code prometheus}) on loopback, scraping the given targets every
 * second, with its own storage directory.
 *
 * <pre>{@code
 * try (LocalPrometheus prometheus = LocalPrometheus.start(tempDir, List.of("127.0.0.1:" + exporterPort))) {
 *   prometheus.awaitSeries("up", Duration.ofSeconds(20));
 *   String url = prometheus.url(); // http://127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class LocalPrometheus implements AutoCloseable {

  private final ServerProcess process;

  private LocalPrometheus(ServerProcess process) {
    this.process = process;
  }

  /** Starts Prometheus scraping {@code targets} ({@code host:port}, path {@code /metrics}) every second. */
  public static LocalPrometheus start(Path dir, List<String> targets) throws IOException {
    Files.createDirectories(dir);
    int port = ServerProcess.freePort();
    StringBuilder config = new StringBuilder()
        .append("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n")
        .append("scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [");
    for (int i = 0; i < targets.size(); i++) {
      config.append(i == 0 ? "" : ", ").append('\'').append(targets.get(i)).append('\'');
    }
    config.append("]\n");
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    Path storage = Files.createDirectories(dir.resolve("data"));
    String exe = ServerProcess.require("prometheus", "prometheus");
    ServerProcess server = ServerProcess.start("prometheus", List.of(exe, "--config.file=" + file,
        "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + storage,
        "--log.level=warn"), port, dir);
    LocalPrometheus prometheus = new LocalPrometheus(server);
    try {
      prometheus.awaitReady(Duration.ofSeconds(30));
    } catch (IOException e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  public String url() {
    return "http://127.0.0.1:" + process.port();
  }

  public int port() {
    return process.port();
  }

  private void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (get("/-/ready").map(r -> r.statusCode() == 200).orElse(false)) {
        return;
      }
      ServerProcess.sleep(100);
    }
    throw new IOException("prometheus not ready within " + timeout + ": " + process.logText());
  }

  /** Waits until an instant query returns at least one series, e.g. after the first scrapes. */
  public void awaitSeries(String query, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (get("/api/v1/query?query=" + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8))
          .map(r -> r.statusCode() == 200 && r.body().contains("\"value\"")).orElse(false)) {
        return;
      }
      ServerProcess.sleep(200);
    }
    throw new IOException("no series for '" + query + "' within " + timeout + ": " + process.logText());
  }

  /** The JSON answer of an instant query ({@code /api/v1/query}). */
  public String query(String promql) throws IOException {
    return get("/api/v1/query?query=" + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8))
        .map(HttpResponse::body).orElseThrow(() -> new IOException("prometheus does not answer: " + process.logText()));
  }

  /** The answer, or empty while Prometheus does not answer yet. */
  private java.util.Optional<HttpResponse<String>> get(String path) throws IOException {
    try {
      return java.util.Optional.of(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (IOException notYet) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
