-- a text range type with a collation

