package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon.Git;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry verify} on its own (a pipeline that promotes and verifies in separate steps) with
 * {@code rollback: auto}: a version on its first verification is rolled back when a gate fails; a
 * version that passed before is reported and left in place. An http gate against a local server
 * whose answer the test switches; a real bare repository checked with the git CLI.
 */
class VerifyRollsBackNewVersionsTest {

  static final ImageRef V11 = ImageRef.parse(WEB + ":1.1.0@sha256:" + "1".repeat(64));
  static final ImageRef V12 = ImageRef.parse(WEB + ":1.2.0@sha256:" + "2".repeat(64));

  @TempDir Path dir;
  Path bare;
  HttpServer health;
  volatile int status = 200;

  @BeforeEach
  void start() throws Exception {
    health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext("/healthz", exchange -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    health.start();
    bare = EnvFixture.bareRepo(dir, Map.of("envs/dev/web/values.yaml", EnvFixture.values(WEB, "1.0.0")));
  }

  @AfterEach
  void stop() {
    health.stop(0);
  }

  Promoter promoter(String rollback) {
    return EnvFixture.webInDev(dir, bare, EnvFixture.WEB_VALUES, """
        gates:
          - http: {url: "http://127.0.0.1:%d/healthz", successes: 1}
        gateTimeout: 2s
        rollback: %s
        """.formatted(health.getAddress().getPort(), rollback));
  }

  VerifyResult verify(Promoter p) {
    return new Verifier(p, Sleeper.SYSTEM).interval(Duration.ofMillis(200)).verify("dev", List.of(), null);
  }

  String deployed() throws Exception {
    return Git.run(bare, "show", "main:envs/dev/web/values.yaml");
  }

  @Test
  void aNewVersionThatFailsIsRolledBackAndOneThatPassedBeforeIsNot() throws Exception {
    try (Promoter p = promoter("auto")) {
      p.promote(PromotionRequest.to("dev").image("web", V11));
      assertThat(verify(p).passed()).isTrue();

      // 1.1.0 passed before: an outage now is reported, not rolled back
      status = 503;
      VerifyResult outage = verify(p);
      assertThat(outage.passed()).isFalse();
      assertThat(outage.rollbacks()).isEmpty();
      assertThat(deployed()).contains("tag: \"1.1.0\"");

      // 1.2.0 is new and fails its first verification: rolled back to 1.1.0 and blocked
      p.promote(PromotionRequest.to("dev").image("web", V12));
      VerifyResult failed = verify(p);
      assertThat(failed.passed()).isFalse();
      assertThat(failed.rollbackErrors()).isEmpty();
      assertThat(failed.rollbacks()).singleElement().satisfies(r -> {
        assertThat(r.blocked()).isEqualTo(V12.toString());
        assertThat(r.restored()).isEqualTo(V11.toString());
        assertThat(r.reason()).contains("gate http").contains("503");
      });
    }
    assertThat(deployed()).contains("tag: \"1.1.0\"");
    assertThat(Git.run(bare, "log", "-1", "--format=%s", "main")).startsWith("Roll back web in dev to");
  }

  @Test
  void withRollbackManualAFailedNewVersionStays() throws Exception {
    try (Promoter p = promoter("manual")) {
      p.promote(PromotionRequest.to("dev").image("web", V12));
      status = 500;
      VerifyResult failed = verify(p);
      assertThat(failed.passed()).isFalse();
      assertThat(failed.rollbacks()).isEmpty();
    }
    assertThat(deployed()).contains("tag: \"1.2.0\"");
  }
}
