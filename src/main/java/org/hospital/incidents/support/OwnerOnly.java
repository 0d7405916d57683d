package org.hospital.incidents.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Local files the tools write outside Hadoop (the importer's rejected-rows report), owner-only: 0600 (docs/DESIGN.md
 * "Privacy and hostile input"). The mode is given to open(2) when the file is created, and set on a file that
 * already exists, so no moment exists when another user could open it.
 */
public final class OwnerOnly {

    /** rw------- */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /**
     * @param file a local file, created or truncated
     * @return its stream; the file is 0600
     * @throws IOException when it cannot be written
     */
    public static OutputStream newOutputStream(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, FILE);
        }
        return Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }
}
