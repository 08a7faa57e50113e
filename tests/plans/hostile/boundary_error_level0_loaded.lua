-- hostile: route is a load'ed chunk that raises with level 0: no position of its own
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = load("error('raised without a position', 0)"),
}
-- expect-stderr: raised without a position
-- expect-stderr: boundary_error_level0_loaded.lua:4: route: raised without a position
