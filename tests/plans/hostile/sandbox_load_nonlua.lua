-- hostile: a non-Lua file (allowed by --lua-read) given to load: the error must not quote its text
-- args: --lua-read /etc
-- expect-no-stderr: root
-- expect-no-stderr: daemon
-- expect-stderr: (load):1:
local text = assert(io.open("/etc/passwd")):read("a")
assert(load(text))
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
