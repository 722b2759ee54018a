-- two enums gain labels that a new CHECK and a new partial index use
CREATE TYPE public.priority AS ENUM ('low', 'high');
CREATE TYPE public.stage AS ENUM ('open', 'closed');
CREATE TABLE public.tickets (id int PRIMARY KEY, priority public.priority, stage public.stage);
