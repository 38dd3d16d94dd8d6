package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.config.PullRequestConfig.MergeMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pull requests on GitHub and GitHub Enterprise Server (REST v3; auto-merge through GraphQL's
 * {@code enablePullRequestAutoMerge}, which REST does not offer).
 */
final class GitHubPullRequests implements PullRequests {

  private final ForgeHttp http;
  private final String repo;
  private final String graphql;

  GitHubPullRequests(ForgeHttp http, String repository) {
    this.http = http;
    this.repo = "/repos/" + repository;
    this.graphql = graphqlUrl(http.api());
  }

  /** The GraphQL endpoint beside a REST root. */
  static String graphqlUrl(String api) {
    // GHES serves REST under /api/v3 and GraphQL under /api/graphql; github.com under / and /graphql
    String root = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
    return root.endsWith("/api/v3") ? root.substring(0, root.length() - 2) + "graphql" : root + "/graphql";
  }

  @Override
  public String forge() {
    return "GitHub";
  }

  @Override
  public List<PullRequest> listOpen(String base) {
    List<PullRequest> out = new ArrayList<>();
    for (JsonNode p : http.get(repo + "/pulls?state=open&base=" + Forges.query(base) + "&per_page=100")) {
      out.add(pull(p, null));
    }
    return out;
  }

  @Override
  public PullRequest get(String number) {
    JsonNode p = http.get(repo + "/pulls/" + number);
    String closedBy = null;
    if (p.path("merged").asBoolean()) {
      closedBy = p.path("merged_by").path("login").asText(null);
    } else if ("closed".equals(p.path("state").asText())) {
      // the pull itself does not say who closed it; its issue does
      closedBy = http.get(repo + "/issues/" + number).path("closed_by").path("login").asText(null);
    }
    return pull(p, closedBy);
  }

  private static PullRequest pull(JsonNode p, String closedBy) {
    PullRequest.State state = p.path("merged").asBoolean() || p.path("merged_at").isTextual()
        ? PullRequest.State.MERGED
        : "open".equals(p.path("state").asText()) ? PullRequest.State.OPEN : PullRequest.State.CLOSED;
    return new PullRequest(p.path("number").asText(), p.path("html_url").asText(), state,
        p.path("head").path("ref").asText(), p.path("head").path("sha").asText(null),
        p.path("base").path("ref").asText(), p.path("title").asText(), p.path("body").asText(""),
        state == PullRequest.State.MERGED ? p.path("merge_commit_sha").asText(null) : null, closedBy,
        p.path("mergeable").isBoolean() && !p.path("mergeable").asBoolean()
            && "dirty".equals(p.path("mergeable_state").asText("dirty")),
        p.path("node_id").asText(null));
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    return pull(http.post(repo + "/pulls", Map.of("title", d.title(), "head", d.head(), "base", d.base(),
        "body", d.body())), null);
  }

  @Override
  public void update(PullRequest pr, String title, String body) {
    http.patch(repo + "/pulls/" + pr.number(), Map.of("title", title, "body", body));
  }

  @Override
  public void label(PullRequest pr, List<String> labels) {
    http.post(repo + "/issues/" + pr.number() + "/labels", Map.of("labels", labels));
  }

  @Override
  public void comment(PullRequest pr, String text) {
    http.post(repo + "/issues/" + pr.number() + "/comments", Map.of("body", text));
  }

  @Override
  public void requestReviewers(PullRequest pr, List<String> reviewers) {
    http.post(repo + "/pulls/" + pr.number() + "/requested_reviewers", Map.of("reviewers", reviewers));
  }

  @Override
  public List<Review> reviews(PullRequest pr) {
    List<Review> out = new ArrayList<>();
    for (JsonNode r : http.get(repo + "/pulls/" + pr.number() + "/reviews?per_page=100")) {
      out.add(new Review(r.path("user").path("login").asText(), "APPROVED".equals(r.path("state").asText()),
          ForgeHttp.instant(r.path("submitted_at")), r.path("commit_id").asText(null)));
    }
    return out;
  }

  @Override
  public boolean enableAutoMerge(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("id", pr.forgeId());
    vars.put("method", method.name());
    vars.put("headline", title);
    vars.put("body", message);
    String mutation = "mutation($id: ID!, $method: PullRequestMergeMethod!, $headline: String, $body: String) {"
        + " enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method,"
        + " commitHeadline: $headline, commitBody: $body}) { pullRequest { number } } }";
    JsonNode answer = http.post(graphql, Map.of("query", mutation, "variables", vars));
    JsonNode errors = answer.path("errors");
    if (errors.isArray() && errors.size() > 0) {
      String why = ForgeHttp.message(answer);
      // GitHub refuses auto-merge for a pull request that may merge right now ("clean status")
      if (why.contains("clean status") && merge(pr, method, title, message)) {
        return true;
      }
      throw new ExternalException("GitHub refused auto-merge for pull request #" + pr.number() + ": " + why,
          "allow auto-merge in the repository settings (Settings > General > Allow auto-merge)", null);
    }
    return true;
  }

  @Override
  public boolean merge(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("merge_method", method.key());
    if (method != MergeMethod.REBASE) {
      body.put("commit_title", title);
      body.put("commit_message", message);
    }
    if (pr.headCommit() != null) {
      body.put("sha", pr.headCommit());
    }
    ForgeHttp.Answer a = http.send("PUT", repo + "/pulls/" + pr.number() + "/merge", body);
    if (a.ok()) {
      return true;
    }
    if (a.status() == 405 || a.status() == 409 || a.status() == 422) {
      return false;
    }
    throw new ExternalException("GitHub did not merge pull request #" + pr.number() + " (" + a.status() + "): "
        + ForgeHttp.message(a.json()));
  }

  @Override
  public void close(PullRequest pr) {
    http.patch(repo + "/pulls/" + pr.number(), Map.of("state", "closed"));
  }
}
