-- CHECKs PostgreSQL prints in a form that reads back differently (IN lists on varchar and char: a cast of the whole ARRAY[...]) are added, on a table and a domain
CREATE TABLE public.orders (id int PRIMARY KEY, status varchar(10), code char(2), note text,
    CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid', 'it''s, odd')),
    CONSTRAINT orders_code_check CHECK (code IN ('AA', 'B]') OR note IN ('x', 'y')),
    CONSTRAINT orders_either_check CHECK (status NOT IN ('gone') AND code <> ALL (ARRAY['ZZ', 'YY'])));
CREATE DOMAIN public.size AS varchar(4) CONSTRAINT size_check CHECK (VALUE IN ('S', 'M', 'L'));
