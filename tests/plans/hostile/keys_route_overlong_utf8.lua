-- hostile: route returns a key with an overlong UTF-8 form of "/" (C0 AF)
-- expect-stderr: destination key is not valid UTF-8
-- expect-stderr: keys_route_overlong_utf8.lua:7: route:
return {
  sources = { "s3://@SRC@/in/" },
  targets = { t = "s3://@DST@/" },
  route = function(o)
    return { target = "t", key = "..\xc0\xaf..\xc0\xaf" .. o.rel }
  end,
}
