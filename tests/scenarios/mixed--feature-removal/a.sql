-- a feature is removed: tables, view, trigger, function, enum and sequence only in A
CREATE TABLE public.users (id int PRIMARY KEY, email text);
CREATE TYPE public.badge_kind AS ENUM ('gold', 'silver');
CREATE SEQUENCE public.badge_no;
CREATE TABLE public.badge (id int PRIMARY KEY DEFAULT nextval('public.badge_no'), user_id int REFERENCES public.users, kind public.badge_kind);
ALTER SEQUENCE public.badge_no OWNED BY public.badge.id;
CREATE VIEW public.gold_users AS SELECT u.* FROM public.users u JOIN public.badge b ON b.user_id = u.id WHERE b.kind = 'gold';
CREATE FUNCTION public.badge_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER badge_guard BEFORE INSERT ON public.badge FOR EACH ROW EXECUTE FUNCTION public.badge_guard();
ALTER TABLE public.users ADD COLUMN badge_count int NOT NULL DEFAULT 0;
