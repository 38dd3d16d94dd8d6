package dev.ferry.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FerryListener;
import dev.ferry.core.HostileHttpServer;
import dev.ferry.core.config.NotificationConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A webhook receiver on loopback that trickles its answer cannot hold the promotion past the timeout. */
class NotifierAgainstHostileReceiverTest {

  @Test
  void aTricklingReceiverIsCutAtTheTimeoutOnEachAttempt() throws Exception {
    try (HostileHttpServer receiver = new HostileHttpServer().trickle("/services/hook")) {
      NotificationConfig slack = new NotificationConfig("slack", "SLACK_URL", null, null, null, null,
          Set.of("rolled-back"), List.of(), null);
      Notifier n = new Notifier(List.of(slack), Map.of("SLACK_URL", receiver.url("/services/hook").toString()),
          FerryListener.NONE, Duration.ofMillis(10), Duration.ofSeconds(2));
      n.on(NotifierTest.ROLLED_BACK);
      assertThat(n.problems()).singleElement().asString()
          .isEqualTo("slack (SLACK_URL) of rolled-back in prod not delivered: HttpTimeoutException: no complete"
              + " answer within 2s");
    }
  }
}
