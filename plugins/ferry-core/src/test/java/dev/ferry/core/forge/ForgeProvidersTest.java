package dev.ferry.core.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryException;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.PromotionResult;
import dev.ferry.core.promote.PullRequestWait;
import dev.ferry.core.promote.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same promotion through every forge, each an HTTP fake of its documented API over a real
 * bare repository: open (the exact calls), a retry finds and updates the same pull request,
 * supersede, the done-when scenario (an approver's review and the merge are recorded), auto-merge,
 * closed, rate limited, bad token.
 */
class ForgeProvidersTest {

  static final String TOKEN = "t0ken-s3cret-value";

  /** One forge: how to start its fake, its pullRequests lines, the calls opening makes. */
  record Forge(String name, String tokenEnv, FakeStart start, String repository, boolean labels, List<String> openCalls) {
    @Override
    public String toString() {
      return name;
    }
  }

  interface FakeStart {
    ForgeApiFake start(Path bare, Path dir) throws IOException;
  }

  static Stream<Forge> forges() {
    return Stream.of(
        new Forge("github", "GITHUB_TOKEN", (b, d) -> new GitHubApiFake(b, d, "acme/env", TOKEN), "acme/env", true, List.of(
            "GET /repos/acme/env/pulls?state=open&base=main&per_page=100",
            "POST /repos/acme/env/pulls",
            "POST /repos/acme/env/issues/1/labels",
            "POST /repos/acme/env/pulls/1/requested_reviewers")),
        new Forge("gitlab", "GITLAB_TOKEN", (b, d) -> new GitLabApiFake(b, d, "acme/env", TOKEN), "acme/env", true, List.of(
            "GET /api/v4/projects/acme/env/merge_requests?state=opened&target_branch=main&per_page=100",
            "POST /api/v4/projects/acme/env/merge_requests",
            "PUT /api/v4/projects/acme/env/merge_requests/1",
            "GET /api/v4/users?username=alice",
            "PUT /api/v4/projects/acme/env/merge_requests/1")),
        new Forge("gitea", "GITEA_TOKEN", (b, d) -> new GiteaApiFake(b, d, "acme/env", TOKEN), "acme/env", true, List.of(
            "GET /api/v1/repos/acme/env/pulls?state=open&limit=50",
            "POST /api/v1/repos/acme/env/pulls",
            "POST /api/v1/repos/acme/env/issues/1/labels",
            "POST /api/v1/repos/acme/env/pulls/1/requested_reviewers")),
        new Forge("bitbucket", "BITBUCKET_TOKEN", (b, d) -> new BitbucketCloudApiFake(b, d, "acme/env", TOKEN), "acme/env",
            false, List.of(
            "GET /2.0/repositories/acme/env/pullrequests?state=OPEN&pagelen=50&q=destination.branch.name=\"main\"",
            "POST /2.0/repositories/acme/env/pullrequests",
            "PUT /2.0/repositories/acme/env/pullrequests/1")),
        new Forge("bitbucket-server", "BITBUCKET_TOKEN", (b, d) -> new BitbucketServerApiFake(b, d, "ACME", "env", TOKEN),
            "ACME/env", false, List.of(
            "GET /rest/api/1.0/projects/ACME/repos/env/pull-requests?state=OPEN&direction=INCOMING&limit=100&at=refs/heads/main",
            "POST /rest/api/1.0/projects/ACME/repos/env/pull-requests",
            "POST /rest/api/1.0/projects/ACME/repos/env/pull-requests/1/participants")),
        new Forge("azure-devops", "AZURE_DEVOPS_TOKEN", (b, d) -> new AzureDevOpsApiFake(b, d, "acme/shop/env", TOKEN),
            "acme/shop/env", true, List.of(
            "GET /acme/shop/_apis/git/repositories/env/pullrequests?searchCriteria.status=active"
                + "&searchCriteria.targetRefName=refs/heads/main&api-version=7.1",
            "POST /acme/shop/_apis/git/repositories/env/pullrequests?api-version=7.1",
            "POST /acme/shop/_apis/git/repositories/env/pullRequests/1/labels?api-version=7.1",
            "PUT /acme/shop/_apis/git/repositories/env/pullRequests/1/reviewers/alice?api-version=7.1")));
  }

  @TempDir Path dir;

  private ForgeScenario s;
  private ForgeApiFake fake;
  private Forge forge;

  private void start(Forge f) throws IOException {
    forge = f;
    s = new ForgeScenario(dir);
    fake = f.start().start(s.bare, dir);
    fake.clock = s.now::get;
  }

  @org.junit.jupiter.api.AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  private String config(String extra, String prod) {
    return s.config("provider: " + forge.name() + "\napi: " + fake.api() + "\nrepository: " + forge.repository()
        + "\ntokenEnv: " + forge.tokenEnv() + "\nlabels: [promotion]\nreviewers: [alice]\n" + extra, prod);
  }

  private Promoter promoter(String extra, String prod) {
    return s.promoter(config(extra, prod), Map.of(forge.tokenEnv(), TOKEN));
  }

  private static final String APPROVAL = "approval: required\napprovers: [alice]";

  @ParameterizedTest(name = "{0}")
  @MethodSource("forges")
  void opensOnePullRequestAndARetryFindsAndUpdatesIt(Forge f) throws Exception {
    start(f);
    try (Promoter p = promoter("", APPROVAL)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      assertThat(fake.callLines()).containsExactlyElementsOf(f.openCalls());
      ForgeApiFake.Pull pr = fake.pulls.get(1);
      assertThat(pr.head).isEqualTo("ferry/prod/" + r.promotionId());
      assertThat(pr.base).isEqualTo("main");
      assertThat(pr.title).isEqualTo("Promote web 1.4.2 to prod");
      assertThat(pr.labels).isEqualTo(f.labels() ? List.of("promotion") : List.of());
      assertThat(pr.reviewers).containsExactly("alice");
      assertThat(PromotionText.block(pr.body)).map(PromotionText.Block::promotionId).contains(r.promotionId());

      PromotionResult again = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1).source("https://ci.example/job/8"));
      assertThat(again.pullRequest().opened()).isFalse();
      assertThat(again.pullRequest().number()).isEqualTo("1");
      assertThat(fake.pulls).hasSize(1);
      assertThat(fake.pulls.get(1).body).contains("Source build: https://ci.example/job/8");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forges")
  void aNewerPromotionSupersedesTheOlderPullRequestWithAComment(Forge f) throws Exception {
    start(f);
    try (Promoter p = promoter("", "")) {
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      PromotionResult newer = p.promote(ForgeScenario.web("1.4.3", ForgeScenario.D2));
      assertThat(newer.pullRequest().superseded()).containsExactly("1");
      assertThat(fake.pulls.get(1).open).isFalse();
      assertThat(fake.pulls.get(1).comments).singleElement().asString()
          .startsWith("Superseded by ").contains("#2 (" + newer.pullRequest().url() + ")");
      assertThat(fake.pulls.get(2).open).isTrue();
    }
  }

  /** The done-when: one pull request, no second on a rerun, an approver's review and the merge recorded. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("forges")
  void anApproversReviewAndTheMergeShowThePromotionAsFerrysWithTheApprover(Forge f) throws Exception {
    start(f);
    try (Promoter p = promoter("", APPROVAL)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      assertThat(fake.pulls).hasSize(1);
      PullRequestWait.Merged merged = new PullRequestWait(p, s.sleeper(List.of(
          () -> fake.approve(1, "alice"),
          () -> fake.mergeAs(1, "squash", "alice")))).await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r,
          Duration.ofMinutes(30));
      assertThat(merged.approvedBy()).isEqualTo("alice");
      assertThat(merged.commit()).isEqualTo(s.git("rev-parse", "main").trim());
      PromotionRecord record = p.historyOf("prod").lastChange("prod", "web").orElseThrow();
      assertThat(record.id()).isEqualTo(r.promotionId());
      assertThat(record.approvedBy()).isEqualTo("alice");
      assertThat(Status.read(p).cell("web", "prod").orElseThrow().commit()).isEqualTo(merged.commit());
    }
    assertThat(s.git("log", "-1", "--format=%(trailers:only,unfold)", "main"))
        .contains("Ferry-Approved-By: alice", "Ferry-Approval-Source: pull-request-review");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forges")
  void autoMergeMergesOnceTheApproverApprovedWithFerrysTrailers(Forge f) throws Exception {
    start(f);
    fake.requiredApprovals = 1;
    try (Promoter p = promoter("autoMerge: true\nmergeMethod: squash\n", APPROVAL)) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      assertThat(fake.pulls.get(1).merged).isFalse();
      PullRequestWait.Merged merged = new PullRequestWait(p, s.sleeper(List.of(() -> fake.approve(1, "alice"))))
          .await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r, Duration.ofMinutes(30));
      assertThat(merged.commit()).isEqualTo(s.git("rev-parse", "main").trim());
      assertThat(p.historyOf("prod").lastChange("prod", "web").orElseThrow().approvedBy()).isEqualTo("alice");
    }
    assertThat(s.git("log", "-1", "--format=%s", "main").trim()).isEqualTo("Promote web 1.4.2 to prod (#1)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forges")
  void closedWithoutMergingIsRefusedNamingWhoClosedIt(Forge f) throws Exception {
    start(f);
    try (Promoter p = promoter("", "")) {
      PromotionResult r = p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
      assertThatThrownBy(() -> new PullRequestWait(p, s.sleeper(List.of(() -> fake.closeAs(1, "carol"))))
          .await(ForgeScenario.web("1.4.2", ForgeScenario.D1), r, Duration.ofMinutes(30)))
          .isInstanceOf(RefusedException.class)
          .hasMessageContaining("was closed without merging by carol");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forges")
  void aRateLimitIsWaitedOut(Forge f) throws Exception {
    start(f);
    fake.rateLimit(1, 429, Map.of("Retry-After", "5"));
    try (Promoter p = promoter("", "")) {
      p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1));
    }
    assertThat(s.slept).containsExactly(Duration.ofSeconds(5));
    assertThat(fake.pulls).hasSize(1);
    assertThat(fake.callLines().get(0)).isEqualTo(fake.callLines().get(1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forges")
  void aWrongTokenIsExitTwoNamingTheVariable(Forge f) throws Exception {
    start(f);
    try (Promoter p = s.promoter(config("", ""), Map.of(forge.tokenEnv(), "not-the-token"))) {
      assertThatThrownBy(() -> p.promote(ForgeScenario.web("1.4.2", ForgeScenario.D1)))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("refused the credential in " + f.tokenEnv())
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(2))
          .satisfies(e -> assertThat(((FerryException) e).describe()).doesNotContain("not-the-token"));
    }
  }
}
