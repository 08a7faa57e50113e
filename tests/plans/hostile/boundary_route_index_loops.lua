-- hostile: route returns a table whose __index loops forever when C reads `target`
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = function(o)
    return setmetatable({}, { __index = function() while true do end end })
  end,
}
-- expect-stderr: instruction budget
-- expect-stderr: boundary_route_index_loops.lua:5: route: instruction budget
