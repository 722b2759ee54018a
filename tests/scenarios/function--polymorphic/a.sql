-- a polymorphic anyelement / anycompatiblearray function

