package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.config.PullRequestConfig.MergeMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pull requests on Gitea and Forgejo (API v1). Auto-merge is the merge endpoint with
 * {@code merge_when_checks_succeed}.
 */
final class GiteaPullRequests implements PullRequests {

  private final ForgeHttp http;
  private final String repo;

  GiteaPullRequests(ForgeHttp http, String repository) {
    this.http = http;
    this.repo = "/repos/" + repository;
  }

  @Override
  public String forge() {
    return "Gitea";
  }

  @Override
  public List<PullRequest> listOpen(String base) {
    List<PullRequest> out = new ArrayList<>();
    for (JsonNode p : http.get(repo + "/pulls?state=open&limit=50")) {
      PullRequest pr = pull(p, null);
      if (pr.base().equals(base)) {
        out.add(pr);
      }
    }
    return out;
  }

  @Override
  public PullRequest get(String number) {
    JsonNode p = http.get(repo + "/pulls/" + number);
    String by = null;
    if (p.path("merged").asBoolean()) {
      by = p.path("merged_by").path("login").asText(null);
    } else if ("closed".equals(p.path("state").asText())) {
      // who closed it is in the issue's timeline
      for (JsonNode e : http.get(repo + "/issues/" + number + "/timeline")) {
        if ("close".equals(e.path("type").asText())) {
          by = e.path("user").path("login").asText(null);
        }
      }
    }
    return pull(p, by);
  }

  private static PullRequest pull(JsonNode p, String by) {
    PullRequest.State state = p.path("merged").asBoolean() ? PullRequest.State.MERGED
        : "open".equals(p.path("state").asText()) ? PullRequest.State.OPEN : PullRequest.State.CLOSED;
    return new PullRequest(p.path("number").asText(), p.path("html_url").asText(), state,
        p.path("head").path("ref").asText(), p.path("head").path("sha").asText(null), p.path("base").path("ref").asText(),
        p.path("title").asText(), p.path("body").asText(""),
        state == PullRequest.State.MERGED ? p.path("merge_commit_sha").asText(null) : null, by,
        p.path("mergeable").isBoolean() && !p.path("mergeable").asBoolean(), null);
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    return pull(http.post(repo + "/pulls", Map.of("head", d.head(), "base", d.base(), "title", d.title(),
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
    for (JsonNode r : http.get(repo + "/pulls/" + pr.number() + "/reviews")) {
      boolean approved = "APPROVED".equals(r.path("state").asText()) && !r.path("dismissed").asBoolean()
          && !r.path("stale").asBoolean();
      out.add(new Review(r.path("user").path("login").asText(), approved, ForgeHttp.instant(r.path("submitted_at")),
          r.path("commit_id").asText(null)));
    }
    return out;
  }

  @Override
  public boolean enableAutoMerge(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> body = mergeBody(pr, method, title, message);
    body.put("merge_when_checks_succeed", true);
    return send(pr, body, "auto-merge");
  }

  @Override
  public boolean merge(PullRequest pr, MergeMethod method, String title, String message) {
    return send(pr, mergeBody(pr, method, title, message), "merge");
  }

  private boolean send(PullRequest pr, Map<String, Object> body, String what) {
    ForgeHttp.Answer a = http.send("POST", repo + "/pulls/" + pr.number() + "/merge", body);
    if (a.ok()) {
      return true;
    }
    if (a.status() == 405 || a.status() == 409) {
      return false;
    }
    throw new ExternalException("Gitea refused " + what + " of pull request #" + pr.number() + " (" + a.status()
        + "): " + ForgeHttp.message(a.json()));
  }

  private static Map<String, Object> mergeBody(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Do", method.key());
    body.put("MergeTitleField", title);
    body.put("MergeMessageField", message);
    body.put("delete_branch_after_merge", true);
    if (pr.headCommit() != null) {
      body.put("head_commit_id", pr.headCommit());
    }
    return body;
  }

  @Override
  public void close(PullRequest pr) {
    http.patch(repo + "/pulls/" + pr.number(), Map.of("state", "closed"));
  }
}
