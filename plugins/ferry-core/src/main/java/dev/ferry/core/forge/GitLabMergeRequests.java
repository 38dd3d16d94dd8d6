package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.config.PullRequestConfig.MergeMethod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merge requests on GitLab.com and self-managed GitLab (REST v4). Approvals come from the
 * approvals endpoint; when each was given, from the merge request's system notes, so that an
 * approval older than the last push does not count. Auto-merge is {@code auto_merge} (GitLab 17.11
 * and later) with {@code merge_when_pipeline_succeeds} for older servers.
 */
final class GitLabMergeRequests implements PullRequests {

  private final ForgeHttp http;
  private final String project;

  GitLabMergeRequests(ForgeHttp http, String repository) {
    this.http = http;
    this.project = "/projects/" + Forges.query(repository);
  }

  @Override
  public String forge() {
    return "GitLab";
  }

  @Override
  public List<PullRequest> listOpen(String base) {
    List<PullRequest> out = new ArrayList<>();
    for (JsonNode m : http.get(project + "/merge_requests?state=opened&target_branch=" + Forges.query(base)
        + "&per_page=100")) {
      out.add(mr(m));
    }
    return out;
  }

  @Override
  public PullRequest get(String number) {
    return mr(http.get(project + "/merge_requests/" + number));
  }

  private static PullRequest mr(JsonNode m) {
    String s = m.path("state").asText();
    PullRequest.State state = switch (s) {
      case "opened" -> PullRequest.State.OPEN;
      case "merged" -> PullRequest.State.MERGED;
      default -> PullRequest.State.CLOSED;
    };
    String commit = m.path("merge_commit_sha").isTextual() ? m.path("merge_commit_sha").asText()
        : m.path("squash_commit_sha").asText(null);
    String by = state == PullRequest.State.MERGED
        ? m.path("merge_user").path("username").asText(m.path("merged_by").path("username").asText(null))
        : m.path("closed_by").path("username").asText(null);
    return new PullRequest(m.path("iid").asText(), m.path("web_url").asText(), state,
        m.path("source_branch").asText(), m.path("sha").asText(null), m.path("target_branch").asText(),
        m.path("title").asText(), m.path("description").asText(""),
        state == PullRequest.State.MERGED ? commit : null, state == PullRequest.State.OPEN ? null : by,
        m.path("has_conflicts").asBoolean(false), m.path("id").asText(null));
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("source_branch", d.head());
    body.put("target_branch", d.base());
    body.put("title", d.title());
    body.put("description", d.body());
    body.put("remove_source_branch", true);
    return mr(http.post(project + "/merge_requests", body));
  }

  @Override
  public void update(PullRequest pr, String title, String body) {
    http.put(project + "/merge_requests/" + pr.number(), Map.of("title", title, "description", body));
  }

  @Override
  public void label(PullRequest pr, List<String> labels) {
    http.put(project + "/merge_requests/" + pr.number(), Map.of("add_labels", String.join(",", labels)));
  }

  @Override
  public void comment(PullRequest pr, String text) {
    http.post(project + "/merge_requests/" + pr.number() + "/notes", Map.of("body", text));
  }

  @Override
  public void requestReviewers(PullRequest pr, List<String> reviewers) {
    List<Long> ids = new ArrayList<>();
    for (String name : reviewers) {
      JsonNode users = http.get("/users?username=" + Forges.query(name));
      if (!users.isArray() || users.isEmpty()) {
        throw new InputException("GitLab has no user '" + name + "' (reviewers of pullRequests)");
      }
      ids.add(users.get(0).path("id").asLong());
    }
    http.put(project + "/merge_requests/" + pr.number(), Map.of("reviewer_ids", ids));
  }

  @Override
  public List<Review> reviews(PullRequest pr) {
    JsonNode approvals = http.get(project + "/merge_requests/" + pr.number() + "/approvals");
    // GitLab records each approval as a system note: the time it was given
    Map<String, Instant> approvedAt = new HashMap<>();
    for (JsonNode n : http.get(project + "/merge_requests/" + pr.number() + "/notes?sort=asc&per_page=100")) {
      if (n.path("system").asBoolean() && n.path("body").asText().startsWith("approved this merge request")) {
        approvedAt.put(n.path("author").path("username").asText(), ForgeHttp.instant(n.path("created_at")));
      }
    }
    List<Review> out = new ArrayList<>();
    for (JsonNode a : approvals.path("approved_by")) {
      String user = a.path("user").path("username").asText();
      out.add(new Review(user, true, approvedAt.get(user), null));
    }
    return out;
  }

  @Override
  public boolean enableAutoMerge(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> body = mergeBody(pr, method, title, message);
    body.put("auto_merge", true);
    body.put("merge_when_pipeline_succeeds", true);
    ForgeHttp.Answer a = http.send("PUT", project + "/merge_requests/" + pr.number() + "/merge", body);
    if (a.ok()) {
      return true;
    }
    if (a.status() == 405 || a.status() == 406 || a.status() == 409 || a.status() == 422) {
      return false;
    }
    throw new ExternalException("GitLab refused auto-merge for merge request !" + pr.number() + " (" + a.status()
        + "): " + ForgeHttp.message(a.json()));
  }

  @Override
  public boolean merge(PullRequest pr, MergeMethod method, String title, String message) {
    ForgeHttp.Answer a = http.send("PUT", project + "/merge_requests/" + pr.number() + "/merge",
        mergeBody(pr, method, title, message));
    if (a.ok()) {
      return true;
    }
    if (a.status() == 405 || a.status() == 406 || a.status() == 409 || a.status() == 422) {
      return false;
    }
    throw new ExternalException("GitLab did not merge merge request !" + pr.number() + " (" + a.status() + "): "
        + ForgeHttp.message(a.json()));
  }

  /** GitLab's merge method (merge commit, fast-forward) is the project's; squash is per request. */
  private static Map<String, Object> mergeBody(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("squash", method == MergeMethod.SQUASH);
    body.put("should_remove_source_branch", true);
    if (method == MergeMethod.SQUASH) {
      body.put("squash_commit_message", title + "\n\n" + message);
    } else if (method == MergeMethod.MERGE) {
      body.put("merge_commit_message", title + "\n\n" + message);
    }
    if (pr.headCommit() != null) {
      body.put("sha", pr.headCommit());
    }
    return body;
  }

  @Override
  public void close(PullRequest pr) {
    http.put(project + "/merge_requests/" + pr.number(), Map.of("state_event", "close"));
  }
}
