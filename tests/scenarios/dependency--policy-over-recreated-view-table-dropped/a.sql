-- a view a policy reads is recreated while the policy's table is dropped; another table's policy over the same view is kept
CREATE TABLE public.members (user_name text NOT NULL, team_id int NOT NULL, role text NOT NULL);
CREATE VIEW public.my_teams AS SELECT team_id, role, user_name FROM public.members WHERE user_name = current_user;
CREATE TABLE public.documents (id int PRIMARY KEY, team_id int NOT NULL, body text);
ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_read ON public.documents FOR SELECT USING (team_id IN (SELECT t.team_id FROM public.my_teams t));
CREATE TABLE public.notes (id int PRIMARY KEY, team_id int NOT NULL);
ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_notes ON public.notes USING (EXISTS (SELECT 1 FROM public.my_teams t WHERE t.team_id = notes.team_id));
