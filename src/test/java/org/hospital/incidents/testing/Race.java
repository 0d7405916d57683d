package org.hospital.incidents.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Starts several attempts in the same instant, for tests of what decides a race. */
public final class Race {

    private Race() {
    }

    /**
     * @param <T> what an attempt returns
     * @param attempts how many run at once, each on its own thread, released together
     * @param attempt one attempt
     * @return each attempt's result, in start order
     * @throws Exception the first attempt's failure, or a timeout after 60 s
     */
    public static <T> List<T> of(int attempts, Callable<T> attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> started = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                started.add(pool.submit(() -> {
                    go.await();
                    return attempt.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : started) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
