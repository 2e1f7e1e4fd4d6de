-- Raw spans: one row per OpenTelemetry span (requests, their children, worker lifecycle spans) and, later,
-- spans rebuilt from imported ETW traces (source = 'etw').
-- Portable base: runs unchanged on ClickHouse 18.16 and current releases, so no DateTime64, Map,
-- LowCardinality, codecs, TTL or skip indexes here (those come in the version-gated overlay migrations).
-- Time is DateTime (seconds, for partitioning and the primary key) plus exact UInt64 nanoseconds.
-- Every attribute is kept in the parallel key/value arrays; the hot facts are also first-class columns.
-- (kafka_partition, kafka_offset, kafka_seq) identifies the row's source record (seq = its index within the
-- Kafka message) so the ingester can tell which rows of a replayed batch are already stored (docs/schema.md).
CREATE TABLE IF NOT EXISTS spans
(
    start_time      DateTime('UTC'),
    start_time_ns   UInt64,
    duration_ns     UInt64,
    trace_id        String,
    span_id         String,
    parent_span_id  String,
    trace_state     String,
    name            String,
    kind            UInt8,
    status_code     UInt8,
    status_message  String,
    farm            String,
    server          String,
    app             String,
    instance_id     String,
    environment     String,
    host_pid        UInt32,
    worker_pid      UInt32,
    http_method     String,
    url_path        String,
    http_status     UInt16,
    substatus       UInt16,
    errno           Int64,
    np_retry        UInt16,
    scope_name      String,
    scope_version   String,
    attr_keys       Array(String),
    attr_values     Array(String),
    resource_keys   Array(String),
    resource_values Array(String),
    events Nested
    (
        time_ns     UInt64,
        name        String,
        attr_keys   Array(String),
        attr_values Array(String)
    ),
    links Nested
    (
        trace_id    String,
        span_id     String,
        trace_state String,
        attr_keys   Array(String),
        attr_values Array(String)
    ),
    source          String DEFAULT 'otlp',
    kafka_partition Int32 DEFAULT -1,
    kafka_offset    Int64 DEFAULT -1,
    kafka_seq       UInt32 DEFAULT 0,
    ingested_at     DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(start_time)
ORDER BY (farm, app, name, start_time)
SETTINGS index_granularity = 8192;
