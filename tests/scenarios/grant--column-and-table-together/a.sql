-- one role holds SELECT on the whole table and UPDATE on one column; another the same privilege on both levels
CREATE TABLE public.account (id int PRIMARY KEY, email text, plan text);
