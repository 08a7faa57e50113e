-- hostile: select raises an error object whose __tostring raises again
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  select = function(o) error(setmetatable({}, { __tostring = error })) end,
}
-- expect-stderr: error object is a table
-- expect-stderr: boundary_error_tostring_raises.lua:4: select: error object is a table
