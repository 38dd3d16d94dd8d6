package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.SecretMask;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Everything the console prints, stderr and the JSON on stdout, goes through the secret mask. */
class ConsoleMasksSecretsTest {

  static final String TOKEN = "argocd-t0ken-5ecret";

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @AfterEach
  void reset() {
    new Console(new PrintWriter(out), new PrintWriter(err), false, false).mask(SecretMask.NONE);
  }

  Console console(boolean json) {
    Console c = new Console(new PrintWriter(out), new PrintWriter(err), json, true);
    c.mask(SecretMask.of(List.of(TOKEN)));
    return c;
  }

  @Test
  void anErrorQuotingTheTokenIsMaskedOnStderrAndInTheJson() {
    Console c = console(true);
    c.error(new ExternalException("Argo CD answered 403: token " + TOKEN + " is invalid",
        "rotate " + TOKEN, null), true);
    assertThat(err.toString()).contains("token *** is invalid").contains("rotate ***").doesNotContain(TOKEN);
    assertThat(out.toString()).contains("token *** is invalid").doesNotContain(TOKEN);
  }

  @Test
  void progressAndResultsAreMasked() {
    Console c = console(true);
    c.on(FerryEvent.progress("gate:argocd shop-dev", "FAILED token " + TOKEN));
    c.result(Map.of("reason", "token " + TOKEN), "human");
    assertThat(err.toString()).contains("FAILED token ***").doesNotContain(TOKEN);
    assertThat(out.toString()).contains("\"reason\" : \"token ***\"").doesNotContain(TOKEN);
  }
}
