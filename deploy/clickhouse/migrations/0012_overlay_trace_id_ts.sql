-- requires: 22.8
-- Overlay: the trace-id → time-range companion the Grafana data source looks for (`otel_traces` +
-- `_trace_id_ts`), so opening a trace by id reads one or two daily partitions instead of all of them.
-- Rows from different insert blocks collapse on merge (SimpleAggregateFunction min/max); readers still use
-- min(Start) / max(End). The backfill below covers spans written before this migration; re-running it is
-- harmless because min and max are idempotent.
CREATE TABLE IF NOT EXISTS otel_traces_trace_id_ts
(
    TraceId String CODEC(ZSTD(1)),
    Start   SimpleAggregateFunction(min, DateTime('UTC')),
    End     SimpleAggregateFunction(max, DateTime('UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(Start)
ORDER BY TraceId
TTL Start + INTERVAL 90 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_trace_id_ts_mv TO otel_traces_trace_id_ts AS
SELECT
    trace_id AS TraceId,
    min(start_time) AS Start,
    max(toDateTime(intDiv(start_time_ns + duration_ns, 1000000000), 'UTC')) AS End
FROM spans
WHERE trace_id != ''
GROUP BY trace_id;

INSERT INTO otel_traces_trace_id_ts
SELECT
    trace_id AS TraceId,
    min(start_time) AS Start,
    max(toDateTime(intDiv(start_time_ns + duration_ns, 1000000000), 'UTC')) AS End
FROM spans
WHERE trace_id != ''
GROUP BY trace_id;
