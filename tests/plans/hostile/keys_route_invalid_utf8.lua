-- hostile: route returns a destination key that is not valid UTF-8
-- expect-stderr: destination key is not valid UTF-8
-- expect-stderr: keys_route_invalid_utf8.lua:7: route:
return {
  sources = { "s3://@SRC@/in/" },
  targets = { t = "s3://@DST@/" },
  route = function(o)
    return { target = "t", key = "bad\xff\xfe/" .. o.rel }
  end,
}
