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
 * Pull requests on Azure DevOps (Git REST API 7.1). An approval is a reviewer's vote of 10 (or 5,
 * approved with suggestions); when it was cast comes from the vote's system thread. Auto-merge is
 * auto-complete ({@code autoCompleteSetBy}) with the merge strategy and message as completion options.
 */
final class AzureDevOpsPullRequests implements PullRequests {

  private static final String VERSION = "api-version=7.1";
  private final ForgeHttp http;
  private final String repo;

  /** @param repository {@code organization/project/repository} */
  AzureDevOpsPullRequests(ForgeHttp http, String repository) {
    String[] parts = repository.split("/");
    if (parts.length != 3) {
      throw new InputException("repository '" + repository + "' of Azure DevOps pullRequests must be"
          + " organization/project/repository");
    }
    this.http = http;
    this.repo = "/" + parts[0] + "/" + Forges.query(parts[1]).replace("+", "%20") + "/_apis/git/repositories/"
        + Forges.query(parts[2]).replace("+", "%20");
  }

  @Override
  public String forge() {
    return "Azure DevOps";
  }

  private static String with(String path) {
    return path + (path.contains("?") ? "&" : "?") + VERSION;
  }

  @Override
  public List<PullRequest> listOpen(String base) {
    List<PullRequest> out = new ArrayList<>();
    for (JsonNode p : http.get(with(repo + "/pullrequests?searchCriteria.status=active&searchCriteria.targetRefName="
        + Forges.query("refs/heads/" + base))).path("value")) {
      out.add(pull(p));
    }
    return out;
  }

  @Override
  public PullRequest get(String number) {
    return pull(http.get(with(repo + "/pullrequests/" + number)));
  }

  private static PullRequest pull(JsonNode p) {
    String s = p.path("status").asText();
    PullRequest.State state = switch (s) {
      case "active" -> PullRequest.State.OPEN;
      case "completed" -> PullRequest.State.MERGED;
      default -> PullRequest.State.CLOSED;
    };
    String id = p.path("pullRequestId").asText();
    return new PullRequest(id, p.path("repository").path("webUrl").asText() + "/pullrequest/" + id, state,
        p.path("sourceRefName").asText().replaceFirst("^refs/heads/", ""),
        p.path("lastMergeSourceCommit").path("commitId").asText(null),
        p.path("targetRefName").asText().replaceFirst("^refs/heads/", ""), p.path("title").asText(),
        p.path("description").asText(""),
        state == PullRequest.State.MERGED ? p.path("lastMergeCommit").path("commitId").asText(null) : null,
        state == PullRequest.State.OPEN ? null : p.path("closedBy").path("uniqueName").asText(null),
        "conflicts".equals(p.path("mergeStatus").asText()), p.path("createdBy").path("id").asText(null));
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    return pull(http.post(with(repo + "/pullrequests"), Map.of("sourceRefName", "refs/heads/" + d.head(),
        "targetRefName", "refs/heads/" + d.base(), "title", d.title(), "description", d.body())));
  }

  @Override
  public void update(PullRequest pr, String title, String body) {
    http.patch(with(repo + "/pullrequests/" + pr.number()), Map.of("title", title, "description", body));
  }

  @Override
  public void label(PullRequest pr, List<String> labels) {
    for (String label : labels) {
      http.post(with(repo + "/pullRequests/" + pr.number() + "/labels"), Map.of("name", label));
    }
  }

  @Override
  public void comment(PullRequest pr, String text) {
    http.post(with(repo + "/pullRequests/" + pr.number() + "/threads"), Map.of("status", 1,
        "comments", List.of(Map.of("parentCommentId", 0, "content", text, "commentType", 1))));
  }

  /** Azure DevOps names reviewers by identity id. */
  @Override
  public void requestReviewers(PullRequest pr, List<String> reviewers) {
    for (String id : reviewers) {
      http.put(with(repo + "/pullRequests/" + pr.number() + "/reviewers/" + Forges.query(id)), Map.of("vote", 0));
    }
  }

  @Override
  public List<Review> reviews(PullRequest pr) {
    // when each vote was cast: the system threads Azure DevOps writes for votes
    Map<String, Instant> votedAt = new HashMap<>();
    for (JsonNode t : http.get(with(repo + "/pullRequests/" + pr.number() + "/threads")).path("value")) {
      if ("VoteUpdate".equals(t.path("properties").path("CodeReviewThreadType").path("$value").asText())) {
        JsonNode c = t.path("comments").path(0);
        votedAt.put(c.path("author").path("uniqueName").asText(), ForgeHttp.instant(c.path("publishedDate")));
      }
    }
    List<Review> out = new ArrayList<>();
    for (JsonNode r : http.get(with(repo + "/pullRequests/" + pr.number() + "/reviewers")).path("value")) {
      String who = r.path("uniqueName").asText();
      int vote = r.path("vote").asInt();
      out.add(new Review(who, vote >= 5, votedAt.get(who), null));
    }
    return out;
  }

  @Override
  public boolean enableAutoMerge(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("autoCompleteSetBy", Map.of("id", pr.forgeId() == null ? "" : pr.forgeId()));
    body.put("completionOptions", completion(method, title, message));
    http.patch(with(repo + "/pullrequests/" + pr.number()), body);
    return true;
  }

  @Override
  public boolean merge(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "completed");
    body.put("lastMergeSourceCommit", Map.of("commitId", pr.headCommit() == null ? "" : pr.headCommit()));
    body.put("completionOptions", completion(method, title, message));
    ForgeHttp.Answer a = http.send("PATCH", with(repo + "/pullrequests/" + pr.number()), body);
    if (a.ok()) {
      return true;
    }
    if (a.status() == 409 || a.status() == 400) {
      return false;
    }
    throw new ExternalException("Azure DevOps did not complete pull request " + pr.number() + " (" + a.status()
        + "): " + ForgeHttp.message(a.json()));
  }

  private static Map<String, Object> completion(MergeMethod method, String title, String message) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("mergeStrategy", switch (method) {
      case SQUASH -> "squash";
      case REBASE -> "rebase";
      case MERGE -> "noFastForward";
    });
    options.put("mergeCommitMessage", title + "\n\n" + message);
    options.put("deleteSourceBranch", true);
    return options;
  }

  @Override
  public void close(PullRequest pr) {
    http.patch(with(repo + "/pullrequests/" + pr.number()), Map.of("status", "abandoned"));
  }
}
