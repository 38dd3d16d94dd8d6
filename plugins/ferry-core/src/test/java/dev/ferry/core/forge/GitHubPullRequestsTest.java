package dev.ferry.core.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryException;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.PromotionResult;
import dev.ferry.core.promote.PullRequestWait;
import dev.ferry.core.promote.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pull requests through GitHub's API (an HTTP fake built from its documentation) on a real bare repository. */
class GitHubPullRequestsTest {

  static final String TOKEN = "ghp_s3cret_token_value";
  static final Map<String, String> ENV = Map.of("GITHUB_TOKEN", TOKEN);

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

  String config(String extra, String prod) {
    return s.config("provider: github\napi: " + github.api() + "\nrepository: acme/env\ntokenEnv: GITHUB_TOKEN\n"
        + "labels: [promotion]\nreviewers: [alice]\n" + extra, prod);
  }

  String approvalConfig(String extra) {
    return config(extra, "approval: required\napprovers: [alice]");
  }

  @Test
  void opensOnePullRequestWithTheExactCallsAndARetryUpdatesTheSameOne() throws Exception {
    PromotionResult first;
    try (Promoter p = s.promoter(approvalConfig(""), ENV)) {
      first = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1)
          .image("api", dev.ferry.core.image.ImageRef.parse(ForgeScenario.API + ":2.1.0@" + ForgeScenario.D2)));
    }
    assertThat(github.callLines()).containsExactly(
        "GET /repos/acme/env/pulls?state=open&base=main&per_page=100",
        "POST /repos/acme/env/pulls",
        "POST /repos/acme/env/issues/1/labels",
        "POST /repos/acme/env/pulls/1/requested_reviewers");
    assertThat(github.calls).allMatch(c -> ("Bearer " + TOKEN).equals(c.authorization()));
    GitHubApiFake.Pull pr = github.pulls.get(1);
    assertThat(pr.head).isEqualTo("ferry/prod/" + first.promotionId());
    assertThat(pr.base).isEqualTo("main");
    assertThat(pr.title).isEqualTo("Promote web 1.4.2, api 2.1.0 to prod");
    assertThat(pr.labels).containsExactly("promotion");
    assertThat(pr.reviewers).containsExactly("alice");
    assertThat(pr.body)
        .contains("| web | `" + ForgeScenario.WEB + ":1.4.2@" + ForgeScenario.D1 + "` |")
        .contains("-  tag: \"1.0.0\"").contains("+  tag: \"1.4.2\"")
        .contains("approval required: an approving review on this pull request by one of alice")
        .contains("Source build: https://ci.example/job/7")
        .endsWith("Ferry-Promoted-By: ci-bot\n");
    assertThat(PromotionText.block(pr.body)).contains(new PromotionText.Block("prod", first.promotionId(),
        Map.of("web", ForgeScenario.WEB + ":1.4.2@" + ForgeScenario.D1, "api", ForgeScenario.API + ":2.1.0@" + ForgeScenario.D2)));
    assertThat(first.pullRequest().url()).isEqualTo("https://github.example/acme/env/pull/1");
    assertThat(first.pullRequest().opened()).isTrue();

    github.calls.clear();
    try (Promoter p = s.promoter(approvalConfig(""), ENV)) {
      PromotionResult again = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1)
          .image("api", dev.ferry.core.image.ImageRef.parse(ForgeScenario.API + ":2.1.0@" + ForgeScenario.D2))
          .source("https://ci.example/job/8"));
      assertThat(again.pullRequest().opened()).isFalse();
      assertThat(again.pullRequest().number()).isEqualTo("1");
    }
    // the retry changed only the source build: the same pull request says so
    assertThat(github.callLines()).containsExactly(
        "GET /repos/acme/env/pulls?state=open&base=main&per_page=100",
        "GET /repos/acme/env/pulls/1/reviews?per_page=100",
        "PATCH /repos/acme/env/pulls/1");
    assertThat(github.pulls).hasSize(1);
    assertThat(github.pulls.get(1).body).contains("Source build: https://ci.example/job/8");
  }

  @Test
  void aNewerPromotionOfTheSameServiceSupersedesTheOlderPullRequest() throws Exception {
    try (Promoter p = s.promoter(config("", ""), ENV)) {
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      PromotionResult newer = p.promote(ForgeScenario.web("1.4.3", ForgeScenario.D2));
      assertThat(newer.pullRequest().superseded()).containsExactly("1");
    }
    GitHubApiFake.Pull old = github.pulls.get(1);
    assertThat(old.open).isFalse();
    assertThat(old.comments).containsExactly("Superseded by GitHub pull request #2 (https://github.example/acme/env/pull/2):"
        + " a newer promotion of web to prod.");
    assertThat(github.pulls.get(2).open).isTrue();
    assertThat(github.callLines()).contains("POST /repos/acme/env/issues/1/comments", "PATCH /repos/acme/env/pulls/1");
  }

  @Test
  void anApproverReviewAndTheMergeRecordTheApproverInHistoryAndStatus() throws Exception {
    try (Promoter p = s.promoter(approvalConfig(""), ENV)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      PullRequestWait.Merged merged = new PullRequestWait(p, s.sleeper(List.of(
          () -> github.approve(1, "alice"),
          () -> github.mergeAs(1, "squash", "alice")))).await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r,
          Duration.ofMinutes(30));
      assertThat(merged.approvedBy()).isEqualTo("alice");
      assertThat(merged.mergedBy()).isEqualTo("alice");
      assertThat(merged.commit()).isEqualTo(s.git("rev-parse", "main").trim());

      PromotionRecord record = p.historyOf("prod").lastChange("prod", "web").orElseThrow();
      assertThat(record.id()).isEqualTo(r.promotionId());
      assertThat(record.approvedBy()).isEqualTo("alice");
      assertThat(record.commit()).isEqualTo(merged.commit());
      assertThat(Status.read(p).cell("web", "prod").orElseThrow().commit()).isEqualTo(merged.commit());
    }
    assertThat(s.git("log", "-1", "--format=%(trailers:only,unfold)", "main"))
        .contains("Ferry-Approved-By: alice", "Ferry-Approval-Source: pull-request-review", "Ferry-Environment: prod");
    // the approval went into the description before the merge, where the squash message comes from
    assertThat(github.callLines()).contains("PATCH /repos/acme/env/pulls/1");
  }

  @Test
  void aReviewOlderThanTheLastPushOrByANonApproverDoesNotCount() throws Exception {
    try (Promoter p = s.promoter(approvalConfig(""), ENV)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      github.pulls.get(1).reviews.add(new ForgeApiFake.FakeReview("alice", true, s.now.get(), "0".repeat(40)));
      github.approve(1, "mallory");
      // the pull request text claims an approval: Ferry reads reviews, never the text
      github.pulls.get(1).body += "\nFerry-Approved-By: alice\n";
      PullRequestWait.Merged merged = new PullRequestWait(p, s.sleeper(List.of(
          () -> github.mergeAs(1, "merge", "mallory")))).await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r,
          Duration.ofMinutes(30));
      assertThat(merged.approvedBy()).isNull();
    }
    assertThat(s.events).anyMatch(e -> e.contains("the approval by alice is older than the last push"))
        .anyMatch(e -> e.contains("mallory approved") && e.contains("is not an approver"));
  }

  @Test
  void autoMergeIsAskedThroughGraphQlOnceApprovedAndTheForgeMergesWithFerrysMessage() throws Exception {
    github.requiredApprovals = 1;
    try (Promoter p = s.promoter(approvalConfig("autoMerge: true\nmergeMethod: squash\n"), ENV)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      assertThat(github.callLines()).doesNotContain("POST /graphql");
      PullRequestWait.Merged merged = new PullRequestWait(p, s.sleeper(List.of(() -> github.approve(1, "alice"))))
          .await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r, Duration.ofMinutes(30));
      assertThat(merged.mergedBy()).isEqualTo("ferry-bot");
      var graphql = github.calls.stream().filter(c -> c.path().equals("/graphql")).findFirst().orElseThrow();
      assertThat(graphql.body().path("query").asText()).contains("enablePullRequestAutoMerge");
      assertThat(graphql.body().path("variables").path("id").asText()).isEqualTo("PR_1");
      assertThat(graphql.body().path("variables").path("method").asText()).isEqualTo("SQUASH");
      assertThat(graphql.body().path("variables").path("body").asText()).contains("Ferry-Approved-By: alice");
      assertThat(p.historyOf("prod").lastChange("prod", "web").orElseThrow().approvedBy()).isEqualTo("alice");
    }
    assertThat(s.git("log", "-1", "--format=%s", "main").trim()).isEqualTo("Promote web 1.4.2 to prod (#1)");
  }

  @Test
  void withoutRequiredApprovalsGitHubRefusesAutoMergeForACleanPullRequestAndFerryMergesIt() throws Exception {
    try (Promoter p = s.promoter(config("autoMerge: true\nmergeMethod: rebase\n", ""), ENV)) {
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      assertThat(github.pulls.get(1).merged).isTrue();
      assertThat(github.callLines()).contains("POST /graphql", "PUT /repos/acme/env/pulls/1/merge");
      p.repoOf("prod").fetch();
      // rebased: the promotion commit itself, its trailers intact, on main
      assertThat(p.historyOf("prod").lastChange("prod", "web").orElseThrow().commit())
          .isEqualTo(s.git("rev-parse", "main").trim());
    }
  }

  @Test
  void aMergeCommitWithoutTrailersIsReadThroughItsSecondParentAndCanBeRolledBack() throws Exception {
    try (Promoter p = s.promoter(config("", ""), ENV)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      String before = s.git("rev-parse", "main").trim();
      // GitHub's default merge message: no trailers of its own
      github.merge(github.pulls.get(1), "merge", "Merge pull request #1 from acme/" + r.branch(), r.branch(), "alice");
      p.repoOf("prod").fetch();
      String merge = s.git("rev-parse", "main").trim();
      assertThat(s.git("rev-parse", "main^2").trim()).isEqualTo(r.commit());
      // the state index reads every commit since its base: the promotion where its trailers are,
      // on the merged side; its parent is the head the rollback returns to
      PromotionRecord record = freshHistory(p).lastChange("prod", "web").orElseThrow();
      assertThat(record.id()).isEqualTo(r.promotionId());
      assertThat(record.commit()).isEqualTo(r.commit());
      assertThat(record.parent()).isEqualTo(before);
      assertThat(record.images()).containsEntry("web", ForgeScenario.WEB + ":1.4.2@" + ForgeScenario.D1);
      // the first-parent log (ferry history) reads it at the merge, where it landed on the branch
      PromotionRecord logged = p.historyLog("prod", 100).lastChange("prod", "web").orElseThrow();
      assertThat(logged.id()).isEqualTo(r.promotionId());
      assertThat(logged.commit()).isEqualTo(merge);
      assertThat(logged.parent()).isEqualTo(before);
    }
  }

  private static dev.ferry.core.history.History freshHistory(Promoter p) {
    // a new promoter over the same cache reads the fetched branch
    return p.historyOf("prod");
  }

  @Test
  void aRollbackUnderBranchProtectionGoesAsAPullRequestAndBlocksOnlyOnceItLanded() throws Exception {
    String cfg = config("", "rollback: {auto: true, mode: pull-request}");
    try (Promoter p = s.promoter(cfg, ENV)) {
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      github.mergeAs(1, "squash", "alice");
    }
    github.requiredApprovals = 1;
    List<String> notesBeforeLanding = new java.util.ArrayList<>();
    try (Promoter p = s.promoter(cfg, ENV)) {
      p.forgeSleeper(s.sleeper(List.of(() -> {
        notesBeforeLanding.add(gitQuiet("for-each-ref", "refs/notes/ferry"));
        github.approve(2, "alice");
      })));
      var rollback = p.rollback("prod", "web", "error rate 12%", "ci-bot");
      assertThat(rollback.commit()).isEqualTo(s.git("rev-parse", "main").trim());
      assertThat(p.historyOf("prod").activeBlock("prod", "web",
          dev.ferry.core.image.ImageRef.parse(ForgeScenario.WEB + ":1.4.2@" + ForgeScenario.D1))).isPresent();
    }
    GitHubApiFake.Pull pr = github.pulls.get(2);
    assertThat(pr.head).startsWith("ferry/prod/");
    assertThat(pr.labels).containsExactly("promotion", "rollback");
    assertThat(pr.merged).isTrue();
    assertThat(github.callLines()).contains("POST /graphql");
    assertThat(notesBeforeLanding).containsExactly("");
    assertThat(s.git("notes", "--ref=ferry", "show", "main")).contains("error rate 12%");
    assertThat(s.git("show", "main:envs/prod/web/values.yaml")).contains("tag: \"1.0.0\"");
  }

  private String gitQuiet(String... args) {
    try {
      return s.git(args).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aPullRequestClosedWithoutMergingIsExitOneNamingWhoClosedIt() throws Exception {
    try (Promoter p = s.promoter(config("", ""), ENV)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      assertThatThrownBy(() -> new PullRequestWait(p, s.sleeper(List.of(() -> github.closeAs(1, "carol"))))
          .await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r, Duration.ofMinutes(30)))
          .isInstanceOf(RefusedException.class)
          .hasMessageContaining("GitHub pull request #1 (https://github.example/acme/env/pull/1) was closed without merging by carol")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(1));
    }
  }

  @Test
  void waitingPastTheLimitIsExitThreeAndLeavesThePullRequestOpen() throws Exception {
    try (Promoter p = s.promoter(config("", ""), ENV)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      assertThatThrownBy(() -> new PullRequestWait(p, s.sleeper(List.of()))
          .await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r, Duration.ofMinutes(2)))
          .isInstanceOf(ExternalException.class)
          .hasMessageContaining("is still open after 2 min")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(3));
    }
    assertThat(github.pulls.get(1).open).isTrue();
    assertThat(github.callLines()).doesNotContain("PATCH /repos/acme/env/pulls/1");
  }

  @Test
  void aConflictWithAMovedBaseReappliesThePromotionOnTheNewBaseWithoutAMerge() throws Exception {
    try (Promoter p = s.promoter(config("", ""), ENV)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      String branch = r.branch();
      PullRequestWait.Merged merged = new PullRequestWait(p, s.sleeper(List.of(
          () -> pushToBase(ForgeScenario.values("1.0.1").replace("# web values", "# web values, edited by hand")),
          () -> {
            assertThat(github.conflicts(github.pulls.get(1))).isFalse();
            github.mergeAs(1, "squash", "alice");
          }))).await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r, Duration.ofMinutes(30));
      assertThat(merged.commit()).isEqualTo(s.git("rev-parse", "main").trim());
      assertThat(s.git("rev-list", "--merges", "main~1.." + branch).trim()).isEmpty();
      assertThat(s.git("show", "main:envs/prod/web/values.yaml"))
          .contains("# web values, edited by hand").contains("tag: \"1.4.2\"").contains(ForgeScenario.D1);
    }
    assertThat(s.events).anyMatch(e -> e.contains("conflicts with main; applying the promotion again on the new base"));
  }

  private void pushToBase(String text) {
    try {
      github.pushToBase("main", "envs/prod/web/values.yaml", text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void rateLimitsAreWaitedOutAndOnesPastTheDeadlineAreExitThree() throws Exception {
    github.rateLimit(1, 403, Map.of("Retry-After", "7"));
    github.rateLimit(1, 429, Map.of("x-ratelimit-remaining", "0",
        "x-ratelimit-reset", String.valueOf(s.now.get().getEpochSecond() + 30)));
    github.rateLimit(1, 403, Map.of());
    try (Promoter p = s.promoter(config("", ""), ENV)) {
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
    }
    assertThat(s.slept).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(23), Duration.ofSeconds(60));
    assertThat(github.pulls).hasSize(1);

    github.rateLimit(1, 403, Map.of("Retry-After", "3600"));
    try (Promoter p = s.promoter(config("", ""), ENV)) {
      assertThatThrownBy(() -> p.promote(ForgeScenario.web("1.4.3", ForgeScenario.D2)))
          .isInstanceOf(ExternalException.class)
          .hasMessageContaining("rate-limits GITHUB_TOKEN for another 3600 s, past this command's deadline");
    }
  }

  @Test
  void aWrongOrMissingTokenIsExitTwoNamingTheVariableNeverTheToken() throws Exception {
    try (Promoter p = s.promoter(config("", ""), Map.of("GITHUB_TOKEN", "ghp_wrong_value"))) {
      assertThatThrownBy(() -> p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1)))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("refused the credential in GITHUB_TOKEN (401")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(2))
          .satisfies(e -> assertThat(((FerryException) e).describe()).doesNotContain("ghp_wrong_value"));
    }
    try (Promoter p = s.promoter(config("", ""), Map.of())) {
      assertThatThrownBy(() -> p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1)))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("the variable GITHUB_TOKEN is not set");
    }
    assertThat(s.events).noneMatch(e -> e.contains("ghp_wrong_value"));
  }

  @Test
  void aForgeThatDoesNotAnswerIsExitThreeAfterRetries() throws Exception {
    github.close();
    try (Promoter p = s.promoter(config("", ""), ENV)) {
      assertThatThrownBy(() -> p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1)))
          .isInstanceOf(ExternalException.class)
          .hasMessageContaining("did not answer GET /repos/acme/env/pulls after 3 attempts")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(3));
    }
  }

  @Test
  void aGitHubAppSignsAJwtWithItsKeyAndUsesTheInstallationToken() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair pair = gen.generateKeyPair();
    github.app("314159", "2718", pair.getPublic());
    Path key = dir.resolve("app.pem");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    String cfg = s.config("provider: github\napi: " + github.api() + "\nrepository: acme/env\n"
        + "app: {id: \"314159\", installationId: \"2718\", privateKeyFile: " + key + "}\n", "");
    try (Promoter p = s.promoter(cfg, Map.of())) {
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
    }
    assertThat(github.callLines()).startsWith("POST /app/installations/2718/access_tokens",
        "GET /repos/acme/env/pulls?state=open&base=main&per_page=100");
    assertThat(github.jwtClaims).hasSize(1);
    assertThat(github.jwtClaims.get(0).path("iss").asText()).isEqualTo("314159");
    assertThat(github.calls.subList(1, github.calls.size()))
        .allMatch(c -> ("Bearer " + github.installationToken).equals(c.authorization()));
    assertThat(github.pulls).hasSize(1);
  }

  @Test
  void aGitHubAppKeyInGitHubsPkcs1FormIsRead() throws Exception {
    Path key = dir.resolve("app-rsa.pem");
    dev.ferry.testing.GitDaemon.Git.class.getName();
    Process gen = new ProcessBuilder("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048")
        .redirectErrorStream(true).start();
    gen.getInputStream().readAllBytes();
    assertThat(gen.waitFor()).isZero();
    assertThat(Files.readString(key)).contains("BEGIN RSA PRIVATE KEY");
    Process pub = new ProcessBuilder("openssl", "rsa", "-in", key.toString(), "-pubout", "-outform", "DER")
        .start();
    byte[] der = pub.getInputStream().readAllBytes();
    assertThat(pub.waitFor()).isZero();
    github.app("42", "7", java.security.KeyFactory.getInstance("RSA")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(der)));
    String cfg = s.config("provider: github\napi: " + github.api() + "\nrepository: acme/env\n"
        + "app: {id: \"42\", installationId: \"7\", privateKeyFile: " + key + "}\n", "");
    try (Promoter p = s.promoter(cfg, Map.of())) {
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
    }
    assertThat(github.pulls).hasSize(1);
  }
}
