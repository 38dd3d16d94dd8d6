package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the editor refuses, and where it says the problem is. */
class YamlEditorRefusalsTest {

  static Stream<Arguments> refusals() {
    return Stream.of(
        // text, path, line, column, message part
        Arguments.of("a: [1, 2\nb: 3\n", "a", 2, 2, "invalid YAML"),
        Arguments.of("a:\n  b: 1\n", "a.c.d", 2, 3, "has no key 'c'"),
        Arguments.of("x: &v 1\na: *v\n", "a", 2, 4, "is an alias (*v)"),
        Arguments.of("d: &d {t: 1}\na:\n  <<: *d\n", "a.<<", 3, 3, "merge key"),
        Arguments.of("d: &d {t: 1}\na:\n  <<: *d\n  u: 2\n", "a.t", 3, 3, "cannot add a key next to a merge key"),
        Arguments.of("a: |\n  one\n  two\n", "a", 1, 4, "block scalar (|)"),
        Arguments.of("a: >\n  folded\n", "a", 1, 4, "block scalar (>)"),
        Arguments.of("a:\n  b: 1\n", "a", 2, 3, "is a mapping, not a scalar"),
        Arguments.of("a: [1]\n", "a[3]", 1, 4, "has 1 items"),
        Arguments.of("a: {b: 1}\n", "a.c", 1, 4, "flow mapping"),
        Arguments.of("a: 1\na: 2\n", "a", 2, 1, "duplicate key 'a'"),
        Arguments.of("a: 1\n", "a.b", 1, 4, "is the scalar '1', not a mapping"));
  }

  @ParameterizedTest(name = "{4}")
  @MethodSource("refusals")
  void refusesWithFileLineAndColumn(String text, String path, int line, int column, String message) {
    assertThatThrownBy(() -> YamlEditor.set("values.yaml", text, YamlPath.parse(path), "v", DocumentSelector.single()))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).contains(message);
          assertThat(e.location()).contains(SourceLocation.of("values.yaml", line, column));
          assertThat(e.exitCode()).isEqualTo(2);
        });
  }

  @Test
  void refusesToGuessADocumentInAMultiDocumentFile() {
    assertThatThrownBy(() -> YamlEditor.set("all.yaml", "a: 1\n---\na: 2\n", YamlPath.parse("a"), "3",
        DocumentSelector.single()))
        .isInstanceOf(InputException.class).hasMessageContaining("2 YAML documents")
        .satisfies(e -> assertThat(((InputException) e).suggestion()).hasValueSatisfying(
            s -> assertThat(s).contains("--document").contains("--select")));
  }

  @Test
  void selectsDocumentsByIndexAndByKindAndName() {
    String text = "kind: A\nmetadata: {name: x}\nv: 1\n---\nkind: B\nmetadata: {name: x}\nv: 1\n";
    assertThat(YamlEditor.set("f", text, YamlPath.parse("v"), "b", DocumentSelector.index(1)))
        .isEqualTo("kind: A\nmetadata: {name: x}\nv: 1\n---\nkind: B\nmetadata: {name: x}\nv: b\n");
    assertThat(YamlEditor.set("f", text, YamlPath.parse("v"), "a", DocumentSelector.parse("kind=A,name=x")))
        .isEqualTo("kind: A\nmetadata: {name: x}\nv: a\n---\nkind: B\nmetadata: {name: x}\nv: 1\n");
    assertThatThrownBy(() -> YamlEditor.set("f", text, YamlPath.parse("v"), "2", DocumentSelector.parse("name=x")))
        .hasMessageContaining("2 documents match name=x");
    assertThatThrownBy(() -> YamlEditor.set("f", text, YamlPath.parse("v"), "2", DocumentSelector.index(5)))
        .hasMessageContaining("no document 5");
  }

  @Test
  void returnsTheSameInstanceWhenTheValueIsAlreadyThere() {
    String text = "image:\n  tag: \"1.10\"\n  name: 'web'\n";
    assertThat(YamlEditor.set("f", text, YamlPath.parse("image.tag"), "1.10", DocumentSelector.single())).isSameAs(text);
    assertThat(YamlEditor.set("f", text, YamlPath.parse("image.name"), "web", DocumentSelector.single())).isSameAs(text);
  }

  @Test
  void quotesAPlainValueThatReadsAsANumberEvenWhenTheTextIsEqual() {
    String text = "tag: 1.10\n";
    assertThat(YamlEditor.set("f", text, YamlPath.parse("tag"), "1.10", DocumentSelector.single()))
        .isEqualTo("tag: \"1.10\"\n");
  }

  @Test
  void parsesPaths() {
    assertThat(YamlPath.parse("a.b[0].c").segments()).containsExactly(new YamlPath.Key("a"), new YamlPath.Key("b"),
        new YamlPath.Index(0), new YamlPath.Key("c"));
    assertThat(YamlPath.parse("[\"a.b\"].c['d[0]']").segments()).containsExactly(new YamlPath.Key("a.b"),
        new YamlPath.Key("c"), new YamlPath.Key("d[0]"));
    for (String bad : new String[] {"", "a.", ".a", "a..b", "a[x]", "a[0]b", "a]"}) {
      assertThatThrownBy(() -> YamlPath.parse(bad)).as(bad).isInstanceOf(InputException.class);
    }
  }
}
