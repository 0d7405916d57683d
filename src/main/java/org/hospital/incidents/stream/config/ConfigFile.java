package org.hospital.incidents.stream.config;

import static org.hospital.incidents.stream.config.SettingKeys.BASE_DIR_PROPERTY;
import static org.hospital.incidents.stream.config.SettingKeys.CONFIG_PROPERTY;
import static org.hospital.incidents.stream.config.SettingKeys.DEFAULTS;
import static org.hospital.incidents.stream.config.SettingKeys.KAFKA_CLIENT_PREFIX;
import static org.hospital.incidents.stream.config.SettingKeys.KAFKA_CONSUMER_PREFIX;
import static org.hospital.incidents.stream.config.SettingKeys.OBSOLETE_KEYS;
import static org.hospital.incidents.stream.config.SettingKeys.SPARK_PREFIX;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reading the properties file: which file ({@code --config}, else the {@code incident.config} system property, else
 * none), its keys checked against {@link SettingKeys} (an unknown key is an error, so a typo never passes silently),
 * and local paths resolved against {@code incident.base-dir} in cluster deploy mode.
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * One key's value for a tool that is not the stream (e.g. {@code bin/incident-import} needs
     * {@code pseudonym-key-file} and {@code archive.codec}, the same as the job's so tokens and parts match): the
     * config file's value, else the built-in default; the file is read and checked as {@link Settings#resolve} does.
     *
     * @param key a key of {@link SettingKeys#DEFAULTS}
     * @param configFile the {@code --config} value, or null (then {@link SettingKeys#CONFIG_PROPERTY}, or none)
     * @return the value, trimmed; never null
     * @throws SettingsException naming the file when it is missing, unreadable or has an unknown key
     */
    public static String configuredValue(String key, String configFile) throws SettingsException {
        String value = read(configFile).get(key);
        return value != null ? value : DEFAULTS.getOrDefault(key, "");
    }

    static String name(String configFile) {
        return configFile != null ? configFile : System.getProperty(CONFIG_PROPERTY);
    }

    static Map<String, String> read(String configFile) throws SettingsException {
        Map<String, String> fileValues = new TreeMap<>();
        String fileName = name(configFile);
        String flag = configFile != null ? "--config" : "-D" + CONFIG_PROPERTY;
        if (fileName != null) {
            Path path = path(fileName);
            try (InputStream in = Files.newInputStream(path)) {
                Properties properties = new Properties();
                properties.load(in);
                for (String key : properties.stringPropertyNames()) {
                    fileValues.put(key, properties.getProperty(key).trim());
                }
            } catch (NoSuchFileException e) {
                throw new SettingsException(flag + ": file not found: " + path.toAbsolutePath());
            } catch (IOException | IllegalArgumentException e) {
                throw new SettingsException(flag + ": cannot read " + path.toAbsolutePath() + ": " + e.getMessage());
            }
        }
        for (String key : fileValues.keySet()) {
            if (!DEFAULTS.containsKey(key) && !key.startsWith(SPARK_PREFIX) && !key.startsWith(KAFKA_CONSUMER_PREFIX)
                    && !key.startsWith(KAFKA_CLIENT_PREFIX)
                    && !OBSOLETE_KEYS.contains(key)) {
                throw new SettingsException(fileName + ": unknown key '" + key + "'");
            }
        }
        return fileValues;
    }

    /**
     * @param fileName the config file's name as given ({@link #name})
     * @return where it is: relative to {@code incident.base-dir} when that is set, else to the working directory
     */
    static Path path(String fileName) {
        return Path.of(local(fileName, System.getProperty(BASE_DIR_PROPERTY)));
    }

    /**
     * @param uri a path or URI as configured
     * @param baseDir {@link SettingKeys#BASE_DIR_PROPERTY}, or null
     * @return a relative local path resolved against {@code baseDir}; anything else as it is
     */
    public static String local(String uri, String baseDir) {
        if (baseDir == null || uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || Path.of(uri).isAbsolute()) {
            return uri;
        }
        return Path.of(baseDir).resolve(uri).normalize().toString();
    }
}
