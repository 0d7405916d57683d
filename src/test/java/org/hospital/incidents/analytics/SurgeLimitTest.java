package org.hospital.incidents.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Poisson limit of docs/DESIGN.md "Surges in event time": smallest k >= 2 with P(X >= k) <= 0.001. */
class SurgeLimitTest {

    /** The limit by the definition, in log space: P(X >= k) summed from the formula's terms. */
    private static long byDefinition(double lambda) {
        for (int k = 2; ; k++) {
            double below = 0;
            for (int i = 0; i < k; i++) {
                double logTerm = -lambda + i * Math.log(lambda == 0 ? Double.MIN_VALUE : lambda);
                for (int j = 2; j <= i; j++) {
                    logTerm -= Math.log(j);
                }
                below += lambda == 0 ? (i == 0 ? 1 : 0) : Math.exp(logTerm);
            }
            if (1 - below <= 0.001) {
                return k;
            }
        }
    }

    @Test
    void matchesTheDefinitionFromQuietToBusyWards() {
        for (double lambda : new double[] {0, 1e-4, 0.01, 0.1, 0.5, 1, 2, 3.7, 6, 10, 30, 100, 400}) {
            assertEquals(byDefinition(lambda), Questions.poissonLimit(lambda), "lambda " + lambda);
        }
    }

    @Test
    void knownValues() {
        // P(X >= 2 | 0.01) = 5.0e-5; P(X >= 5 | 1) = 0.00366, P(X >= 6 | 1) = 0.000594; P(X >= 14 | 5) = 0.00081.
        assertEquals(2, Questions.poissonLimit(0.01));
        assertEquals(6, Questions.poissonLimit(1));
        assertEquals(14, Questions.poissonLimit(5));
    }

    @Test
    void aVeryBusyWardUsesTheNormalApproximationWithoutOverflow() {
        long limit = Questions.poissonLimit(10_000);
        assertEquals(10_310, limit, 2);
    }
}
