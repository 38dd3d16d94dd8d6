package dev.ferry.core.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryException;
import dev.ferry.core.InputException;
import dev.ferry.core.history.History;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.PromotionRequest;
import dev.ferry.core.promote.PromotionResult;
import dev.ferry.core.promote.RollbackResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code git.signing: {format: github}}: promotions and rollbacks created through GitHub's GraphQL
 * {@code createCommitOnBranch} (an HTTP fake of the documented mutation, {@link GitHubApiFake},
 * whose commits land in a real bare repository that Ferry fetches), with {@code expectedHeadOid}
 * as the compare-and-swap, the notes and the state index pushed by git after.
 */
class GitHubSignedCommitsTest {

  static final String TOKEN = "ghp_s3cret_signing_token";

  @TempDir Path dir;
  ForgeScenario s;
  GitHubApiFake github;

  @BeforeEach
  void start() throws IOException {
    s = new ForgeScenario(dir);
    github = new GitHubApiFake(s.bare, dir, "acme/env", TOKEN);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  String config() {
    return """
        apiVersion: ferry/v1
        repos:
          env:
            url: "%s"
            branch: main
            pullRequests: {provider: github, api: "%s", repository: acme/env, tokenEnv: GITHUB_TOKEN}
        services:
          web: {image: %s}
          api: {image: %s}
        environments:
          staging:
            repo: env
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
        git:
          signing: {format: github}
        """.formatted(s.bare, github.api(), ForgeScenario.WEB, ForgeScenario.API);
  }

  static PromotionRequest web(String tag, String digest) {
    return PromotionRequest.to("staging").image("web", ImageRef.parse(ForgeScenario.WEB + ":" + tag + "@" + digest))
        .source("https://ci.example/job/7");
  }

  List<JsonNode> commitInputs() {
    return github.calls.stream().filter(c -> c.path().equals("/graphql"))
        .filter(c -> c.body().path("query").asText().contains("createCommitOnBranch"))
        .map(c -> c.body().path("variables").path("input")).toList();
  }

  @Test
  void aPromotionLandsThroughTheApiWithItsTrailersAndTheExpectedHead() throws Exception {
    String before = s.git("rev-parse", "main").trim();
    PromotionResult r;
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      r = p.promote(web("1.4.2", ForgeScenario.D1));
    }
    String head = s.git("rev-parse", "main").trim();
    assertThat(github.createdCommits).containsExactly(head);
    assertThat(r.commit()).isEqualTo(head);
    assertThat(s.git("rev-parse", "main^").trim()).isEqualTo(before);
    // the commit is GitHub's: its author is the token's user, not a commit Ferry pushed
    assertThat(s.git("log", "-1", "--format=%an|%cn", "main").trim()).isEqualTo("ferry-bot[bot]|GitHub");

    JsonNode input = commitInputs().get(0);
    assertThat(input.path("expectedHeadOid").asText()).isEqualTo(before);
    assertThat(input.path("branch").path("repositoryNameWithOwner").asText()).isEqualTo("acme/env");
    assertThat(input.path("branch").path("branchName").asText()).isEqualTo("main");
    assertThat(input.path("message").path("headline").asText()).isEqualTo("Promote web 1.4.2 to staging");
    JsonNode added = input.path("fileChanges").path("additions");
    assertThat(added).hasSize(1);
    assertThat(added.get(0).path("path").asText()).isEqualTo("envs/staging/web/values.yaml");
    assertThat(new String(Base64.getDecoder().decode(added.get(0).path("contents").asText()), StandardCharsets.UTF_8))
        .contains("tag: \"1.4.2\"").contains(ForgeScenario.D1).startsWith("# web values\n");
    assertThat(github.calls).allMatch(c -> ("Bearer " + TOKEN).equals(c.authorization()));

    String trailers = s.git("log", "-1", "--format=%(trailers:only,unfold)", "main");
    assertThat(trailers).contains("Ferry-Environment: staging").contains("Ferry-Service: web")
        .contains("Ferry-Image: " + ForgeScenario.WEB + ":1.4.2@" + ForgeScenario.D1)
        .contains("Ferry-Promotion-Id: " + r.promotionId()).contains("Ferry-Source: https://ci.example/job/7");
    assertThat(s.git("show", "main:envs/staging/web/values.yaml")).contains("tag: \"1.4.2\"");
    // the state index went by git after the API commit, up to date with it
    assertThat(s.git("show", "refs/ferry/state/main:index.json")).contains("\"base\" : \"" + head + "\"");

    // the next read, with a fresh cache, sees the promotion the API made
    try (java.util.stream.Stream<Path> cache = java.nio.file.Files.walk(dir.resolve("cache"))) {
      cache.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      History h = p.historyOf("staging");
      assertThat(h.lastChange("staging", "web")).get().extracting(PromotionRecord::commit).isEqualTo(head);
      assertThat(p.promote(web("1.4.2", ForgeScenario.D1)).noop()).isTrue();
    }
    assertThat(github.createdCommits).hasSize(1);
  }

