package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.git.ForgeCommits;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Branch commits created through GitHub's GraphQL mutation {@code createCommitOnBranch}, so that
 * GitHub signs them (Verified) with the app or token of the repository's {@code pullRequests}.
 * {@code expectedHeadOid} makes it an exact compare-and-swap: GitHub answers {@code STALE_DATA}
 * when the branch is elsewhere, which is a lost race, not an error.
 *
 * <pre>{@code Optional<String> oid = new GitHubCommits(http, "acme/env").create(request);}</pre>
 */
final class GitHubCommits implements ForgeCommits {

  static final String MUTATION = "mutation($input: CreateCommitOnBranchInput!) {"
      + " createCommitOnBranch(input: $input) { commit { oid url } } }";

  private final ForgeHttp http;
  private final String repository;
  private final String graphql;

  GitHubCommits(ForgeHttp http, String repository) {
    this.http = http;
    this.repository = repository;
    this.graphql = GitHubPullRequests.graphqlUrl(http.api());
  }

  @Override
  public Optional<String> create(Request r) {
    List<Object> additions = new ArrayList<>();
    Base64.Encoder b64 = Base64.getEncoder();
    r.additions().forEach((path, bytes) -> additions.add(Map.of("path", path, "contents", b64.encodeToString(bytes))));
    List<Object> deletions = new ArrayList<>();
    r.deletions().forEach(path -> deletions.add(Map.of("path", path)));
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("headline", r.headline());
    if (!r.body().isEmpty()) {
      message.put("body", r.body());
    }
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("branch", Map.of("repositoryNameWithOwner", repository, "branchName", r.branch()));
    input.put("expectedHeadOid", r.expectedHead());
    input.put("message", message);
    input.put("fileChanges", Map.of("additions", additions, "deletions", deletions));
    ForgeHttp.Answer a = http.send("POST", graphql, Map.of("query", MUTATION, "variables", Map.of("input", input)));
    if (!a.ok()) {
      throw new ExternalException("POST " + graphql + " (createCommitOnBranch on " + repository + " " + r.branch()
          + ") answered " + a.status() + ": " + ForgeHttp.message(a.json()));
    }
    JsonNode oid = a.json().path("data").path("createCommitOnBranch").path("commit").path("oid");
    JsonNode errors = a.json().path("errors");
    if (oid.isTextual() && !(errors.isArray() && errors.size() > 0)) {
      return Optional.of(oid.asText());
    }
    if (!errors.isArray() || errors.isEmpty()) {
      throw new ExternalException("GitHub answered createCommitOnBranch on " + repository + " " + r.branch()
          + " without a commit: " + ForgeHttp.message(a.json()));
    }
    JsonNode first = errors.get(0);
    String type = first.path("type").asText("");
    String why = ForgeHttp.message(a.json());
    if (type.equals("STALE_DATA") || why.toLowerCase(java.util.Locale.ROOT).contains("expected branch to point to")) {
      return Optional.empty();
    }
    if (type.equals("FORBIDDEN") || type.equals("NOT_FOUND")) {
      // GraphQL says 200 with these when the token may not write the repository
      throw new InputException("GitHub refused createCommitOnBranch on " + repository + " " + r.branch()
          + " for the credential in " + http.credentialName() + " (" + type + "): " + why, null,
          "give " + http.credentialName() + " write access to the contents of " + repository, null);
    }
    throw new RefusedException("GitHub refused the commit on " + repository + " " + r.branch() + " (" + type + "): " + why,
        "fix what GitHub reports (branch protection, a file path), then run the same command again");
  }

  @Override
  public String describe() {
    return "the GitHub API " + http.api() + " (" + repository + ")";
  }
}
