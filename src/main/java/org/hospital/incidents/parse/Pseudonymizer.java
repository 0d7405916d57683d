package org.hospital.incidents.parse;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFiles;
import org.apache.spark.broadcast.Broadcast;

/**
 * Turns a {@code patientRef} into its {@code patientToken} (DESIGN.md "Pseudonymisation"): the first 32 lowercase
 * hex characters of HMAC-SHA256(key, UTF-8 bytes of the patientRef), with the JDK's {@link Mac}.
 *
 * <p>The key is the bytes of a file. The object in the DStream graph, which Spark writes to every checkpoint, holds
 * only the file's path, never the key. The driver reads the file and ships the key to the executors as a broadcast
 * variable made once per Spark context ({@link #shippedBy}, docs/DESIGN.md "Privacy and hostile input"): a
 * broadcast is not part of the checkpoint, and an executor never needs the file, wherever it runs. Without a
 * broadcast (tools, tests) a JVM reads the file when it first needs it: the path itself where it exists, otherwise
 * the file of that name shipped with {@code spark-submit --files} ({@link SparkFiles#get}).
 *
 * <p>Same key, same token: tokens are stable across batches, restarts and replays. A new key gives every patient
 * a new token (the old tokens can no longer be linked to the new ones), so keep the key file with the
 * checkpoint's care, and never in an output folder.
 */
public final class Pseudonymizer implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Characters of a token: 128 bits of the HMAC, as hex. */
    public static final int TOKEN_CHARS = 32;

    /** Bytes of a generated key (256 bits, the HMAC-SHA256 block-size guidance of RFC 2104 is met). */
    public static final int GENERATED_KEY_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final Map<String, byte[]> KEYS = new ConcurrentHashMap<>();
    /** The driver's broadcasts of keys, per key file, for {@link #broadcastFor}: one Spark context at a time. */
    private static final Map<String, Broadcast<byte[]>> BROADCASTS = new java.util.HashMap<>();
    private static SparkContext broadcastFor;

    private final String keyFile;
    // The key as the driver shipped it, or null: read the file. Never in a checkpoint: only the per-batch task
    // closures made by shippedBy hold it.
    private final Broadcast<byte[]> shipped;
    // Made on first use in each JVM (a transient field is null after deserialization); volatile for the
    // double-checked initialisation in mac().
    private transient volatile ThreadLocal<Mac> macs;

    /** @param keyFile path of the key file (config key {@code pseudonym-key-file}); read lazily, per JVM */
    public Pseudonymizer(String keyFile) {
        this(keyFile, null);
    }

    private Pseudonymizer(String keyFile, Broadcast<byte[]> shipped) {
        this.keyFile = keyFile;
        this.shipped = shipped;
    }

    /**
     * The same pseudonymizer with its key shipped by the driver, for the tasks of one batch. Call on the driver (in a
     * {@code transform}); the broadcast is made once per Spark context from the key file, which must exist on the
     * driver (the start checks it).
     *
     * @param sc the driver's Spark context
     * @return a pseudonymizer whose tasks read the key from the broadcast, not from a file
     * @throws IllegalStateException when the key file cannot be read on the driver
     */
    public Pseudonymizer shippedBy(SparkContext sc) {
        if (shipped != null) {
            return this;
        }
        Broadcast<byte[]> key;
        synchronized (BROADCASTS) {
            if (broadcastFor != sc) {
                BROADCASTS.clear();
                broadcastFor = sc;
            }
            key = BROADCASTS.computeIfAbsent(keyFile, file -> {
                try {
                    return sc.broadcast(read(Path.of(file)), scala.reflect.ClassTag$.MODULE$.apply(byte[].class));
                } catch (IOException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
        }
        return new Pseudonymizer(keyFile, key);
    }

    /** @return the key file's path as configured */
    public String keyFile() {
        return keyFile;
    }

    /**
     * @param patientRef a patient identifier
     * @return its token, 32 lowercase hex characters
     * @throws IllegalStateException when the key file cannot be read here
     */
    public String token(String patientRef) {
        byte[] digest = mac().doFinal(patientRef.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, TOKEN_CHARS / 2);
    }

    private Mac mac() {
        ThreadLocal<Mac> local = macs;
        if (local == null) {
            synchronized (this) {
                if (macs == null) {
                    byte[] key = shipped != null ? shipped.value()
                            : KEYS.computeIfAbsent(keyFile, Pseudonymizer::loadForTask);
                    macs = ThreadLocal.withInitial(() -> newMac(key));
                }
                local = macs;
            }
        }
        return local.get();
    }

    private static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
        }
    }

    /** The key where a task runs: the configured path, else the file shipped with --files. */
    private static byte[] loadForTask(String keyFile) {
        Path path = Path.of(keyFile);
        if (!Files.exists(path)) {
            try {
                path = Path.of(SparkFiles.get(path.getFileName().toString()));
            } catch (RuntimeException e) {
                // No Spark environment here: report the configured path below.
            }
        }
        try {
            return read(path);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Checks the key file at start-up, creating it when it does not exist: {@value #GENERATED_KEY_BYTES} random
     * bytes from {@link SecureRandom}, owner read/write only (0600), parent folders created.
     *
     * @param keyFile the configured path
     * @return true when the file was created now
     * @throws IOException naming the file when it exists but cannot be read, is empty or is readable by group or
     *     others (with the {@code chmod} to run), or cannot be created
     */
    public static boolean ensureKeyFile(Path keyFile) throws IOException {
        if (Files.exists(keyFile)) {
            read(keyFile);
            checkOwnerOnly(keyFile);
            return false;
        }
        byte[] key = new byte[GENERATED_KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path parent = keyFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(keyFile,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // Another driver made it a moment ago: use theirs.
            read(keyFile);
            return false;
        } catch (UnsupportedOperationException e) {
            Files.createFile(keyFile);
        }
        Files.write(keyFile, key, StandardOpenOption.TRUNCATE_EXISTING);
        return true;
    }

    /** A key the group or others can read is a key others may have copied: refused, with the fix. */
    private static void checkOwnerOnly(Path keyFile) throws IOException {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> modes;
        try {
            modes = Files.getPosixFilePermissions(keyFile);
        } catch (UnsupportedOperationException e) {
            return;
        }
        for (java.nio.file.attribute.PosixFilePermission mode : modes) {
            if (mode.name().startsWith("GROUP_") || mode.name().startsWith("OTHERS_")) {
                throw new IOException("pseudonym key file " + keyFile.toAbsolutePath() + " can be read by group or "
                        + "others (" + PosixFilePermissions.toString(modes) + "): run chmod 600 "
                        + keyFile.toAbsolutePath());
            }
        }
    }

    private static byte[] read(Path keyFile) throws IOException {
        byte[] key;
        try {
            key = Files.readAllBytes(keyFile);
        } catch (NoSuchFileException e) {
            throw new IOException("pseudonym key file not found: " + keyFile.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new IOException("cannot read pseudonym key file " + keyFile.toAbsolutePath() + ": " + e, e);
        }
        if (key.length == 0) {
            throw new IOException("pseudonym key file is empty: " + keyFile.toAbsolutePath());
        }
        return key;
    }
}
