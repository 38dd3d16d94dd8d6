package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure DevOps' Git REST API 7.1 for pull requests as learn.microsoft.com documents it:
 * {@code value} lists filtered by {@code searchCriteria}, PATCH for title, description, status
 * ({@code abandoned}, {@code completed}) and auto-complete ({@code autoCompleteSetBy},
 * {@code completionOptions}), labels, threads (with the system VoteUpdate threads), reviewers and
 * their votes (10 approved). The personal access token goes as basic auth with an empty user.
 */
final class AzureDevOpsApiFake extends ForgeApiFake {

  private static final Pattern PRS = Pattern.compile(
      "/([^/]+)/([^/]+)/_apis/git/repositories/([^/]+)/pullrequests(?:/(\\d+)(/\\w+)?(?:/[^/]+)?)?", Pattern.CASE_INSENSITIVE);
  final String repository;

  AzureDevOpsApiFake(Path bare, Path scratch, String repository, String token) throws IOException {
    super(bare, scratch, "Basic " + Base64.getEncoder().encodeToString((":" + token).getBytes(StandardCharsets.UTF_8)));
    this.repository = repository;
  }

  @Override
  String api() {
    return root();
  }

  @Override
  Object route(String method, String path, Map<String, String> q, JsonNode body, Answer answer) {
    Matcher m = PRS.matcher(path);
    if (!m.matches() || !(m.group(1) + "/" + m.group(2) + "/" + m.group(3)).equals(repository)
        || !"7.1".equals(q.get("api-version"))) {
      return null;
    }
    if (m.group(4) == null) {
      if (method.equals("GET")) {
        List<Object> out = new ArrayList<>();
        for (Pull p : pulls.values()) {
          read(p);
          if (p.open && ("refs/heads/" + p.base).equals(q.get("searchCriteria.targetRefName"))) {
            out.add(0, json(p));
          }
        }
        return Map.of("value", out, "count", out.size());
      }
      if (method.equals("POST")) {
        answer.status = 201;
        return json(open(body.path("sourceRefName").asText().replace("refs/heads/", ""),
            body.path("targetRefName").asText().replace("refs/heads/", ""), body.path("title").asText(),
            body.path("description").asText()));
      }
      return null;
    }
    Pull p = pull(m.group(4));
    if (p == null) {
      return null;
    }
    String sub = m.group(5) == null ? "" : m.group(5).toLowerCase(java.util.Locale.ROOT);
    switch (method + " " + sub) {
      case "GET " -> {
        return json(read(p));
      }
      case "PATCH " -> {
        if (body.has("title")) {
          p.title = body.path("title").asText();
        }
        if (body.has("description")) {
          p.body = body.path("description").asText();
        }
        JsonNode options = body.path("completionOptions");
        String strategy = switch (options.path("mergeStrategy").asText("noFastForward")) {
          case "squash" -> "squash";
          case "rebase" -> "rebase";
          default -> "merge";
        };
        String message = options.path("mergeCommitMessage").asText("");
        String title = message.contains("\n") ? message.substring(0, message.indexOf('\n')) : message;
        String rest = message.contains("\n\n") ? message.substring(message.indexOf("\n\n") + 2) : "";
        if (body.has("autoCompleteSetBy")) {
          mergeRequest(p, strategy, title, rest, null, true);
        }
        switch (body.path("status").asText("")) {
          case "abandoned" -> {
            p.open = false;
            p.closedBy = "ferry-bot@example.com";
          }
          case "completed" -> {
            String outcome = mergeRequest(p, strategy, title, rest,
                body.path("lastMergeSourceCommit").path("commitId").asText(null), false);
            if (!outcome.equals("merged")) {
              answer.status = 409;
              return Map.of("message", "The pull request cannot be completed: policies are not met");
            }
          }
          default -> { }
        }
        return json(p);
      }
      case "POST /labels" -> {
        p.labels.add(body.path("name").asText());
        return Map.of("name", body.path("name").asText(), "active", true);
      }
      case "POST /threads" -> {
        p.comments.add(body.path("comments").path(0).path("content").asText());
        return Map.of("id", p.comments.size());
      }
      case "GET /threads" -> {
        List<Object> out = new ArrayList<>();
        for (FakeReview r : p.reviews) {
          out.add(Map.of("properties", Map.of("CodeReviewThreadType", Map.of("$value", "VoteUpdate"),
              "CodeReviewVoteResult", Map.of("$value", r.approved() ? "10" : "-10")),
              "comments", List.of(Map.of("author", Map.of("uniqueName", r.user()), "publishedDate", r.at().toString(),
                  "commentType", "system"))));
        }
        return Map.of("value", out, "count", out.size());
      }
      case "PUT /reviewers" -> {
        String[] parts = path.split("/");
        p.reviewers.add(parts[parts.length - 1]);
        return Map.of("vote", 0);
      }
      case "GET /reviewers" -> {
        Map<String, Integer> votes = new LinkedHashMap<>();
        p.reviews.forEach(r -> votes.put(r.user(), r.approved() ? 10 : -10));
        List<Object> out = new ArrayList<>();
        votes.forEach((who, vote) -> out.add(Map.of("uniqueName", who, "displayName", who, "vote", vote)));
        return Map.of("value", out, "count", out.size());
      }
      default -> {
        return null;
      }
    }
  }

  Map<String, Object> json(Pull p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pullRequestId", p.number);
    out.put("status", p.merged ? "completed" : p.open ? "active" : "abandoned");
    out.put("sourceRefName", "refs/heads/" + p.head);
    out.put("targetRefName", "refs/heads/" + p.base);
    out.put("title", p.title);
    out.put("description", p.body);
    out.put("lastMergeSourceCommit", Map.of("commitId", headSha(p.head)));
    out.put("lastMergeCommit", p.merged ? Map.of("commitId", p.mergeCommit) : Map.of());
    out.put("mergeStatus", p.open && conflicts(p) ? "conflicts" : "succeeded");
    out.put("closedBy", p.open ? Map.of() : Map.of("uniqueName", p.closedBy));
    out.put("createdBy", Map.of("id", "ferry-identity-1"));
    out.put("repository", Map.of("webUrl", "https://dev.azure.example/" + repository.replaceFirst("/([^/]+)$", "/_git/$1")));
    return out;
  }
}
