package dev.ferry.core.forge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.git.Trailer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a promotion's pull request says: the title, a body for people (images and digests, the file
 * diff, the rendered summary, the policy decision, the source build), a block Ferry reads back, and
 * the promotion's trailers last, where forges that squash with the description keep them.
 *
 * <pre>{@code
 * PromotionText text = new PromotionText("prod", id, "Promote web 1.4.2 to prod", images, diffs, null, policy, url, trailers);
 * prs.open(new PullRequestDraft(branch, "main", text.title(), text.body()));
 * PromotionText.block(pr.body());   // Optional[Block[environment=prod, promotionId=..., images={web=...}]]
 * }</pre>
 *
 * @param environment the environment promoted to
 * @param promotionId the promotion's id
 * @param title the pull request's title, the commit subject
 * @param images service → image with digest
 * @param diffs path → unified diff of the file
 * @param render the rendered-manifest summary, or null without {@code render: true}
 * @param policy the policy's decision, one line each
 * @param source the CI build that promoted, or null
 * @param trailers the promotion commit's trailers
 */
public record PromotionText(String environment, String promotionId, String title, Map<String, String> images,
    Map<String, String> diffs, String render, List<String> policy, String source, List<Trailer> trailers) {

  private static final String BLOCK_START = "<!-- ferry:promotion ";
  private static final Pattern BLOCK = Pattern.compile(Pattern.quote(BLOCK_START) + "(\\{.*?\\}) -->", Pattern.DOTALL);

  public PromotionText {
    images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
    diffs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(diffs));
    policy = List.copyOf(policy);
    trailers = List.copyOf(trailers);
  }

  /** What Ferry reads back from a pull request it opened. */
  public record Block(String environment, String promotionId, Map<String, String> images) {
  }

  /** The same text with more trailers at the end (an approval read from the forge's reviews). */
  public PromotionText withTrailers(List<Trailer> more) {
    List<Trailer> all = new ArrayList<>(trailers);
    for (Trailer t : more) {
      if (!all.contains(t)) {
        all.add(t);
      }
    }
    return new PromotionText(environment, promotionId, title, images, diffs, render, policy, source, all);
  }

  public String body() {
    StringBuilder b = new StringBuilder();
    b.append("Ferry promotes to **").append(environment).append("**:\n\n");
    b.append("| service | image |\n|---|---|\n");
    images.forEach((s, i) -> b.append("| ").append(cell(s)).append(" | `").append(cell(i).replace("`", "")).append("` |\n"));
    b.append("\n### Policy\n\n");
    if (policy.isEmpty()) {
      b.append("- nothing to check\n");
    }
    policy.forEach(p -> b.append("- ").append(p.replace('\n', ' ')).append('\n'));
    if (source != null && !source.isBlank()) {
      b.append("\nSource build: ").append(source.replace('\n', ' ')).append('\n');
    }
    b.append("\n### Changes\n");
    diffs.forEach((path, diff) -> {
      String fence = fence(diff);
      b.append("\n`").append(path.replace("`", "")).append("`\n\n").append(fence).append("diff\n").append(diff);
      if (!diff.endsWith("\n")) {
        b.append('\n');
      }
      b.append(fence).append('\n');
    });
    if (render != null && !render.isBlank()) {
      String fence = fence(render);
      b.append("\n### Rendered manifests\n\n").append(fence).append('\n').append(render.strip()).append('\n')
          .append(fence).append('\n');
    }
    b.append('\n').append(BLOCK_START).append(blockJson()).append(" -->\n");
    b.append('\n').append(trailerText());
    return b.toString();
  }

  /** The message of the commit the forge makes when Ferry merges: short, with every trailer. */
  public String commitMessage() {
    StringBuilder b = new StringBuilder();
    images.forEach((s, i) -> b.append("- ").append(s).append(": ").append(i).append('\n'));
    return b.append('\n').append(trailerText()).toString();
  }

  private String trailerText() {
    StringBuilder b = new StringBuilder();
    trailers.forEach(t -> b.append(t).append('\n'));
    return b.toString();
  }

  private String blockJson() {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("environment", environment);
    block.put("promotionId", promotionId);
    block.put("images", images);
    try {
      // "--" would end the HTML comment early
      return ForgeHttp.JSON.writeValueAsString(block).replace("--", "-\\u002d");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The block of a pull request Ferry opened, if its body holds one. */
  public static Optional<Block> block(String body) {
    if (body == null) {
      return Optional.empty();
    }
    Matcher m = BLOCK.matcher(body);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      JsonNode json = ForgeHttp.JSON.readTree(m.group(1));
      Map<String, String> images = new LinkedHashMap<>();
      json.path("images").fields().forEachRemaining(e -> images.put(e.getKey(), e.getValue().asText()));
      if (!json.path("environment").isTextual() || !json.path("promotionId").isTextual()) {
        return Optional.empty();
      }
      return Optional.of(new Block(json.path("environment").asText(), json.path("promotionId").asText(), images));
    } catch (JsonProcessingException notOurs) {
      return Optional.empty();
    }
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace('\n', ' ');
  }

  /** A code fence longer than any run of backticks in the text, so the text cannot close it. */
  private static String fence(String text) {
    int longest = 0;
    int run = 0;
    for (char c : text.toCharArray()) {
      run = c == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return "`".repeat(Math.max(3, longest + 1));
  }
}
