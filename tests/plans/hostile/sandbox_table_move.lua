-- hostile: table.move over 2^63 indices: a C loop the instruction budget did not see
-- timeout: 40
-- expect-stderr: budget
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  select = function(obj) table.move({}, 1, math.maxinteger - 1, 1, {}) end }
