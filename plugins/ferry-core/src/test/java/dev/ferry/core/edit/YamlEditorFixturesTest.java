package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of tricky files in {@code fixtures/}: each {@code NAME.yaml} edited as
 * {@code cases.tsv} says must give exactly the bytes of {@code NAME.expected.yaml}, and editing
 * the result again with the same value must return the very same String.
 */
class YamlEditorFixturesTest {

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (String line : resource("cases.tsv").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      cases.add(Arguments.of(f[0], f[1], f[2], f[3]));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}: {1} = {2}")
  @MethodSource("cases")
  void editChangesOnlyTheScalar(String fixture, String path, String value, String selector) throws IOException {
    String before = resource(fixture + ".yaml");
    String expected = resource(fixture + ".expected.yaml");
    DocumentSelector docs = selector.equals("-") ? DocumentSelector.single() : DocumentSelector.parse(selector);

    String after = YamlEditor.set(fixture + ".yaml", before, YamlPath.parse(path), value, docs);

    assertThat(after.getBytes(StandardCharsets.UTF_8)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
    assertThat(YamlEditor.get(fixture, after, YamlPath.parse(path), docs)).contains(value);
    String again = YamlEditor.set(fixture + ".yaml", after, YamlPath.parse(path), value, docs);
    assertThat(again).isSameAs(after);
  }

  static String resource(String name) throws IOException {
    try (InputStream in = YamlEditorFixturesTest.class.getResourceAsStream("fixtures/" + name)) {
      if (in == null) {
        throw new IOException("missing fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
