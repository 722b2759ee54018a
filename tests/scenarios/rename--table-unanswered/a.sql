-- a table looks renamed but no answer is given (drop + create)
CREATE TABLE public.legacy_items (id int, label text);
