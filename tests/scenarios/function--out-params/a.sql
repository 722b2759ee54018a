-- a function with OUT parameters

