-- Worker lifecycle: one row per node worker process start or exit, derived by the ingester from the
-- process.start / process.exit spans (and later from imported ETW process events).
-- exit_code is NULL when the process ended by a signal (then `signal` names it) and for start events.
CREATE TABLE IF NOT EXISTS worker_events
(
    time            DateTime('UTC'),
    time_ns         UInt64,
    event           String,
    farm            String,
    server          String,
    app             String,
    instance_id     String,
    environment     String,
    host_pid        UInt32,
    worker_pid      UInt32,
    reason          String,
    exit_code       Nullable(Int32),
    signal          String,
    uptime_ms       UInt64,
    requests_served UInt64,
    cold_start_ms   UInt32,
    trace_id        String,
    span_id         String,
    source          String DEFAULT 'otlp',
    kafka_partition Int32 DEFAULT -1,
    kafka_offset    Int64 DEFAULT -1,
    kafka_seq       UInt32 DEFAULT 0,
    ingested_at     DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(time)
ORDER BY (farm, app, time)
SETTINGS index_granularity = 8192;
