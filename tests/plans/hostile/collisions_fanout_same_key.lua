-- hostile: one object fanned out onto the same key twice
-- expect-stderr: is routed to s3://
-- expect-stderr: twice
return { sources = { "s3://@SRC@/in/" }, targets = { a = "s3://@DST@/dup/" },
         route = function(o) return { { target = "a", key = o.name }, { target = "a", key = o.name } } end }
