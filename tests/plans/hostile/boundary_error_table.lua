-- hostile: route raises a plain table as its error object
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = function(o) error({}) end,
}
-- expect-stderr: error object is a table
-- expect-stderr: boundary_error_table.lua:4: route: error object is a table
