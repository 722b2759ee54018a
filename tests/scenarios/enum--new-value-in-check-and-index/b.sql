-- two enums gain labels that a new CHECK and a new partial index use
CREATE TYPE public.priority AS ENUM ('low', 'high', 'urgent');
CREATE TYPE public.stage AS ENUM ('open', 'blocked', 'closed');
CREATE TABLE public.tickets (id int PRIMARY KEY, priority public.priority, stage public.stage,
    CONSTRAINT tickets_urgent_open CHECK (priority <> 'urgent' OR stage <> 'blocked'));
CREATE INDEX tickets_urgent ON public.tickets (id) WHERE priority = 'urgent';
