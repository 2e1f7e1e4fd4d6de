-- requires: 22.8
-- Overlay: dictionary-encode the repetitive string columns of the raw tables. LowCardinality needs a
-- session setting on 18.16, so the base keeps String and this runs only on current servers.
-- Changing a column type rewrites existing parts in the background (a mutation); on a large table run
-- it in a quiet hour.
ALTER TABLE spans
    MODIFY COLUMN name LowCardinality(String),
    MODIFY COLUMN farm LowCardinality(String),
    MODIFY COLUMN server LowCardinality(String),
    MODIFY COLUMN app LowCardinality(String),
    MODIFY COLUMN environment LowCardinality(String),
    MODIFY COLUMN http_method LowCardinality(String),
    MODIFY COLUMN scope_name LowCardinality(String),
    MODIFY COLUMN source LowCardinality(String) DEFAULT 'otlp';

ALTER TABLE worker_events
    MODIFY COLUMN event LowCardinality(String),
    MODIFY COLUMN farm LowCardinality(String),
    MODIFY COLUMN server LowCardinality(String),
    MODIFY COLUMN app LowCardinality(String),
    MODIFY COLUMN environment LowCardinality(String),
    MODIFY COLUMN reason LowCardinality(String),
    MODIFY COLUMN source LowCardinality(String) DEFAULT 'otlp';

ALTER TABLE metrics
    MODIFY COLUMN name LowCardinality(String),
    MODIFY COLUMN type LowCardinality(String),
    MODIFY COLUMN unit LowCardinality(String),
    MODIFY COLUMN farm LowCardinality(String),
    MODIFY COLUMN server LowCardinality(String),
    MODIFY COLUMN app LowCardinality(String),
    MODIFY COLUMN environment LowCardinality(String),
    MODIFY COLUMN scope_name LowCardinality(String),
    MODIFY COLUMN source LowCardinality(String) DEFAULT 'otlp';
