package org.hospital.incidents.parse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hospital.incidents.stream.source.Utf8Lines;
import org.hospital.incidents.model.ParseResult;
import org.hospital.incidents.model.SourcedLine;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.hospital.incidents.testing.TestKeys;

/**
 * The parser against a public JSON conformance suite: every must-accept ({@code y_}) and must-reject
 * ({@code n_}) case of JSONTestSuite's {@code test_parsing} (src/test/resources/jsontestsuite, MIT licence), each
 * embedded as the value of an unknown field of an otherwise valid report, as raw bytes through the sources' UTF-8
 * check. A report that carries invalid JSON anywhere must be rejected, because the archive keeps every input
 * field; a valid one must be accepted whatever its unknown fields hold.
 */
class IncidentParserConformanceTest {

    private static final byte[] PREFIX = ("{\"eventId\":\"E-1\",\"occurredAt\":\"2026-11-21T08:15:30Z\","
            + "\"wardId\":\"ICU-2\",\"harmLevel\":\"none\",\"extra\":").getBytes(StandardCharsets.UTF_8);

    private final IncidentParser parser = new IncidentParser(TestKeys.pseudonymizer());

    @TestFactory
    Stream<DynamicTest> mustAcceptCases() throws Exception {
        return cases("y_").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ParseResult result = parse(file);
            assertTrue(result.isAccepted(), () -> file.getFileName() + " rejected: " + result.rejection().reason());
        }));
    }

    @TestFactory
    Stream<DynamicTest> mustRejectCases() throws Exception {
        return cases("n_").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ParseResult result = parse(file);
            assertFalse(result.isAccepted(), file.getFileName() + " was accepted");
        }));
    }

    private ParseResult parse(Path file) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.write(PREFIX);
        line.write(Files.readAllBytes(file));
        line.write('}');
        byte[] bytes = line.toByteArray();
        SourcedLine decoded = Utf8Lines.decode(bytes, bytes.length, SourcedLine.SOCKET);
        return parser.parse(decoded, 1000L);
    }

    private static Stream<Path> cases(String prefix) throws Exception {
        Path dir = Path.of(IncidentParserConformanceTest.class.getResource("/jsontestsuite").toURI());
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
        assertTrue(files.size() > 90, "the suite's " + prefix + " cases are missing from " + dir);
        return files.stream();
    }
}
