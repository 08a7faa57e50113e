-- hostile: route returns a destination key of 1025 bytes
-- expect-stderr: 1024
-- expect-stderr: keys_route_1025_bytes.lua:7: route:
return {
  sources = { "s3://@SRC@/in/" },
  targets = { t = "s3://@DST@/" },
  route = function(o)
    return { target = "t", key = string.rep("k", 1025) }
  end,
}
