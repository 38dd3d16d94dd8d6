package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.HostileHttpServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gates' HTTP calls against real loopback servers that behave badly: a 302 to another port,
 * a body trickled one byte every two seconds, a body without end.
 */
class GatesAgainstHostileServersTest {

  static final GateContext CONTEXT = new GateContext("dev", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", Map.of(),
      Instant.parse("2026-11-29T12:00:00Z"));

  HostileHttpServer server;
  HostileHttpServer elsewhere;

  @BeforeEach
  void start() throws Exception {
    server = new HostileHttpServer();
    elsewhere = new HostileHttpServer().answer("/", 200, "{}");
  }

  @AfterEach
  void stop() {
    server.close();
    elsewhere.close();
  }

  @Test
  void theArgoCdTokenDoesNotFollowARedirectToAnotherPort() {
    server.redirect("/api/v1/applications/shop-dev", elsewhere.url("/api/v1/applications/shop-dev"));
    Gate gate = ArgoCdGate.rest(server.url(""), "shop-dev", "argocd-s3cret", false, false, false);

    GateResult r = gate.check(CONTEXT);

    assertThat(elsewhere.authorizations).isEmpty();
    assertThat(r.status()).isEqualTo(GateStatus.ERRORED);
    assertThat(r.reason()).contains("redirected to another origin").doesNotContain("argocd-s3cret");
  }

  @Test
  void aTrickledAnswerEndsAtTheGatesOwnDeadlineWhichNamesTheUrl() {
    server.trickle("/healthz");
    Gate gate = new HttpGate(server.url("/healthz"), 200, null, null, null, 1, false);

    Verification v = runner().run(List.of(gate), CONTEXT);

    assertThat(v.passed()).isFalse();
    assertThat(v.outcomes().get(0).status()).isEqualTo(GateStatus.FAILED);
    assertThat(v.outcomes().get(0).reason())
        .isEqualTo("still ERRORED after 3s: GET " + server.url("/healthz") + ": no answer within 10s");
    assertThat(v.outcomes().get(0).checks()).isEqualTo(1);
  }

  @Test
  void theRunnersDeadlineEndsAGateWhoseClientIgnoresItsOwnTimeout() {
    server.trickle("/healthz");
    Gate patient = new Gate() {
      @Override public String name() { return "patient"; }
      @Override public GateResult check(GateContext context) {
        // a client without any timeout: a plain socket read, which an interrupt does not end either
        try (Socket socket = new Socket(server.url("").getHost(), server.url("").getPort())) {
          socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          socket.getInputStream().readAllBytes();
          return GateResult.passed("read to the end");
        } catch (IOException e) {
          return GateResult.errored(e.toString());
        }
      }
    };

    Verification v = runner().run(List.of(patient), CONTEXT);

    assertThat(v.outcomes().get(0).status()).isEqualTo(GateStatus.FAILED);
    assertThat(v.outcomes().get(0).reason())
        .isEqualTo("still ERRORED after 3s: no answer within 15s, the time a first check may take");
    assertThat(Duration.between(v.started(), v.finished())).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void aCheckCutAtTheDeadlineLeavesTheVerdictWithTheGatesLastAnswer() {
    server.trickle("/healthz");
    Gate answersThenHangs = new Gate() {
      final Gate trickled = new HttpGate(server.url("/healthz"), 200, null, null, null, 1, false);
      int calls;
      @Override public String name() { return "web"; }
      @Override public GateResult check(GateContext context) {
        return calls++ == 0 ? GateResult.running("web is at the previous revision") : trickled.check(context);
      }
    };
    List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    GateRunner runner = new GateRunner(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMinutes(2),
        Clock.systemUTC(), Sleeper.SYSTEM, e -> progress.add(e.message()));

    Verification v = runner.run(List.of(answersThenHangs), CONTEXT);

    assertThat(v.outcomes().get(0).status()).isEqualTo(GateStatus.FAILED);
    assertThat(v.outcomes().get(0).reason()).isEqualTo("still RUNNING after 2s: web is at the previous revision");
    assertThat(v.outcomes().get(0).checks()).isEqualTo(2);
    assertThat(progress).contains("no answer by the deadline; still RUNNING web is at the previous revision");
  }

  private static GateRunner runner() {
    return new GateRunner(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMinutes(2),
        Clock.systemUTC(), Sleeper.SYSTEM, null);
  }

  @Test
  void aSlowFirstAnswerPastAShortTimeoutIsTheVerdictNotAnError() {
    Gate slowFirst = new Gate() {
      int calls;
      @Override public String name() { return "slow"; }
      @Override public GateResult check(GateContext context) {
        if (calls++ == 0) {
          try {
            Thread.sleep(1_500); // a cold client's first call, longer than the whole timeout
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return GateResult.running("web is at the previous revision");
      }
    };
    GateRunner runner = new GateRunner(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMinutes(2),
        Clock.systemUTC(), Sleeper.SYSTEM, null);

    Verification v = runner.run(List.of(slowFirst), CONTEXT);

    assertThat(v.outcomes().get(0).reason()).isEqualTo("still RUNNING after 1s: web is at the previous revision");
  }

  @Test
  void anEndlessBodyIsCutAndTheGateErrors() {
    server.endless("/healthz");
    Gate gate = new HttpGate(server.url("/healthz"), 200, "UP", null, null, 1, false);

    GateResult r = gate.check(CONTEXT);

    assertThat(r.status()).isEqualTo(GateStatus.ERRORED);
    assertThat(r.reason()).isEqualTo("GET " + server.url("/healthz") + ": the answer is larger than 16 MB;"
        + " Ferry stopped reading it");
  }
}
