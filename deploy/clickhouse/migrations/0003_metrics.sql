-- OTLP metric points (gauge and sum), one row per data point. worker_pid is 0 for host-level points.
-- type is 'gauge' or 'sum'; temporality follows OTLP (0 unspecified, 1 delta, 2 cumulative).
CREATE TABLE IF NOT EXISTS metrics
(
    time            DateTime('UTC'),
    time_ns         UInt64,
    start_time_ns   UInt64,
    name            String,
    type            String,
    unit            String,
    temporality     UInt8,
    is_monotonic    UInt8,
    value           Float64,
    farm            String,
    server          String,
    app             String,
    instance_id     String,
    environment     String,
    host_pid        UInt32,
    worker_pid      UInt32,
    attr_keys       Array(String),
    attr_values     Array(String),
    resource_keys   Array(String),
    resource_values Array(String),
    scope_name      String,
    source          String DEFAULT 'otlp',
    kafka_partition Int32 DEFAULT -1,
    kafka_offset    Int64 DEFAULT -1,
    kafka_seq       UInt32 DEFAULT 0,
    ingested_at     DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(time)
ORDER BY (farm, app, name, time)
SETTINGS index_granularity = 8192;
