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
 * Bitbucket Cloud's REST API 2.0 for pull requests as developer.atlassian.com documents it:
 * {@code values} pages filtered with {@code q}, participants with {@code approved} and
 * {@code participated_on}, comments as {@code content.raw}, decline, and merge with
 * {@code merge_strategy} (400 when the merge checks do not pass). It has no labels and no auto-merge.
 */
final class BitbucketCloudApiFake extends ForgeApiFake {

  private static final Pattern PRS = Pattern.compile("/2\\.0/repositories/([^/]+/[^/]+)/pullrequests(?:/(\\d+)(/\\w+)?)?");
  final String repository;

  BitbucketCloudApiFake(Path bare, Path scratch, String repository, String token) throws IOException {
    super(bare, scratch, "Bearer " + token);
    this.repository = repository;
  }

  @Override
  String api() {
    return root() + "/2.0";
  }

  @Override
  Object rateLimitBody() {
    return Map.of("type", "error", "error", Map.of("message", "Rate limit for this resource has been exceeded"));
  }

  @Override
  Object route(String method, String path, Map<String, String> q, JsonNode body, Answer answer) {
    Matcher m = PRS.matcher(path);
    if (!m.matches() || !m.group(1).equals(repository)) {
      return null;
    }
    if (m.group(2) == null) {
      if (method.equals("GET")) {
        List<Object> out = new ArrayList<>();
        for (Pull p : pulls.values()) {
          read(p);
          if (p.open && q.getOrDefault("q", "").contains("\"" + p.base + "\"")) {
            out.add(0, json(p));
          }
        }
        return Map.of("values", out, "pagelen", 50, "size", out.size());
      }
      if (method.equals("POST")) {
        answer.status = 201;
        return json(open(body.path("source").path("branch").path("name").asText(),
            body.path("destination").path("branch").path("name").asText(), body.path("title").asText(),
            body.path("description").asText()));
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
        body.path("reviewers").forEach(r -> p.reviewers.add(r.path("uuid").asText(r.path("account_id").asText())));
        return json(p);
      }
      case "POST /comments" -> {
        p.comments.add(body.path("content").path("raw").asText());
        answer.status = 201;
        return Map.of("id", p.comments.size());
      }
      case "POST /decline" -> {
        p.open = false;
        p.closedBy = "ferry-bot";
        return json(p);
      }
      case "POST /merge" -> {
        String strategy = body.path("merge_strategy").asText();
        String message = body.path("message").asText();
        String title = message.contains("\n") ? message.substring(0, message.indexOf('\n')) : message;
        String rest = message.contains("\n\n") ? message.substring(message.indexOf("\n\n") + 2) : "";
        String outcome = mergeRequest(p, switch (strategy) {
          case "squash" -> "squash";
          case "merge_commit" -> "merge";
          default -> "rebase";
        }, title, rest, null, false);
        if (!outcome.equals("merged")) {
          answer.status = 400;
          return Map.of("type", "error", "error", Map.of("message", "You can't merge until you resolve all merge checks."));
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
    out.put("title", p.title);
    out.put("description", p.body);
    out.put("state", p.merged ? "MERGED" : p.open ? "OPEN" : "DECLINED");
    out.put("source", Map.of("branch", Map.of("name", p.head), "commit", Map.of("hash", headSha(p.head))));
    out.put("destination", Map.of("branch", Map.of("name", p.base)));
    out.put("merge_commit", p.merged ? Map.of("hash", p.mergeCommit) : null);
    out.put("closed_by", p.open ? null : Map.of("nickname", p.closedBy, "display_name", p.closedBy));
    out.put("links", Map.of("html", Map.of("href", "https://bitbucket.example/" + repository + "/pull-requests/" + p.number)));
    List<Object> participants = new ArrayList<>();
    for (FakeReview r : p.reviews) {
      participants.add(Map.of("user", Map.of("nickname", r.user(), "account_id", "id-" + r.user()), "role", "REVIEWER",
          "approved", r.approved(), "state", r.approved() ? "approved" : "changes_requested",
          "participated_on", r.at().toString()));
    }
    out.put("participants", participants);
    return out;
  }
}
