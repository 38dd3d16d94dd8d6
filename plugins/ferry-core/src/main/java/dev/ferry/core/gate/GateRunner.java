package dev.ferry.core.gate;

import dev.ferry.core.Durations;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Polls the gates of an environment until all pass, one fails, or the timeout ends. A gate that
 * keeps answering {@code ERRORED} for longer than the error budget counts as failed, unless it was
 * configured with {@code onError: pass}. Each answer is sent to the listener as a progress event
 * with topic {@code gate:<name>} and message {@code STATUS reason}.
 *
 * <pre>{@code
 * GateRunner runner = new GateRunner(Duration.ofMinutes(10), Duration.ofSeconds(10),
 *     Duration.ofMinutes(2), Clock.systemUTC(), Sleeper.SYSTEM, listener);
 * Verification v = runner.run(gates, context);
 * }</pre>
 */
public final class GateRunner {

  /** Topic prefix of the progress events, followed by the gate's name. */
  public static final String TOPIC = "gate:";

  /** How long the check made at the deadline itself may take. */
  private static final Duration LAST_CHECK = Duration.ofSeconds(1);

  /**
   * How long a gate's first check may take, even past a shorter timeout: without one answer there
   * is nothing to judge, and a fresh process's first call (connection, TLS, loading the client)
   * takes seconds on a busy agent. Still a bound: a server that trickles cannot hold the run.
   * It lies clearly past the gates' own HTTP deadline ({@link Http#REQUEST_TIMEOUT}), so a gate
   * that keeps its deadline answers first, naming the URL, and this bound only ends a check whose
   * client does not; at equal bounds the two raced, and which message a user saw depended on load.
   */
  static final Duration FIRST_CHECK = Http.REQUEST_TIMEOUT.plusSeconds(5);

  private final Duration timeout;
  private final Duration interval;
  private final Duration errorBudget;
  private final Clock clock;
  private final Sleeper sleeper;
  private final FerryListener listener;

