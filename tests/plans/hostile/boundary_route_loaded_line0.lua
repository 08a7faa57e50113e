-- hostile: route is a load'ed main chunk (defined at line 0) that returns a bad value
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  route = load("return 42"),
}
-- expect-stderr: got number
-- expect-no-stderr: .lua:0:
-- expect-stderr: boundary_route_loaded_line0.lua:4: route: expected nil
