-- hostile: route sets a storage class with CR/LF, which would add a header of its own
-- expect-stderr: destination storage_class contains a line break
-- expect-stderr: keys_route_storage_class_crlf.lua:7: route:
return {
  sources = { "s3://@SRC@/in/" },
  targets = { t = "s3://@DST@/" },
  route = function(o)
    return { target = "t", storage_class = "STANDARD\r\nX-Evil: 1" }
  end,
}
