INSERT INTO public.t (id, c) VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
