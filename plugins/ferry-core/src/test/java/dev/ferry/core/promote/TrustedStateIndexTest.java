package dev.ferry.core.promote;

import static dev.ferry.core.promote.SignedPromotionsTest.D1;
import static dev.ferry.core.promote.SignedPromotionsTest.D6;
import static dev.ferry.core.promote.SignedPromotionsTest.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryException;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.git.UntrustedRecord;
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
 * With {@code git.trust} and a signing key, policy reads the state index again: the index folds in
 * only commits a trusted key signed (the others are kept as untrusted entries), and the index
 * commit itself must carry a trusted signature. Over git daemon, checked with {@code git verify-commit}.
 */
class TrustedStateIndexTest {

  static final String STATE_REF = "refs/ferry/state/main";

  @TempDir Path dir;
  GitDaemon daemon;
  Path served;
  TestKeys.Ssh key;
  Path allowed;

  @BeforeEach
  void serve() throws Exception {
    Path seeded = EnvFixture.bareRepo(dir, EnvFixture.files());
    daemon = GitDaemon.start(dir.resolve("srv"));
    served = daemon.createBareRepo("env.git");
    Git.run(seeded, "push", "-q", served.toString(), "main");
    key = TestKeys.ssh(dir.resolve("keys"), "ed25519", "");
    allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
  }

  @AfterEach
  void stop() throws IOException {
    daemon.close();
  }

  Promoter promoter() {
    String text = EnvFixture.config(daemon.url("env.git"), null) + "git:\n"
        + "  signing: {format: ssh, keyFile: " + key.privateKey() + "}\n"
        + "  trust: {allowedSigners: " + allowed + "}\n";
    FerryConfig config = ConfigLoader.parse("ferry.yaml", text, dir);
    return new Promoter(config, PromoterContext.defaults(ImageResolver.AS_GIVEN, FerryListener.NONE)
        .withCacheRoot(dir.resolve("cache")));
  }

  /** A clone of the served repository with the notes and the state index, to forge in. */
  Path clone(String name) throws IOException {
    Path work = dir.resolve(name);
    Git.run(dir, "clone", "-q", served.toString(), work.toString());
    Git.run(work, "fetch", "-q", "origin", "+refs/notes/*:refs/notes/*", "+refs/ferry/*:refs/ferry/*");
    return work;
  }

  /**
   * A promotion of web 6.6.6 to dev with Ferry's trailers, and a note saying it passed its gates:
   * unsigned, or signed by an ssh key that git.trust does not name.
   */
  String forgePromotion(boolean signedByStranger) throws IOException {
    Path work = clone("forger");
    Path values = work.resolve("envs/dev/web/values.yaml");
    Files.writeString(values, Files.readString(values).replaceAll("tag: \".*\"", "tag: \"6.6.6\"")
        .replaceAll("digest: \".*\"", "digest: \"" + D6 + "\""));
    String message = "Promote web to 6.6.6 in dev\n\nFerry-Environment: dev\nFerry-Service: web\nFerry-Image: "
        + web("6.6.6", D6) + "\nFerry-Promotion-Id: forged00001\nFerry-Approved-By: alice\n";
    if (signedByStranger) {
      TestKeys.Ssh stranger = TestKeys.ssh(dir.resolve("stranger"), "ed25519", "");
      Git.run(work, "-c", "gpg.format=ssh", "-c", "user.signingkey=" + stranger.privateKey(),
          "commit", "-q", "-S", "-am", message);
      assertThat(Git.run(work, "cat-file", "commit", "HEAD")).contains("-----BEGIN SSH SIGNATURE-----");
    } else {
      Git.run(work, "commit", "-q", "-am", message);
    }
    String forged = Git.run(work, "rev-parse", "HEAD").trim();
    Git.run(work, "notes", "--ref=ferry", "add", "-m", "{\"verifications\": [{\"environment\": \"dev\", \"images\":"
        + " {\"web\": \"" + web("6.6.6", D6) + "\"}, \"passed\": true, \"at\": \"2026-01-01T00:00:00Z\", \"commit\": \""
        + forged + "\"}]}", forged);
    Git.run(work, "push", "-q", "origin", "main", "refs/notes/ferry");
    return forged;
  }

