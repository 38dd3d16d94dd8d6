package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's REST API v3 for pull requests, and the GraphQL mutation {@code enablePullRequestAutoMerge},
 * as docs.github.com documents them (the fields Ferry reads, the statuses it acts on: 201 on create,
 * 405 when a merge is not allowed, 409 when the head moved). With an app key it also serves
 * {@code POST /app/installations/{id}/access_tokens}, verifying the RS256 JWT against the app's
 * public key.
 */
final class GitHubApiFake extends ForgeApiFake {

  private static final Pattern PULLS = Pattern.compile("/repos/([^/]+/[^/]+)/pulls");
  private static final Pattern PULL = Pattern.compile("/repos/([^/]+/[^/]+)/pulls/(\\d+)(/[a-z_]+)?");
  private static final Pattern ISSUE = Pattern.compile("/repos/([^/]+/[^/]+)/issues/(\\d+)(/[a-z_]+)?");
  private static final Pattern TOKENS = Pattern.compile("/app/installations/(\\d+)/access_tokens");

  final String repository;
  PublicKey appKey;
  String appId;
  String installationId;
  String installationToken = "ghs_installation_token_1";
  final List<JsonNode> jwtClaims = new ArrayList<>();

  GitHubApiFake(Path bare, Path scratch, String repository, String token) throws IOException {
    super(bare, scratch, "Bearer " + token);
    this.repository = repository;
  }

  /** Authenticates a GitHub App instead of a token. */
  GitHubApiFake app(String id, String installation, PublicKey key) {
    this.appId = id;
    this.installationId = installation;
    this.appKey = key;
    return this;
  }

  @Override
  String api() {
    return root();
  }

  @Override
  boolean authorized(String method, String path, String authorization) {
    if (appKey == null) {
      return super.authorized(method, path, authorization);
    }
    if (path.startsWith("/app/")) {
      return authorization != null && authorization.startsWith("Bearer ") && validJwt(authorization.substring(7));
    }
    return ("Bearer " + installationToken).equals(authorization);
  }

