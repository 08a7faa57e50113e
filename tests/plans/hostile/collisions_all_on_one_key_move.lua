-- hostile: every source routed onto one destination key in move mode (each would delete its source)
-- args: --move
-- expect-stderr: are both routed to s3://
-- expect-stderr: collisions_all_on_one_key_move.lua: at least 10 collisions
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
         route = function(o) return { target = "default", key = "same" } end }
