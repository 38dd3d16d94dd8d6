package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.config.PullRequestConfig.MergeMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pull requests on Bitbucket Cloud (REST 2.0). Approvals are the participants who approved, at
 * the time of their last participation. Bitbucket has no labels and no auto-merge in its API:
 * labels are skipped with a warning, and auto-merge merges when Bitbucket allows it.
 */
final class BitbucketCloudPullRequests implements PullRequests {

  private final ForgeHttp http;
  private final String repo;
  private final ForgeContext context;

  BitbucketCloudPullRequests(ForgeHttp http, String repository, ForgeContext context) {
    this.http = http;
    this.repo = "/repositories/" + repository;
    this.context = context;
  }

  @Override
  public String forge() {
    return "Bitbucket";
  }

  @Override
  public List<PullRequest> listOpen(String base) {
    List<PullRequest> out = new ArrayList<>();
    String q = Forges.query("destination.branch.name=\"" + base.replace("\"", "") + "\"");
    for (JsonNode p : http.get(repo + "/pullrequests?state=OPEN&pagelen=50&q=" + q).path("values")) {
      out.add(pull(p));
    }
    return out;
  }

  @Override
  public PullRequest get(String number) {
    return pull(http.get(repo + "/pullrequests/" + number));
  }

  private static PullRequest pull(JsonNode p) {
    String s = p.path("state").asText();
    PullRequest.State state = switch (s) {
      case "OPEN" -> PullRequest.State.OPEN;
      case "MERGED" -> PullRequest.State.MERGED;
      default -> PullRequest.State.CLOSED;
    };
    JsonNode by = p.path("closed_by");
    return new PullRequest(p.path("id").asText(), p.path("links").path("html").path("href").asText(), state,
        p.path("source").path("branch").path("name").asText(), p.path("source").path("commit").path("hash").asText(null),
        p.path("destination").path("branch").path("name").asText(), p.path("title").asText(),
        p.path("description").asText(""), state == PullRequest.State.MERGED ? p.path("merge_commit").path("hash").asText(null) : null,
        by.isMissingNode() || by.isNull() ? null : by.path("nickname").asText(by.path("display_name").asText(null)),
        false, null);
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", d.title());
    body.put("description", d.body());
    body.put("source", Map.of("branch", Map.of("name", d.head())));
    body.put("destination", Map.of("branch", Map.of("name", d.base())));
    body.put("close_source_branch", true);
    return pull(http.post(repo + "/pullrequests", body));
  }

  @Override
  public void update(PullRequest pr, String title, String body) {
    http.put(repo + "/pullrequests/" + pr.number(), Map.of("title", title, "description", body));
  }

  @Override
  public void label(PullRequest pr, List<String> labels) {
    context.listener().on(FerryEvent.warn("pull-request", "Bitbucket pull requests have no labels; "
        + String.join(", ", labels) + " not set on #" + pr.number()));
  }

  @Override
  public void comment(PullRequest pr, String text) {
    http.post(repo + "/pullrequests/" + pr.number() + "/comments", Map.of("content", Map.of("raw", text)));
  }

  /** Bitbucket names reviewers by account UUID ({@code {...}}) or account id, not by nickname. */
  @Override
  public void requestReviewers(PullRequest pr, List<String> reviewers) {
    List<Map<String, String>> accounts = reviewers.stream()
        .map(r -> r.startsWith("{") ? Map.of("uuid", r) : Map.of("account_id", r)).toList();
    http.put(repo + "/pullrequests/" + pr.number(), Map.of("title", pr.title(), "reviewers", accounts));
  }

  @Override
  public List<Review> reviews(PullRequest pr) {
    List<Review> out = new ArrayList<>();
    for (JsonNode p : http.get(repo + "/pullrequests/" + pr.number()).path("participants")) {
      JsonNode user = p.path("user");
      out.add(new Review(user.path("nickname").asText(user.path("account_id").asText()), p.path("approved").asBoolean(),
          ForgeHttp.instant(p.path("participated_on")), null));
    }
    return out;
  }

  @Override
  public boolean enableAutoMerge(PullRequest pr, MergeMethod method, String title, String message) {
    return merge(pr, method, title, message);
  }

  @Override
  public boolean merge(PullRequest pr, MergeMethod method, String title, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "pullrequest");
    body.put("merge_strategy", switch (method) {
      case SQUASH -> "squash";
      case REBASE -> "rebase_fast_forward";
      case MERGE -> "merge_commit";
    });
    body.put("message", title + "\n\n" + message);
    body.put("close_source_branch", true);
    ForgeHttp.Answer a = http.send("POST", repo + "/pullrequests/" + pr.number() + "/merge", body);
    if (a.ok()) {
      return true;
    }
    if (a.status() == 400 || a.status() == 409 || a.status() == 555) {
      return false;
    }
    throw new ExternalException("Bitbucket did not merge pull request #" + pr.number() + " (" + a.status() + "): "
        + ForgeHttp.message(a.json()));
  }

  @Override
  public void close(PullRequest pr) {
    http.post(repo + "/pullrequests/" + pr.number() + "/decline", Map.of());
  }
}
