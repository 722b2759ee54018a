-- UPDATE on the whole table is narrowed to UPDATE on two columns, while INSERT stays table-wide
CREATE TABLE public.task (id int PRIMARY KEY, title text, status text, owner_id int);
GRANT INSERT ON public.task TO scenario_writer;
GRANT UPDATE (status, owner_id) ON public.task TO scenario_writer;
