-- hostile: route returns a destination key with a NUL byte (a C string would end there)
-- expect-stderr: destination key contains a NUL byte
-- expect-stderr: keys_route_nul.lua:7: route:
return {
  sources = { "s3://@SRC@/in/" },
  targets = { t = "s3://@DST@/" },
  route = function(o)
    return { target = "t", key = "a\0" .. o.rel }
  end,
}
