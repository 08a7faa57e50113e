-- hostile: a target prefix with a NUL (cut there, copies would land outside the prefix)
-- expect-stderr: holds a NUL byte
-- expect-stderr: keys_target_prefix_nul.lua:7:
return {
  sources = { "s3://@SRC@/in/" },
  targets = {
    t = { bucket = "@DST@", prefix = "\0safe/" },
  },
}
