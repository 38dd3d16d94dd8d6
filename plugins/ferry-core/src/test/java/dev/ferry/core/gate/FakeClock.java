package dev.ferry.core.gate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when told; {@link #sleeper()} moves it instead of sleeping. */
final class FakeClock extends Clock {

  private Instant now;

  FakeClock(Instant start) {
    this.now = start;
  }

  FakeClock() {
    this(Instant.parse("2026-11-29T12:00:00Z"));
  }

  synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  Sleeper sleeper() {
    return this::advance;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
