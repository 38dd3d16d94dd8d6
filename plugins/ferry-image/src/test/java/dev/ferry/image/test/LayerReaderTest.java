package dev.ferry.image.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads archives written by GNU tar (the real thing) in its pax and gnu formats. */
class LayerReaderTest {

  @TempDir
  Path dir;

  private Map<String, ImageFile> tar(String format) throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    String longDir = "d".repeat(120) + "/" + "e".repeat(80);
    Files.createDirectories(root.resolve(longDir));
    Files.writeString(root.resolve(longDir + "/" + "f".repeat(90) + ".txt"), "long\n");
    Files.writeString(root.resolve("small.txt"), "small\n");
    Files.createSymbolicLink(root.resolve("link"), Path.of("d".repeat(120)));
    Path archive = dir.resolve(format + ".tar");
    Process p = new ProcessBuilder("tar", "--format=" + format, "--owner=0", "--group=0", "-cf", archive.toString(),
        "-C", root.toString(), ".").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    Map<String, ImageFile> files = new TreeMap<>();
    ImageContents.apply(files, new ByteArrayInputStream(Files.readAllBytes(archive)), Set.of("/small.txt"));
    return files;
  }

  @Test
  void readsPaxLongNamesAndLinks() throws Exception {
    Map<String, ImageFile> files = tar("pax");
    String longFile = "/" + "d".repeat(120) + "/" + "e".repeat(80) + "/" + "f".repeat(90) + ".txt";
    assertThat(files).containsKeys(longFile, "/small.txt", "/link");
    assertThat(files.get(longFile).size()).isEqualTo(5);
    assertThat(new String(files.get("/small.txt").content())).isEqualTo("small\n");
    assertThat(files.get("/link").linkTarget()).isEqualTo("d".repeat(120));
  }

  @Test
  void readsGnuLongNames() throws Exception {
    Map<String, ImageFile> files = tar("gnu");
    assertThat(files).containsKey("/" + "d".repeat(120) + "/" + "e".repeat(80) + "/" + "f".repeat(90) + ".txt");
  }

  @Test
  void somethingThatIsNotATarIsRefused() {
    byte[] junk = new byte[1024];
    junk[0] = 'x';
    assertThatThrownBy(() -> ImageContents.apply(new TreeMap<>(), new ByteArrayInputStream(junk), Set.of()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a tar archive");
  }
}
