-- a view's SELECT for a role is revoked while its column-level SELECT and UPDATE stay
CREATE TABLE public.member (id int PRIMARY KEY, email text, tier text);
CREATE VIEW public.member_v AS SELECT id, email, tier FROM public.member;
GRANT SELECT (id, tier), UPDATE (tier) ON public.member_v TO scenario_writer;
