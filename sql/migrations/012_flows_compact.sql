-- A flows row in fewer bytes on disk (issue 14: ≤ 40 bytes a row; measured column by column in
-- BENCHMARKS.md, Store). Every column keeps its name, type and values; queries read it as before.
--
-- The Community ID: its text ('1:' and the base64 of a SHA-1, 30 bytes that no codec shrinks much,
-- being random) is kept as the 20 bytes of the SHA-1 in community_id_sha1. A text that is not
-- canonical (another version, a test's label) is kept as it is in community_id_other, and
-- community_id_sha1 is all zero for it (and for none). community_id becomes an ALIAS that gives
-- the text back from the two, so SELECT community_id, alert_flows and ad-hoc SQL read the same
-- text as before. io.agentwatch.store.FlowRows inserts community_id_sha1 and community_id_other
-- (io.agentwatch.schema.FlowColumns declares the three); an INSERT that names community_id is
-- refused, as for any ALIAS. Rows stored before this migration are converted by the UPDATE below
-- (a mutation, waited for); written so that a second run, after the ALIAS exists, changes nothing.
ALTER TABLE flows
    ADD COLUMN IF NOT EXISTS community_id_sha1 FixedString(20) AFTER ech,
    ADD COLUMN IF NOT EXISTS community_id_other String DEFAULT '' CODEC(ZSTD(1)) AFTER community_id;

ALTER TABLE flows UPDATE
    community_id_sha1 = if(length(community_id) = 30
                             AND concat('1:', base64Encode(tryBase64Decode(substring(community_id, 3)))) = community_id
                             AND community_id != concat('1:', repeat('A', 27), '='),
                           toFixedString(substring(tryBase64Decode(substring(community_id, 3)), 1, 20), 20),
                           toFixedString('', 20)),
    community_id_other = if(length(community_id) = 30
                              AND concat('1:', base64Encode(tryBase64Decode(substring(community_id, 3)))) = community_id
                              AND community_id != concat('1:', repeat('A', 27), '='),
                            '', community_id)
WHERE 1
SETTINGS mutations_sync = 2;

ALTER TABLE flows MODIFY COLUMN community_id String
    ALIAS if(community_id_sha1 = toFixedString('', 20), community_id_other, concat('1:', base64Encode(community_id_sha1)));

-- Codecs, chosen per column on a month of synthetic fleet traffic (1 M rows; BENCHMARKS.md, Store,
-- has the figures per column). Times, counts, ports and the sensor's sequence are numbers that
-- share their high bits within a part (a day of one partition): T64 drops those bits and ZSTD packs
-- the rest; it did better than Delta or DoubleDelta here because a granule holds many hosts'
-- flows, whose times interleave. Texts and addresses that repeat along the key: ZSTD. The SHA-1
-- bytes are random: no codec helps them. Parts written before keep their codecs until they merge.
ALTER TABLE flows
    MODIFY COLUMN sequence CODEC(T64, ZSTD(1)),
    MODIFY COLUMN src_port CODEC(T64, ZSTD(1)),
    MODIFY COLUMN dst_ip CODEC(ZSTD(1)),
    MODIFY COLUMN first_seen CODEC(T64, ZSTD(1)),
    MODIFY COLUMN last_seen CODEC(T64, ZSTD(1)),
    MODIFY COLUMN packets_up CODEC(T64, ZSTD(1)),
    MODIFY COLUMN packets_down CODEC(T64, ZSTD(1)),
    MODIFY COLUMN bytes_up CODEC(T64, ZSTD(1)),
    MODIFY COLUMN bytes_down CODEC(T64, ZSTD(1)),
    MODIFY COLUMN sni CODEC(ZSTD(1)),
    MODIFY COLUMN dns_name CODEC(ZSTD(1)),
    MODIFY COLUMN ingested_at CODEC(T64, ZSTD(1));
