package org.hospital.incidents.pipeline;

import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.hospital.incidents.model.Alert;
import org.hospital.incidents.model.Amendment;
import org.hospital.incidents.pipeline.batch.BatchSlice;
import org.hospital.incidents.model.Incident;
import org.hospital.incidents.ledger.LedgerShard;
import org.hospital.incidents.model.Rejection;
import org.hospital.incidents.model.Requalification;
import org.hospital.incidents.model.WardStatus;
import org.hospital.incidents.model.WardTotal;
import org.hospital.incidents.model.WardWindow;
import scala.Tuple2;

/**
 * The output DStreams of {@link IncidentGraph#build}, one per docs/DESIGN.md output plus the accepted counts.
 *
 * @param slices each batch's lines parsed, one {@link BatchSlice} per partition; persisted by the graph. Whoever
 *     runs the graph unpersists each batch's RDD once the batch's outputs are written
 * @param acceptedCounts reports counted for the first time, per partition of each batch (for the per-batch summary)
 * @param rejected rejected lines of each batch
 * @param wardTotals running totals of the wards that changed in each batch
 * @param wardWindows per-ward counts of the event-time windows whose count changed in each batch
 * @param criticalAlerts CRITICAL alerts, every batch interval
 * @param surgeAlerts SURGE alerts, every batch interval
 * @param review counted reports whose category is unclassified (the review queue), every batch interval
 * @param requalifications re-qualifications applied, every batch interval
 * @param amendments amendments applied, every batch interval
 * @param archive each batch's archive entries, compressed per partition, as (bytes, entries); none when the archive
 *     is off
 * @param ledger the incident ledger's size after each batch, one {@code {entries, estimated heap bytes}} per ledger
 *     bucket ({@link LedgerShard#size()}, {@link LedgerShard#estimatedSize()}); null when the ledger is off
 * @param lateCounts reports counted behind the watermark (in the totals, in no window), per ward of each batch
 * @param ledgerState the incident ledger after each batch, by ledger bucket, persisted by the graph; null when the
 *     ledger is off. Spark keeps a state stream's RDDs cached for two checkpoint intervals; whoever runs the graph
 *     may free each version once the next one is computed (a lost block is then recomputed from the checkpoint)
 * @param wardState the wards' state after each batch, by wardId, persisted by the graph; as with {@code ledgerState},
 *     whoever runs the graph may free each version once the next one is computed. A version holds its batch's
 *     changed windows: a backlog batch's are hundreds of thousands, and twenty versions of them were most of the heap
 */
public record GraphOutputs(JavaDStream<BatchSlice> slices, JavaDStream<Long> acceptedCounts,
        JavaDStream<Rejection> rejected,
        JavaDStream<WardTotal> wardTotals, JavaDStream<WardWindow> wardWindows, JavaDStream<Alert> criticalAlerts,
        JavaDStream<Alert> surgeAlerts, JavaDStream<Incident> review, JavaDStream<Requalification> requalifications,
        JavaDStream<Amendment> amendments, JavaDStream<Tuple2<byte[], Long>> archive,
        JavaDStream<long[]> ledger, JavaDStream<Long> lateCounts, JavaPairDStream<Integer, LedgerShard> ledgerState,
        JavaPairDStream<String, WardStatus> wardState) {
}
