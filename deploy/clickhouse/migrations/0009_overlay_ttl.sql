-- requires: 22.8
-- Overlay: a TTL backstop that drops whole expired parts (ttl_only_drop_parts) on current servers.
-- The portable retention job (processors/retention) does the same on every version and usually runs with
-- shorter horizons; these values only bound what is kept if that job never runs.
ALTER TABLE spans MODIFY TTL start_time + INTERVAL 90 DAY;
ALTER TABLE spans MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE worker_events MODIFY TTL time + INTERVAL 90 DAY;
ALTER TABLE worker_events MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE metrics MODIFY TTL time + INTERVAL 90 DAY;
ALTER TABLE metrics MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE requests_1m MODIFY TTL minute + INTERVAL 400 DAY;
ALTER TABLE status_1m MODIFY TTL minute + INTERVAL 400 DAY;
ALTER TABLE worker_starts_1m MODIFY TTL minute + INTERVAL 400 DAY;
ALTER TABLE worker_exits_1m MODIFY TTL minute + INTERVAL 400 DAY;
ALTER TABLE memory_1m MODIFY TTL minute + INTERVAL 400 DAY;
