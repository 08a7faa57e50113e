-- hostile: route yields across the C boundary, from the hook and from __index
local n = 0
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = function(o)
    n = n + 1
    if n == 1 then
      return setmetatable({}, { __index = function() return coroutine.yield("default") end })
    end
    return coroutine.yield("default")
  end,
}
-- expect-stderr: yield
-- expect-stderr: boundary_coroutine_yield.lua:8: route: attempt to yield
