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
 * GitLab's REST API v4 for merge requests as docs.gitlab.com documents it: list, create, update
 * ({@code add_labels}, {@code reviewer_ids}, {@code state_event: close}), notes (with the system
 * note GitLab writes for each approval), approvals, users by name, and merge with
 * {@code auto_merge}/{@code merge_when_pipeline_succeeds}, 405 when not mergeable, 409 when the sha moved.
 */
final class GitLabApiFake extends ForgeApiFake {

  private static final Pattern MRS = Pattern.compile("/api/v4/projects/(.+?)/merge_requests(?:/(\\d+)(/\\w+)?)?");
  final String project;
  final Map<String, Integer> users = new LinkedHashMap<>(Map.of("alice", 11, "bob", 12));

  GitLabApiFake(Path bare, Path scratch, String project, String token) throws IOException {
    super(bare, scratch, "Bearer " + token);
    this.project = project;
  }

  @Override
  String api() {
    return root() + "/api/v4";
  }

  @Override
  Object rateLimitBody() {
    return Map.of("message", "429 Too Many Requests");
  }

  @Override
  Object route(String method, String path, Map<String, String> q, JsonNode body, Answer answer) {
    if (path.equals("/api/v4/users") && method.equals("GET")) {
      Integer id = users.get(q.get("username"));
      return id == null ? List.of() : List.of(Map.of("id", id, "username", q.get("username")));
    }
    Matcher m = MRS.matcher(path);
    if (!m.matches() || !m.group(1).equals(project)) {
      return null;
    }
    if (m.group(2) == null) {
      if (method.equals("GET")) {
        List<Object> out = new ArrayList<>();
        for (Pull p : pulls.values()) {
          read(p);
          if (p.open && p.base.equals(q.getOrDefault("target_branch", p.base))) {
            out.add(0, json(p));
          }
        }
        return out;
      }
      if (method.equals("POST")) {
        answer.status = 201;
        return json(open(body.path("source_branch").asText(), body.path("target_branch").asText(),
            body.path("title").asText(), body.path("description").asText()));
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
      case "PUT " -> {
        if (body.has("title")) {
          p.title = body.path("title").asText();
        }
        if (body.has("description")) {
          p.body = body.path("description").asText();
        }
        if (body.has("add_labels")) {
          p.labels.addAll(List.of(body.path("add_labels").asText().split(",")));
        }
        body.path("reviewer_ids").forEach(id -> users.forEach((name, uid) -> {
          if (uid == id.asInt()) {
            p.reviewers.add(name);
          }
        }));
        if ("close".equals(body.path("state_event").asText())) {
          p.open = false;
          p.closedBy = "ferry-bot";
        }
        return json(p);
      }
      case "POST /notes" -> {
        p.comments.add(body.path("body").asText());
        answer.status = 201;
        return Map.of("id", p.comments.size(), "body", body.path("body").asText());
      }
      case "GET /notes" -> {
        List<Object> out = new ArrayList<>();
        for (FakeReview r : p.reviews) {
          if (r.approved()) {
            out.add(Map.of("system", true, "body", "approved this merge request", "author", Map.of("username", r.user()),
                "created_at", r.at().toString()));
          }
        }
        p.comments.forEach(c -> out.add(Map.of("system", false, "body", c, "author", Map.of("username", "ferry-bot"),
            "created_at", now().toString())));
        return out;
      }
      case "GET /approvals" -> {
        // GitLab resets approvals when a commit is pushed (reset_approvals_on_push): the fake keeps them
        List<Object> by = p.reviews.stream().filter(FakeReview::approved)
            .map(r -> (Object) Map.of("user", Map.of("username", r.user()))).toList();
        return Map.of("approved", !by.isEmpty(), "approved_by", by);
      }
      case "PUT /merge" -> {
        boolean squash = body.path("squash").asBoolean();
        String message = squash ? body.path("squash_commit_message").asText() : body.path("merge_commit_message").asText();
        String title = message.contains("\n") ? message.substring(0, message.indexOf('\n')) : message;
        String rest = message.contains("\n\n") ? message.substring(message.indexOf("\n\n") + 2) : "";
        String outcome = mergeRequest(p, squash ? "squash" : "merge", title, rest, body.path("sha").asText(null),
            body.path("auto_merge").asBoolean() || body.path("merge_when_pipeline_succeeds").asBoolean());
        switch (outcome) {
          case "moved" -> {
            answer.status = 409;
            return Map.of("message", "SHA does not match HEAD of source branch");
          }
          case "refused" -> {
            answer.status = 405;
            return Map.of("message", "405 Method Not Allowed");
          }
          default -> {
            return json(p);
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
    out.put("id", 1000 + p.number);
    out.put("iid", p.number);
    out.put("web_url", "https://gitlab.example/" + project + "/-/merge_requests/" + p.number);
    out.put("state", p.merged ? "merged" : p.open ? "opened" : "closed");
    out.put("source_branch", p.head);
    out.put("target_branch", p.base);
    out.put("sha", headSha(p.head));
    out.put("title", p.title);
    out.put("description", p.body);
    out.put("merge_commit_sha", p.merged ? p.mergeCommit : null);
    out.put("squash_commit_sha", null);
    out.put("merge_user", p.merged ? Map.of("username", p.closedBy) : null);
    out.put("closed_by", !p.open && !p.merged ? Map.of("username", p.closedBy) : null);
    out.put("has_conflicts", p.open && conflicts(p));
    out.put("merge_when_pipeline_succeeds", p.autoMerge != null);
    return out;
  }
}
