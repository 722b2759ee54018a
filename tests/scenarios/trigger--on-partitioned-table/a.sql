-- a row trigger on a partitioned table (cloned to partitions)
CREATE TABLE public.reading (id int NOT NULL, at date NOT NULL, v numeric, updated_at timestamptz) PARTITION BY RANGE (at);
CREATE TABLE public.reading_2024 PARTITION OF public.reading FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
