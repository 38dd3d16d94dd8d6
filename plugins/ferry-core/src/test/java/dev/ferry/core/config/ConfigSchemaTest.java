package dev.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The published JSON Schema agrees with the loader: editors and Ferry accept and refuse the same files. */
class ConfigSchemaTest {

  static final String RESOURCE = "/dev/ferry/core/config/ferry.schema.json";
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode schemaTree() throws Exception {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(RESOURCE)) {
      return JSON.readTree(in);
    }
  }

  static Set<ValidationMessage> validate(String yaml) throws Exception {
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaTree());
    Object document = new Load(LoadSettings.builder().build()).loadFromString(yaml);
    return schema.validate(JSON.valueToTree(document));
  }

  @Test
  void theJarsSchemaAndTheDocsCopyAreIdentical() throws Exception {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(RESOURCE)) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(Path.of("../../docs/ferry.schema.json")));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ferry.yaml", "minimal/ferry.yaml"})
  void examplesValidateAgainstTheSchema(String example) throws Exception {
    String text = Files.readString(ConfigLoaderTest.examples().resolve(example));
    assertThat(validate(text)).isEmpty();
    assertThat(ConfigLoader.problems(example, text)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown key                | '    targets:'                          | '    tagets:'",
      "image with a tag           | 'shop/web}'                            | 'shop/web:1.0}'",
      "bad duration               | 'after: dev'                           | 'after: dev\n    soak: 10 min'",
      "two target kinds           | '{helm: \"envs/{env}/{service}/values.yaml\"}' | '{helm: a.yaml, kustomize: a}'",
      "allOf beside key           | '{helm: \"envs/{env}/{service}/values.yaml\"}' | '{helm: a.yaml, key: web.image, allOf: true}'",
      "allOf not a boolean        | '{helm: \"envs/{env}/{service}/values.yaml\"}' | '{helm: a.yaml, allOf: all}'",
      "path climbing out          | '\"envs/{env}/{service}/values.yaml\"'  | 'envs/../x.yaml'",
      "absolute path              | '\"envs/{env}/{service}/values.yaml\"'  | /etc/values.yaml",
      "unknown placeholder        | '{service}/values'                     | '{svc}/values'",
      "approvers without approval | 'after: dev'                           | 'after: dev\n    approvers: [alice]'",
      "unknown gate kind          | 'after: dev'                           | 'after: dev\n    gates:\n      - argo: {app: x}'",
      "bad enum                   | 'after: dev'                           | 'after: dev\n    mode: pr'",
      "wrong apiVersion           | ferry/v1                               | ferry/v2",
      "no targets and no after    | '    after: dev\n'                     | ''",
      "secret as variable name    | 'env.git'                              | 'env.git\n    auth: {passwordEnv: ghp-x}'",
      "two notification kinds     | 'environments:'                        | 'notifications:\n  - {slack: {webhookEnv: A}, teams: {webhookEnv: B}}\nenvironments:'",
      "unknown notification event | 'environments:'                        | 'notifications:\n  - {slack: {webhookEnv: A}, on: [deployed]}\nenvironments:'",
      "webhook URL written inline | 'environments:'                        | 'notifications:\n  - {webhook: {urlEnv: \"https://hooks/x\"}}\nenvironments:'",
      "bad metrics target         | 'environments:'                        | 'metrics: {targets: {changeFailureRate: often}}\nenvironments:'",
  })
  void schemaAndLoaderRefuseTheSameMistakes(String name, String from, String to) throws Exception {
    String text = ConfigLoaderTest.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
    assertThat(validate(text)).as("schema").isNotEmpty();
    assertThat(ConfigLoader.problems("ferry.yaml", text)).as("loader").isNotEmpty();
  }

  @Test
  void everyCompleteExampleInTheReferenceLoads() throws Exception {
    String reference = Files.readString(Path.of("../../docs/configuration.md"));
    List<String> blocks = new ArrayList<>();
    for (String part : reference.split("```yaml\n")) {
      String block = part.split("```")[0];
      if (block.startsWith("apiVersion:")) {
        blocks.add(block);
      }
    }
    assertThat(blocks).isNotEmpty();
    for (String block : blocks) {
      assertThat(ConfigLoader.problems("configuration.md", block)).isEmpty();
      assertThat(validate(block)).isEmpty();
    }
  }

  @Test
  void theValidBaseCaseValidates() throws Exception {
    assertThat(validate(ConfigLoaderTest.VALID)).isEmpty();
    assertThat(validate(ConfigLoaderTest.replace("services:", "registries:\nservices:"))).isEmpty();
  }

  @Test
  void schemaNamesTheSameKeysAsTheValidator() throws Exception {
    JsonNode definitions = schemaTree().get("definitions");
    assertThat(names(schemaTree().get("properties"))).isEqualTo(Validator.TOP_KEYS);
    assertThat(names(definitions.get("environment").get("properties"))).isEqualTo(Validator.ENVIRONMENT_KEYS);
    assertThat(names(definitions.get("repo").get("properties"))).isEqualTo(Validator.REPO_KEYS);
    assertThat(names(definitions.get("repo").get("properties").get("auth").get("properties")))
        .isEqualTo(Validator.AUTH_KEYS);
    assertThat(names(definitions.get("registry").get("properties"))).isEqualTo(Validator.REGISTRY_KEYS);
    assertThat(names(definitions.get("gate").get("properties"))).isEqualTo(Validator.GATE_KINDS);
    assertThat(names(schemaTree().get("properties").get("metrics").get("properties"))).isEqualTo(Validator.METRICS_KEYS);
    assertThat(names(schemaTree().get("properties").get("metrics").get("properties").get("targets").get("properties")))
        .isEqualTo(Validator.METRICS_TARGET_KEYS);
    JsonNode notification = definitions.get("notification").get("properties");
    assertThat(names(notification)).isEqualTo(java.util.stream.Stream.concat(NotificationConfig.KINDS.stream(),
        java.util.stream.Stream.of("on", "environments")).toList());
    NotificationConfig.KINDS.forEach(kind -> assertThat(names(notification.get(kind).get("properties")))
        .as(kind).isEqualTo(Validator.NOTIFICATION_KEYS.get(kind)));
    List<String> events = new ArrayList<>();
    notification.get("on").get("items").get("enum").forEach(e -> events.add(e.asText()));
    assertThat(events).isEqualTo(NotificationConfig.EVENTS);
    List<List<String>> targets = new ArrayList<>();
    definitions.get("target").get("oneOf").forEach(t -> targets.add(names(t.get("properties"))));
    assertThat(targets).containsExactlyElementsOf(Validator.TARGET_KEYS.values());
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
