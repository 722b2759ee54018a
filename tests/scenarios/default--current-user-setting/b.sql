-- defaults from CURRENT_USER and current_setting()
CREATE TABLE public.t (id int PRIMARY KEY, who text DEFAULT CURRENT_USER, tenant text DEFAULT current_setting('app.tenant', true));
