package dev.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code approval: required} or {@code approval: {required: true, via: [...]}}, always with approvers. */
class ApprovalConfigTest {

  static String config(String approval) {
    return """
        apiVersion: ferry/v1
        repos:
          env: {url: https://git.example.com/platform/env.git}
        services:
          web: {image: registry.example.com/shop/web}
        environments:
          prod:
            repo: env
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
        %s
        """.formatted(approval.indent(4).stripTrailing());
  }

  static List<String> problems(String approval) {
    return ConfigLoader.problems("ferry.yaml", config(approval)).stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void approvalRequiredWithoutApproversIsRefusedAtItsLine() {
    assertThat(problems("approval: required")).containsExactly("ferry.yaml:10:15: 'approval: required' in environment"
        + " 'prod' needs 'approvers': the names who may approve (e.g. approvers: [alice, release-managers])");
    assertThat(problems("approval: {required: true, via: [jenkins-input]}")).singleElement().asString()
        .startsWith("ferry.yaml:10:15: 'approval: required' in environment 'prod' needs 'approvers'");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "approval: {required: yes} | ferry.yaml:10:26: 'required' in 'approval' in environment 'prod' must be true or false, not 'yes'; ferry.yaml:11:16: 'approvers' in environment 'prod' needs 'approval: required'",
      "approval: {required: true, via: [email]} | ferry.yaml:10:38: 'via' in 'approval' of environment 'prod' names 'email', which is not an approval source (jenkins-input, github-environment, pull-request-review, cli, ferry-serve)",
      "approval: {required: true, via: []} | ferry.yaml:10:37: 'via' in 'approval' of environment 'prod' must be a list of approval sources (jenkins-input, github-environment, pull-request-review, cli, ferry-serve), not an empty list",
      "approval: {required: true, by: [x]} | ferry.yaml:10:32: unknown key 'by' in 'approval' in environment 'prod' (known: required, via)"})
  void theMappingFormIsChecked(String approval, String expected) {
    assertThat(problems(approval + "\napprovers: [alice]")).containsExactly(expected.split("; "));
  }

  @Test
  void bothFormsReadTheSame() {
    EnvironmentConfig old = ConfigLoader.parse("ferry.yaml", config("approval: required\napprovers: [alice]"), Path.of("/w"))
        .environment("prod");
    EnvironmentConfig mapped = ConfigLoader.parse("ferry.yaml",
        config("approval: {required: true, via: [jenkins-input, github-environment]}\napprovers: [alice]"), Path.of("/w"))
        .environment("prod");
    assertThat(old.approvalRequired()).isTrue();
    assertThat(old.approvalVia()).isEmpty();
    assertThat(mapped.approvalRequired()).isTrue();
    assertThat(mapped.approvalVia()).containsExactly("jenkins-input", "github-environment");
    assertThat(ConfigLoader.parse("ferry.yaml", config("approval: {required: false}"), Path.of("/w"))
        .environment("prod").approvalRequired()).isFalse();
  }
}
