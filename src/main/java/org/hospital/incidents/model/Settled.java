package org.hospital.incidents.model;

import java.io.Serializable;
import java.util.ArrayList;

/**
 * What one parsing task's slice yields once the incident ledger has decided on its lines (docs/DESIGN.md "The
 * incident ledger"): the lines rejected by the ledger (duplicates, refused re-qualifications), masked; the reports
 * for the review queue; the archive entries with their final status, compressed. Made where the slice is cached, so
 * no line or patient data crosses a shuffle to get here.
 *
 * @param rejections lines rejected by the ledger, masked for {@code rejected/}
 * @param review unclassified reports counted (or amended into unclassified), whole
 * @param archive the partition's archive entries, compressed, or null
 * @param archived how many entries {@code archive} holds
 */
public record Settled(ArrayList<Rejection> rejections, ArrayList<Incident> review, byte[] archive, long archived)
        implements Serializable {

    private static final long serialVersionUID = 1L;
}
