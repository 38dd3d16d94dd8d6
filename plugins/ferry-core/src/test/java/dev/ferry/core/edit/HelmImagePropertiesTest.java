package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated Helm values layouts (single string, repository/tag, Bitnami registry split, with or
 * without a digest key, any quoting) and generated images: what Ferry writes reads back as the
 * image, and every line that holds no image field stays as it was.
 */
class HelmImagePropertiesTest {

  private static final List<String> FIELDS = List.of("registry:", "repository:", "tag:", "digest:", "image:");

  @Provide
  Arbitrary<ImageRef> images() {
    Arbitrary<String> registry = Arbitraries.of("", "registry.example.com", "localhost:5000", "docker.io");
    Arbitrary<String> repository = Arbitraries.of("web", "shop/web", "a/b/c-d_e");
    Arbitrary<String> tag = Arbitraries.of("", "1.10", "1.4.2", "v2", "yes", "2024-01-01", "latest");
    Arbitrary<String> digest = Arbitraries.of("", "sha256:" + "0".repeat(64), "sha256:" + "ab".repeat(32));
    return Combinators.combine(registry, repository, tag, digest).as((r, p, t, d) -> ImageRef.parse(
        (r.isEmpty() ? "" : r + "/") + p + (t.isEmpty() && d.isEmpty() ? ":1" : t.isEmpty() ? "" : ":" + t)
            + (d.isEmpty() ? "" : "@" + d)));
  }

  @Provide
  Arbitrary<String> layouts() {
    Arbitrary<String> quote = Arbitraries.of("", "'", "\"");
    return Combinators.combine(Arbitraries.integers().between(0, 3), quote, quote, Arbitraries.of("\n", "\r\n"))
        .as((form, q1, q2, nl) -> {
          String head = "# values" + nl + "replicaCount: 2 # two" + nl + nl;
          String tail = nl + "service: {port: 80}  # 😀" + nl;
          return switch (form) {
            case 0 -> head + "image: " + q1 + "old/web:0.1" + q1 + "  # pinned" + nl + tail;
            case 1 -> head + "image:" + nl + "  repository: " + q1 + "old/web" + q1 + nl + "  tag: " + q2 + "0.1" + q2
                + " # ci" + nl + "  pullPolicy: Always" + nl + tail;
            case 2 -> head + "image:" + nl + "  registry: docker.io" + nl + "  repository: " + q1 + "bitnami/web" + q1 + nl
                + "  tag: " + q2 + "0.1" + q2 + nl + "  digest: \"\"" + nl + tail;
            default -> head + "image:" + nl + "  repository: old/web" + nl + "  digest: " + q1 + q1 + nl + tail;
          };
        });
  }

  @Property(tries = 300)
  void writesWhatReadsBackAndTouchesNoOtherLine(@ForAll("layouts") String before, @ForAll("images") ImageRef image) {
    ImageTarget target = ImageTarget.helm("image");
    boolean hasDigestKey = before.contains("digest:");
    boolean singleString = before.contains("image: ");
    if (!singleString && !hasDigestKey && image.tag() == null) {
      assertThatThrownBy(() -> target.write("values.yaml", before, image)).isInstanceOf(InputException.class);
      return;
    }

    String after = target.write("values.yaml", before, image);

    ImageRef read = target.read("values.yaml", after).orElseThrow();
    assertThat(read.sameRepository(image)).as(after).isTrue();
    assertThat(read.digest()).as(after).isEqualTo(image.digest());
    if (image.tag() != null) {
      assertThat(read.tag()).as(after).isEqualTo(image.tag());
    }
    assertThat(otherLines(after)).isEqualTo(otherLines(before));
    assertThat(target.write("values.yaml", after, image)).isSameAs(after);
  }

  private static List<String> otherLines(String text) {
    return text.lines().filter(l -> FIELDS.stream().noneMatch(f -> l.trim().startsWith(f))).toList();
  }
}
