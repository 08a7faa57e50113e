-- hostile: route returns a table whose __index raises a non-string error object
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = function(o)
    return setmetatable({}, { __index = function(_, k) error({ field = k }) end })
  end,
}
-- expect-stderr: error object is a table
-- expect-stderr: boundary_route_index_raises.lua:5: route: error object is a table
