package dev.ferry.image.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ChildEnvironment;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** buildah, podman, docker, trivy and grype start with their kind's variables only, through {@link Program}. */
class ProgramEnvironmentTest {

  static Set<String> printedNames(Program program, Map<String, String> added) {
    String out = program.run(List.of("-c", "env"), added, null, line -> { }).stdout();
    Set<String> names = Arrays.stream(out.split("\n")).filter(l -> l.contains("="))
        .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toCollection(HashSet::new));
    names.removeAll(Set.of("PWD", "SHLVL", "_", "OLDPWD")); // set by the shell itself
    return names;
  }

  @ParameterizedTest
  @EnumSource(ChildEnvironment.Program.class)
  void aProgramSeesOnlyItsKindsVariablesAndWhatTheCallerAdds(ChildEnvironment.Program kind) {
    Set<String> names = printedNames(new Program("/bin/sh", Duration.ofSeconds(30), kind),
        Map.of("REGISTRY_AUTH_FILE", "/tmp/auth.json"));
    assertThat(System.getenv().keySet()).as("the test JVM has variables a child must not see")
        .anyMatch(k -> !kind.variables().contains(k));
    Set<String> allowed = new HashSet<>(kind.variables());
    allowed.add("REGISTRY_AUTH_FILE");
    assertThat(allowed).containsAll(names);
    assertThat(names).contains("PATH", "REGISTRY_AUTH_FILE");
  }

  @Test
  void theTwoArgumentProgramIsMinimal() {
    assertThat(new Program("/bin/sh", Duration.ofSeconds(5)).kind()).isEqualTo(ChildEnvironment.Program.MINIMAL);
  }
}
