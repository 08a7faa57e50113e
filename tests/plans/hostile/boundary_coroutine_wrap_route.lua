-- hostile: route is a coroutine.wrap'ed C function; after a few objects it returns a wrong type
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = coroutine.wrap(function(o)
    for i = 1, 5 do o = coroutine.yield("default") end
    coroutine.yield(42)
  end),
}
-- expect-stderr: got number
-- expect-no-stderr: .lua:0:
-- expect-stderr: boundary_coroutine_wrap_route.lua:4: route: expected nil
