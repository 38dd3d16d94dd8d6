package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

  @TempDir
  Path dir;

  @Test
  void writesNewTextKeepingPermissionsAndLeavingNoTemporaryFile() throws Exception {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, "a: 1\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));

    assertThat(AtomicFile.writeIfChanged(file, "a: 1\n", "a: 2\n")).isTrue();

    assertThat(Files.readString(file)).isEqualTo("a: 2\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw----");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void leavesAnUnchangedFileAloneEvenItsModificationTime() throws Exception {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, "a: 1\n");
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);

    assertThat(AtomicFile.writeIfChanged(file, "a: 1\n", "a: 1\n")).isFalse();

    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
  }

  @Test
  void keepsAByteOrderMarkThroughReadAndWrite() throws Exception {
    Path file = dir.resolve("bom.yaml");
    Files.write(file, "\uFEFFa: 1\r\n".getBytes(StandardCharsets.UTF_8));
    String text = AtomicFile.read(file);

    AtomicFile.writeIfChanged(file, text, text.replace("1", "2"));

    assertThat(Files.readAllBytes(file)).isEqualTo("\uFEFFa: 2\r\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void refusesToWriteThroughASymlinkAndLeavesBothFilesAsTheyWere() throws Exception {
    Path real = dir.resolve("real.yaml");
    Files.writeString(real, "a: 1\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), real);

    assertThatThrownBy(() -> AtomicFile.writeIfChanged(link, "a: 1\n", "a: 2\n"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(link + " is a symbolic link (to " + real + "); Ferry does not write through links");

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).isEqualTo("a: 1\n");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactlyInAnyOrder(real, link); // no temporary file left
    }
  }

  @Test
  void refusesAFileWhoseFolderIsALinkLeadingOutsideTheCurrentFolder() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("elsewhere"));
    Path target = Files.writeString(outside.resolve("values.yaml"), "a: 1\n");
    // a link inside the current folder (the module, where the tests run) to a folder outside it
    Path linkedDir = Path.of("target", "linked-" + System.nanoTime());
    Files.createDirectories(linkedDir.getParent());
    Files.createSymbolicLink(linkedDir, outside);
    try {
      Path file = linkedDir.resolve("values.yaml");

      assertThatThrownBy(() -> AtomicFile.writeIfChanged(file, "a: 1\n", "a: 2\n"))
          .isInstanceOf(InputException.class)
          .hasMessageContaining(file + " leads outside ")
          .hasMessageContaining("through a linked folder");
      assertThat(Files.readString(target)).isEqualTo("a: 1\n");
    } finally {
      Files.delete(linkedDir);
    }
  }

  @Test
  void refusesToReadAFileOverTheLimitNamingItAndTheLimit() throws Exception {
    Path big = dir.resolve("values.yaml");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(dev.ferry.core.TargetFileLimit.MAX_BYTES + 1); // sparse: no 50 MB written
    }

    assertThatThrownBy(() -> AtomicFile.read(big))
        .isInstanceOf(InputException.class)
        .hasMessage(big + " is 52,428,801 bytes; Ferry edits files up to 50 MiB (52,428,800 bytes)");
  }

  @Test
  void refusesMissingAndNonUtf8Files() throws Exception {
    assertThatThrownBy(() -> AtomicFile.read(dir.resolve("missing.yaml")))
        .isInstanceOf(InputException.class).hasMessageContaining("no such file");
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> AtomicFile.read(latin1)).isInstanceOf(InputException.class).hasMessageContaining("not UTF-8");
  }
}
