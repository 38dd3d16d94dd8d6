package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bitbucket Data Center's REST API 1.0 for pull requests as its reference documents it: every
 * change names the pull request's {@code version} (409 when stale), reviewers carry
 * {@code status} and {@code lastReviewedCommit}, activities say who merged or declined, merge and
 * decline take {@code ?version=}, and {@code /rest/api/latest/.../auto-merge} (8.15+) merges once allowed.
 */
final class BitbucketServerApiFake extends ForgeApiFake {

  private static final Pattern PRS = Pattern.compile(
      "/rest/api/(1\\.0|latest)/projects/([^/]+)/repos/([^/]+)/pull-requests(?:/(\\d+)(/[\\w-]+)?)?");
  final String project;
  final String slug;

  BitbucketServerApiFake(Path bare, Path scratch, String project, String slug, String token) throws IOException {
    super(bare, scratch, "Bearer " + token);
    this.project = project;
    this.slug = slug;
  }

  @Override
  String api() {
    return root() + "/rest/api/1.0";
  }

  @Override
  Object route(String method, String path, Map<String, String> q, JsonNode body, Answer answer) {
    Matcher m = PRS.matcher(path);
    if (!m.matches() || !m.group(2).equals(project) || !m.group(3).equals(slug)) {
      return null;
    }
    if (m.group(4) == null) {
      if (method.equals("GET")) {
        List<Object> out = new ArrayList<>();
        for (Pull p : pulls.values()) {
          read(p);
          if (p.open && ("refs/heads/" + p.base).equals(q.get("at"))) {
            out.add(0, json(p));
          }
        }
        return Map.of("values", out, "size", out.size(), "isLastPage", true);
      }
      if (method.equals("POST")) {
        answer.status = 201;
        return json(open(body.path("fromRef").path("id").asText().replace("refs/heads/", ""),
            body.path("toRef").path("id").asText().replace("refs/heads/", ""), body.path("title").asText(),
            body.path("description").asText()));
      }
      return null;
    }
    Pull p = pull(m.group(4));
    if (p == null) {
      return null;
    }
    String sub = m.group(5) == null ? "" : m.group(5);
    String version = body.has("version") ? body.path("version").asText() : q.get("version");
    boolean changes = !method.equals("GET") && (sub.isEmpty() || sub.equals("/merge") || sub.equals("/decline"));
    if (changes && !String.valueOf(p.version).equals(version)) {
      answer.status = 409;
      return Map.of("errors", List.of(Map.of("message",
          "You are attempting to modify a pull request based on out-of-date information.")));
    }
    switch (method + " " + sub) {
      case "GET " -> {
        return json(read(p));
      }
      case "PUT " -> {
        p.title = body.path("title").asText(p.title);
        p.body = body.path("description").asText(p.body);
        p.version++;
        return json(p);
      }
      case "GET /activities" -> {
        List<Object> out = new ArrayList<>();
        if (!p.open) {
          out.add(Map.of("action", p.merged ? "MERGED" : "DECLINED", "user", Map.of("name", p.closedBy)));
        }
        return Map.of("values", out, "isLastPage", true);
      }
      case "POST /comments" -> {
        p.comments.add(body.path("text").asText());
        answer.status = 201;
        return Map.of("id", p.comments.size());
      }
      case "POST /participants" -> {
        p.reviewers.add(body.path("user").path("name").asText());
        return Map.of("role", "REVIEWER");
      }
      case "POST /decline" -> {
        p.open = false;
        p.closedBy = "ferry-bot";
        p.version++;
        return json(p);
      }
      case "POST /merge", "POST /auto-merge" -> {
        boolean auto = sub.equals("/auto-merge");
        if (auto && !m.group(1).equals("latest")) {
          return null;
        }
        String message = body.path("message").asText();
        String title = message.contains("\n") ? message.substring(0, message.indexOf('\n')) : message;
        String rest = message.contains("\n\n") ? message.substring(message.indexOf("\n\n") + 2) : "";
        String strategy = body.path("strategyId").asText();
        String outcome = mergeRequest(p, strategy.equals("squash") ? "squash" : strategy.equals("no-ff") ? "merge" : "rebase",
            title, rest, null, auto);
        if (outcome.equals("refused")) {
          answer.status = 409;
          return Map.of("errors", List.of(Map.of("message", "The pull request has unmet merge checks")));
        }
        return json(p);
      }
      default -> {
        return null;
      }
    }
  }

  Map<String, Object> json(Pull p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", p.number);
    out.put("version", p.version);
    out.put("title", p.title);
    out.put("description", p.body);
    out.put("state", p.merged ? "MERGED" : p.open ? "OPEN" : "DECLINED");
    out.put("fromRef", Map.of("id", "refs/heads/" + p.head, "displayId", p.head, "latestCommit", headSha(p.head)));
    out.put("toRef", Map.of("id", "refs/heads/" + p.base, "displayId", p.base));
    out.put("links", Map.of("self", List.of(Map.of("href", "https://bitbucket.example/projects/" + project + "/repos/"
        + slug + "/pull-requests/" + p.number))));
    List<Object> reviewers = new ArrayList<>();
    for (FakeReview r : p.reviews) {
      reviewers.add(Map.of("user", Map.of("name", r.user()), "approved", r.approved(),
          "status", r.approved() ? "APPROVED" : "NEEDS_WORK", "lastReviewedCommit", r.commit()));
    }
    out.put("reviewers", reviewers);
    out.put("properties", p.merged ? Map.of("mergeCommit", Map.of("id", p.mergeCommit)) : Map.of());
    return out;
  }
}
