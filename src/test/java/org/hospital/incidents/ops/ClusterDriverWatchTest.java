package org.hospital.incidents.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which line of a driver's stderr is its last error (the rest of the watch runs against a cluster: ClusterIT). */
class ClusterDriverWatchTest {

    @Test
    void theApplicationsOwnLineWinsThenTheLastExceptionOrErrorLine() {
        String log = "26/12/02 02:00:00 INFO SparkContext: Running Spark version 3.5.1\n"
                + "26/12/02 02:00:01 ERROR Executor: something\n"
                + "incident-stream: --kafka 127.0.0.1:1: no broker answered within 5 s\n"
                + "26/12/02 02:00:09 INFO ShutdownHookManager: Shutdown hook called\n";
        assertEquals("incident-stream: --kafka 127.0.0.1:1: no broker answered within 5 s",
                ClusterDriverWatch.lastError(log));
        assertEquals("java.lang.IllegalStateException: pseudonym key file not found: /x",
                ClusterDriverWatch.lastError("26/12/02 ERROR Executor: first\n"
                        + "java.lang.IllegalStateException: pseudonym key file not found: /x\n"
                        + "\tat org.hospital.incidents.parse.Pseudonymizer.loadForTask(Pseudonymizer.java:1)\n"));
        assertEquals(null, ClusterDriverWatch.lastError("INFO all well\n"));
    }
}
