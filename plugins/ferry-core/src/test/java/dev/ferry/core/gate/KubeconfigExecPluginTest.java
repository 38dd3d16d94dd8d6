package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubeconfig named by ferry.yaml is code: its {@code exec:} user runs a program. With
 * {@code FERRY_FORBID_EXEC_PLUGINS=1} such a kubeconfig is refused before fabric8 reads it, so
 * the program never runs. The plugin here is a real script that records that it ran.
 */
class KubeconfigExecPluginTest {

  @TempDir
  Path tmp;

  private Path ran;
  private Path kubeconfig;

  private void writeKubeconfigWithExecPlugin() throws Exception {
    ran = tmp.resolve("plugin-ran");
    Path plugin = tmp.resolve("get-token");
    Files.writeString(plugin, "#!/bin/sh\ntouch '" + ran + "'\n"
        + "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        + "\"status\":{\"token\":\"from-plugin\"}}'\n");
    Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
    kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "https://127.0.0.1:1"}
        users:
        - name: ci
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: %s
              interactiveMode: Never
        contexts:
        - name: ctx
          context: {cluster: c, user: ci}
        current-context: ctx
        """.formatted(plugin));
  }

  @Test
  void anExecPluginIsRefusedAndNeverRunWhenTheVariableForbidsIt() throws Exception {
    writeKubeconfigWithExecPlugin();
    Cluster cluster = Cluster.fromKubeconfig(kubeconfig.toString(), null,
        Map.of(Cluster.FORBID_EXEC_ENV, "1", "HOME", tmp.toString()));

    assertThatThrownBy(cluster::client)
        .isInstanceOf(GateAnswer.class)
        .satisfies(e -> {
          GateResult r = ((GateAnswer) e).result();
          assertThat(r.status()).isEqualTo(GateStatus.FAILED);
          assertThat(r.reason()).isEqualTo("kubeconfig " + kubeconfig + " runs a program for user 'ci' (exec or"
              + " auth-provider), and FERRY_FORBID_EXEC_PLUGINS=1 forbids that; use a token or certificate user");
        });
    assertThat(ran).doesNotExist();
    cluster.close();
  }

  @Test
  void withoutTheVariableTheSameKubeconfigRunsItsPlugin() throws Exception {
    // the contrast: the plugin above is real, so its absence there is the refusal's doing
    writeKubeconfigWithExecPlugin();
    Cluster cluster = Cluster.fromKubeconfig(kubeconfig.toString(), null, Map.of("HOME", tmp.toString()));

    cluster.client();

    assertThat(ran).exists();
    cluster.close();
  }
}
