package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.ExternalException;
import dev.ferry.core.RefusedException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --approval-source github-environment} is checked against the run's review log, served by
 * a GitHubApiFake built from GitHub's documented answer of
 * {@code GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals}.
 */
class GitHubEnvironmentApprovalTest {

  HttpServer gitHubApiFake;
  final AtomicReference<String> reviews = new AtomicReference<>("[]");
  final AtomicReference<String> authorization = new AtomicReference<>();
  Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    gitHubApiFake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    gitHubApiFake.createContext("/repos/shop/web/actions/runs/4242/approvals", exchange -> {
      authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = reviews.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    gitHubApiFake.start();
    env = Map.of("GITHUB_API_URL", "http://127.0.0.1:" + gitHubApiFake.getAddress().getPort(),
        "GITHUB_REPOSITORY", "shop/web", "GITHUB_RUN_ID", "4242", "FERRY_GITHUB_TOKEN", "t0ken");
  }

  @AfterEach
  void stop() {
    gitHubApiFake.stop(0);
  }

  static String review(String state, String login, String environment) {
    return "{\"state\": \"" + state + "\", \"comment\": \"\", \"user\": {\"login\": \"" + login + "\", \"id\": 1},"
        + " \"environments\": [{\"id\": 7, \"name\": \"" + environment + "\"}]}";
  }

  @Test
  void theReviewerWhoApprovedThatEnvironmentPasses() {
    reviews.set("[" + review("rejected", "bob", "prod") + ", " + review("approved", "alice", "prod") + "]");
    assertThatCode(() -> new GitHubEnvironmentApproval(env).check("alice", "prod")).doesNotThrowAnyException();
    assertThat(authorization.get()).isEqualTo("Bearer t0ken");
  }

  @Test
  void aNameThatDidNotApproveThatEnvironmentIsRefused() {
    reviews.set("[" + review("rejected", "alice", "prod") + ", " + review("approved", "alice", "staging") + "]");
    assertThatThrownBy(() -> new GitHubEnvironmentApproval(env).check("alice", "prod"))
        .isInstanceOf(RefusedException.class)
        .hasMessageContaining("holds no approval by 'alice' of GitHub environment 'prod'");
  }

  @Test
  void anAnswerThatIsNoListIsAnOutsideFailure() {
    reviews.set("{\"message\": \"Not Found\"}");
    assertThatThrownBy(() -> new GitHubEnvironmentApproval(env).check("alice", "prod"))
        .isInstanceOf(ExternalException.class).hasMessageContaining("no list of reviews");
  }
}
