package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.GitDaemon.Git;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a process: promotions tell an HTTP fake of a Slack incoming webhook, a webhook
 * receiver that keeps failing does not change the promotion's exit code, the source commit's time
 * comes from the application checkout, and {@code ferry metrics} reads the keys back from git.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryMetricsEndToEndTest {

  @TempDir static Path dir;
  GitDaemon git;
  HttpServer receivers;
  final List<String> slack = new CopyOnWriteArrayList<>();
  final List<String> failing = new CopyOnWriteArrayList<>();
  FerryProcess ferry;
  String sourceCommit;

  @BeforeAll
  void start() throws Exception {
    git = GitDaemon.start(dir.resolve("git"));
    Path bare = git.createBareRepo("env.git");
    Path seed = Files.createDirectories(dir.resolve("seed"));
    Git.run(seed, "init", "-q", "-b", "main");
    Files.createDirectories(seed.resolve("envs/dev"));
    Files.writeString(seed.resolve("envs/dev/values.yaml"), "image:\n  repository: registry.example.com/shop/web\n  tag: \"1.0.0\"\n");
    Git.run(seed, "add", "-A");
    Git.run(seed, "commit", "-q", "-m", "environments");
    Git.run(seed, "push", "-q", bare.toString(), "main");

    // the application's checkout, where the CI job runs ferry
    Path app = Files.createDirectories(dir.resolve("app"));
    Git.run(app, "init", "-q", "-b", "main");
    Files.writeString(app.resolve("README"), "shop web\n");
    Git.run(app, "add", "-A");
    Git.run(app, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", "feature");
    sourceCommit = Git.run(app, "rev-parse", "HEAD").strip();

    receivers = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receivers.createContext("/slack/", exchange -> {
      slack.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receivers.createContext("/down/", exchange -> {
      failing.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    receivers.start();
    String base = "http://127.0.0.1:" + receivers.getAddress().getPort();
    Files.writeString(app.resolve("ferry.yaml"), """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: registry.example.com/shop/web}
        environments:
          dev:
            repo: env
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
        notifications:
          - slack: {webhookEnv: SLACK_WEBHOOK_URL}
            on: [promoted]
          - webhook: {urlEnv: DOWN_URL, secretEnv: DOWN_SECRET}
        """.formatted(git.url("env.git")));
    ferry = new FerryProcess(app).env("SLACK_WEBHOOK_URL", base + "/slack/T0/B0/token-in-path")
        .env("DOWN_URL", base + "/down/hook").env("DOWN_SECRET", "hmac-secret");
  }

  @AfterAll
  void stop() {
    receivers.stop(0);
    git.close();
  }

  @Test
  void promotionsAreToldAndCountedAndAFailingReceiverChangesNoExitCode() throws Exception {
    FerryProcess.Result first = ferry.run("promote", "-c", "ferry.yaml", "--to", "dev", "--no-resolve", "--json",
        "--source-commit", sourceCommit, "web=registry.example.com/shop/web:1.1.0");
    assertThat(first.exit()).as(first.toString()).isZero();
    JsonNode json = first.json();
    assertThat(json.get("commit").asText()).hasSize(40);
    assertThat(json.get("notificationProblems")).singleElement().satisfies(p -> assertThat(p.asText())
        .isEqualTo("webhook (DOWN_URL) of promoted in dev not delivered: HTTP 503"));
    assertThat(first.stderr()).contains("warning: webhook (DOWN_URL) of promoted in dev not delivered: HTTP 503")
        .doesNotContain("token-in-path").doesNotContain("hmac-secret");
    assertThat(failing).hasSize(3);
    assertThat(slack).singleElement().asString().contains("Promoted web 1.1.0 to dev");

    FerryProcess.Result second = ferry.run("promote", "-c", "ferry.yaml", "--to", "dev", "--no-resolve",
        "--source-commit", sourceCommit, "--source-time", "2020-01-01T01:00:00Z", "web=registry.example.com/shop/web:1.2.0");
    assertThat(second.exit()).as(second.toString()).isZero();

    FerryProcess.Result metrics = ferry.run("metrics", "-c", "ferry.yaml", "--json", "--since", "7d");
    assertThat(metrics.exit()).as(metrics.toString()).isZero();
    JsonNode dev = metrics.json().at("/environments/dev");
    assertThat(dev.get("deployments").asInt()).isEqualTo(2);
    assertThat(dev.get("changeFailureRate").asDouble()).isZero();
    // lead time from the commit times: read from the checkout (committed just now), then given on the command line
    assertThat(dev.at("/leadTimeSeconds/count").asInt()).isEqualTo(2);
    assertThat(dev.at("/leadTimeSeconds/median").asLong()).isLessThan(3600L);
    assertThat(dev.at("/leadTimeSeconds/p90").asLong()).isGreaterThan(3600L * 24 * 365 * 5);
    assertThat(dev.at("/services/web/deployments").asInt()).isEqualTo(2);
    assertThat(metrics.json().get("since").asText()).endsWith("Z");

    Path textfile = dir.resolve("ferry.prom");
    FerryProcess.Result open = ferry.run("metrics", "-c", "ferry.yaml", "--openmetrics", "--output", textfile.toString());
    assertThat(open.exit()).as(open.toString()).isZero();
    assertThat(Files.readString(textfile)).contains("ferry_deployments{environment=\"dev\"} 2.0")
        .contains("ferry_promotions_total{environment=\"dev\",service=\"web\"} 2.0").endsWith("# EOF\n");

    String log = Git.run(git.base().resolve("env.git"), "log", "-1", "--format=%B", "main");
    assertThat(log).contains("Ferry-Source-Commit: " + sourceCommit).contains("Ferry-Source-Time: 2020-01-01T01:00:00Z");
  }
}
