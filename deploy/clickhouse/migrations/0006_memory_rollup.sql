-- Per-minute resident memory (RSS, bytes) by farm, server, app and worker pid (0 = the host process),
-- fed from the `process.memory.usage` gauge points.
CREATE TABLE IF NOT EXISTS memory_1m
(
    minute     DateTime('UTC'),
    farm       String,
    server     String,
    app        String,
    worker_pid UInt32,
    rss_max    AggregateFunction(max, Float64),
    rss_avg    AggregateFunction(avg, Float64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (farm, app, server, worker_pid, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS memory_1m_mv TO memory_1m AS
SELECT
    toStartOfMinute(time) AS minute,
    farm,
    server,
    app,
    worker_pid,
    maxState(value) AS rss_max,
    avgState(value) AS rss_avg
FROM metrics
WHERE name = 'process.memory.usage'
GROUP BY minute, farm, server, app, worker_pid;
