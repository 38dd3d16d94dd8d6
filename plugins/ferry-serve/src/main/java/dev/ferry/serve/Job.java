package dev.ferry.serve;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One action started from the page (promote, roll back, release): its progress lines as the
 * core's events come, and how it ended. Server-sent events stream {@link #linesFrom}.
 */
final class Job implements FerryListener {

  enum State { RUNNING, DONE, REFUSED, FAILED }

  final String id;
  final String title;
  final String user;
  private final List<String> lines = new ArrayList<>();
  private State state = State.RUNNING;
  private String outcome = "";
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final Map<String, String> links = new LinkedHashMap<>();

  Job(String id, String title, String user) {
    this.id = id;
    this.title = title;
    this.user = user;
  }

  @Override
  public synchronized void on(FerryEvent event) {
    if (event.level() == FerryEvent.Level.DEBUG) {
      return;
    }
    lines.add(event.level() == FerryEvent.Level.PROGRESS ? event.topic() + " " + event.message() : event.message());
    notifyAll();
  }

  synchronized void fact(String name, String value) {
    if (value != null) {
      facts.put(name, value);
    }
  }

  synchronized void link(String text, String href) {
    links.put(text, href);
  }

  private State concluded;
  private String concludedText;

  /** How the action ended; shown by {@link #publish}, once the board shows its effect too. */
  synchronized void conclude(State end, String text) {
    concluded = end;
    concludedText = text;
  }

  synchronized void publish() {
    state = concluded == null ? State.FAILED : concluded;
    outcome = concluded == null ? "the action ended without a result" : concludedText;
    notifyAll();
  }

  synchronized State state() {
    return state;
  }

  synchronized String outcome() {
    return outcome;
  }

  synchronized Map<String, String> facts() {
    return new LinkedHashMap<>(facts);
  }

  synchronized Map<String, String> links() {
    return new LinkedHashMap<>(links);
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines from index {@code from}, waiting up to {@code millis} for one while the job runs. */
  synchronized List<String> linesFrom(int from, long millis) throws InterruptedException {
    if (lines.size() <= from && state == State.RUNNING) {
      wait(millis);
    }
    return from >= lines.size() ? List.of() : List.copyOf(lines.subList(from, lines.size()));
  }
}
