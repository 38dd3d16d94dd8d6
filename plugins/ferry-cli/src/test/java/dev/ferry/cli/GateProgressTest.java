package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FerryEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateProgressTest {

  final StringWriter text = new StringWriter();
  final List<FerryEvent> passedOn = new ArrayList<>();

  @Test
  void plainOutputPrintsALineOnlyWhenAGateAnswerChanges() {
    GateProgress progress = new GateProgress(new PrintWriter(text), false, 80, passedOn::add);

    progress.on(FerryEvent.progress("gate:argocd shop-dev", "RUNNING shop-dev is Progressing"));
    progress.on(FerryEvent.progress("gate:http web", "RUNNING GET web answered 503"));
    progress.on(FerryEvent.progress("gate:argocd shop-dev", "RUNNING shop-dev is Progressing"));
    progress.on(FerryEvent.progress("gate:argocd shop-dev", "PASSED shop-dev is Synced and Healthy"));
    progress.on(FerryEvent.info("gate", "all 2 gates passed"));

    assertThat(text.toString().lines()).containsExactly(
        "RUNNING  argocd shop-dev: shop-dev is Progressing",
        "RUNNING  http web: GET web answered 503",
        "PASSED   argocd shop-dev: shop-dev is Synced and Healthy");
    assertThat(passedOn).extracting(FerryEvent::message).containsExactly("all 2 gates passed");
  }

  @Test
  void liveOutputRedrawsOneLinePerGateInPlace() {
    GateProgress progress = new GateProgress(new PrintWriter(text), true, 40, passedOn::add);

    progress.on(FerryEvent.progress("gate:a", "RUNNING starting"));
    progress.on(FerryEvent.progress("gate:b", "RUNNING a reason far too long to fit on a forty column terminal"));
    progress.on(FerryEvent.progress("gate:a", "PASSED ok"));

    String esc = "\u001b";
    assertThat(text.toString()).isEqualTo(
        "\r" + esc + "[2KRUNNING  a: starting\n"
            + esc + "[1A"
            + "\r" + esc + "[2KRUNNING  a: starting\n"
            + "\r" + esc + "[2KRUNNING  b: a reason far too long to...\n"
            + esc + "[2A"
            + "\r" + esc + "[2KPASSED   a: ok\n"
            + "\r" + esc + "[2KRUNNING  b: a reason far too long to...\n");
  }
}
