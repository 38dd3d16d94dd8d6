package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.API;
import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon.Git;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The promotion engine against a local bare repository, checked with the git CLI. */
class PromoterTest {

  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);

  @TempDir Path dir;
  Path bare;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-29T10:00:00Z"));

  @BeforeEach
  void seed() throws Exception {
    bare = EnvFixture.bareRepo(dir, EnvFixture.files());
  }

  Promoter promoter(String stagingExtra) {
    return promoter(stagingExtra, 5000);
  }

  Promoter promoter(String stagingExtra, int historyDepth) {
    FerryConfig config = ConfigLoader.parse("ferry.yaml", EnvFixture.config(bare, stagingExtra), dir);
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now.get(); }
    };
    return new Promoter(config, PromoterContext.defaults(ImageResolver.AS_GIVEN, FerryListener.NONE)
        .withCacheRoot(dir.resolve("cache")).withClock(clock).withHistoryDepth(historyDepth));
  }

  static ImageRef web(String tag, String digest) {
    return ImageRef.parse(WEB + ":" + tag + "@" + digest);
  }

  String show(String path) throws Exception {
    return Git.run(bare, "show", "main:" + path);
  }

  @Test
  void promotesSeveralServicesAsOneCommitWithTrailers() throws Exception {
    try (Promoter p = promoter(null)) {
      PromotionResult r = p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1))
          .image("api", ImageRef.parse(API + ":2.1.0@" + D2)).source("https://ci/job/7").promotedBy("ci-bot"));
      assertThat(r.noop()).isFalse();
      assertThat(r.files()).containsExactlyInAnyOrder("envs/dev/web/values.yaml", "envs/dev/api/kustomization.yaml");
      assertThat(Git.run(bare, "rev-parse", "main").trim()).isEqualTo(r.commit());
      assertThat(Git.run(bare, "rev-list", "--count", "main").trim()).isEqualTo("2");
    }
    assertThat(show("envs/dev/web/values.yaml")).isEqualTo("# web values\nreplicaCount: 2 # keep\n\nimage:\n  repository: "
        + WEB + "\n  tag: \"1.1.0\"\n  digest: \"" + D1 + "\"\n");
    assertThat(show("envs/dev/api/kustomization.yaml")).contains("newTag: 2.1.0").contains("digest: " + D2);
    assertThat(show("envs/staging/web/values.yaml")).isEqualTo(EnvFixture.values(WEB, "1.0.0"));
    String trailers = Git.run(bare, "log", "-1", "--format=%(trailers:only,unfold)", "main");
    assertThat(trailers).contains("Ferry-Environment: dev", "Ferry-Service: web", "Ferry-Service: api",
        "Ferry-Image: " + WEB + ":1.1.0@" + D1, "Ferry-Source: https://ci/job/7", "Ferry-Promoted-By: ci-bot",
        "Ferry-Promotion-Id: ");
  }

  @Test
  void promotingWhatIsInPlaceMakesNoCommit() throws Exception {
    try (Promoter p = promoter(null)) {
      PromotionRequest req = PromotionRequest.to("dev").image("web", web("1.1.0", D1));
      PromotionResult first = p.promote(req);
      PromotionResult second = p.promote(req);
      assertThat(second.noop()).isTrue();
      assertThat(second.commit()).isEqualTo(first.commit());
      assertThat(second.promotionId()).isEqualTo(first.promotionId());
    }
    assertThat(Git.run(bare, "rev-list", "--count", "main").trim()).isEqualTo("2");
  }

  @Test
  void planChangesNothingAndShowsTheDiff() throws Exception {
    String before = Git.run(bare, "rev-parse", "main");
    try (Promoter p = promoter(null)) {
      Plan plan = p.plan(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      assertThat(plan.files()).singleElement().satisfies(f -> assertThat(f.diff())
          .contains("-  tag: \"1.0.0\"", "+  tag: \"1.1.0\"", "-  digest: \"\"", "+  digest: \"" + D1 + "\""));
      assertThat(plan.refusals()).isEmpty();
    }
    assertThat(Git.run(bare, "rev-parse", "main")).isEqualTo(before);
  }

  @Test
  void afterRefusesImagesNotVerifiedUpstreamUntilVerified() throws Exception {
    try (Promoter p = promoter(null)) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1))))
          .isInstanceOf(RefusedException.class)
          .hasMessageContaining("has not been verified in 'dev'");
      new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of(), null);
      // the same digest under another tag is the same version; a different digest is not
      assertThat(p.promote(PromotionRequest.to("staging").image("web", web("1.1.0-rc", D1))).noop()).isFalse();
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D2))))
          .hasMessageContaining("has not been verified in 'dev'");
    }
    assertThat(Git.run(bare, "notes", "--ref=ferry", "list")).isNotBlank();
  }

  @Test
  void soakRequiresTheImageToHaveBeenVerifiedLongEnough() throws Exception {
    try (Promoter p = promoter("    soak: 10m\n")) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), null);
      now.set(now.get().plus(Duration.ofMinutes(4)));
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1))))
          .hasMessageContaining("has soaked in 'dev' for 4m of the 10m");
      now.set(now.get().plus(Duration.ofMinutes(6)));
      assertThat(p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1))).noop()).isFalse();
    }
  }

  @Test
  void approvalRequiresANamedApprover() throws Exception {
    try (Promoter p = promoter(null)) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), null);
      p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1)));
      new Verifier(p, Sleeper.SYSTEM).verify("staging", List.of("web"), null);
      PromotionRequest toProd = PromotionRequest.to("prod").image("web", web("1.1.0", D1));
      assertThatThrownBy(() -> p.promote(toProd)).hasMessageContaining("'prod' requires approval");
      assertThatThrownBy(() -> p.promote(toProd.approvedBy("mallory"))).hasMessageContaining("'mallory' may not approve");
      p.promote(toProd.approvedBy("alice"));
    }
    assertThat(Git.run(bare, "log", "-1", "--format=%(trailers:key=Ferry-Approved-By,valueonly)", "main").trim())
        .isEqualTo("alice");
  }

  @Test
  void refusesAnImageOfAnotherServicesRepository() {
    try (Promoter p = promoter(null)) {
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(API + ":1"))))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("is not of service 'web'");
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("qa").image("web", web("1", D1))))
          .isInstanceOf(InputException.class).hasMessageContaining("qa");
    }
  }

  @Test
  void rollbackRestoresThePreviousImageBlocksTheBadOneUntilReleased() throws Exception {
    try (Promoter p = promoter(null)) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
      RollbackResult r = p.rollback("dev", "web", "error rate 27%", "alice");
      assertThat(r.restored()).isEqualTo(web("1.1.0", D1).toString());
      assertThat(r.blocked()).isEqualTo(web("1.2.0", D2).toString());
      assertThat(show("envs/dev/web/values.yaml")).contains("tag: \"1.1.0\"", "digest: \"" + D1 + "\"");
      assertThat(Git.run(bare, "notes", "--ref=ferry", "show", r.commit())).contains("error rate 27%");

      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("is blocked in 'dev'")
          .hasMessageContaining("ferry release --env dev web");
      p.release("dev", "web", web("1.2.0", D2), "alice");
      p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
    }
    assertThat(show("envs/dev/web/values.yaml")).contains("tag: \"1.2.0\"");
    assertThat(Git.run(bare, "log", "--format=%s", "main")).contains("Roll back web in dev to");
  }

  @Test
  void aBlockOlderThanTheHistoryWindowStillHoldsUntilReleased() throws Exception {
    try (Promoter p = promoter(null, 3)) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
      p.rollback("dev", "web", "error rate 27%", "alice");
      // five promotions of another service push the rollback out of a three-commit window
      for (int i = 1; i <= 5; i++) {
        p.promote(PromotionRequest.to("dev").image("api", ImageRef.parse(API + ":2.1." + i)));
      }
      // the log's window holds the api promotions only; the state index still holds the block
      assertThat(p.historyLog("dev", 3).promotions()).hasSize(3)
          .allSatisfy(r -> assertThat(r.images()).containsOnlyKeys("api"));

      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("is blocked in 'dev'");
      p.release("dev", "web", web("1.2.0", D2), "alice");
      assertThat(p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2))).noop()).isFalse();
    }
    assertThat(show("envs/dev/web/values.yaml")).contains("tag: \"1.2.0\"");
  }

  @Test
  void missingTargetFileIsAClearError() throws Exception {
    Git.run(dir.resolve("seed"), "rm", "-q", "envs/staging/web/values.yaml");
    Git.run(dir.resolve("seed"), "commit", "-q", "-m", "remove staging web");
    Git.run(dir.resolve("seed"), "push", "-q", bare.toString(), "main");
    try (Promoter p = promoter(null)) {
      assertThatThrownBy(() -> p.plan(PromotionRequest.to("staging").image("web", web("1", D1))))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("envs/staging/web/values.yaml")
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void trailersNameOnlyTheServicesACommitChanges() throws Exception {
    try (Promoter p = promoter(null)) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)).image("api", ImageRef.parse(API + ":2.1.0@" + D2)));
      assertThat(Git.run(bare, "log", "-1", "--format=%(trailers:key=Ferry-Service,valueonly)", "main").trim()).isEqualTo("api");
      // so a rollback of web finds the commit that brought 1.1.0 in, not the later one that left it alone
      assertThat(p.rollback("dev", "web", "bad", "alice").restored()).isEqualTo(WEB + ":1.0.0");
    }
  }

  @Test
  void rollbackActsOnTheHeadAsItIsNowNotWhenThePromoterOpened() throws Exception {
    try (Promoter a = promoter(null); Promoter b = promoter(null)) {
      a.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      b.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
      RollbackResult r = a.rollback("dev", "web", "error rate", "alice");
      assertThat(r.blocked()).isEqualTo(web("1.2.0", D2).toString());
      assertThat(r.restored()).isEqualTo(web("1.1.0", D1).toString());
    }
    assertThat(show("envs/dev/web/values.yaml")).contains("tag: \"1.1.0\"");
  }

  @Test
  void aVersionBlockedUpstreamIsRefusedDownstream() throws Exception {
    try (Promoter p = promoter(null)) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), null);
      p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
      new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), null);
      p.rollback("dev", "web", "error rate 30%", "alice");
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("staging").image("web", web("1.2.0", D2))))
          .isInstanceOf(RefusedException.class)
          .hasMessageContaining("is blocked in 'dev' (error rate 30%)");
      p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1)));
    }
  }

  @Test
  void aNoteWrittenByHandDoesNotStopStatusOrRollback() throws Exception {
    try (Promoter p = promoter(null)) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
    }
    String first = Git.run(bare, "rev-list", "--max-parents=0", "main").trim();
    Git.run(bare, "notes", "--ref=ferry", "add", "-m", "checked by bob", first);
    try (Promoter p = promoter(null)) {
      assertThat(Status.read(p).cell("web", "dev")).get().satisfies(c -> assertThat(c.state()).isEqualTo(Status.PENDING));
      assertThat(p.historyLog("dev", 5000).unreadableNotes()).containsExactly(first);
      assertThat(p.rollback("dev", "web", "bad", "alice").restored()).isEqualTo(web("1.1.0", D1).toString());
    }
  }

  @Test
  void promoteAndVerifyChecksTheGatesCanRunBeforePushing() throws Exception {
    String before = Git.run(bare, "rev-parse", "main");
    String gates = "    gates:\n      - argocd: {server: \"https://argocd.invalid\", app: shop, tokenEnv: FERRY_TEST_UNSET_TOKEN}\n";
    try (Promoter p = promoter(gates)) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), null);
      String afterDev = Git.run(bare, "rev-parse", "main");
      assertThat(afterDev).isNotEqualTo(before);
      assertThatThrownBy(() -> new Verifier(p, Sleeper.SYSTEM)
          .promoteAndVerify(PromotionRequest.to("staging").image("web", web("1.1.0", D1)), null))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("FERRY_TEST_UNSET_TOKEN");
      assertThat(Git.run(bare, "rev-parse", "main")).isEqualTo(afterDev);
    }
  }
}
