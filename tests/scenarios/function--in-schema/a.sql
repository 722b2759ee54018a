-- a function lives in a separate schema
CREATE SCHEMA util;
