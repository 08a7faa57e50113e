-- hostile: a source prefix with a NUL (cut there, it would list and copy a wider prefix)
-- expect-stderr: contains a NUL byte
-- expect-stderr: keys_source_prefix_nul.lua:5:
return {
  sources = { "s3://@SRC@/in/\0nothing-here/" },
  target = "s3://@DST@/",
}
