package org.hospital.incidents.ledger;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ward ids the ledger's entries name, numbered once per JVM: a segment keeps a number per entry, not a
 * reference (see {@link LedgerSegment}). A hospital has tens to hundreds of wards; the table only grows, like the
 * wards' own state ({@code WardStatus}), which also keeps every ward ever counted. Thread-safe: tasks of
 * several buckets number wards at once.
 */
final class WardNames {
    static final ConcurrentHashMap<String, Integer> NUMBERS = new ConcurrentHashMap<>();
    static volatile String[] names = new String[64];
    static int count;

    WardNames() {
    }

    static int indexOf(String ward) {
        Integer number = NUMBERS.get(ward);
        return number != null ? number : add(ward);
    }

    static synchronized int add(String ward) {
        Integer number = NUMBERS.get(ward);
        if (number != null) {
            return number;
        }
        String[] current = names;
        if (count == current.length) {
            current = Arrays.copyOf(current, count * 2);
        }
        current[count] = ward;
        // Published before the number: a reader that finds the number reads a names array holding it.
        names = current;
        NUMBERS.put(ward, count);
        return count++;
    }

    static String name(int number) {
        return names[number];
    }
}
