-- hostile: a target's storage class with CR/LF, which would add a header of its own
-- expect-stderr: storage_class
-- expect-stderr: line break
-- expect-stderr: keys_target_storage_class_crlf.lua:8:
return {
  sources = { "s3://@SRC@/in/" },
  targets = {
    t = { bucket = "@DST@", storage_class = "STANDARD\r\nX-Evil: 1" },
  },
}