  @ParameterizedTest(name = "signed by a stranger: {0}")
  @ValueSource(booleans = {false, true})
  void aForgedPromotionDoesNotUnlockThroughTheIndexAndIsKeptThereAsUntrusted(boolean signedByStranger) throws Exception {
    try (Promoter p = promoter()) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
      new Verifier(p, Sleeper.SYSTEM).verify("dev", List.of("web"), null);
    }
    String forged = forgePromotion(signedByStranger);
    try (Promoter p = promoter()) {
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("staging").image("web", web("6.6.6", D6))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("has not been verified in 'dev'");
      assertThat(p.historyOf("dev").promotions()).noneMatch(r -> r.commit().equals(forged));
      assertThat(p.historyOf("dev").verifications("dev")).singleElement()
          .satisfies(v -> assertThat(v.images().get("web")).isEqualTo(web("1.1.0", D1).toString()));
      UntrustedRecord record = p.historyOf("dev").untrusted().stream().filter(u -> u.commit().equals(forged))
          .findFirst().orElseThrow();
      assertThat(record.ref()).isEqualTo("refs/heads/main");
      if (signedByStranger) {
        assertThat(record.reason()).startsWith("ssh signature not trusted by ").contains("No principal matched");
      } else {
        assertThat(record.reason()).isEqualTo("unsigned");
      }
      // the genuine promotion still goes: policy reads the (trusted) index
      assertThat(p.promote(PromotionRequest.to("staging").image("web", web("1.1.0", D1))).noop()).isFalse();
    }
    // the index that landed is past the forged commit, holds none of its records, lists it as
    // untrusted, and is signed: git verifies it with the allowed signers
    assertThat(Git.run(served, "show", STATE_REF + ":index.json")).contains(Git.run(served, "rev-parse", "main").trim());
    assertThat(Git.run(served, "show", STATE_REF + ":dev/web.json")).doesNotContain(forged).doesNotContain("6.6.6");
    assertThat(Git.run(served, "show", STATE_REF + ":untrusted.json")).contains(forged);
    assertThat(TestKeys.verifySsh(served, STATE_REF, allowed)).contains("Good \"git\" signature for ferry@localhost");
  }

  @Test
  void aHandMadeIndexRefIsRefusedNamingTheRefUntilItIsRebuilt() throws Exception {
    try (Promoter p = promoter()) {
      p.promote(PromotionRequest.to("dev").image("web", web("1.1.0", D1)));
    }
    // someone with push access writes a passed verification of 6.6.6 into the index itself
    Path work = clone("index-forger");
    Git.run(work, "checkout", "-q", STATE_REF);
    Path file = work.resolve("dev/web.json");
    Files.writeString(file, Files.readString(file).replace("\"verifications\" : [ ]", "\"verifications\" : [ {\"image\" : \""
        + web("6.6.6", D6) + "\", \"passed\" : true, \"at\" : \"2026-01-01T00:00:00Z\"} ]"));
    Git.run(work, "commit", "-q", "-am", "Ferry state at " + Git.run(served, "rev-parse", "main").trim());
    Git.run(work, "push", "-q", "origin", "HEAD:" + STATE_REF);
    String handMade = Git.run(served, "rev-parse", STATE_REF).trim();

    try (Promoter p = promoter()) {
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("staging").image("web", web("6.6.6", D6))))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("the state index " + STATE_REF + " (" + handMade.substring(0, 12) + ")")
          .hasMessageContaining("is not signed by a key git.trust names (unsigned)")
          .satisfies(e -> assertThat(((FerryException) e).exitCode()).isEqualTo(2))
          .satisfies(e -> assertThat(((FerryException) e).suggestion()).get().asString().contains("ferry index rebuild"));
      // doctor says the same
      assertThat(p.stateOf("dev").check()).singleElement().asString().contains("is not signed by a key git.trust names");
      // nothing was written on top of the hand-made index
      assertThat(Git.run(served, "rev-parse", STATE_REF).trim()).isEqualTo(handMade);
      p.stateOf("dev").rebuild();
    }
    assertThat(TestKeys.verifySsh(served, STATE_REF, allowed)).contains("Good \"git\" signature");
    try (Promoter p = promoter()) {
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("staging").image("web", web("6.6.6", D6))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("has not been verified in 'dev'");
    }
  }
}
