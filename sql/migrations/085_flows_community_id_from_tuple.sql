-- A flows row without its Community ID (issue 14: ≤ 40 bytes a row). The 20 random bytes of the
-- SHA-1 (012) were 20 of the row's 44.8 bytes on disk at 100 M rows (BENCHMARKS.md, Store), and
-- a sensor's Community ID is a function of the row's own columns: Community ID v1, seed 0, over
-- src_ip, dst_ip, the transport (tcp 6, udp 17) and both ports, in the canonical endpoint order
-- (io.agentwatch.schema.CommunityId, the sensor's one definition). So the writer checks each
-- record (io.agentwatch.schema.TupleCommunityId, on the row as stored: an IPv4 address is the IPv6
-- column's ::ffff:a.b.c.d, and IPv4 hashing applies when both addresses are IPv4) and, when the
-- columns give its ID back, stores community_id_from_tuple = 1 with community_id_sha1 all zero
-- and community_id_other '' (both then compress to nothing). Anything else keeps its hash or text
-- as before: a pseudonymised host (src_ip '::'), another transport, an ID made with another seed.
-- community_id, the ALIAS, computes the ID for those rows; rows written before keep 0 and read as
-- before. Computing costs one SHA-1 of 40 bytes per row read, and only when community_id is read
-- (alert_flows reads it for one alert's host and minutes).
-- The spec's canonical order (smaller address first, on equal addresses the smaller port) is the
-- order of each endpoint written as its 16 address bytes then its 2 port bytes, big-endian:
-- least() and greatest() of those two strings. The bytes are taken with substring(): a FixedString
-- cast to String loses its trailing zero bytes, which would change the hash of such an address.
ALTER TABLE flows ADD COLUMN IF NOT EXISTS community_id_from_tuple UInt8 DEFAULT 0;

ALTER TABLE flows MODIFY COLUMN community_id String ALIAS multiIf(
    community_id_from_tuple = 1,
    concat('1:', base64Encode(SHA1(concat(
        unhex('0000'),
        if(startsWith(reinterpret(src_ip, 'FixedString(16)'), unhex('00000000000000000000FFFF'))
             AND startsWith(reinterpret(dst_ip, 'FixedString(16)'), unhex('00000000000000000000FFFF')),
           concat(substring(least(concat(reinterpret(src_ip, 'FixedString(16)'), char(intDiv(src_port, 256), src_port % 256)),
                                  concat(reinterpret(dst_ip, 'FixedString(16)'), char(intDiv(dst_port, 256), dst_port % 256))), 13, 4),
                  substring(greatest(concat(reinterpret(src_ip, 'FixedString(16)'), char(intDiv(src_port, 256), src_port % 256)),
                                     concat(reinterpret(dst_ip, 'FixedString(16)'), char(intDiv(dst_port, 256), dst_port % 256))), 13, 4)),
           concat(substring(least(concat(reinterpret(src_ip, 'FixedString(16)'), char(intDiv(src_port, 256), src_port % 256)),
                                  concat(reinterpret(dst_ip, 'FixedString(16)'), char(intDiv(dst_port, 256), dst_port % 256))), 1, 16),
                  substring(greatest(concat(reinterpret(src_ip, 'FixedString(16)'), char(intDiv(src_port, 256), src_port % 256)),
                                     concat(reinterpret(dst_ip, 'FixedString(16)'), char(intDiv(dst_port, 256), dst_port % 256))), 1, 16))),
        char(if(transport = 'tcp', 6, 17), 0),
        substring(least(concat(reinterpret(src_ip, 'FixedString(16)'), char(intDiv(src_port, 256), src_port % 256)),
                        concat(reinterpret(dst_ip, 'FixedString(16)'), char(intDiv(dst_port, 256), dst_port % 256))), 17, 2),
        substring(greatest(concat(reinterpret(src_ip, 'FixedString(16)'), char(intDiv(src_port, 256), src_port % 256)),
                           concat(reinterpret(dst_ip, 'FixedString(16)'), char(intDiv(dst_port, 256), dst_port % 256))), 17, 2))))),
    community_id_sha1 != toFixedString('', 20), concat('1:', base64Encode(community_id_sha1)),
    community_id_other);
