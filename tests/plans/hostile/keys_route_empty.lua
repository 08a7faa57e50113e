-- hostile: route returns an empty destination key (a request to the bucket itself)
-- expect-stderr: empty
-- expect-stderr: keys_route_empty.lua:
return {
  sources = { "s3://@SRC@/in/" },
  targets = { t = "s3://@DST@/" },
  route = function(o)
    return { target = "t", key = "" }
  end,
}
