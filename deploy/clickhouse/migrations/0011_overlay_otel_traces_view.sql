-- requires: 23.3
-- Overlay: an `otel_traces`-shaped view over `spans`, with the column names and types of the OpenTelemetry
-- Collector's ClickHouse exporter, so the Grafana ClickHouse data source's OTel mode and trace view work
-- without a second copy of the data. Filters on Timestamp cannot use the spans primary key through the
-- view; the trace view first narrows the time range with otel_traces_trace_id_ts (next migration).
CREATE VIEW IF NOT EXISTS otel_traces AS
SELECT
    fromUnixTimestamp64Nano(toInt64(start_time_ns), 'UTC') AS Timestamp,
    trace_id AS TraceId,
    span_id AS SpanId,
    parent_span_id AS ParentSpanId,
    trace_state AS TraceState,
    toLowCardinality(toString(name)) AS SpanName,
    toLowCardinality(transform(kind, [0, 1, 2, 3, 4, 5],
        ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'], 'Unspecified')) AS SpanKind,
    toLowCardinality(toString(app)) AS ServiceName,
    CAST(mapFromArrays(resource_keys, resource_values), 'Map(LowCardinality(String), String)') AS ResourceAttributes,
    toString(scope_name) AS ScopeName,
    scope_version AS ScopeVersion,
    CAST(mapFromArrays(attr_keys, attr_values), 'Map(LowCardinality(String), String)') AS SpanAttributes,
    duration_ns AS Duration,
    toLowCardinality(transform(status_code, [0, 1, 2], ['Unset', 'Ok', 'Error'], 'Unset')) AS StatusCode,
    status_message AS StatusMessage,
    arrayMap(t -> fromUnixTimestamp64Nano(toInt64(t), 'UTC'), `events.time_ns`) AS `Events.Timestamp`,
    CAST(`events.name`, 'Array(LowCardinality(String))') AS `Events.Name`,
    arrayMap((k, v) -> CAST(mapFromArrays(k, v), 'Map(LowCardinality(String), String)'),
        `events.attr_keys`, `events.attr_values`) AS `Events.Attributes`,
    `links.trace_id` AS `Links.TraceId`,
    `links.span_id` AS `Links.SpanId`,
    `links.trace_state` AS `Links.TraceState`,
    arrayMap((k, v) -> CAST(mapFromArrays(k, v), 'Map(LowCardinality(String), String)'),
        `links.attr_keys`, `links.attr_values`) AS `Links.Attributes`
FROM spans;
