package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Checks an approval given through a GitHub environment ({@code --approval-source
 * github-environment}) against the run's deployment review log, so the name is not just typed:
 * {@code GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals} must hold an {@code approved}
 * review by that user for that environment. The runner's variables say which run
 * ({@code GITHUB_API_URL}, {@code GITHUB_REPOSITORY}, {@code GITHUB_RUN_ID}); the token comes from
 * {@code FERRY_GITHUB_TOKEN} or {@code GITHUB_TOKEN} and goes only to {@code GITHUB_API_URL}.
 *
 * <pre>{@code
 * new GitHubEnvironmentApproval(System.getenv()).check("alice", "prod");
 * }</pre>
 */
final class GitHubEnvironmentApproval {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final Map<String, String> env;

  GitHubEnvironmentApproval(Map<String, String> env) {
    this.env = env;
  }

  /** Refuses unless {@code approver} approved {@code environment} in this workflow run. */
  void check(String approver, String environment) {
    String repository = required("GITHUB_REPOSITORY");
    String run = required("GITHUB_RUN_ID");
    String token = env.getOrDefault("FERRY_GITHUB_TOKEN", env.get("GITHUB_TOKEN"));
    if (token == null || token.isBlank()) {
      throw new InputException("--approval-source github-environment needs FERRY_GITHUB_TOKEN or GITHUB_TOKEN"
          + " (a token that may read the run's deployment reviews: actions: read)");
    }
    String api = env.getOrDefault("GITHUB_API_URL", "https://api.github.com").replaceAll("/+$", "");
    URI uri = URI.create(api + "/repos/" + repository + "/actions/runs/" + run + "/approvals");
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw new InputException("GITHUB_API_URL must be an http(s) URL, not " + api);
    }
    JsonNode reviews = get(uri, token);
    for (JsonNode review : reviews) {
      if ("approved".equals(review.path("state").asText()) && approver.equals(review.path("user").path("login").asText())) {
        for (JsonNode e : review.path("environments")) {
          if (environment.equals(e.path("name").asText())) {
            return;
          }
        }
      }
    }
    throw new RefusedException("the review log of run " + run + " in " + repository + " holds no approval by '"
        + approver + "' of GitHub environment '" + environment + "'; --approved-by with --approval-source"
        + " github-environment must name the reviewer who approved it");
  }

  private String required(String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new InputException("--approval-source github-environment runs only in a GitHub Actions job: " + name
          + " is not set");
    }
    return value;
  }

  private static JsonNode get(URI uri, String token) {
    // no redirects: the token goes to GITHUB_API_URL and nowhere else
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .GET().build();
    try {
      HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (java.io.InputStream in = response.body()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (response.statusCode() != 200) {
        throw new ExternalException("GET " + uri + " answered " + response.statusCode()
            + (response.statusCode() == 403 || response.statusCode() == 404 ? " (the token needs actions: read)" : ""));
      }
      if (body.length > MAX_BODY) {
        throw new ExternalException("GET " + uri + " answered more than " + MAX_BODY + " bytes");
      }
      JsonNode reviews = new ObjectMapper().readTree(body);
      if (!reviews.isArray()) {
        throw new ExternalException("GET " + uri + " answered no list of reviews");
      }
      return reviews;
    } catch (IOException e) {
      throw new ExternalException("GET " + uri + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalException("GET " + uri + " was interrupted", e);
    }
  }
}
