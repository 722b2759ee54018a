-- a policy's USING reads a view that is recreated (a column goes), and the policy is kept
CREATE TABLE public.members (user_name text NOT NULL, team_id int NOT NULL, role text NOT NULL);
CREATE VIEW public.my_teams AS SELECT team_id, role FROM public.members WHERE user_name = current_user;
CREATE TABLE public.documents (id int PRIMARY KEY, team_id int NOT NULL, body text);
ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_read ON public.documents FOR SELECT USING (team_id IN (SELECT t.team_id FROM public.my_teams t));
