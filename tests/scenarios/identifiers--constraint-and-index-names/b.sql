-- constraint and index names with quotes, unicode and dots
CREATE TABLE public.t (id int, code text, parent int, CONSTRAINT "pk ""main""" PRIMARY KEY (id), CONSTRAINT "Ünï_uq" UNIQUE (code), CONSTRAINT "self.fk" FOREIGN KEY (parent) REFERENCES public.t (id), CONSTRAINT "check me" CHECK (id > 0));
CREATE INDEX "idx.with.dots" ON public.t (parent);
