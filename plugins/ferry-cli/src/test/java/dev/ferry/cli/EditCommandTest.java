package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry edit}: exit codes, files on disk and the JSON document. */
class EditCommandTest {

  static final String DIGEST = "sha256:" + "d".repeat(64);

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void yamlSetsTheValueAndReportsOldAndNewAsJson() throws Exception {
    Path file = dir.resolve("deploy.yaml");
    Files.writeString(file, "kind: Service\nmetadata: {name: web}\n---\nkind: Deployment\nmetadata:\n  name: web\n"
        + "spec:\n  image: web:1 # here\n");

    Run run = ferry("edit", "yaml", file.toString(), "spec.image", "web:2", "--select", "kind=Deployment,name=web", "--json");

    assertThat(run.exit()).isEqualTo(0);
    assertThat(run.json().get("changed").asBoolean()).isTrue();
    assertThat(run.json().get("old").asText()).isEqualTo("web:1");
    assertThat(run.json().get("new").asText()).isEqualTo("web:2");
    assertThat(run.json().get("file").asText()).isEqualTo(file.toString());
    assertThat(Files.readString(file)).endsWith("spec:\n  image: web:2 # here\n");
  }

  @Test
  void editThroughASymlinkIsRefusedWithExitTwoAndJsonAndNothingIsWritten() throws Exception {
    Path real = Files.writeString(dir.resolve("real-values.yaml"), "image:\n  repository: web\n  tag: \"1.0\"\n");
    Path link = Files.createSymbolicLink(dir.resolve("values.yaml"), real);

    Run run = ferry("edit", "helm-image", link.toString(), "web:2.0", "--json");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.json().path("error").path("message").asText())
        .isEqualTo(link + " is a symbolic link (to " + real + "); Ferry does not write through links");
    assertThat(Files.readString(real)).contains("tag: \"1.0\"");
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void aTargetOverFiftyMegabytesIsRefusedWithExitTwoNamingTheFileAndTheLimit() throws Exception {
    Path big = dir.resolve("values.yaml");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(50L * 1024 * 1024 + 1); // sparse
    }

    Run run = ferry("edit", "yaml", big.toString(), "image.tag", "2.0", "--json");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.json().path("error").path("message").asText())
        .isEqualTo(big + " is 52,428,801 bytes; Ferry edits files up to 50 MiB (52,428,800 bytes)");
  }

  @Test
  void settingTheValueAgainLeavesTheFileUntouchedAndExitsZero() throws Exception {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, "image:\n  repository: web\n  tag: \"1.10\"\n");
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);

    Run run = ferry("edit", "helm-image", file.toString(), "web:1.10");

    assertThat(run.exit()).isEqualTo(0);
    assertThat(run.out()).contains("already set");
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
  }

  @Test
  void helmImageWritesTagAndDigestUnderAnotherKey() throws Exception {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, "web:\n  image:\n    repository: shop/web\n    tag: 1.0\n    digest: ''\n");

    Run run = ferry("edit", "helm-image", file.toString(), "shop/web:1.1@" + DIGEST, "--key", "web.image", "--json");

    assertThat(run.exit()).as(run.err()).isEqualTo(0);
    assertThat(run.json().get("old").asText()).isEqualTo("shop/web:1.0");
    assertThat(Files.readString(file))
        .isEqualTo("web:\n  image:\n    repository: shop/web\n    tag: \"1.1\"\n    digest: '" + DIGEST + "'\n");
  }

  @Test
  void kustomizeImageAddsTheEntryInTheDirectorysKustomization() throws Exception {
    Files.writeString(dir.resolve("kustomization.yml"), "resources:\n- deploy.yaml\n");

    Run run = ferry("edit", "kustomize-image", dir.toString(), "registry.example.com/shop/web:1.4.2", "--name", "web");

    assertThat(run.exit()).as(run.err()).isEqualTo(0);
    assertThat(Files.readString(dir.resolve("kustomization.yml"))).isEqualTo(
        "resources:\n- deploy.yaml\nimages:\n- name: web\n  newName: registry.example.com/shop/web\n  newTag: 1.4.2\n");
  }

  @Test
  void badInputExitsTwoWithFileLineAndColumnAndLeavesTheFileAlone() throws Exception {
    Path file = dir.resolve("values.yaml");
    String text = "image:\n  tag: |\n    1.0\n";
    Files.writeString(file, text);

    Run run = ferry("edit", "yaml", file.toString(), "image.tag", "2.0", "--json");

    assertThat(run.exit()).isEqualTo(2);
    JsonNode error = run.json().get("error");
    assertThat(error.get("file").asText()).isEqualTo(file.toString());
    assertThat(error.get("line").asInt()).isEqualTo(2);
    assertThat(error.get("column").asInt()).isEqualTo(8);
    assertThat(error.get("message").asText()).contains("block scalar");
    assertThat(Files.readString(file)).isEqualTo(text);
  }

  @Test
  void editWithoutASubcommandIsAUsageError() {
    Run run = ferry("edit");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("yaml, helm-image or kustomize-image");
  }

  @Test
  void refusesInvalidImagesMissingFilesAndMissingPathsWithExitTwo() throws Exception {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, "image:\n  repository: web\n");

    assertThat(ferry("edit", "helm-image", file.toString(), "Web:1.0").exit()).isEqualTo(2);
    assertThat(ferry("edit", "helm-image", dir.resolve("nope.yaml").toString(), "web:1").exit()).isEqualTo(2);
    Run missing = ferry("edit", "yaml", file.toString(), "image.pull.policy", "Always");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains(file + ":2:3: path 'image.pull.policy' not found");
    assertThat(ferry("edit", "kustomize-image", dir.toString(), "web:1").exit()).isEqualTo(2);
    assertThat(ferry("edit", "yaml", file.toString(), "a", "b", "--document", "0", "--select", "kind=A").exit())
        .isEqualTo(2);
    assertThat(Files.readString(file)).isEqualTo("image:\n  repository: web\n");
  }
}
