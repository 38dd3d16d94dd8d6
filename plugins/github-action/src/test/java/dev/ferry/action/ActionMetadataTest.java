package dev.ferry.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** action.yml against GitHub's metadata rules for a composite action, and this project's own. */
class ActionMetadataTest {

  static final Path ACTION_DIR = Path.of("").toAbsolutePath();
  static Map<String, Object> action;
  static String text;
  static String script;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws Exception {
    text = Files.readString(ACTION_DIR.resolve("action.yml"));
    action = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
    script = Files.readString(ACTION_DIR.resolve("ferry-action.js"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> steps() {
    return (List<Map<String, Object>>) map(action.get("runs")).get("steps");
  }

  @Test
  void hasTheRequiredKeys() {
    assertThat(action).containsKeys("name", "description", "runs");
    assertThat((String) action.get("name")).isNotBlank();
    assertThat((String) action.get("description")).isNotBlank();
  }

  @Test
  void isACompositeAction() {
    assertThat(map(action.get("runs"))).containsEntry("using", "composite");
    assertThat(steps()).isNotEmpty();
  }

  @Test
  void everyRunStepHasAShellAndEveryStepRunsOrUsesSomething() {
    for (Map<String, Object> step : steps()) {
      assertThat(step.containsKey("run") ^ step.containsKey("uses")).as("step %s: exactly one of run, uses", step.get("name")).isTrue();
      if (step.containsKey("run")) {
        assertThat(step).as("step %s", step.get("name")).containsKey("shell");
      }
    }
  }

  @Test
  void everyInputIsDescribedAndUsed() {
    Map<String, Object> inputs = map(action.get("inputs"));
    assertThat(inputs.keySet()).contains("command", "config", "services", "to", "env", "ferry-version", "java-version", "args");
    String runs = text.substring(text.indexOf("\nruns:"));
    for (Map.Entry<String, Object> input : inputs.entrySet()) {
      assertThat(map(input.getValue())).as("input %s", input.getKey()).containsKey("description");
      assertThat(runs).as("input %s is used", input.getKey()).contains("${{ inputs." + input.getKey() + " }}");
    }
  }

  @Test
  void inputsReachScriptsOnlyThroughTheEnvironment() {
    for (Map<String, Object> step : steps()) {
      if (step.containsKey("run")) {
        assertThat((String) step.get("run")).as("step %s", step.get("name")).doesNotContain("${{");
      }
    }
  }

  @Test
  void everyOutputIsDescribedAndSetByTheScript() {
    Pattern ref = Pattern.compile("\\$\\{\\{ steps\\.(\\w+)\\.outputs\\.([\\w-]+) }}");
    Map<String, Object> outputs = map(action.get("outputs"));
    assertThat(outputs.keySet()).contains("result", "commit", "promotion-id");
    for (Map.Entry<String, Object> output : outputs.entrySet()) {
      Map<String, Object> o = map(output.getValue());
      assertThat(o).as("output %s", output.getKey()).containsKeys("description", "value");
      Matcher m = ref.matcher((String) o.get("value"));
      assertThat(m.matches()).as("output %s refers to a step output", output.getKey()).isTrue();
      assertThat(steps()).anySatisfy(step -> assertThat(step.get("id")).isEqualTo(m.group(1)));
      assertThat(script).as("ferry-action.js sets %s", m.group(2)).contains("setOutput('" + m.group(2) + "'");
    }
  }

  @Test
  void stepOutputsThatOtherStepsReadAreSet() {
    Matcher m = Pattern.compile("steps\\.(\\w+)\\.outputs\\.([\\w-]+)").matcher(text.substring(text.indexOf("\nruns:")));
    while (m.find()) {
      String id = m.group(1);
      String name = m.group(2);
      Map<String, Object> step = steps().stream().filter(s -> id.equals(s.get("id"))).findFirst().orElseThrow();
      String run = (String) step.get("run");
      boolean byScript = run.contains("ferry-action.js") && script.contains("setOutput('" + name + "'");
      boolean byShell = run.contains("echo \"" + name + "=");
      assertThat(byScript || byShell).as("step %s sets output %s", id, name).isTrue();
    }
  }

  @Test
  void setsUpJavaCachesAndInstallsWithTheSharedPinnedScript() {
    assertThat(steps()).anySatisfy(s -> assertThat((String) s.get("uses")).startsWith("actions/setup-java@"));
    assertThat(steps()).anySatisfy(s -> assertThat((String) s.get("uses")).startsWith("actions/cache@"));
    assertThat(text).contains("$GITHUB_ACTION_PATH/../../resources/dev/ferry/install-ferry.sh");
    assertThat(ACTION_DIR.resolve("../../resources/dev/ferry/install-ferry.sh")).exists();
  }
}
