package org.hospital.incidents.pipeline;

import java.util.List;
import org.hospital.incidents.model.EventCategory;
import org.hospital.incidents.model.LedgerEntry;
import org.hospital.incidents.model.Verdict;
import org.hospital.incidents.model.WardChange;
import org.hospital.incidents.model.WardState;

/**
 * How a ledger verdict moves the wards' running counts (docs/DESIGN.md "The incident ledger"), a pure function:
 * <ul>
 *   <li>counted: one more report in its ward (total, harm level, category), and one arrival for the window;
 *   <li>amended in the same ward: one count moves between harm levels and categories, {@code amended} +1;
 *   <li>amended into another ward: -1 in the old ward (total, harm level, category), +1 in the new, which counts the
 *       amendment; windows ignore it;
 *   <li>re-qualified: {@code unclassified} -1, the person's category +1, {@code requalified} +1;
 *   <li>duplicate or refused: nothing.
 * </ul>
 */
public final class WardChanges {

    private static final WardState NOTHING = WardState.empty();

    private WardChanges() {
    }

    /**
     * @param verdict one verdict
     * @return the wards' changes it makes (none, one or two)
     */
    public static List<WardChange> of(Verdict verdict) {
        LedgerEntry before = verdict.before();
        LedgerEntry after = verdict.after();
        return switch (verdict.kind()) {
            case COUNTED -> {
                WardState one = WardState.of(after);
                yield List.of(new WardChange(after.wardId(), one, one));
            }
            case AMENDED -> before.wardId().equals(after.wardId())
                    ? List.of(new WardChange(after.wardId(), WardState.change(0, before.harmLevel(), after.harmLevel(),
                            before.category(), after.category(), after.occurredAtMillis(), 0, 1), NOTHING))
                    : List.of(new WardChange(before.wardId(), WardState.change(-1, before.harmLevel(), null,
                            before.category(), null, Long.MIN_VALUE, 0, 0), NOTHING),
                            new WardChange(after.wardId(), WardState.change(1, null, after.harmLevel(), null,
                                    after.category(), after.occurredAtMillis(), 0, 1), NOTHING));
            case REQUALIFIED -> List.of(new WardChange(after.wardId(), WardState.change(0, null, null,
                    EventCategory.UNCLASSIFIED, after.category(), Long.MIN_VALUE, 1, 0), NOTHING));
            case DUPLICATE, REFUSED -> List.of();
        };
    }
}
