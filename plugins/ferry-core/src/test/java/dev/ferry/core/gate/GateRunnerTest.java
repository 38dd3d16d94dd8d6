package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.FerryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GateRunnerTest {

  private static final GateContext CONTEXT = new GateContext("dev", "0123456789abcdef0123456789abcdef01234567",
      Map.of(), Instant.parse("2026-11-29T12:00:00Z"));

  /** A gate that answers from a script; the last answer repeats. */
  static final class Scripted implements Gate {
    final String name;
    final List<GateResult> answers;
    final boolean passOnError;
    int asked;

    Scripted(String name, boolean passOnError, GateResult... answers) {
      this.name = name;
      this.passOnError = passOnError;
      this.answers = Arrays.asList(answers);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public GateResult check(GateContext context) {
      return answers.get(Math.min(asked++, answers.size() - 1));
    }

    @Override
    public boolean passOnError() {
      return passOnError;
    }
  }

  static GateResult passed() {
    return GateResult.passed("healthy");
  }

  static GateResult running() {
    return GateResult.running("Progressing");
  }

  static GateResult errored() {
    return GateResult.errored("connection refused");
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("all pass",
            List.of(new Scripted("a", false, running(), passed()), new Scripted("b", false, passed())),
            true, "a=PASSED:healthy b=PASSED:healthy"),
        Arguments.of("one fails and the others stop being asked",
            List.of(new Scripted("a", false, running()), new Scripted("b", false, running(), GateResult.failed("Degraded")),
                new Scripted("c", false, running())),
            false, "a=RUNNING:Progressing b=FAILED:Degraded c=RUNNING:Progressing"),
        Arguments.of("errored past the budget fails",
            List.of(new Scripted("a", false, errored())),
            false, "a=FAILED:errored for 2m (budget 2m): connection refused"),
        Arguments.of("errored within the budget then passing passes",
            List.of(new Scripted("a", false, errored(), errored(), passed())),
            true, "a=PASSED:healthy"),
        Arguments.of("errored past the budget with onError: pass passes",
            List.of(new Scripted("a", true, errored()), new Scripted("b", false, passed())),
            true, "a=PASSED:errored for 2m (budget 2m): connection refused (onError: pass) b=PASSED:healthy"),
        Arguments.of("still running at the timeout fails",
            List.of(new Scripted("a", false, running()), new Scripted("b", false, passed())),
            false, "a=FAILED:still RUNNING after 10m: Progressing b=PASSED:healthy"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void runsGatesToAnEnd(String title, List<Gate> gates, boolean passed, String outcomes) {
    FakeClock clock = new FakeClock();
    List<FerryEvent> events = new ArrayList<>();
    GateRunner runner = new GateRunner(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(2),
        clock, clock.sleeper(), events::add);

    Verification v = runner.run(gates, CONTEXT);

    assertThat(v.passed()).isEqualTo(passed);
    assertThat(String.join(" ", v.outcomes().stream().map(o -> o.gate() + "=" + o.status() + ":" + o.reason()).toList()))
        .isEqualTo(outcomes);
    assertThat(events).anyMatch(e -> e.topic().equals("gate:a") && e.level() == FerryEvent.Level.PROGRESS);
  }

  @Test
  void stopsAskingAtTheFirstFailure() {
    FakeClock clock = new FakeClock();
    Scripted failing = new Scripted("a", false, GateResult.failed("sync Failed"));
    Scripted other = new Scripted("b", false, running());
    Verification v = new GateRunner(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(2),
        clock, clock.sleeper(), null).run(List.of(failing, other), CONTEXT);

    assertThat(failing.asked).isEqualTo(1);
    assertThat(other.asked).isZero();
    assertThat(v.finished()).isEqualTo(v.started());
    assertThat(v.firstFailure()).get().extracting(GateOutcome::gate).isEqualTo("a");
  }

  @Test
  void pollsAtTheIntervalAndCountsChecks() {
    FakeClock clock = new FakeClock();
    Scripted gate = new Scripted("a", false, running(), running(), running(), passed());
    Verification v = new GateRunner(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(2),
        clock, clock.sleeper(), null).run(List.of(gate), CONTEXT);

    GateOutcome outcome = v.outcomes().get(0);
    assertThat(outcome.checks()).isEqualTo(4);
    assertThat(Duration.between(outcome.firstCheck(), outcome.lastCheck())).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aGateThatThrowsIsTreatedAsErrored() {
    FakeClock clock = new FakeClock();
    Gate broken = new Gate() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public GateResult check(GateContext context) {
        throw new IllegalStateException("boom");
      }
    };
    Verification v = new GateRunner(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
        clock, clock.sleeper(), null).run(List.of(broken), CONTEXT);

    assertThat(v.outcomes().get(0).reason()).isEqualTo("errored for 1m (budget 1m): IllegalStateException: boom");
  }

  @Test
  void verificationIsWrittenAsJsonForTheGitNote() throws Exception {
    FakeClock clock = new FakeClock();
    Verification v = new GateRunner(Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMinutes(1),
        clock, clock.sleeper(), null).run(List.of(new Scripted("argocd shop-dev", false,
            GateResult.passed("Synced and Healthy", Map.of("health", "Healthy")))), CONTEXT);
    ObjectMapper json = new ObjectMapper().findAndRegisterModules()
        .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    String text = json.writeValueAsString(v);

    assertThat(text).contains("\"passed\":true", "\"gate\":\"argocd shop-dev\"", "\"health\":\"Healthy\"",
        "\"started\":\"2026-11-29T12:00:00Z\"").doesNotContain("firstFailure");
    assertThat(json.readValue(text, Verification.class)).isEqualTo(v);
  }
}
