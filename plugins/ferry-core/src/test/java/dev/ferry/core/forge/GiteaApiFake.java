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
 * Gitea's (and Forgejo's) API v1 for pull requests as its swagger documents it: pulls, issue labels
 * and comments, the issue timeline (who closed), reviews with {@code commit_id}, and the merge
 * endpoint with {@code Do}, {@code MergeMessageField} and {@code merge_when_checks_succeed}.
 */
final class GiteaApiFake extends ForgeApiFake {

  private static final Pattern PULLS = Pattern.compile("/api/v1/repos/([^/]+/[^/]+)/pulls(?:/(\\d+)(/\\w+)?)?");
  private static final Pattern ISSUE = Pattern.compile("/api/v1/repos/([^/]+/[^/]+)/issues/(\\d+)(/\\w+)");
  final String repository;

  GiteaApiFake(Path bare, Path scratch, String repository, String token) throws IOException {
    super(bare, scratch, "token " + token);
    this.repository = repository;
  }

  @Override
  String api() {
    return root() + "/api/v1";
  }

  @Override
  Object route(String method, String path, Map<String, String> q, JsonNode body, Answer answer) {
    Matcher m = ISSUE.matcher(path);
    if (m.matches() && m.group(1).equals(repository)) {
      Pull p = pull(m.group(2));
      if (p == null) {
        return null;
      }
      switch (method + " " + m.group(3)) {
        case "POST /labels" -> {
          body.path("labels").forEach(l -> p.labels.add(l.asText()));
          return p.labels.stream().map(l -> Map.of("name", l)).toList();
        }
        case "POST /comments" -> {
          p.comments.add(body.path("body").asText());
          answer.status = 201;
          return Map.of("id", p.comments.size(), "body", body.path("body").asText());
        }
        case "GET /timeline" -> {
          List<Object> out = new ArrayList<>();
          if (!p.open && !p.merged) {
            out.add(Map.of("type", "close", "user", Map.of("login", p.closedBy)));
          }
          return out;
        }
        default -> {
          return null;
        }
      }
    }
    m = PULLS.matcher(path);
    if (!m.matches() || !m.group(1).equals(repository)) {
      return null;
    }
    if (m.group(2) == null) {
      if (method.equals("GET")) {
        List<Object> out = new ArrayList<>();
        for (Pull p : pulls.values()) {
          read(p);
          if (p.open) {
            out.add(0, json(p));
          }
        }
        return out;
      }
      if (method.equals("POST")) {
        answer.status = 201;
        return json(open(body.path("head").asText(), body.path("base").asText(), body.path("title").asText(),
            body.path("body").asText()));
      }
      return null;
    }
    Pull p = pull(m.group(2));
    if (p == null) {
      return null;
    }
    String sub = m.group(3) == null ? "" : m.group(3);
    switch (method + " " + sub) {
      case "GET " -> {
        return json(read(p));
      }
      case "PATCH " -> {
        if (body.has("title")) {
          p.title = body.path("title").asText();
        }
        if (body.has("body")) {
          p.body = body.path("body").asText();
        }
        if ("closed".equals(body.path("state").asText())) {
          p.open = false;
          p.closedBy = "ferry-bot";
        }
        answer.status = 201;
        return json(p);
      }
      case "POST /requested_reviewers" -> {
        body.path("reviewers").forEach(r -> p.reviewers.add(r.asText()));
        answer.status = 201;
        return List.of();
      }
      case "GET /reviews" -> {
        List<Object> out = new ArrayList<>();
        String head = headSha(p.head);
        for (FakeReview r : p.reviews) {
          out.add(Map.of("user", Map.of("login", r.user()), "state", r.approved() ? "APPROVED" : "REQUEST_CHANGES",
              "submitted_at", r.at().toString(), "commit_id", r.commit(), "stale", !r.commit().equals(head),
              "dismissed", false));
        }
        return out;
      }
      case "POST /merge" -> {
        String outcome = mergeRequest(p, body.path("Do").asText(), body.path("MergeTitleField").asText(),
            body.path("MergeMessageField").asText(), body.path("head_commit_id").asText(null),
            body.path("merge_when_checks_succeed").asBoolean());
        switch (outcome) {
          case "moved" -> {
            answer.status = 409;
            return Map.of("message", "head out of date");
          }
          case "refused" -> {
            answer.status = 405;
            return Map.of("message", "Please try again later");
          }
          default -> {
            answer.status = 200;
            return new byte[0];
          }
        }
      }
      default -> {
        return null;
      }
    }
  }

  Map<String, Object> json(Pull p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("number", p.number);
    out.put("html_url", "https://gitea.example/" + repository + "/pulls/" + p.number);
    out.put("state", p.open ? "open" : "closed");
    out.put("title", p.title);
    out.put("body", p.body);
    out.put("head", Map.of("ref", p.head, "sha", headSha(p.head)));
    out.put("base", Map.of("ref", p.base));
    out.put("merged", p.merged);
    out.put("merge_commit_sha", p.mergeCommit);
    out.put("merged_by", p.merged ? Map.of("login", p.closedBy) : null);
    out.put("mergeable", !p.open || !conflicts(p));
    return out;
  }
}