  @Test
  void aRollbackLandsThroughTheApiWithItsBlockNotePushedAfter() throws Exception {
    RollbackResult rb;
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      p.promote(web("1.4.2", ForgeScenario.D1));
      p.promote(web("1.4.3", ForgeScenario.D2));
      rb = p.rollback("staging", "web", "error rate 12%", "alice");
    }
    String head = s.git("rev-parse", "main").trim();
    assertThat(github.createdCommits).hasSize(3).last().isEqualTo(head);
    assertThat(rb.commit()).isEqualTo(head);
    assertThat(s.git("show", "main:envs/staging/web/values.yaml")).contains("tag: \"1.4.2\"");
    assertThat(s.git("notes", "--ref=ferry", "show", head)).contains("error rate 12%");
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      assertThat(p.historyOf("staging").activeBlocks("staging")).singleElement()
          .satisfies(b -> assertThat(b.block().image()).contains("1.4.3"));
    }
  }

  @Test
  void aRollbackWhoseAnswerWasLostIsRecognisedOnTheRetryAndGetsItsBlockNote() throws Exception {
    RollbackResult rb;
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      p.promote(web("1.4.2", ForgeScenario.D1));
      p.promote(web("1.4.3", ForgeScenario.D2));
      github.loseNextCommitAnswer = true;
      rb = p.rollback("staging", "web", "error rate 12%", "alice");
    }
    String head = s.git("rev-parse", "main").trim();
    // GitHub made the commit once; the retry saw STALE_DATA, fetched, and found it was its own
    assertThat(github.createdCommits).hasSize(3).last().isEqualTo(head);
    assertThat(commitInputs()).hasSize(4);
    assertThat(rb.commit()).isEqualTo(head);
    assertThat(rb.noop()).isFalse();
    assertThat(s.git("notes", "--ref=ferry", "show", head)).contains("error rate 12%");
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      assertThat(p.historyOf("staging").activeBlocks("staging")).singleElement()
          .satisfies(b -> assertThat(b.block().image()).contains("1.4.3"));
    }
  }

  @Test
  void aBranchMovedBeforeTheCommitLosesTheFirstAttemptAndTheRetryLandsOnTheNewHead() throws Exception {
    String before = s.git("rev-parse", "main").trim();
    github.beforeNextCommit = () -> {
      try {
        github.pushToBase("main", "envs/prod/api/values.yaml", "# edited by hand\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      PromotionResult r = p.promote(web("1.4.2", ForgeScenario.D1));
      assertThat(r.commit()).isEqualTo(s.git("rev-parse", "main").trim());
    }
    String hand = s.git("rev-parse", "main^").trim();
    assertThat(hand).isNotEqualTo(before);
    assertThat(s.git("log", "-1", "--format=%s", hand).trim()).isEqualTo("hand edit of envs/prod/api/values.yaml");
    List<JsonNode> inputs = commitInputs();
    assertThat(inputs).extracting(i -> i.path("expectedHeadOid").asText()).containsExactly(before, hand);
    assertThat(github.createdCommits).hasSize(1);
    // both changes are there: nothing lost, nothing applied twice
    assertThat(s.git("show", "main:envs/prod/api/values.yaml")).isEqualTo("# edited by hand\n");
    assertThat(s.git("show", "main:envs/staging/web/values.yaml")).contains("tag: \"1.4.2\"");
    assertThat(s.events).anyMatch(e -> e.contains("is no longer at " + before.substring(0, 12)));
  }

  @Test
  void aRefusedTokenIsExitTwoNamingTheVariableAndNothingLands() throws Exception {
    String before = s.git("rev-parse", "main").trim();
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", "ghp_wrong_value"))) {
      assertThatThrownBy(() -> p.promote(web("1.4.2", ForgeScenario.D1)))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("refused the credential in GITHUB_TOKEN (401")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(2))
          .satisfies(e -> assertThat(((FerryException) e).describe()).doesNotContain("ghp_wrong_value"));
    }
    try (Promoter p = s.promoter(config(), Map.of())) {
      assertThatThrownBy(() -> p.promote(web("1.4.2", ForgeScenario.D1)))
          .isInstanceOf(InputException.class).hasMessageContaining("the variable GITHUB_TOKEN is not set")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(2));
    }
    assertThat(s.git("rev-parse", "main").trim()).isEqualTo(before);
    assertThat(String.join("\n", s.events)).doesNotContain("ghp_wrong_value");
  }

  @Test
  void aFailingApiIsExitThreeAfterItsRetriesAndNoTokenReachesAnyOutput() throws Exception {
    String before = s.git("rev-parse", "main").trim();
    github.rateLimit(ForgeHttp.ATTEMPTS, 502, Map.of());
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      assertThatThrownBy(() -> p.promote(web("1.4.2", ForgeScenario.D1)))
          .isInstanceOf(ExternalException.class)
          .hasMessageContaining("/graphql 3 times (last: 502)")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(3))
          .satisfies(e -> assertThat(((FerryException) e).describe()).doesNotContain(TOKEN));
      assertThat(s.git("rev-parse", "main").trim()).isEqualTo(before);
      // GitHub answers again: the same command lands
      p.promote(web("1.4.2", ForgeScenario.D1));
    }
    assertThat(github.createdCommits).hasSize(1);
    assertThat(String.join("\n", s.events)).doesNotContain(TOKEN);
    assertThat(s.git("log", "--format=%B", "main")).doesNotContain(TOKEN);
    assertThat(s.git("log", "-p", "refs/ferry/state/main")).doesNotContain(TOKEN);
  }

  @Test
  void anIndexThatMissedTheSecondStepIsCaughtUpFromTheCommitsByTheNextCommand() throws Exception {
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      p.promote(web("1.4.2", ForgeScenario.D1));
    }
    String indexBefore = s.git("rev-parse", "refs/ferry/state/main").trim();
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      p.promote(web("1.4.3", ForgeScenario.D2));
    }
    String head = s.git("rev-parse", "main").trim();
    // as if the git push after the API commit had never landed: the index is one promotion behind
    s.git("update-ref", "refs/ferry/state/main", indexBefore);
    try (java.util.stream.Stream<Path> cache = java.nio.file.Files.walk(dir.resolve("cache"))) {
      cache.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    try (Promoter p = s.promoter(config(), Map.of("GITHUB_TOKEN", TOKEN))) {
      assertThat(p.historyOf("staging").lastChange("staging", "web")).get()
          .satisfies(c -> assertThat(c.commit()).isEqualTo(head));
    }
    // the read pushed the caught-up index: a second run finds nothing to do
    assertThat(s.git("show", "refs/ferry/state/main:index.json")).contains("\"base\" : \"" + head + "\"");
    assertThat(s.git("show", "refs/ferry/state/main:staging/web.json")).contains(head);
    assertThat(github.createdCommits).hasSize(2);
  }

  @Test
  void aRepositoryTheTokenCannotSeeIsExitTwoEvenThoughGraphQlAnswers200() throws Exception {
    String before = s.git("rev-parse", "main").trim();
    try (Promoter p = s.promoter(config().replace("repository: acme/env", "repository: acme/elsewhere"),
        Map.of("GITHUB_TOKEN", TOKEN))) {
      assertThatThrownBy(() -> p.promote(web("1.4.2", ForgeScenario.D1)))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("GitHub refused createCommitOnBranch on acme/elsewhere main for the credential in"
              + " GITHUB_TOKEN (NOT_FOUND): Could not resolve to a Repository with the name 'acme/elsewhere'.")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(2));
    }
    assertThat(s.git("rev-parse", "main").trim()).isEqualTo(before);
  }

  @Test
  void gitHubEnterpriseServerTakesGraphQlBesideItsRestRoot() {
    assertThat(GitHubPullRequests.graphqlUrl("https://github.example.com/api/v3"))
        .isEqualTo("https://github.example.com/api/graphql");
    assertThat(GitHubPullRequests.graphqlUrl("https://api.github.com")).isEqualTo("https://api.github.com/graphql");
  }
}
