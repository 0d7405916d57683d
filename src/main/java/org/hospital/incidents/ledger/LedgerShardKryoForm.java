package org.hospital.incidents.ledger;

import org.hospital.incidents.model.Verdict;

/**
 * Kryo's form of a shard (checkpoints): the entry count, then per entry the eventId, the ward id, the packed codes
 * and the three times, in one loop over the segments; then the verdicts. Read back into a new store.
 */
public final class LedgerShardKryoForm extends com.esotericsoftware.kryo.Serializer<LedgerShard> {

    /**
     * Longest eventId written without making its string: Kryo's {@code Output.writeString} writes 2 to 63 ASCII
     * chars as their bytes, the last with its high bit set; anything else as a length and UTF-8.
     */
    static final int KRYO_ASCII_MAX = 63;

    @Override
    public void write(com.esotericsoftware.kryo.Kryo kryo, com.esotericsoftware.kryo.io.Output output,
            LedgerShard shard) {
        output.writeInt(shard.size, true);
        // Byte for byte what writeString(eventId) wrote, without a String per entry: at millions of entries,
        // making each eventId's string and scanning it again was much of a checkpoint's CPU
        // (docs/PERFORMANCE.md "Why the code is shaped this way"). Entries are written as the segments store
        // them, so none is made either.
        byte[] ascii = new byte[KRYO_ASCII_MAX];
        shard.forEachPacked((keys, keyAt, ward, code, occurred, first, updated) -> {
            int length = PackedChars.copyAscii(keys, keyAt, ascii);
            if (length > 1) {
                ascii[length - 1] |= (byte) 0x80;
                output.writeBytes(ascii, 0, length);
            } else {
                output.writeString(PackedChars.read(keys, keyAt));
            }
            output.writeString(WardNames.name(ward));
            output.writeInt(code, true);
            output.writeLong(occurred);
            output.writeVarLong(first - occurred, false);
            output.writeLong(updated);
        });
        output.writeInt(shard.verdicts.size(), true);
        for (Verdict verdict : shard.verdicts) {
            kryo.writeObject(output, verdict);
        }
    }

    @Override
    public LedgerShard read(com.esotericsoftware.kryo.Kryo kryo, com.esotericsoftware.kryo.io.Input input,
            Class<LedgerShard> type) {
        int size = input.readInt(true);
        LedgerShard.Builder builder = LedgerShard.EMPTY.next(size, Long.MIN_VALUE);
        for (int i = 0; i < size; i++) {
            String id = input.readString();
            String ward = input.readString();
            int code = input.readInt(true);
            long occurred = input.readLong();
            long first = occurred + input.readVarLong(false);
            long updated = input.readLong();
            builder.put(id, LedgerShard.unpack(ward, code, occurred, first, updated));
        }
        int verdicts = input.readInt(true);
        for (int i = 0; i < verdicts; i++) {
            builder.verdict(kryo.readObject(input, Verdict.class));
        }
        return builder.build();
    }
}
