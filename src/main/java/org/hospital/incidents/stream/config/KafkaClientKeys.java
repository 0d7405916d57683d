package org.hospital.incidents.stream.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.hospital.incidents.support.KafkaClients;

/**
 * The {@code kafka.client.*} keys (docs/DESIGN.md "Privacy and hostile input": Kafka client security) and the way
 * their secrets stay out of the checkpoint.
 *
 * <p>Which keys: a setting that Kafka's consumer, producer and admin client all define (the security settings:
 * {@code security.protocol}, {@code ssl.*}, {@code sasl.*}, and the like), or Kafka's own config-provider keys
 * ({@code config.providers}, {@code config.providers.<name>.class}, KIP-297), which let a value be a reference such
 * as {@code ${file:/etc/kafka/client.properties:password}}.
 *
 * <p>Why references: Spark keeps the Kafka parameters of a direct stream in the checkpoint (the consumer strategy
 * and the executors' parameters are fields of the checkpointed DStream), and the alerts producer's settings with
 * the output operation. A password written in the config file would be in clear there. So every value whose Kafka
 * type is {@link ConfigDef.Type#PASSWORD} (e.g. {@code sasl.jaas.config}, {@code ssl.keystore.password}) given
 * literally is replaced by a reference to itself in the config file, resolved by Kafka's
 * {@link FileConfigProvider} each time a client is made (on the driver or an executor). The checkpoint, the
 * settings file beside it and every log then hold the file's path and the key's name only, and a rotated password
 * takes effect at the next start without a new checkpoint. A file holding such a literal must be owner-only, like
 * the pseudonymisation key.
 */
final class KafkaClientKeys {

    /** Prefix of the config-file keys applied to every Kafka client the project makes. */
    static final String PREFIX = "kafka.client.";

    /** Name of the config provider that reads secrets back from the config file. */
    static final String PROVIDER = "incidentconfig";

    /** Settings every client's owner sets itself: the config file must not. */
    private static final Map<String, String> OWNED = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "use --kafka",
            AdminClientConfig.CLIENT_ID_CONFIG, "each client names itself");

    private static final Set<String> SECRETS = secrets();

    private KafkaClientKeys() {
    }

    /**
     * @param name a setting without the {@code kafka.client.} prefix
     * @return null when every Kafka client takes it, else why not (with the closest such setting)
     */
    static String check(String name) {
        if (KafkaClients.isProviderKey(name)) {
            return null;
        }
        String owner = OWNED.get(name);
        if (owner != null) {
            return "set by the application, not here: " + owner;
        }
        if (!KafkaClients.commonNames().contains(name)) {
            String hint = ConsumerConfig.configNames().contains(name) ? " (a consumer-only setting: use "
                    + SettingKeys.KAFKA_CONSUMER_PREFIX + name + ")"
                    : KnownKeys.suggestionOf(name, KafkaClients.commonNames());
            return "not a setting every Kafka client takes" + hint;
        }
        return null;
    }

    /**
     * @param name a Kafka client setting, without prefix
     * @return true when Kafka types it as a password (hidden in Kafka's own logs): a secret
     */
    static boolean isSecret(String name) {
        return SECRETS.contains(name);
    }

    /** The password-typed settings of Kafka's consumer, producer and admin client (each configDef() is a copy). */
    private static Set<String> secrets() {
        Set<String> names = new java.util.TreeSet<>();
        for (ConfigDef def : new ConfigDef[] {ConsumerConfig.configDef(), ProducerConfig.configDef(),
            AdminClientConfig.configDef()}) {
            def.configKeys().forEach((name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                    names.add(name);
                }
            });
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    /**
     * Replaces each literal secret by a reference to its own line in the config file.
     *
     * @param prefix the keys' prefix in the file ({@code kafka.client.} or {@code kafka.consumer.})
     * @param values settings without the prefix, as read
     * @param configFile absolute path of the file they were read from (null: built-in defaults, which hold no
     *     secret)
     * @param literalKeys receives the full key of each literal secret found
     * @return the settings with references in place of literal secrets
     * @throws SettingsException when the file's path cannot be written in a reference
     */
    static Map<String, String> referenced(String prefix, Map<String, String> values, Path configFile,
            List<String> literalKeys) throws SettingsException {
        Map<String, String> result = new TreeMap<>(values);
        for (Map.Entry<String, String> entry : values.entrySet()) {
            if (!isSecret(entry.getKey()) || entry.getValue().contains("${")) {
                continue;
            }
            String key = prefix + entry.getKey();
            if (configFile == null) {
                throw new SettingsException("built-in default " + key + ": a secret must come from a config file");
            }
            String path = configFile.toString();
            // Kafka's reference syntax ${provider:path:key} cannot hold these characters in the path.
            if (path.contains(":") || path.contains("}") || path.contains("$")) {
                throw new SettingsException(configFile + ": " + key + ": the config file's path must not contain "
                        + "':', '}' or '$' when it holds a Kafka secret (it is written in a reference)");
            }
            result.put(entry.getKey(), "${" + PROVIDER + ":" + path + ":" + key + "}");
            literalKeys.add(key);
        }
        return result;
    }

    /**
     * Adds the provider that resolves {@link #referenced} values to client settings.
     *
     * @param clientValues {@code kafka.client.*} settings without prefix
     * @return them with {@code config.providers} naming {@link #PROVIDER} (after any the user named)
     */
    static Map<String, String> withProvider(Map<String, String> clientValues) {
        Map<String, String> result = new TreeMap<>(clientValues);
        String providers = result.getOrDefault(KafkaClients.PROVIDERS, "").trim();
        List<String> names = new ArrayList<>();
        for (String name : providers.split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        if (!names.contains(PROVIDER)) {
            names.add(PROVIDER);
        }
        result.put(KafkaClients.PROVIDERS, String.join(",", names));
        result.put(KafkaClients.PROVIDERS + "." + PROVIDER + ".class", FileConfigProvider.class.getName());
        return result;
    }

    /**
     * A config file holding a literal secret must be readable by its owner only.
     *
     * @param configFile the file
     * @param literalKeys the secrets it holds (for the message)
     * @throws SettingsException naming the file, the keys and the {@code chmod} to run
     */
    static void checkOwnerOnly(Path configFile, List<String> literalKeys) throws SettingsException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(configFile);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions to check on this file system
        } catch (IOException e) {
            throw new SettingsException(configFile + ": cannot read its permissions: " + e.getMessage());
        }
        for (PosixFilePermission p : List.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE)) {
            if (permissions.contains(p)) {
                throw new SettingsException(configFile + ": holds a Kafka secret (" + String.join(", ", literalKeys)
                        + ") and is readable or writable by others; run: chmod 600 " + configFile);
            }
        }
    }
}
