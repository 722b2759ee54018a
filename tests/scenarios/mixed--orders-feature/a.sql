-- add orders table + FK + index + users column type change + new view
CREATE TABLE public.users (
    id serial PRIMARY KEY,
    email varchar(100) NOT NULL UNIQUE,
    name text,
    created_at timestamp NOT NULL DEFAULT now()
);
