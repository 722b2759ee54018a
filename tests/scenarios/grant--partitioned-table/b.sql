-- grants on a partitioned table and one partition
CREATE TABLE public.m (id int NOT NULL, k int NOT NULL) PARTITION BY LIST (k);
CREATE TABLE public.m_1 PARTITION OF public.m FOR VALUES IN (1);
GRANT SELECT ON public.m TO scenario_reader;
GRANT SELECT, DELETE ON public.m_1 TO scenario_admin;
