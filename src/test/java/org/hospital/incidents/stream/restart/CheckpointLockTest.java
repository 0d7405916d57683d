package org.hospital.incidents.stream.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.hospital.incidents.testing.Race;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One driver per checkpoint on local disk: the atomic create decides a race, a dead holder is taken over. */
class CheckpointLockTest {

    @TempDir
    Path temp;

    @Test
    void ofEightDriversStartedInTheSameInstantExactlyOneTakesTheCheckpoint() throws Exception {
        String checkpoint = temp.resolve("checkpoint").toString();
        List<CheckpointLock> won = new ArrayList<>();
        for (CheckpointLock lock : Race.of(8, () -> {
            try {
                return CheckpointLock.acquire(checkpoint, new Configuration(), false);
            } catch (CheckpointLock.HeldException e) {
                return null;
            }
        })) {
            if (lock != null) {
                won.add(lock);
            }
        }
        assertEquals(1, won.size(), "exactly one driver holds the checkpoint");
        assertTrue(won.get(0).holds());
        CheckpointLock.assertHeld();
        won.get(0).close();
        try (var files = Files.list(Path.of(checkpoint))) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().startsWith(CheckpointLock.PREFIX)).count(),
                    "a graceful stop releases the lock");
        }
        CheckpointLock.acquire(checkpoint, new Configuration(), false).close();
    }

    @Test
    void aLiveHolderIsRefusedAndADeadOneTakenOverAfterTheTtl() throws Exception {
        String checkpoint = temp.resolve("checkpoint").toString();
        CheckpointLock first = CheckpointLock.acquire(checkpoint, new Configuration(), false);
        CheckpointLock.HeldException refused = assertThrows(CheckpointLock.HeldException.class,
                () -> CheckpointLock.acquire(checkpoint, new Configuration(), false));
        assertTrue(refused.getMessage().contains("a live driver holds") && refused.getMessage().contains("pid "),
                refused.getMessage());
        first.abandon(); // a SIGKILL: the file stays, nobody renews it
        long started = System.nanoTime();
        CheckpointLock second = CheckpointLock.acquire(checkpoint, new Configuration(), false);
        long waited = (System.nanoTime() - started) / 1_000_000;
        assertTrue(waited >= CheckpointLock.TTL_MILLIS - 500, "watched the dead holder's lock first: " + waited);
        assertFalse(first.holds(), "the dead holder's lock is gone");
        assertTrue(second.holds());
        second.close();
    }

    @Test
    void aTakeoverMakesTheOldHolderStopBeforeItsNextOutput() throws Exception {
        String checkpoint = temp.resolve("checkpoint").toString();
        CheckpointLock old = CheckpointLock.acquire(checkpoint, new Configuration(), false);
        CheckpointLock taken = CheckpointLock.acquire(checkpoint, new Configuration(), true);
        assertFalse(old.holds());
        assertTrue(taken.holds());
        CheckpointLock.assertHeld(); // the newest holder is this JVM's registered lock
        old.close(); // a displaced driver's stop does not remove the new holder's file
        assertTrue(taken.holds());
        taken.close();
    }
}