  /** RS256 over header.claims with the app's public key, issued by the app, not expired. */
  private boolean validJwt(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return false;
    }
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(appKey);
      rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        return false;
      }
      JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      jwtClaims.add(claims);
      long exp = claims.path("exp").asLong();
      long iat = claims.path("iat").asLong();
      // GitHub: at most ten minutes, issued by the app
      return "RS256".equals(header.path("alg").asText()) && appId.equals(claims.path("iss").asText())
          && exp > iat && exp - iat <= 600;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  Object rateLimitBody() {
    return Map.of("message", "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        "documentation_url", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api");
  }

  @Override
  Object route(String method, String path, Map<String, String> q, JsonNode body, Answer answer) throws IOException {
    Matcher m;
    if ((m = TOKENS.matcher(path)).matches() && method.equals("POST")) {
      if (!m.group(1).equals(installationId)) {
        return null;
      }
      answer.status = 201;
      return Map.of("token", installationToken, "expires_at", now().plusSeconds(3600).toString());
    }
    if (path.equals("/graphql") && method.equals("POST")) {
      return graphql(body, answer);
    }
    if ((m = PULLS.matcher(path)).matches() && m.group(1).equals(repository)) {
      if (method.equals("GET")) {
        List<Object> out = new ArrayList<>();
        List<Pull> newest = new ArrayList<>(pulls.values());
        java.util.Collections.reverse(newest);
        for (Pull p : newest) {
          read(p);
          if (p.open && (q.get("base") == null || q.get("base").equals(p.base))) {
            out.add(json(p));
          }
        }
        return out;
      }
      if (method.equals("POST")) {
        for (Pull p : pulls.values()) {
          if (p.open && p.head.equals(body.path("head").asText())) {
            answer.status = 422;
            return Map.of("message", "Validation Failed", "errors", List.of(Map.of("message",
                "A pull request already exists for " + p.head + ".")));
          }
        }
        answer.status = 201;
        return json(open(body.path("head").asText(), body.path("base").asText(), body.path("title").asText(),
            body.path("body").asText()));
      }
    }
    if ((m = PULL.matcher(path)).matches() && m.group(1).equals(repository)) {
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
          return json(p);
        }
        case "POST /requested_reviewers" -> {
          body.path("reviewers").forEach(r -> p.reviewers.add(r.asText()));
          answer.status = 201;
          return json(p);
        }
        case "GET /reviews" -> {
          List<Object> out = new ArrayList<>();
          int id = 1;
          for (FakeReview r : p.reviews) {
            out.add(Map.of("id", id++, "user", Map.of("login", r.user()), "state", r.approved() ? "APPROVED" : "CHANGES_REQUESTED",
                "submitted_at", r.at().toString(), "commit_id", r.commit()));
          }
          return out;
        }
        case "PUT /merge" -> {
          if (body.has("sha") && !body.path("sha").asText().equals(headSha(p.head))) {
            answer.status = 409;
            return Map.of("message", "Head branch was modified. Review and try the merge again.");
          }
          if (!p.open || approvals(p) < requiredApprovals || conflicts(p)) {
            answer.status = 405;
            return Map.of("message", "Pull Request is not mergeable");
          }
          merge(p, body.path("merge_method").asText("merge"), body.path("commit_title").asText(p.title + " (#" + p.number + ")"),
              body.path("commit_message").asText(p.body), "ferry-bot");
          return Map.of("sha", p.mergeCommit, "merged", true, "message", "Pull Request successfully merged");
        }
        default -> {
          return null;
        }
      }
    }
    if ((m = ISSUE.matcher(path)).matches() && m.group(1).equals(repository)) {
      Pull p = pull(m.group(2));
      if (p == null) {
        return null;
      }
      String sub = m.group(3) == null ? "" : m.group(3);
      switch (method + " " + sub) {
        case "GET " -> {
          Map<String, Object> issue = new LinkedHashMap<>();
          issue.put("number", p.number);
          issue.put("state", p.open ? "open" : "closed");
          issue.put("closed_by", p.closedBy == null ? null : Map.of("login", p.closedBy));
          return issue;
        }
        case "POST /labels" -> {
          body.path("labels").forEach(l -> p.labels.add(l.asText()));
          return p.labels.stream().map(l -> Map.of("name", l)).toList();
        }
        case "POST /comments" -> {
          p.comments.add(body.path("body").asText());
          answer.status = 201;
          return Map.of("id", p.comments.size(), "body", body.path("body").asText());
        }
        default -> {
          return null;
        }
      }
    }
    return null;
  }

  private boolean lostAnswer;

  private Object graphql(JsonNode body, Answer answer) throws IOException {
    String query = body.path("query").asText();
    JsonNode vars = body.path("variables");
    if (query.contains("createCommitOnBranch")) {
      Object out = createCommitOnBranch(vars.path("input"));
      if (lostAnswer) {
        lostAnswer = false;
        answer.status = 502;
        return Map.of("message", "Bad Gateway");
      }
      return out;
    }
    if (!query.contains("enablePullRequestAutoMerge")) {
      return Map.of("errors", List.of(Map.of("message", "unknown query")));
    }
    Pull p = pulls.values().stream().filter(x -> ("PR_" + x.number).equals(vars.path("id").asText())).findFirst().orElse(null);
    if (p == null) {
      return Map.of("errors", List.of(Map.of("type", "NOT_FOUND", "message", "Could not resolve to a node")));
    }
    if (requiredApprovals == 0 || approvals(p) >= requiredApprovals) {
      // GitHub: auto-merge is for pull requests that cannot merge yet
      return Map.of("data", Map.of("enablePullRequestAutoMerge", Map.of()), "errors", List.of(Map.of(
          "type", "UNPROCESSABLE", "message", "Pull request Pull request is in clean status")));
    }
    p.autoMerge = new String[] {vars.path("method").asText().toLowerCase(java.util.Locale.ROOT),
        vars.path("headline").asText(), vars.path("body").asText()};
    return Map.of("data", Map.of("enablePullRequestAutoMerge", Map.of("pullRequest", Map.of("number", p.number))));
  }

  /** Runs once before the next createCommitOnBranch is applied: another writer moving the branch. */
  Runnable beforeNextCommit;
  /** The next createCommitOnBranch makes its commit, then answers 502 as if the answer were lost. */
  boolean loseNextCommitAnswer;
  /** The commits createCommitOnBranch made, oldest first. */
  final List<String> createdCommits = new ArrayList<>();

  /**
   * {@code createCommitOnBranch} as GitHub documents it: the branch must be at {@code expectedHeadOid}
   * ({@code STALE_DATA} otherwise, with GitHub's message); additions carry base64 contents; the
   * message is the headline, a blank line and the body; the author is the token's user and GitHub
   * the committer. The commit lands in the real bare repository with a compare-and-swap.
   */
  private Object createCommitOnBranch(JsonNode input) throws IOException {
    if (beforeNextCommit != null) {
      Runnable r = beforeNextCommit;
      beforeNextCommit = null;
      r.run();
    }
    String owner = input.path("branch").path("repositoryNameWithOwner").asText();
    String branch = input.path("branch").path("branchName").asText();
    String expected = input.path("expectedHeadOid").asText();
    if (!owner.equals(repository)) {
      return Map.of("data", java.util.Collections.singletonMap("createCommitOnBranch", null), "errors", List.of(Map.of(
          "type", "NOT_FOUND", "message", "Could not resolve to a Repository with the name '" + owner + "'.")));
    }
    try (org.eclipse.jgit.lib.Repository repo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
        .setGitDir(bare.toFile()).build();
         org.eclipse.jgit.lib.ObjectInserter ins = repo.newObjectInserter();
         org.eclipse.jgit.revwalk.RevWalk rw = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
      org.eclipse.jgit.lib.Ref ref = repo.exactRef("refs/heads/" + branch);
      if (ref == null || !ref.getObjectId().name().equals(expected)) {
        return Map.of("data", java.util.Collections.singletonMap("createCommitOnBranch", null), "errors", List.of(Map.of(
            "type", "STALE_DATA", "path", List.of("createCommitOnBranch"),
            "message", "Expected branch to point to \"" + expected + "\" but it did not.  Pull and try again.")));
      }
      org.eclipse.jgit.revwalk.RevCommit head = rw.parseCommit(ref.getObjectId());
      org.eclipse.jgit.dircache.DirCache dc = org.eclipse.jgit.dircache.DirCache.newInCore();
      org.eclipse.jgit.dircache.DirCacheBuilder builder = dc.builder();
      try (org.eclipse.jgit.lib.ObjectReader reader = repo.newObjectReader()) {
        builder.addTree(new byte[0], 0, reader, head.getTree());
      }
      builder.finish();
      org.eclipse.jgit.dircache.DirCacheEditor editor = dc.editor();
      for (JsonNode d : input.path("fileChanges").path("deletions")) {
        editor.add(new org.eclipse.jgit.dircache.DirCacheEditor.DeletePath(d.path("path").asText()));
      }
      for (JsonNode a : input.path("fileChanges").path("additions")) {
        org.eclipse.jgit.lib.ObjectId blob = ins.insert(org.eclipse.jgit.lib.Constants.OBJ_BLOB,
            Base64.getDecoder().decode(a.path("contents").asText()));
        editor.add(new org.eclipse.jgit.dircache.DirCacheEditor.PathEdit(a.path("path").asText()) {
          @Override
          public void apply(org.eclipse.jgit.dircache.DirCacheEntry e) {
            e.setFileMode(org.eclipse.jgit.lib.FileMode.REGULAR_FILE);
            e.setObjectId(blob);
          }
        });
      }
      editor.finish();
      org.eclipse.jgit.lib.CommitBuilder cb = new org.eclipse.jgit.lib.CommitBuilder();
      cb.setTreeId(dc.writeTree(ins));
      cb.setParentId(head);
      cb.setAuthor(new org.eclipse.jgit.lib.PersonIdent("ferry-bot[bot]", "ferry-bot[bot]@users.noreply.github.com",
          now(), java.time.ZoneOffset.UTC));
      cb.setCommitter(new org.eclipse.jgit.lib.PersonIdent("GitHub", "noreply@github.com", now(), java.time.ZoneOffset.UTC));
      String headline = input.path("message").path("headline").asText();
      String msgBody = input.path("message").path("body").asText("");
      cb.setMessage(msgBody.isEmpty() ? headline : headline + "\n\n" + msgBody);
      org.eclipse.jgit.lib.ObjectId commit = ins.insert(cb);
      ins.flush();
      org.eclipse.jgit.lib.RefUpdate u = repo.updateRef("refs/heads/" + branch);
      u.setExpectedOldObjectId(head);
      u.setNewObjectId(commit);
      org.eclipse.jgit.lib.RefUpdate.Result result = u.update(rw);
      if (result != org.eclipse.jgit.lib.RefUpdate.Result.FAST_FORWARD) {
        return Map.of("data", java.util.Collections.singletonMap("createCommitOnBranch", null), "errors", List.of(Map.of(
            "type", "STALE_DATA", "message", "Expected branch to point to \"" + expected + "\" but it did not.  Pull and try again.")));
      }
      createdCommits.add(commit.name());
      if (loseNextCommitAnswer) {
        loseNextCommitAnswer = false;
        lostAnswer = true;
      }
      return Map.of("data", Map.of("createCommitOnBranch", Map.of("commit", Map.of("oid", commit.name(),
          "url", "https://github.example/" + repository + "/commit/" + commit.name()))));
    }
  }

  Map<String, Object> json(Pull p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("number", p.number);
    out.put("node_id", "PR_" + p.number);
    out.put("html_url", "https://github.example/" + repository + "/pull/" + p.number);
    out.put("state", p.open ? "open" : "closed");
    out.put("title", p.title);
    out.put("body", p.body);
    out.put("head", Map.of("ref", p.head, "sha", headSha(p.head)));
    out.put("base", Map.of("ref", p.base));
    out.put("merged", p.merged);
    out.put("merged_at", p.merged ? now().toString() : null);
    out.put("merge_commit_sha", p.mergeCommit);
    out.put("merged_by", p.merged ? Map.of("login", p.closedBy) : null);
    boolean conflicts = p.open && conflicts(p);
    out.put("mergeable", p.open ? !conflicts : null);
    out.put("mergeable_state", conflicts ? "dirty" : "clean");
    return out;
  }
}
