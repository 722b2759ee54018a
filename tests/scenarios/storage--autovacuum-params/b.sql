-- autovacuum thresholds and scale factors change
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int) WITH (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 500, autovacuum_analyze_scale_factor = 0.02);
