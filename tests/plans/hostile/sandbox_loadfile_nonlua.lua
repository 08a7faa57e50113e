-- hostile: loadfile/dofile of a non-Lua file: the syntax error must not quote its first line
-- args: --lua-read /etc
-- expect-no-stderr: root
-- expect-no-stderr: daemon
-- expect-stderr: passwd:1:
assert(loadfile("/etc/passwd"))
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
