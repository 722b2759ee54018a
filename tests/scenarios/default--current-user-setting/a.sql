-- defaults from CURRENT_USER and current_setting()
CREATE TABLE public.t (id int PRIMARY KEY, who text, tenant text);
