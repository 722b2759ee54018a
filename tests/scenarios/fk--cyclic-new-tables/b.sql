-- two new tables reference each other (cyclic foreign keys)
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE TABLE public.team (id int PRIMARY KEY, captain_id int);
CREATE TABLE public.player (id int PRIMARY KEY, team_id int REFERENCES public.team);
ALTER TABLE public.team ADD CONSTRAINT team_captain_fk FOREIGN KEY (captain_id) REFERENCES public.player DEFERRABLE INITIALLY DEFERRED;