  public GateRunner(Duration timeout, Duration interval, Duration errorBudget, Clock clock,
      Sleeper sleeper, FerryListener listener) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.errorBudget = Objects.requireNonNull(errorBudget, "errorBudget");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.listener = listener == null ? FerryListener.NONE : listener;
  }

  /**
   * Runs the gates to an end. Never throws for a gate's failure: it is in the result. An
   * interrupted thread ends the run with the gates still open counted as failed.
   */
  public Verification run(List<Gate> gates, GateContext context) {
    Instant started = clock.instant();
    Instant deadline = started.plus(timeout);
    List<Track> tracks = gates.stream().map(Track::new).toList();
    boolean failed = false;
    while (true) {
      for (Track track : tracks) {
        if (!track.status.isFinal()) {
          Optional<GateResult> answer = ask(track.gate, context, deadline, track.checks == 0);
          if (answer.isPresent()) {
            track.record(answer.get(), clock.instant());
            listener.on(FerryEvent.progress(TOPIC + track.gate.name(), track.status + " " + track.reason));
          } else {
            // cut at the deadline: no news, so the verdict keeps what the gate last said
            track.unanswered(clock.instant());
            listener.on(FerryEvent.progress(TOPIC + track.gate.name(), "no answer by the deadline; still "
                + track.status + " " + track.reason));
          }
          if (track.status == GateStatus.FAILED) {
            failed = true;
            break; // one failure decides the verification: stop asking, roll back sooner
          }
        }
      }
      if (failed || tracks.stream().allMatch(t -> t.status.isFinal())) {
        break;
      }
      Instant now = clock.instant();
      if (!now.isBefore(deadline)) {
        for (Track t : tracks) {
          if (!t.status.isFinal()) {
            t.fail("still " + t.status + " after " + Durations.format(timeout) + ": " + t.reason);
            listener.on(FerryEvent.progress(TOPIC + t.gate.name(), t.status + " " + t.reason));
          }
        }
        break;
      }
      Duration left = Duration.between(now, deadline);
      try {
        sleeper.sleep(left.compareTo(interval) < 0 ? left : interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        for (Track t : tracks) {
          if (!t.status.isFinal()) {
            t.fail("interrupted while " + t.status + ": " + t.reason);
          }
        }
        break;
      }
    }
    List<GateOutcome> outcomes = new ArrayList<>();
    for (Track t : tracks) {
      outcomes.add(new GateOutcome(t.gate.name(), t.status, t.reason, t.observed, t.firstCheck, t.lastCheck, t.checks));
    }
    boolean passed = outcomes.stream().allMatch(o -> o.status() == GateStatus.PASSED);
    Verification verification = new Verification(passed, outcomes, started, clock.instant());
    if (!gates.isEmpty()) {
      listener.on(FerryEvent.info("gate", passed
          ? (gates.size() == 1 ? "the gate passed" : "all " + gates.size() + " gates passed")
          : "verification failed: " + verification.firstFailure().map(o -> o.gate() + ": " + o.reason()).orElse("")));
    }
    return verification;
  }

  /**
   * One check, bounded by the run's deadline: a gate whose server trickles its answer, or a client
   * that ignores its own timeout, cannot hold the run past it. The check runs on its own thread,
   * which is interrupted when the time is up; the last check at the deadline gets a short grace,
   * and a gate's first check the time {@link #FIRST_CHECK} if the deadline comes sooner. Empty: a
   * later check that got no answer by the deadline, which says nothing new about the gate (its
   * verdict keeps the last answer, whichever way a loaded machine times the last call).
   */
  private Optional<GateResult> ask(Gate gate, GateContext context, Instant deadline, boolean first) {
    Duration left = Duration.between(clock.instant(), deadline);
    Duration least = first ? FIRST_CHECK : LAST_CHECK;
    Duration bound = left.compareTo(least) < 0 ? least : left;
    FutureTask<GateResult> check = new FutureTask<>(() -> gate.check(context));
    Thread thread = new Thread(check, "ferry-gate " + gate.name());
    thread.setDaemon(true); // a check that ignores the interrupt must not keep the JVM alive
    thread.start();
    try {
      GateResult result = check.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.of(result == null ? GateResult.errored("the gate gave no answer") : result);
    } catch (TimeoutException e) {
      check.cancel(true);
      return first
          ? Optional.of(GateResult.errored("no answer within " + Durations.format(bound) + ", the time a first check may take"))
          : Optional.empty();
    } catch (InterruptedException e) {
      check.cancel(true);
      Thread.currentThread().interrupt();
      return Optional.of(GateResult.errored("interrupted"));
    } catch (ExecutionException e) {
      // a gate should answer ERRORED itself; a bug or an unexpected client error is retried the same way
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return Optional.of(GateResult.errored(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
    }
  }

  private final class Track {
    final Gate gate;
    GateStatus status = GateStatus.RUNNING;
    String reason = "not checked yet";
    Map<String, Object> observed = Map.of();
    Instant firstCheck;
    Instant lastCheck;
    Instant erroredSince;
    int checks;

    Track(Gate gate) {
      this.gate = gate;
    }

    void record(GateResult result, Instant now) {
      checks++;
      if (firstCheck == null) {
        firstCheck = now;
      }
      lastCheck = now;
      status = result.status();
      reason = result.reason();
      observed = result.observed();
      if (status != GateStatus.ERRORED) {
        erroredSince = null;
        return;
      }
      if (erroredSince == null) {
        erroredSince = now;
      }
      Duration erroring = Duration.between(erroredSince, now);
      if (erroring.compareTo(errorBudget) >= 0) {
        String spent = "errored for " + Durations.format(erroring) + " (budget " + Durations.format(errorBudget) + "): " + reason;
        if (gate.passOnError()) {
          status = GateStatus.PASSED;
          reason = spent + " (onError: pass)";
        } else {
          status = GateStatus.FAILED;
          reason = spent;
        }
      }
    }

    /** A check that got no answer by the deadline: counted, and what the gate last said stands. */
    void unanswered(Instant now) {
      checks++;
      lastCheck = now;
    }

    void fail(String why) {
      status = GateStatus.FAILED;
      reason = why;
    }
  }
}
