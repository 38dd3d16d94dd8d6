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
 * Pull requests on Bitbucket Data Center (REST 1.0). Every change names the pull request's current
 * {@code version} (optimistic locking), so each is preceded by a read. A reviewer's approval counts
 * for the commit it last reviewed ({@code lastReviewedCommit}). Auto-merge is the
 * {@code auto-merge} resource of Bitbucket 8.15 and later; older servers merge when they allow it.
 */
final class BitbucketServerPullRequests implements PullRequests {

  private final ForgeHttp http;
  private final String repo;
  private final ForgeContext context;

  /** @param repository {@code PROJECT/slug} */
  BitbucketServerPullRequests(ForgeHttp http, String repository, ForgeContext context) {
    this.http = http;
    int slash = repository.indexOf('/');
    this.repo = "/projects/" + repository.substring(0, Math.max(0, slash)) + "/repos/" + repository.substring(slash + 1);
    this.context = context;
  }

  @Override
  public String forge() {
    return "Bitbucket";
  }

  @Override
  public List<PullRequest> listOpen(String base) {
    List<PullRequest> out = new ArrayList<>();
    for (JsonNode p : http.get(repo + "/pull-requests?state=OPEN&direction=INCOMING&limit=100&at="
        + Forges.query("refs/heads/" + base)).path("values")) {
      out.add(pull(p, null));
    }
    return out;
  }

  @Override
  public PullRequest get(String number) {
    JsonNode p = http.get(repo + "/pull-requests/" + number);
    String by = null;
    if (!"OPEN".equals(p.path("state").asText())) {
      for (JsonNode a : http.get(repo + "/pull-requests/" + number + "/activities?limit=50").path("values")) {
        String action = a.path("action").asText();
        if (action.equals("MERGED") || action.equals("DECLINED")) {
          by = a.path("user").path("name").asText(null);
          break;
        }
      }
    }
    return pull(p, by);
  }

  private static PullRequest pull(JsonNode p, String by) {
    String s = p.path("state").asText();
    PullRequest.State state = switch (s) {
      case "OPEN" -> PullRequest.State.OPEN;
      case "MERGED" -> PullRequest.State.MERGED;
      default -> PullRequest.State.CLOSED;
    };
    JsonNode self = p.path("links").path("self");
    return new PullRequest(p.path("id").asText(), self.isArray() && self.size() > 0 ? self.get(0).path("href").asText() : "",
        state, p.path("fromRef").path("displayId").asText(), p.path("fromRef").path("latestCommit").asText(null),
        p.path("toRef").path("displayId").asText(), p.path("title").asText(), p.path("description").asText(""),
        state == PullRequest.State.MERGED ? p.path("properties").path("mergeCommit").path("id").asText(null) : null,
        by, false, p.path("version").asText("0"));
  }

  private String version(PullRequest pr) {
    return http.get(repo + "/pull-requests/" + pr.number()).path("version").asText("0");
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", d.title());
    body.put("description", d.body());
    body.put("fromRef", Map.of("id", "refs/heads/" + d.head()));
    body.put("toRef", Map.of("id", "refs/heads/" + d.base()));
    return pull(http.post(repo + "/pull-requests", body), null);
  }

  @Override
  public void update(PullRequest pr, String title, String body) {
    http.put(repo + "/pull-requests/" + pr.number(), Map.of("version", Long.parseLong(version(pr)), "title", title,
        "description", body));
  }

  @Override
  public void label(PullRequest pr, List<String> labels) {
    context.listener().on(FerryEvent.warn("pull-request", "Bitbucket Data Center pull requests have no labels; "
        + String.join(", ", labels) + " not set on #" + pr.number()));
  }

  @Override
  public void comment(PullRequest pr, String text) {
    http.post(repo + "/pull-requests/" + pr.number() + "/comments", Map.of("text", text));
  }

  @Override
  public void requestReviewers(PullRequest pr, List<String> reviewers) {
    for (String name : reviewers) {
      http.post(repo + "/pull-requests/" + pr.number() + "/participants",
          Map.of("user", Map.of("name", name), "role", "REVIEWER"));
    }
  }

  @Override
  public List<Review> reviews(PullRequest pr) {
    List<Review> out = new ArrayList<>();
    for (JsonNode r : http.get(repo + "/pull-requests/" + pr.number()).path("reviewers")) {
      out.add(new Review(r.path("user").path("name").asText(), "APPROVED".equals(r.path("status").asText()), null,
          r.path("lastReviewedCommit").asText(null)));
    }
    return out;
  }

  @Override
  public boolean enableAutoMerge(PullRequest pr, MergeMethod method, String title, String message) {
    ForgeHttp.Answer a = http.send("POST", http.api().replaceFirst("/1\\.0$", "/latest") + repo + "/pull-requests/" + pr.number() + "/auto-merge",
        Map.of("strategyId", strategy(method), "message", title + "\n\n" + message));
    if (a.ok()) {
      return true;
    }
    // no auto-merge on this server (before 8.15): merge now if it may
    return merge(pr, method, title, message);
  }

  @Override
  public boolean merge(PullRequest pr, MergeMethod method, String title, String message) {
    ForgeHttp.Answer a = http.send("POST", repo + "/pull-requests/" + pr.number() + "/merge?version=" + version(pr),
        Map.of("strategyId", strategy(method), "message", title + "\n\n" + message));
    if (a.ok()) {
      return true;
    }
    if (a.status() == 409 || a.status() == 400) {
      return false;
    }
    throw new ExternalException("Bitbucket did not merge pull request #" + pr.number() + " (" + a.status() + "): "
        + ForgeHttp.message(a.json()));
  }

  private static String strategy(MergeMethod method) {
    return switch (method) {
      case SQUASH -> "squash";
      case REBASE -> "rebase-no-ff";
      case MERGE -> "no-ff";
    };
  }

  @Override
  public void close(PullRequest pr) {
    http.post(repo + "/pull-requests/" + pr.number() + "/decline?version=" + version(pr), Map.of());
  }
}
