package org.hospital.incidents.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.hospital.incidents.testing.Scripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when", run as a new user would: {@code bin/recovery-drill} starts the project's own
 * {@code bin/hdfs-local} and {@code bin/kafka-local}, sends a corpus the job has never seen with Kafka's own
 * console producer into a 3-partition topic, SIGKILLs the driver three times mid-stream while chunks keep
 * arriving, restarts it from its HDFS checkpoint each time, and checks the outputs against the answer with
 * {@code bin/incident-report --expect}. Free ports and a temp folder, so it never touches a running demo.
 */
class RecoveryDrillIT {

    @TempDir
    Path temp;

    @Test
    void recoveryDrillEndsWithExactlyTheExpectedAnswer() throws Exception {
        Map<String, String> env = Map.of(
                "HDFS_PORT", Integer.toString(Scripts.freePort()),
                "HDFS_HTTP_PORT", Integer.toString(Scripts.freePort()),
                "HDFS_DATA", temp.resolve("hdfs").toString(),
                "KAFKA_PORT", Integer.toString(Scripts.freePort()),
                "KAFKA_CONTROLLER_PORT", Integer.toString(Scripts.freePort()),
                "KAFKA_DATA", temp.resolve("kafka").toString());
        Scripts.Result drill = Scripts.run(env, 600, "recovery-drill", "--kills", "3", "--seed", "20261122",
                "--work", temp.resolve("drill").toString());
        System.out.println(drill.stdout());
        assertEquals(0, drill.exitCode(), drill.stdout() + drill.stderr());
        assertTrue(drill.stdout().contains("SIGKILL 3 of 3"), drill.stdout());
        assertTrue(drill.stdout().contains(": all match (totals, harm levels, categories,"), drill.stdout());
        assertTrue(drill.stdout().contains(" 40 amended reports, ") && drill.stdout().contains(" 30 repeats rejected"),
                "the drill's corpus has amendments and repeats, and the answer checks them: " + drill.stdout());
    }

    @Test
    void badOptionExitsTwoNamingIt() throws Exception {
        Scripts.Result result = Scripts.run(Map.of(), 30, "recovery-drill", "--kills", "0");
        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().contains("--kills"), result.stderr());
    }
}
