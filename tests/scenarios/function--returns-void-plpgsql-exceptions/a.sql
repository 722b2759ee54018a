-- a plpgsql function with an exception block

