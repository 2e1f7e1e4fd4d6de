-- Per-minute request rollups by farm, server, app and worker pid, fed from SERVER spans (kind = 2).
-- Materialized views only see each inserted block, so the targets merge partial rows: read them with the
-- -Merge combinators / sum() and GROUP BY, never row by row.
CREATE TABLE IF NOT EXISTS requests_1m
(
    minute        DateTime('UTC'),
    farm          String,
    server        String,
    app           String,
    worker_pid    UInt32,
    requests      AggregateFunction(count),
    client_errors AggregateFunction(countIf, UInt8),
    server_errors AggregateFunction(countIf, UInt8),
    duration_sum  AggregateFunction(sum, UInt64),
    duration_max  AggregateFunction(max, UInt64),
    latency       AggregateFunction(quantilesTDigest(0.5, 0.9, 0.99), UInt64),
    retried       AggregateFunction(countIf, UInt8),
    pipe_retries  AggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (farm, app, server, worker_pid, minute);

CREATE MATERIALIZED VIEW IF NOT EXISTS requests_1m_mv TO requests_1m AS
SELECT
    toStartOfMinute(start_time) AS minute,
    farm,
    server,
    app,
    worker_pid,
    countState() AS requests,
    countIfState(http_status >= 400 AND http_status < 500) AS client_errors,
    countIfState(http_status >= 500) AS server_errors,
    sumState(duration_ns) AS duration_sum,
    maxState(duration_ns) AS duration_max,
    quantilesTDigestState(0.5, 0.9, 0.99)(duration_ns) AS latency,
    countIfState(np_retry > 0) AS retried,
    sumState(toUInt64(np_retry)) AS pipe_retries
FROM spans
WHERE kind = 2
GROUP BY minute, farm, server, app, worker_pid;

-- Requests per minute by HTTP status and iisnode-style substatus (failures are the rows with status >= 400).
CREATE TABLE IF NOT EXISTS status_1m
(
    minute      DateTime('UTC'),
    farm        String,
    server      String,
    app         String,
    worker_pid  UInt32,
    http_status UInt16,
    substatus   UInt16,
    requests    UInt64
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (farm, app, server, worker_pid, minute, http_status, substatus);

CREATE MATERIALIZED VIEW IF NOT EXISTS status_1m_mv TO status_1m AS
SELECT
    toStartOfMinute(start_time) AS minute,
    farm,
    server,
    app,
    worker_pid,
    http_status,
    substatus,
    count() AS requests
FROM spans
WHERE kind = 2
GROUP BY minute, farm, server, app, worker_pid, http_status, substatus;
