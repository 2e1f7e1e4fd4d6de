-- requires: 22.8
-- Overlay: column codecs (Delta for monotone-ish timestamps, T64 for small integers, ZSTD for text).
-- Only new parts are written with the new codec; old parts keep theirs until merged.
ALTER TABLE spans
    MODIFY COLUMN start_time_ns UInt64 CODEC(Delta(8), ZSTD(1)),
    MODIFY COLUMN duration_ns UInt64 CODEC(T64, ZSTD(1)),
    MODIFY COLUMN trace_id String CODEC(ZSTD(1)),
    MODIFY COLUMN span_id String CODEC(ZSTD(1)),
    MODIFY COLUMN parent_span_id String CODEC(ZSTD(1)),
    MODIFY COLUMN url_path String CODEC(ZSTD(1)),
    MODIFY COLUMN attr_keys Array(String) CODEC(ZSTD(1)),
    MODIFY COLUMN attr_values Array(String) CODEC(ZSTD(1)),
    MODIFY COLUMN resource_keys Array(String) CODEC(ZSTD(1)),
    MODIFY COLUMN resource_values Array(String) CODEC(ZSTD(1));

ALTER TABLE metrics
    MODIFY COLUMN time_ns UInt64 CODEC(Delta(8), ZSTD(1)),
    MODIFY COLUMN value Float64 CODEC(Gorilla, ZSTD(1)),
    MODIFY COLUMN attr_keys Array(String) CODEC(ZSTD(1)),
    MODIFY COLUMN attr_values Array(String) CODEC(ZSTD(1));
