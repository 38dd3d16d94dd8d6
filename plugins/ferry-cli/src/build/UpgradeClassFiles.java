import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build step of plugins/ferry-cli: rewrites the class files of a dependency compiled for Java 5
 * (picocli) as Java 8 class files with stack map frames, so that the AppCDS archive can hold them.
 * CDS on JDK 17 refuses class files older than version 50 ("Pre JDK 6 class not supported"), and
 * each of the ~170 picocli classes a run loads was then read from the jar and checked by the old
 * type-inferring verifier at every start. Only the version and the frames change; the bytecode of
 * every method stays as it was.
 *
 * <pre>
 * java -cp asm.jar src/build/UpgradeClassFiles.java target/picocli-java5 target/classes
 * </pre>
 */
public final class UpgradeClassFiles {

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: UpgradeClassFiles <classes of Java 5> <output directory>");
    }
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    // frames need the common superclass of two types: load the originals, never initialise them
    try (URLClassLoader originals = new URLClassLoader(new URL[] {in.toUri().toURL()});
        Stream<Path> walk = Files.walk(in)) {
      List<Path> classes = walk.filter(p -> p.toString().endsWith(".class")).toList();
      for (Path file : classes) {
        Path target = out.resolve(in.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.write(target, upgrade(Files.readAllBytes(file), originals));
      }
      System.out.println("UpgradeClassFiles: " + classes.size() + " class files of " + in + " written to " + out
          + " as Java 8");
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  static byte[] upgrade(byte[] classFile, ClassLoader originals) {
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
      @Override
      protected ClassLoader getClassLoader() {
        return originals;
      }
    };
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public void visit(int version, int access, String name, String signature, String superName,
          String[] interfaces) {
        int major = version & 0xFFFF;
        super.visit(major < Opcodes.V1_8 ? Opcodes.V1_8 : version, access, name, signature, superName, interfaces);
      }
    }, ClassReader.SKIP_FRAMES);
    return writer.toByteArray();
  }
}
