-- an enum loses a label (rebuilt) while one of the columns using it is dropped in the same migration and another keeps it
CREATE TYPE public.status AS ENUM ('new', 'paid', 'void');
CREATE TABLE public.invoices (id int PRIMARY KEY, status public.status NOT NULL DEFAULT 'new', old_status public.status);
