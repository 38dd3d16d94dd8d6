package dev.ferry.serve;

import java.time.Instant;

/**
 * {@code ferry report --html}: the matrix and the recent history as one self-contained HTML file
 * (styles inline, no script, no request to anywhere), for a CI artifact or a static site.
 *
 * <pre>{@code Files.writeString(file, Report.html(Board.read(promoter, now), now));}</pre>
 */
public final class Report {

  private Report() {
  }

  public static String html(Board board, Instant now) {
    return Pages.report(board, now, Dashboard.css());
  }
}
