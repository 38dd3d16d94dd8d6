package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FerryListener;
import dev.ferry.core.HostileHttpServer;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon.Git;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP fake of Argo CD's REST API (Argo CD cannot run here) that echoes the token it was sent
 * in its error: the failed gate's reason must not carry the token into the evidence note pushed
 * to {@code refs/notes/ferry}, nor into the rollback commit's message, in a real bare repository.
 */
class SecretsStayOutOfNotesAndMessagesTest {

  static final String TOKEN = "argocd-t0ken-5ecret";

  @TempDir Path dir;

  @Test
  void aGateAnswerEchoingTheTokenIsMaskedInTheNoteAndTheRollbackMessage() throws Exception {
    Path bare = EnvFixture.bareRepo(dir, Map.of("envs/dev/web/values.yaml", EnvFixture.values(WEB, "1.0.0")));
    try (HostileHttpServer argo = new HostileHttpServer().answer("/api/v1/applications/shop-dev", 403,
        "{\"message\":\"token " + TOKEN + " is not allowed to read applications\"}")) {
      String config = """
          apiVersion: ferry/v1
          repos:
            env: {url: "%s", branch: main}
          services:
            web: {image: %s}
          environments:
            dev:
              repo: env
              targets:
                "*": %s
              gates:
                - argocd: {server: "%s", app: shop-dev, tokenEnv: ARGOCD_TOKEN}
              gateTimeout: 5s
              rollback: auto
          """.formatted(bare, WEB, EnvFixture.WEB_VALUES, argo.url(""));
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("ARGOCD_TOKEN", TOKEN);
      PromoterContext context = new PromoterContext(dir.resolve("cache"), Clock.systemUTC(), ImageResolver.AS_GIVEN,
          FerryListener.NONE, env, "ci", 5000);
      try (Promoter p = new Promoter(ConfigLoader.parse("ferry.yaml", config, dir), context)) {
        p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":1.1.0@sha256:" + "1".repeat(64))));
        VerifyResult result = new Verifier(p, Sleeper.SYSTEM).interval(Duration.ofMillis(200))
            .verify("dev", List.of(), null);
        assertThat(result.passed()).isFalse();
        assertThat(result.rollbacks()).isNotEmpty();
      }
      assertThat(argo.authorizations).contains("Bearer " + TOKEN); // the fake did get it, and echoed it
    }
    String notes = Git.run(bare, "log", "-p", "refs/notes/ferry");
    String messages = Git.run(bare, "log", "--format=%B", "main");
    assertThat(notes).contains("is not allowed to read applications").contains("***").doesNotContain(TOKEN);
    assertThat(messages).contains("is not allowed to read applications").doesNotContain(TOKEN);
  }
}
