INSERT INTO public.addr_book VALUES ('a', 'b');
