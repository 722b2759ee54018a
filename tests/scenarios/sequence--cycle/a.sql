-- a sequence CYCLEs in B
CREATE SEQUENCE public.s MAXVALUE 100;
