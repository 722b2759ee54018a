-- an enum gains a label that a column's new default uses in the same publish (ADD VALUE must be committed first)
CREATE TYPE public.status AS ENUM ('draft', 'new', 'done');
CREATE TABLE public.tasks (id int PRIMARY KEY, status public.status DEFAULT 'draft',
                           previous public.status DEFAULT 'draft');
