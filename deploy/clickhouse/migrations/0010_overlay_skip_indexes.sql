-- requires: 22.8
-- Overlay: data-skipping indexes for lookups the primary key (farm, app, name, start_time) cannot serve:
-- a trace by id, spans carrying an attribute key, slow spans, and the ingester's replay check by Kafka
-- offset. They apply to parts written from now on; `ALTER TABLE … MATERIALIZE INDEX <name>` builds them
-- for older parts when wanted.
ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1;
ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_attr_keys attr_keys TYPE bloom_filter(0.01) GRANULARITY 1;
ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_duration duration_ns TYPE minmax GRANULARITY 1;
ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_kafka_offset kafka_offset TYPE minmax GRANULARITY 1;
ALTER TABLE worker_events ADD INDEX IF NOT EXISTS idx_kafka_offset kafka_offset TYPE minmax GRANULARITY 1;
ALTER TABLE metrics ADD INDEX IF NOT EXISTS idx_kafka_offset kafka_offset TYPE minmax GRANULARITY 1;
