package dev.ferry.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.config.NotificationConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each receiver kind against an HTTP fake of its documented API; retries, filters and failures. */
class NotifierTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant AT = Instant.parse("2026-11-05T10:00:00Z");
  static final DeliveryEvent ROLLED_BACK = new DeliveryEvent(DeliveryEvent.ROLLED_BACK, "prod",
      Map.of("web", "registry.example.com/shop/web:1.4.1@sha256:" + "a".repeat(64)), "0123456789abcdef0123", "r1",
      "ferry", "gate http FAILED: <!channel> 503\n::error::x", null, AT);

  final ReceiverFake fake;
  final List<FerryEvent> events = new ArrayList<>();

  NotifierTest() throws Exception {
    fake = new ReceiverFake();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  static NotificationConfig receiver(String kind, String urlEnv, String url, String tokenEnv, String secretEnv,
      Set<String> on, List<String> environments) {
    return new NotificationConfig(kind, urlEnv, url, tokenEnv, secretEnv, null, on, environments, null);
  }

  Notifier notifier(NotificationConfig receiver, Map<String, String> env) {
    return new Notifier(List.of(receiver), env, events::add, Duration.ofMillis(10), Duration.ofSeconds(5));
  }

  @Test
  void slackGetsBlockKitWithOutsideTextEscapedOnOneLine() throws Exception {
    Notifier n = notifier(receiver("slack", "SLACK_URL", null, null, null, Set.of("rolled-back"), List.of()),
        Map.of("SLACK_URL", fake.url("/services/T000/B000/XXXX")));
    n.on(ROLLED_BACK);
    assertThat(n.problems()).isEmpty();
    ReceiverFake.Request r = fake.requests.get(0);
    assertThat(r.path()).isEqualTo("/services/T000/B000/XXXX");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("text").asText()).isEqualTo("Rolled back web 1.4.1 in prod");
    assertThat(body.at("/blocks/0/type").asText()).isEqualTo("header");
    assertThat(body.at("/blocks/0/text/type").asText()).isEqualTo("plain_text");
    assertThat(body.at("/blocks/1/fields/0/text").asText()).isEqualTo("*Environment*\nprod");
    String reason = body.at("/blocks/2/text/text").asText();
    // Slack's escaping: no mention or link can come from a gate's answer, and no second line
    assertThat(reason).isEqualTo("*Reason*: gate http FAILED: &lt;!channel&gt; 503 ::error::x");
    assertThat(body.at("/blocks/3/type").asText()).isEqualTo("context");
    assertThat(body.at("/blocks/3/elements/0/text").asText()).isEqualTo("commit 0123456789ab by ferry");
  }

  @Test
  void teamsGetsAnAdaptiveCardInAMessage() throws Exception {
    Notifier n = notifier(receiver("teams", "TEAMS_URL", null, null, null, Set.of("rolled-back"), List.of()),
        Map.of("TEAMS_URL", fake.url("/workflows/abc/triggers/manual/paths/invoke")));
    n.on(ROLLED_BACK);
    JsonNode body = JSON.readTree(fake.requests.get(0).body());
    assertThat(body.get("type").asText()).isEqualTo("message");
    JsonNode attachment = body.at("/attachments/0");
    assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
    assertThat(attachment.at("/content/type").asText()).isEqualTo("AdaptiveCard");
    assertThat(attachment.at("/content/version").asText()).isEqualTo("1.4");
    assertThat(attachment.at("/content/body/0/text").asText()).isEqualTo("Rolled back web 1.4.1 in prod");
    assertThat(attachment.at("/content/body/1/type").asText()).isEqualTo("FactSet");
    assertThat(attachment.at("/content/body/1/facts/0/value").asText()).isEqualTo("prod");
  }

  @Test
  void aWebhookGetsACloudEventSignedWithTheSecret() throws Exception {
    Notifier n = notifier(receiver("webhook", "HOOK_URL", null, null, "HOOK_SECRET", Set.of("rolled-back"), List.of()),
        Map.of("HOOK_URL", fake.url("/ferry"), "HOOK_SECRET", "s3cret"));
    n.on(ROLLED_BACK);
    ReceiverFake.Request r = fake.requests.get(0);
    assertThat(r.header("Content-Type")).isEqualTo("application/cloudevents+json; charset=utf-8");
    JsonNode event = JSON.readTree(r.body());
    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
    assertThat(event.get("type").asText()).isEqualTo("dev.ferry.rolled-back");
    assertThat(event.get("source").asText()).isEqualTo("ferry/prod");
    assertThat(event.get("id").asText()).isNotBlank();
    assertThat(event.get("time").asText()).isEqualTo("2026-11-05T10:00:00Z");
    assertThat(event.at("/data/images/web").asText()).startsWith("registry.example.com/shop/web:1.4.1@sha256:");
    assertThat(event.at("/data/commit").asText()).isEqualTo("0123456789abcdef0123");
    // the receiver checks the body it got against the secret it shares
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("s3cret".getBytes(), "HmacSHA256"));
    String expected = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(r.body()));
    assertThat(r.header(Notifier.SIGNATURE_HEADER)).isEqualTo(expected);
  }

  @Test
  void grafanaGetsAnAnnotationWithTheTokenAndTags() throws Exception {
    Notifier n = notifier(new NotificationConfig("grafana", null, fake.url("/grafana/"), "GRAFANA_TOKEN", null,
        "dash1", Set.of("rolled-back"), List.of(), null), Map.of("GRAFANA_TOKEN", "glsa_token"));
    n.on(ROLLED_BACK);
    ReceiverFake.Request r = fake.requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/grafana/api/annotations");
    assertThat(r.header("Authorization")).isEqualTo("Bearer glsa_token");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("time").asLong()).isEqualTo(AT.toEpochMilli());
    assertThat(body.get("dashboardUID").asText()).isEqualTo("dash1");
    assertThat(body.get("tags")).extracting(JsonNode::asText).containsExactly("ferry", "prod", "web", "rolled-back");
    assertThat(body.get("text").asText()).startsWith("Rolled back web 1.4.1 in prod: gate http FAILED");
  }

  @Test
  void aReceiverThatKeepsFailingIsTriedThreeTimesThenReportedWithoutItsUrl() {
    fake.answering(500, 503, 502);
    Notifier n = notifier(receiver("slack", "SLACK_URL", null, null, null, Set.of("rolled-back"), List.of()),
        Map.of("SLACK_URL", fake.url("/services/secret-path")));
    n.on(ROLLED_BACK);
    assertThat(fake.requests).hasSize(3);
    assertThat(n.problems()).singleElement().satisfies(p -> {
      assertThat(p).isEqualTo("slack (SLACK_URL) of rolled-back in prod not delivered: HTTP 502");
      assertThat(p).doesNotContain("secret-path").doesNotContain("127.0.0.1");
    });
    assertThat(events).anySatisfy(e -> assertThat(e.level()).isEqualTo(FerryEvent.Level.WARN));
  }

  @Test
  void aRefusedPayloadIsNotSentAgainAndATransientFailureIsRetried() {
    fake.answering(400);
    Notifier refused = notifier(receiver("teams", "U", null, null, null, Set.of("rolled-back"), List.of()), Map.of("U", fake.url("/x")));
    refused.on(ROLLED_BACK);
    assertThat(fake.requests).hasSize(1);
    assertThat(refused.problems()).singleElement().asString().endsWith("HTTP 400");

    fake.requests.clear();
    fake.answering(429);
    Notifier retried = notifier(receiver("teams", "U", null, null, null, Set.of("rolled-back"), List.of()), Map.of("U", fake.url("/x")));
    retried.on(ROLLED_BACK);
    assertThat(fake.requests).hasSize(2);
    assertThat(retried.problems()).isEmpty();
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    try (ReceiverFake elsewhere = new ReceiverFake()) {
      fake.redirectingTo(elsewhere.url("/steal")).answering(302);
      Notifier n = notifier(receiver("webhook", "U", null, null, "S", Set.of("rolled-back"), List.of()),
          Map.of("U", fake.url("/hook"), "S", "k"));
      n.on(ROLLED_BACK);
      assertThat(elsewhere.requests).isEmpty();
      assertThat(n.problems()).singleElement().asString().endsWith("HTTP 302");
    }
  }

  @Test
  void aMissingVariableIsAProblemNamingItAndNothingIsSent() {
    Notifier n = notifier(receiver("slack", "SLACK_URL", null, null, null, Set.of("rolled-back"), List.of()), Map.of());
    n.on(ROLLED_BACK);
    assertThat(fake.requests).isEmpty();
    assertThat(n.problems()).containsExactly(
        "slack (SLACK_URL) of rolled-back in prod not delivered: the environment variable SLACK_URL is not set");
  }

  @Test
  void onlyTheEventsAndEnvironmentsAskedForAreDelivered() {
    Notifier n = notifier(receiver("slack", "U", null, null, null, Set.of("rolled-back"), List.of("staging")),
        Map.of("U", fake.url("/x")));
    n.on(ROLLED_BACK); // prod: not asked for
    n.on(new DeliveryEvent(DeliveryEvent.PROMOTED, "staging", Map.of("web", "w:1"), null, null, "ci", null, null, AT));
    assertThat(fake.requests).isEmpty();
    n.on(new DeliveryEvent(DeliveryEvent.ROLLED_BACK, "staging", Map.of("web", "w:1"), null, null, "ci", null, null, AT));
    assertThat(fake.requests).hasSize(1);
  }

  @Test
  void aReceiverThatDoesNotAnswerIsReportedAsNotDelivered() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Notifier n = notifier(receiver("slack", "U", null, null, null, Set.of("rolled-back"), List.of()),
        Map.of("U", "http://127.0.0.1:" + closed + "/hook"));
    n.on(ROLLED_BACK);
    assertThat(n.problems()).singleElement().asString()
        .startsWith("slack (U) of rolled-back in prod not delivered: ")
        .doesNotContain(String.valueOf(closed));
  }
}
