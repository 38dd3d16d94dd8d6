package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryListener;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.git.UntrustedRecord;
import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.GitDaemon.Git;
import dev.ferry.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Promotions, rollbacks and notes written with {@code git.signing} over git daemon are commits that
 * {@code git verify-commit} accepts; with {@code git.trust}, a hand-made commit and note carrying
 * Ferry's trailers neither verifies nor unlocks a promotion, and status lists it as untrusted.
 */
class SignedPromotionsTest {

  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);
  static final String D6 = "sha256:" + "6".repeat(64);

  @TempDir Path dir;
  GitDaemon daemon;
  Path served;
  TestKeys.Gpg gpg;

  @BeforeEach
  void serve() throws Exception {
    Path seeded = EnvFixture.bareRepo(dir, EnvFixture.files());
    daemon = GitDaemon.start(dir.resolve("srv"));
    served = daemon.createBareRepo("env.git");
    Git.run(seeded, "push", "-q", served.toString(), "main");
  }

  @AfterEach
  void stop() throws IOException {
    daemon.close();
    if (gpg != null) {
      TestKeys.stopAgent(gpg);
    }
  }

  Promoter promoter(String git) {
    String text = EnvFixture.config(daemon.url("env.git"), null) + "git:\n" + git;
    FerryConfig config = ConfigLoader.parse("ferry.yaml", text, dir);
    return new Promoter(config, PromoterContext.defaults(ImageResolver.AS_GIVEN, FerryListener.NONE)
        .withCacheRoot(dir.resolve("cache")));
  }

  static ImageRef web(String tag, String digest) {
    return ImageRef.parse(WEB + ":" + tag + "@" + digest);
  }

  /** Promotes to dev, verifies it, promotes again and rolls back: returns {promotion, rollback}. */
  static String[] promoteVerifyRollBack(Promoter p) {
    String promotion = p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1))).commit();
    new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), null);
    p.promote(PromotionRequest.to("dev").image("web", web("1.2.0", D2)));
    String rollback = p.rollback("dev", "web", "error rate 27%", "alice").commit();
    return new String[] {promotion, rollback};
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
  void sshSignedPromotionRollbackAndNotesVerifyWithGit(String type) throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(dir.resolve("keys"), type, "");
    Path allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
    String[] commits;
    try (Promoter p = promoter("  signing: {format: ssh, keyFile: " + key.privateKey() + "}\n"
        + "  trust: {allowedSigners: " + allowed + "}\n")) {
      commits = promoteVerifyRollBack(p);
      assertThat(p.historyOf("dev").verifications("dev")).hasSize(1);
      assertThat(p.historyOf("dev").activeBlocks("dev")).hasSize(1);
      assertThat(p.historyOf("dev").untrusted()).isEmpty();
    }
    for (String rev : List.of(commits[0], commits[1], "refs/notes/ferry")) {
      assertThat(TestKeys.verifySsh(served, rev, allowed)).as(rev)
          .contains("Good \"git\" signature for ferry@localhost with " + type.toUpperCase().replace("ED", "ED"));
    }
    // the notes history holds only signed commits: each one verifies
    for (String notes : Git.run(served, "rev-list", "refs/notes/ferry").strip().split("\n")) {
      TestKeys.verifySsh(served, notes, allowed);
    }
  }

  @Test
  void openPgpSignedPromotionRollbackAndNotesVerifyWithGit() throws Exception {
    gpg = TestKeys.gpg(dir, "ferry@localhost", "");
    String[] commits;
    try (Promoter p = promoter("  signing: {format: openpgp, keyFile: " + gpg.armoredSecret() + "}\n"
        + "  trust: {keyring: " + gpg.armoredPublic() + "}\n")) {
      commits = promoteVerifyRollBack(p);
      assertThat(p.historyOf("dev").verifications("dev")).hasSize(1);
      assertThat(p.historyOf("dev").untrusted()).isEmpty();
    }
    for (String rev : List.of(commits[0], commits[1], "refs/notes/ferry")) {
      assertThat(TestKeys.verifyGpg(served, rev, gpg)).as(rev).contains("Good signature from \"Ferry Test <ferry@localhost>\"");
    }
  }

  /** A person with push access writes a promotion, an approval and a passed verification by hand. */
  void forge(String image) throws IOException {
    Path work = dir.resolve("forger");
    Git.run(dir, "clone", "-q", served.toString(), work.toString());
    Git.run(work, "fetch", "-q", "origin", "refs/notes/ferry:refs/notes/ferry");
    Path values = work.resolve("envs/dev/web/values.yaml");
    Files.writeString(values, Files.readString(values).replaceAll("tag: \".*\"", "tag: \"6.6.6\"")
        .replaceAll("digest: \".*\"", "digest: \"" + D6 + "\""));
    Git.run(work, "commit", "-q", "-am", "Promote web to 6.6.6 in dev\n\nFerry-Environment: dev\nFerry-Service: web\n"
        + "Ferry-Image: " + image + "\nFerry-Promotion-Id: forged00001\nFerry-Approved-By: alice\n");
    String forged = Git.run(work, "rev-parse", "HEAD").trim();
    Git.run(work, "notes", "--ref=ferry", "add", "-m", "{\"verifications\": [{\"environment\": \"dev\", \"images\":"
        + " {\"web\": \"" + image + "\"}, \"passed\": true, \"at\": \"2026-01-01T00:00:00Z\", \"commit\": \"" + forged
        + "\"}]}", forged);
    Git.run(work, "push", "-q", "origin", "main", "refs/notes/ferry");
  }

  @Test
  void withTrustAHandMadeRecordIsNeitherAVerificationNorAnApproval() throws Exception {
    TestKeys.Ssh key = TestKeys.ssh(dir.resolve("keys"), "ed25519", "");
    Path allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
    String signing = "  signing: {format: ssh, keyFile: " + key.privateKey() + "}\n";
    try (Promoter p = promoter(signing + "  trust: {allowedSigners: " + allowed + "}\n")) {
      promoteVerifyRollBack(p);
    }
    String image = web("6.6.6", D6).toString();
    forge(image);
    String forged = Git.run(served, "rev-parse", "main").trim();
    assertThatThrownBy(() -> TestKeys.verifySsh(served, forged, allowed)).isInstanceOf(IOException.class);

    try (Promoter p = promoter(signing + "  trust: {allowedSigners: " + allowed + "}\n")) {
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("staging").image("web", web("6.6.6", D6))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("has not been verified in 'dev'");
      assertThat(p.historyOf("dev").promotions()).noneMatch(r -> r.commit().equals(forged));
      assertThat(p.historyOf("dev").promotions()).noneMatch(r -> "alice".equals(r.approvedBy()));
      // the genuine records still count: the block of 1.2.0 and the verification of 1.1.0
      assertThat(p.historyOf("dev").activeBlocks("dev")).hasSize(1);
      assertThat(p.historyOf("dev").verifications("dev")).singleElement()
          .satisfies(v -> assertThat(v.images().get("web")).isEqualTo(web("1.1.0", D1).toString()));

      Status status = Status.read(p);
      assertThat(status.untrusted()).extracting(UntrustedRecord::commit).contains(forged);
      UntrustedRecord record = status.untrusted().stream().filter(u -> u.commit().equals(forged)).findFirst().orElseThrow();
      assertThat(record.author()).isEqualTo("Test <test@example.com>");
      assertThat(record.ref()).isEqualTo("refs/heads/main");
      assertThat(record.reason()).isEqualTo("unsigned");
      assertThat(status.untrusted()).anySatisfy(u -> assertThat(u.ref()).isEqualTo("refs/notes/ferry"));
      // the forged file change is on the branch, but its record is not: dev's web shows as changed
      // outside Ferry, never as Ferry's verified promotion
      assertThat(status.cell("web", "dev")).get().satisfies(c -> {
        assertThat(c.image()).isEqualTo(image);
        assertThat(c.state()).isEqualTo(Status.OUTSIDE);
      });

      // Ferry's next note is signed and carries forward only the trusted notes: the forged one is gone
      new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), null);
      TestKeys.verifySsh(served, "refs/notes/ferry", allowed);
      assertThat(Git.run(served, "notes", "--ref=ferry", "list")).doesNotContain(forged);
    }
  }

  @Test
  void withoutTrustTheSameHandMadeRecordWouldUnlockThePromotion() throws Exception {
    try (Promoter p = promoter("  author: {name: Ferry, email: ferry@localhost}\n")) {
      promoteVerifyRollBack(p);
    }
    forge(web("6.6.6", D6).toString());
    try (Promoter p = promoter("  author: {name: Ferry, email: ferry@localhost}\n")) {
      assertThat(p.promote(PromotionRequest.to("staging").image("web", web("6.6.6", D6))).noop()).isFalse();
    }
  }
}
