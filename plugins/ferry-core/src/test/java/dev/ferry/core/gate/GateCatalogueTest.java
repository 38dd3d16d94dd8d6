package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The catalogue is the one place a gate kind is declared: the published JSON schema (docs and the
 * resource editors load) and the reference page docs/gates.md must say the same.
 */
class GateCatalogueTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void thePublishedSchemaHasEachKindWithItsSettingsAndTypes() throws Exception {
    JsonNode expected = JSON.valueToTree(GateCatalogue.jsonSchema());
    JsonNode docs = JSON.readTree(Files.readString(Path.of("../../docs/ferry.schema.json")));
    JsonNode resource;
    try (InputStream in = dev.ferry.core.config.ConfigLoader.class.getResourceAsStream("ferry.schema.json")) {
      resource = JSON.readTree(in);
    }
    // a maintainer who adds a setting finds the fragment to paste here
    Files.writeString(Path.of("target/gate-kinds.schema.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(expected));
    assertThat(docs.path("definitions").path("gate").path("properties")).isEqualTo(expected);
    assertThat(resource.path("definitions").path("gate").path("properties")).isEqualTo(expected);
  }

  @Test
  void docsDescribeEachKindWithExactlyItsSettings() throws Exception {
    String page = Files.readString(Path.of("../../docs/gates.md"));
    for (GateKind kind : GateCatalogue.KINDS) {
      Matcher section = Pattern.compile("(?ms)^## `" + kind.name() + "`(.*?)(?=^## |\\z)").matcher(page);
      assertThat(section.find()).as("a section ## `%s` in docs/gates.md", kind.name()).isTrue();
      Set<String> documented = new LinkedHashSet<>();
      Matcher row = Pattern.compile("(?m)^\\| (`[^|]+`) \\|").matcher(section.group(1));
      while (row.find()) {
        Matcher name = Pattern.compile("`([A-Za-z]+)`").matcher(row.group(1));
        while (name.find()) {
          documented.add(name.group(1));
        }
      }
      List<String> declared = kind.settings().stream().map(GateSetting::name).toList();
      assertThat(documented).as("settings of %s in docs/gates.md", kind.name()).containsExactlyInAnyOrderElementsOf(declared);
    }
    Matcher common = Pattern.compile("(?ms)^## Common to every gate(.*?)(?=^## )").matcher(page);
    assertThat(common.find()).isTrue();
    for (GateSetting s : GateCatalogue.COMMON) {
      assertThat(common.group(1)).contains("`" + s.name() + ":");
    }
  }

  @Test
  void everyKindIsListedOnceAndEverySettingOnceWithinItsKind() {
    assertThat(GateCatalogue.kinds()).doesNotHaveDuplicates()
        .containsExactly("argocd", "rollout", "deployment", "prometheus", "http");
    for (GateKind kind : GateCatalogue.KINDS) {
      List<String> names = new ArrayList<>();
      GateCatalogue.settingsOf(kind).forEach(s -> names.add(s.name()));
      assertThat(names).as(kind.name()).doesNotHaveDuplicates();
    }
  }
}
