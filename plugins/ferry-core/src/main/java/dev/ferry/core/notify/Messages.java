package dev.ferry.core.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/**
 * The payload each kind of receiver reads, built from an event: Slack's Block Kit, a Microsoft
 * Teams Adaptive Card, a CloudEvents 1.0 document, a Grafana annotation. Text from outside Ferry
 * (a gate's reason) is cut to one line and escaped for the receiver's markup.
 */
final class Messages {

  static final ObjectMapper JSON = JsonMapper.builder().build();

  private Messages() {
  }

  /** Slack incoming webhook, Block Kit: a header, the facts as fields, the reason, a context line. */
  static ObjectNode slack(DeliveryEvent e) {
    ObjectNode root = JSON.createObjectNode();
    root.put("text", slackText(e.title()));
    ArrayNode blocks = root.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", oneLine(e.title(), 150));
    ObjectNode section = blocks.addObject().put("type", "section");
    ArrayNode fields = section.putArray("fields");
    fields.addObject().put("type", "mrkdwn").put("text", "*Environment*\n" + slackText(e.environment()));
    e.images().forEach((service, image) ->
        fields.addObject().put("type", "mrkdwn").put("text", "*" + slackText(service) + "*\n`" + slackText(image) + "`"));
    if (e.reason() != null && !e.reason().isBlank()) {
      blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
          .put("text", "*Reason*: " + slackText(e.reason()));
    }
    ArrayNode context = blocks.addObject().put("type", "context").putArray("elements");
    context.addObject().put("type", "mrkdwn").put("text", slackText(contextLine(e)));
    return root;
  }

  /** Microsoft Teams workflow webhook: a message with one Adaptive Card attachment. */
  static ObjectNode teams(DeliveryEvent e) {
    ObjectNode root = JSON.createObjectNode().put("type", "message");
    ObjectNode attachment = root.putArray("attachments").addObject()
        .put("contentType", "application/vnd.microsoft.card.adaptive");
    attachment.putNull("contentUrl");
    ObjectNode card = attachment.putObject("content")
        .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
        .put("type", "AdaptiveCard").put("version", "1.4");
    ArrayNode body = card.putArray("body");
    body.addObject().put("type", "TextBlock").put("text", oneLine(e.title(), 300)).put("weight", "Bolder")
        .put("size", "Medium").put("wrap", true);
    ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
    facts.addObject().put("title", "Environment").put("value", oneLine(e.environment(), 200));
    e.images().forEach((service, image) -> facts.addObject().put("title", oneLine(service, 200)).put("value", oneLine(image, 300)));
    if (e.reason() != null && !e.reason().isBlank()) {
      facts.addObject().put("title", "Reason").put("value", oneLine(e.reason(), 500));
    }
    facts.addObject().put("title", "By").put("value", oneLine(contextLine(e), 300));
    return root;
  }

  /** CloudEvents 1.0, structured mode: the event's attributes around Ferry's own data. */
  static ObjectNode cloudEvent(DeliveryEvent e, String source) {
    ObjectNode root = JSON.createObjectNode()
        .put("specversion", "1.0")
        .put("type", "dev.ferry." + e.type())
        .put("source", source)
        .put("id", UUID.randomUUID().toString())
        .put("time", e.at().toString())
        .put("subject", e.environment())
        .put("datacontenttype", "application/json");
    ObjectNode data = root.putObject("data");
    data.put("environment", e.environment());
    ObjectNode images = data.putObject("images");
    e.images().forEach(images::put);
    data.put("commit", e.commit());
    data.put("promotionId", e.promotionId());
    data.put("by", e.by());
    data.put("reason", e.reason());
    data.put("link", e.link());
    data.put("title", e.title());
    return root;
  }

  /** Grafana {@code POST /api/annotations}: tagged {@code ferry}, the environment and each service. */
  static ObjectNode grafana(DeliveryEvent e, String dashboardUid) {
    ObjectNode root = JSON.createObjectNode();
    if (dashboardUid != null) {
      root.put("dashboardUID", dashboardUid);
    }
    root.put("time", e.at().toEpochMilli());
    ArrayNode tags = root.putArray("tags");
    tags.add("ferry");
    tags.add(e.environment());
    e.images().keySet().forEach(tags::add);
    tags.add(e.type());
    StringBuilder text = new StringBuilder(oneLine(e.title(), 300));
    if (e.reason() != null && !e.reason().isBlank()) {
      text.append(": ").append(oneLine(e.reason(), 500));
    }
    text.append(" (").append(oneLine(contextLine(e), 300)).append(')');
    root.put("text", text.toString());
    return root;
  }

  private static String contextLine(DeliveryEvent e) {
    StringBuilder s = new StringBuilder();
    if (e.commit() != null) {
      s.append("commit ").append(e.commit(), 0, Math.min(12, e.commit().length()));
    }
    if (e.by() != null) {
      s.append(s.isEmpty() ? "" : " ").append("by ").append(e.by());
    }
    if (e.link() != null) {
      s.append(s.isEmpty() ? "" : " ").append(e.link());
    }
    return s.toString();
  }

  /** Slack's own escaping of {@code &}, {@code <} and {@code >}, on one line: no links or mentions from outside text. */
  static String slackText(String text) {
    return oneLine(text, 2000).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Control characters and line breaks become spaces; long text is cut with an ellipsis. */
  static String oneLine(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder s = new StringBuilder(Math.min(text.length(), max));
    text.codePoints().forEach(c -> s.appendCodePoint(Character.isISOControl(c) || c == 0x2028 || c == 0x2029 ? ' ' : c));
    String out = s.toString().strip();
    return out.length() <= max ? out : out.substring(0, max - 1) + "…";
  }
}
