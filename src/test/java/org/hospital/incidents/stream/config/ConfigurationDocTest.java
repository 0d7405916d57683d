package org.hospital.incidents.stream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The settings' one declaration ({@link Setting}) is what the user reads and what ships: docs/CONFIGURATION.md is its
 * rendering (regenerate with {@code -Dconfiguration.doc.write=true}), the shipped config file repeats every default,
 * and {@code --help} shows every flag with its default.
 */
class ConfigurationDocTest {

    @Test
    void docsConfigurationIsTheRenderingOfTheDeclaration() throws Exception {
        Path doc = Path.of(ConfigurationDoc.PATH);
        String rendered = ConfigurationDoc.render();
        if (Boolean.getBoolean("configuration.doc.write")) {
            Files.writeString(doc, rendered, StandardCharsets.UTF_8);
        }
        assertEquals(rendered, Files.readString(doc, StandardCharsets.UTF_8), ConfigurationDoc.PATH + " is stale: "
                + "run mvn -B -q test -Dtest=ConfigurationDocTest -Dconfiguration.doc.write=true");
        for (Setting setting : Setting.values()) {
            assertTrue(rendered.contains("| `" + setting.key() + "` |"), setting.key() + " is documented");
        }
    }

    @Test
    void theShippedFileHasEveryDeclaredSettingWithItsDefault() throws Exception {
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(SettingKeys.DEFAULT_CONFIG_FILE))) {
            file.load(in);
        }
        for (Setting setting : Setting.values()) {
            assertEquals(setting.defaultValue(), file.getProperty(setting.key()), "key " + setting.key());
        }
        for (String key : file.stringPropertyNames()) {
            assertTrue(Setting.of(key).isPresent(), "the shipped file's " + key + " is declared in Setting");
        }
    }

    @Test
    void helpShowsEveryFlagWithItsDefault() {
        java.io.StringWriter out = new java.io.StringWriter();
        new picocli.CommandLine(CommandLineOptions.spec()).usage(new java.io.PrintWriter(out));
        String help = out.toString().replaceAll("\\s+", " ");
        for (Setting setting : Setting.flags()) {
            assertTrue(help.contains(setting.flag() + "=" + setting.paramLabel()), setting.flag() + " in " + help);
            if (!setting.defaultValue().isEmpty()) {
                assertTrue(help.contains("(default " + setting.defaultValue() + ")"), setting.flag() + "'s default");
            }
        }
        assertTrue(help.contains("--config=FILE") && help.contains("--reset-state") && help.contains("--takeover"));
    }
}
