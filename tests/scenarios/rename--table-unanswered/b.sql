-- a table looks renamed but no answer is given (drop + create)
CREATE TABLE public.items (id int, label text);
