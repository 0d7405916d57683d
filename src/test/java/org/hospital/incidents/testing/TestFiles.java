package org.hospital.incidents.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers for tests. */
public final class TestFiles {

    private TestFiles() {
    }

    /**
     * Deletes a directory tree, ignoring what is already gone.
     *
     * @param root directory to delete
     * @throws IOException when a file cannot be deleted
     */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Writes a config file: the shipped {@code config/application.properties} followed by {@code overrides}
     * (in a properties file the later of two equal keys wins).
     *
     * @param file where to write it
     * @param overrides {@code key=value} lines, each ending in a newline
     * @return {@code file}
     * @throws IOException on a read or write error
     */
    public static Path configWith(Path file, String overrides) throws IOException {
        Files.writeString(file, Files.readString(Scripts.projectDir().resolve("config/application.properties"))
                + "\n" + overrides);
        // Owner-only, as a config file holding a Kafka secret must be (docs/DESIGN.md "Privacy and hostile input").
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /**
     * Walks a local tree and fails on the first folder that is not {@code rwx------} or file that is not
     * {@code rw-------} (docs/DESIGN.md "Privacy and hostile input").
     *
     * @param root a folder the job or a tool wrote
     * @return the number of files checked (so a caller can see the walk found something)
     * @throws java.io.IOException when the tree cannot be walked
     */
    public static long assertOwnerOnly(java.nio.file.Path root) throws java.io.IOException {
        long files = 0;
        try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(root)) {
            for (java.nio.file.Path path : paths.toList()) {
                String mode = java.nio.file.attribute.PosixFilePermissions.toString(
                        java.nio.file.Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
                boolean folder = java.nio.file.Files.isDirectory(path);
                org.junit.jupiter.api.Assertions.assertEquals(folder ? "rwx------" : "rw-------", mode,
                        (folder ? "folder " : "file ") + path);
                files += folder ? 0 : 1;
            }
        }
        return files;
    }
}
