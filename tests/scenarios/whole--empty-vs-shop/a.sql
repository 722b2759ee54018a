-- empty database vs the rich shop schema (everything created / everything dropped)

