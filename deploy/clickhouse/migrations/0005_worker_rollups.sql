-- Per-minute worker lifecycle rollups by farm, server, app and worker pid.

-- Cold starts: how many workers started and how long they took from spawn to listening.
CREATE TABLE IF NOT EXISTS worker_starts_1m
(
    minute        DateTime('UTC'),
    farm          String,
    server        String,
    app           String,
    worker_pid    UInt32,
    starts        AggregateFunction(count),
    cold_start_ms_sum AggregateFunction(sum, UInt64),
    cold_start_ms_max AggregateFunction(max, UInt32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (farm, app, server, worker_pid, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS worker_starts_1m_mv TO worker_starts_1m AS
SELECT
    toStartOfMinute(time) AS minute,
    farm,
    server,
    app,
    worker_pid,
    countState() AS starts,
    sumState(toUInt64(cold_start_ms)) AS cold_start_ms_sum,
    maxState(cold_start_ms) AS cold_start_ms_max
FROM worker_events
WHERE event = 'start'
GROUP BY minute, farm, server, app, worker_pid;

-- Exits by reason (crash, file-change, signal-recycle, config-reload, memory-limit, shutdown).
CREATE TABLE IF NOT EXISTS worker_exits_1m
(
    minute          DateTime('UTC'),
    farm            String,
    server          String,
    app             String,
    worker_pid      UInt32,
    reason          String,
    exits           UInt64,
    uptime_ms       UInt64,
    requests_served UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (farm, app, server, worker_pid, minute, reason);

CREATE MATERIALIZED VIEW IF NOT EXISTS worker_exits_1m_mv TO worker_exits_1m AS
SELECT
    toStartOfMinute(time) AS minute,
    farm,
    server,
    app,
    worker_pid,
    reason,
    count() AS exits,
    sum(uptime_ms) AS uptime_ms,
    sum(requests_served) AS requests_served
FROM worker_events
WHERE event = 'exit'
GROUP BY minute, farm, server, app, worker_pid, reason;
